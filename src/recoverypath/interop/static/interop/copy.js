// "Copy link" buttons: copy the named input's value and say so to screen readers.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy-target]");
  if (!button) return;
  var input = document.getElementById(button.getAttribute("data-copy-target"));
  var status = document.querySelector("[data-copy-status]");
  if (!input) return;
  input.select();
  var done = function () { if (status) status.textContent = "Copied."; };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(input.value).then(done, function () {
      if (status) status.textContent = "Select the link and copy it.";
    });
  } else {
    document.execCommand("copy");
    done();
  }
});
