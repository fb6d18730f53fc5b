// RecoveryPath: the client's installed app offline (the worker is clients/templates/clients/sw.js).
// 1. On the client's own pages (body[data-sw-url]) it registers the service worker, and the home
//    page asks it to refresh its copies of the client's pages.
// 2. Offline, the page says so and the sobriety counter counts today.
// 3. A check-in made offline is kept in localStorage with an Idempotency-Key and sent to the API
//    when the phone is back online (the same key on every try: it is stored once).
// 4. Log out: queued check-ins are sent if possible, then the copies and the queue are deleted
//    (they hold health information; the device may be shared).
(function () {
  "use strict";
  var body = document.body;
  var QUEUE_KEY = "rp-offline-check-ins";
  var CACHE_PREFIX = "rp-offline-";
  var MAX_AGE_MS = 4 * 24 * 3600 * 1000; // the API takes a check-in up to 3 days back
  if (!body) { return; }
  // The page's words in its language (base.html, core.context_processors.PAGE_TEXT).
  var pageText = {};
  try {
    var textNode = document.getElementById("rp-page-text");
    pageText = textNode ? JSON.parse(textNode.getAttribute("data-text") || "{}") : {};
  } catch (e) { pageText = {}; }
  function t(key, english, day) {
    var said = pageText[key] || english;
    return day === undefined ? said : said.replace("%(day)s", day);
  }
  var owner = body.getAttribute("data-offline-owner");

  // ---- the local day in the client's zone --------------------------------------------------
  function localDay(zone) {
    // en-CA formats as YYYY-MM-DD.
    try {
      return new Intl.DateTimeFormat("en-CA", {
        timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit"
      }).format(new Date());
    } catch (e) {
      return new Intl.DateTimeFormat("en-CA").format(new Date());
    }
  }
  function daysBetween(from, to) {
    return Math.round((Date.parse(to + "T00:00:00Z") - Date.parse(from + "T00:00:00Z")) / 86400000);
  }

  // ---- the queue ---------------------------------------------------------------------------
  function readQueue() {
    try { return JSON.parse(window.localStorage.getItem(QUEUE_KEY)) || []; } catch (e) { return []; }
  }
  function writeQueue(items) {
    try {
      if (items.length) { window.localStorage.setItem(QUEUE_KEY, JSON.stringify(items)); }
      else { window.localStorage.removeItem(QUEUE_KEY); }
    } catch (e) { /* storage full or blocked: nothing more can be done here */ }
  }
  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return "check-in-" + window.crypto.randomUUID(); }
    return "check-in-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    try { return JSON.parse(body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  var statusBox = document.querySelector("[data-testid=offline-status]");
  function say(text) {
    if (!statusBox) { return; }
    statusBox.textContent = text;
    statusBox.hidden = !text;
  }
  function dayLabel(day) {
    var parts = day.split("-");
    var date = new Date(Date.UTC(+parts[0], +parts[1] - 1, +parts[2]));
    return date.toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
  }

  var flushing = null;
  // Send this person's queued check-ins, oldest first. Each keeps its Idempotency-Key, so a
  // check-in whose answer was lost is not stored twice when it is sent again.
  function flush() {
    if (flushing) { return flushing; }
    if (!owner || !navigator.onLine) { return Promise.resolve(); }
    var now = Date.now();
    var items = readQueue().filter(function (item) {
      return item.owner === owner || now - item.queuedAt < MAX_AGE_MS;
    });
    writeQueue(items);
    var mine = items.filter(function (item) { return item.owner === owner; });
    if (!mine.length) { return Promise.resolve(); }
    flushing = mine.reduce(function (previous, item) {
      return previous.then(function () { return send(item); });
    }, Promise.resolve()).finally(function () { flushing = null; });
    return flushing;
  }
  function drop(item) {
    writeQueue(readQueue().filter(function (other) { return other.key !== item.key; }));
  }
  function send(item) {
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Idempotency-Key": item.key,
        "X-CSRFToken": csrfToken()
      },
      body: JSON.stringify(item.body)
    }).then(function (response) {
      if (response.ok) {
        drop(item);
        say(t("check_in_sent", "Your check-in for %(day)s was sent. Thank you.", dayLabel(item.body.date)));
      } else if (response.status === 400 || response.status === 422) {
        // The server will never take it (e.g. more than 3 days old): say why, then let it go.
        drop(item);
        return response.json().then(function (error) {
          say(t("check_in_refused", "Your check-in for %(day)s could not be saved:", dayLabel(item.body.date)) + " " +
              ((error && error.message) || t("check_in_again", "please check in again.")));
        }, function () { say(t("check_in_failed", "Your check-in could not be saved: please check in again.")); });
      } else if (response.status === 401 || response.status === 403) {
        say(t("log_in_again", "Log in again to send the check-in saved on this phone."));
      }
      // 409 (still being saved), 429, 5xx: kept, and sent again later with the same key.
    }, function () { /* still offline: kept */ });
  }

  // ---- the check-in form, offline ----------------------------------------------------------
  function checked(form, name) {
    return Array.prototype.map.call(
      form.querySelectorAll("input[name='" + name + "']:checked"),
      function (input) { return input.value; }
    );
  }
  function offlineAnswers(form) {
    var value = function (name) { var field = form.elements[name]; return field ? field.value.trim() : ""; };
    var answers = {
      date: localDay(form.getAttribute("data-time-zone")),
      mood: checked(form, "mood")[0],
      craving: checked(form, "craving")[0],
      stress: checked(form, "stress")[0],
      sleep_hours: value("sleep_hours"),
      used: checked(form, "used")[0],
      substances: checked(form, "substances"),
      triggers: checked(form, "triggers"),
      trigger_other: value("trigger_other"),
      coping: checked(form, "coping"),
      note: value("note")
    };
    var sleep = parseFloat(answers.sleep_hours);
    if (!answers.mood || !answers.craving || !answers.stress || !answers.used ||
        answers.sleep_hours === "" || isNaN(sleep) || sleep < 0 || sleep > 24) {
      return { error: t("answer_all", "Please answer every question: mood, cravings, sleep (0 to 24 hours), stress, and yes or no.") };
    }
    if (answers.used === "yes" && !answers.substances.length) {
      return { error: t("say_what", "Tell us what you used (Other is fine).") };
    }
    answers.mood = parseInt(answers.mood, 10);
    answers.craving = parseInt(answers.craving, 10);
    answers.stress = parseInt(answers.stress, 10);
    answers.used = answers.used === "yes";
    if (!answers.used) { answers.substances = []; }
    return { answers: answers };
  }
  function queueCheckIn(form) {
    var result = offlineAnswers(form);
    if (result.error) { say(result.error); return; }
    var answers = result.answers;
    // One check-in a day: a second one for the same day replaces the first (with a new key,
    // since its answers differ; the server keeps one row a day either way).
    var items = readQueue().filter(function (item) {
      return !(item.owner === owner && item.body.date === answers.date);
    });
    items.push({
      key: newKey(), owner: owner, url: form.getAttribute("data-offline-queue"),
      body: answers, queuedAt: Date.now()
    });
    writeQueue(items);
    say(t("kept_offline", "You are offline. Your check-in is saved on this phone and will be sent when you are back online."));
  }
  var checkInForm = document.querySelector("form[data-offline-queue]");
  if (checkInForm && owner) {
    checkInForm.addEventListener("submit", function (event) {
      if (navigator.onLine) { return; } // online: the form is sent as always
      event.preventDefault();
      queueCheckIn(checkInForm);
    });
  }

  // ---- offline: say so, and count today ----------------------------------------------------
  var banner = null;
  function showOffline() {
    if (!owner || banner || navigator.onLine) { return; }
    banner = document.createElement("p");
    banner.className = "msg msg-warning";
    banner.setAttribute("role", "status");
    banner.setAttribute("data-testid", "offline-banner");
    banner.textContent = t("offline_copy", "You are offline. This is the copy saved on your phone.");
    var main = document.getElementById("main");
    if (main) { main.insertBefore(banner, main.firstChild); }
    var counter = document.querySelector("[data-sobriety-date]");
    if (counter && counter.getAttribute("data-sobriety-date")) {
      var days = daysBetween(
        counter.getAttribute("data-sobriety-date"), localDay(counter.getAttribute("data-time-zone"))
      );
      if (days >= 0) { counter.textContent = String(days); }
    }
    // A copy from an earlier day shows that day's check-in as today's: start a new one.
    if (checkInForm && checkInForm.hasAttribute("data-saved-day") &&
        checkInForm.getAttribute("data-saved-day") !== localDay(checkInForm.getAttribute("data-time-zone"))) {
      var heading = document.getElementById("checkin-h");
      if (heading) { heading.textContent = t("daily_check_in", "Daily check-in"); }
      Array.prototype.forEach.call(checkInForm.querySelectorAll("input, textarea"), function (field) {
        if (field.type === "radio" || field.type === "checkbox") { field.checked = false; }
        else if (field.type !== "hidden") { field.value = ""; }
      });
      checkInForm.removeAttribute("data-saved-day");
    }
  }
  window.addEventListener("offline", showOffline);
  window.addEventListener("online", function () {
    if (banner) { banner.remove(); banner = null; }
    flush();
  });
  showOffline();

  // ---- the service worker ------------------------------------------------------------------
  var swUrl = body.getAttribute("data-sw-url");
  if (swUrl && owner && "serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type === "refreshed") { body.setAttribute("data-offline-ready", data.kept ? "yes" : "no"); }
    });
    navigator.serviceWorker.register(swUrl, { scope: body.getAttribute("data-sw-scope") })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        if (body.hasAttribute("data-offline-warm") && navigator.onLine && registration.active) {
          registration.active.postMessage({ type: "refresh" });
        }
      })
      .catch(function () { /* no worker (private mode, old browser): the pages work online */ });
  }
  flush();

  // ---- log out: send what is queued, then forget everything kept on this phone -------------
  // Each worker stops a refresh under way (it would store a page after the copies are gone).
  function tellWorkers() {
    if (!("serviceWorker" in navigator)) { return Promise.resolve(); }
    return navigator.serviceWorker.getRegistrations().then(function (registrations) {
      return Promise.all(registrations.map(function (registration) {
        if (!registration.active) { return null; }
        return new Promise(function (resolve) {
          var channel = new MessageChannel();
          channel.port1.onmessage = resolve;
          registration.active.postMessage({ type: "clear" }, [channel.port2]);
          setTimeout(resolve, 1000);
        });
      }));
    });
  }
  function forgetEverything() {
    // Check-ins hold health information: whatever could not be sent is not left behind.
    writeQueue([]);
    if (!window.caches) { return Promise.resolve(); }
    return tellWorkers().catch(function () {}).then(function () {
      return window.caches.keys();
    }).then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(CACHE_PREFIX) === 0;
      }).map(function (name) { return window.caches.delete(name); }));
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("logout") || form.getAttribute("data-forgotten")) { return; }
    event.preventDefault();
    var timeout = new Promise(function (resolve) { setTimeout(resolve, 3000); });
    Promise.race([flush(), timeout])
      .then(forgetEverything, forgetEverything)
      .catch(function () {})
      .then(function () {
        form.setAttribute("data-forgotten", "1");
        form.submit();
      });
  });
})();
