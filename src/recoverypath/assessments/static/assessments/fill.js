// Assessments: one question per screen with progress, and a guard against unanswered items.
// Loaded as a file (CSP forbids inline scripts). Without JavaScript every question shows on one
// page and the server refuses an incomplete form, naming the question.
(function () {
  "use strict";
  var form = document.querySelector("[data-fill-form]");
  if (!form) { return; }
  var questions = Array.prototype.slice.call(form.querySelectorAll("[data-question]"));
  var progress = document.querySelector("[data-progress]");
  var progressText = document.querySelector("[data-progress-text]");
  var nextButton = form.querySelector("[data-step-next]");
  var backButton = form.querySelector("[data-step-back]");
  var submitButton = form.querySelector("[data-submit]");
  var stepError = form.querySelector("[data-step-error]");
  var stepMode = form.getAttribute("data-mode") === "step";
  var current = 0;

  function answerOf(q) {
    var checked = q.querySelector("input[type=radio]:checked");
    if (checked) { return checked.value; }
    var numbers = q.querySelectorAll("input[type=number]");
    if (numbers.length === 1) { return numbers[0].value === "" ? null : numbers[0].value; }
    return null;
  }

  function isAsked(q) {
    var dep = q.getAttribute("data-asked-if-item");
    if (!dep) { return true; }
    var source = form.querySelector('[data-question="' + dep + '"]');
    return source && answerOf(source) === q.getAttribute("data-asked-if-answer");
  }

  function isAnswered(q) {
    if (!isAsked(q) || q.hasAttribute("data-optional")) { return true; }
    var value = answerOf(q);
    if (value === null) { return false; }
    var number = q.querySelector("input[type=number]");
    if (number) {
      var n = Number(value);
      return Number.isInteger(n) && n >= Number(number.min) && n <= Number(number.max);
    }
    return true;
  }

  function asked() { return questions.filter(isAsked); }

  function clearSkipped() {
    questions.forEach(function (q) {
      var skip = !isAsked(q);
      q.classList.toggle("is-skipped", skip);
      if (skip) {
        q.querySelectorAll("input[type=radio]").forEach(function (i) { i.checked = false; });
      }
    });
  }

  function updateProgress() {
    var list = asked();
    var done = list.filter(function (q) { return !q.hasAttribute("data-optional") && answerOf(q) !== null; }).length;
    var total = list.filter(function (q) { return !q.hasAttribute("data-optional"); }).length;
    if (progress) { progress.max = total; progress.value = done; progress.textContent = done + " of " + total; }
    if (progressText) {
      if (stepMode) {
        var pos = list.indexOf(questions[current]) + 1;
        progressText.textContent = "Question " + pos + " of " + list.length + " · " + done + " answered";
      } else {
        progressText.textContent = done + " of " + total + " answered";
      }
    }
  }

  function show(index) {
    current = index;
    questions.forEach(function (q, i) { q.classList.toggle("is-current", i === index); });
    var list = asked();
    var pos = list.indexOf(questions[index]);
    backButton.hidden = pos <= 0;
    var last = pos === list.length - 1;
    nextButton.hidden = last;
    submitButton.hidden = !last;
    stepError.hidden = true;
    updateProgress();
  }

  function focusCurrent() {
    var first = questions[current].querySelector("input");
    if (first) { first.focus(); }
  }

  function move(delta) {
    var list = asked();
    var pos = list.indexOf(questions[current]) + delta;
    if (pos < 0 || pos >= list.length) { return; }
    show(questions.indexOf(list[pos]));
    focusCurrent();
  }

  form.addEventListener("change", function () {
    clearSkipped();
    updateProgress();
    if (stepMode) { show(current); }
  });
  form.addEventListener("input", updateProgress);

  form.addEventListener("submit", function (event) {
    clearSkipped();
    var missing = asked().filter(function (q) { return !isAnswered(q); });
    if (missing.length) {
      event.preventDefault();
      if (stepMode) { show(questions.indexOf(missing[0])); stepError.hidden = false; }
      else {
        stepError.hidden = false;
        stepError.textContent = "Please answer question " + missing[0].getAttribute("data-index") + " before you submit.";
        missing[0].scrollIntoView({ block: "center" });
      }
    }
  });

  if (stepMode) {
    form.classList.add("js-step");
    nextButton.addEventListener("click", function () {
      if (!isAnswered(questions[current])) { stepError.hidden = false; return; }
      move(1);
    });
    backButton.addEventListener("click", function () { move(-1); });
    // Start at the first question with an error (after a refused submit), else the first.
    var firstError = questions.findIndex(function (q) { return q.classList.contains("has-error"); });
    clearSkipped();
    show(firstError >= 0 ? firstError : 0);
  } else {
    clearSkipped();
    updateProgress();
  }
})();
