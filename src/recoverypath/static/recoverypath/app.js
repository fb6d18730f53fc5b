// RecoveryPath: small progressive enhancements. No inline scripts (CSP).
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// Idle sign-out for staff: a warning a minute before the server ends the session, with a way to
// stay signed in. The limit comes from the page (data-idle-timeout, seconds); the server decides.
(function () {
  var body = document.body;
  var limit = parseInt(body && body.getAttribute("data-idle-timeout"), 10);
  if (!limit) { return; }
  var keepAliveUrl = body.getAttribute("data-keep-alive-url");
  var warnAfter = Math.max(limit - 60, 1) * 1000;
  var warnTimer, endTimer, notice;

  function csrfToken() {
    try { return JSON.parse(body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function hideNotice() {
    if (notice) { notice.remove(); notice = null; }
  }
  function showNotice() {
    hideNotice();
    notice = document.createElement("div");
    notice.className = "idle-warning";
    notice.setAttribute("role", "alertdialog");
    notice.setAttribute("aria-live", "assertive");
    notice.setAttribute("aria-label", "You are about to be signed out");
    var text = document.createElement("p");
    text.textContent = "You will be signed out in a minute because this page has been idle.";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "primary";
    button.textContent = "Stay signed in";
    button.addEventListener("click", stayActive);
    notice.appendChild(text);
    notice.appendChild(button);
    body.appendChild(notice);
    button.focus();
  }
  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(showNotice, warnAfter);
    // Past the limit the server has ended the session: reloading shows the log-in page.
    endTimer = setTimeout(function () { window.location.reload(); }, (limit + 2) * 1000);
  }
  function stayActive() {
    fetch(keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      // 204: still signed in. Anything else (a redirect to the log-in page): the session ended.
      if (response.status === 204) { hideNotice(); schedule(); } else { window.location.reload(); }
    });
  }
  document.addEventListener("htmx:afterRequest", function (event) {
    var headers = (event.detail && event.detail.requestConfig && event.detail.requestConfig.headers) || {};
    if (headers["X-RP-Background"] !== "1") { hideNotice(); schedule(); }
  });
  schedule();
})();
