// Show each slider's value next to its label (progressive: the form works without this).
document.addEventListener("input", function (event) {
  var input = event.target;
  if (input.type !== "range") return;
  var out = document.querySelector('output[for="' + input.id + '"]');
  if (out) out.textContent = input.value;
});
