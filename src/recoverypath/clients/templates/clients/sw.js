// RecoveryPath service worker: the client's installed app opens offline.
// Served by clients.pwa.service_worker at /sw.js and registered with the scope /me/ (the client's
// own pages) by static/recoverypath/offline.js.
//
// What it keeps, and why it is safe to keep it (the pages hold protected health information):
// 1. Only the pages in CONFIG.pages: the signed-in client's OWN pages (home with the counter and
//    support contacts, safety plan, help page with 988 and the crisis text line), listed on the
//    `offline pages` hook (core.hooks.offline). No other page, no API answer, no POST is stored.
// 2. Staff pages are NEVER cached: they are not in the list, they are outside this worker's scope
//    (/me/), and the server marks only a 200 answer to a signed-in client (CONFIG.mark header,
//    clients.pwa.offline_page). An answer without the mark is never stored.
// 3. One person at a time: the mark names its owner (an opaque token). An answer for another
//    owner empties the cache before it is stored; a listed page answered without the mark
//    (signed out, session ended) empties it too.
// 4. Sign-out clears everything: offline.js deletes these caches (and its queue of check-ins,
//    after trying to send it) before the log-out form is sent.
// 5. Online, every page comes from the network as before; the copy is used only when the network
//    fails. Static files (CSS, scripts, icons; no health information) are kept beside the pages.
"use strict";

const CONFIG = {{ config|safe }};
const PAGES = "rp-offline-pages";
const STATIC = "rp-offline-static";
const OWNER_URL = "/__rp-offline-owner__";
// Bumped by "clear" (sign-out): a refresh that started before it stores nothing after it.
let generation = 0;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function sameOrigin(url) {
  return url.origin === self.location.origin;
}

function isListedPage(url) {
  return sameOrigin(url) && !url.search && CONFIG.pages.indexOf(url.pathname) !== -1;
}

function isStatic(url) {
  return sameOrigin(url) && url.pathname.indexOf(CONFIG.staticPrefix) === 0;
}

function clearPages() {
  return caches.delete(PAGES);
}

// Store a listed page's answer, if it may be kept (rules 2 and 3). Returns true when stored.
async function keepPage(path, response, started) {
  const owner = response.headers.get(CONFIG.mark);
  if (started !== generation || !response.ok || response.redirected || !owner) {
    await clearPages();
    return false;
  }
  let cache = await caches.open(PAGES);
  const stored = await cache.match(OWNER_URL);
  if (stored && (await stored.text()) !== owner) {
    await clearPages();
    cache = await caches.open(PAGES);
  }
  await cache.put(OWNER_URL, new Response(owner));
  await cache.put(path, response);
  if (started !== generation) { // signed out meanwhile
    await clearPages();
    return false;
  }
  return true;
}

// Online, a listed page answered without the mark (signed out: a redirect to the log-in page) or
// for another owner empties the cache (rule 3). The copy itself is refreshed by refresh().
async function forgetOthers(response) {
  const owner = response.type === "opaqueredirect" ? null : response.headers.get(CONFIG.mark);
  const cache = await caches.open(PAGES);
  const stored = await cache.match(OWNER_URL);
  if (stored && (!owner || (await stored.text()) !== owner)) {
    await clearPages();
  }
}

function staticLinks(html) {
  const found = new Set();
  const pattern = /(?:href|src)="([^"]+)"/g;
  let match;
  while ((match = pattern.exec(html)) !== null) {
    const url = new URL(match[1].replace(/&amp;/g, "&"), self.location.origin);
    if (isStatic(url)) {
      found.add(url.pathname);
    }
  }
  return found;
}

// Fetch every listed page (home first) and the static files they use; keep what may be kept.
async function refresh() {
  const started = generation;
  const statics = new Set();
  let kept = 0;
  for (const path of CONFIG.pages) {
    const response = await fetch(path, {
      credentials: "same-origin",
      redirect: "follow",
      cache: "no-store",
      headers: { "X-RP-Background": "1" },
    });
    if (!(await keepPage(path, response.clone(), started))) {
      return { kept: 0 };
    }
    kept += 1;
    staticLinks(await response.text()).forEach(function (url) { statics.add(url); });
  }
  const cache = await caches.open(STATIC);
  for (const url of statics) {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok) {
        await cache.put(url, response);
      }
    } catch (error) {
      // A static file that fails now is fetched again on the next refresh.
    }
  }
  return { kept: kept };
}

self.addEventListener("message", function (event) {
  const data = event.data || {};
  const reply = function (message) {
    if (event.source) {
      event.source.postMessage(message);
    }
  };
  if (data.type === "refresh") {
    event.waitUntil(
      refresh().then(
        function (result) { reply({ type: "refreshed", kept: result.kept }); },
        function () { reply({ type: "refreshed", kept: 0 }); }
      )
    );
  } else if (data.type === "clear") {
    generation += 1;
    event.waitUntil(
      Promise.all([clearPages(), caches.delete(STATIC)]).then(function () {
        if (event.ports && event.ports[0]) {
          event.ports[0].postMessage({ type: "cleared" });
        }
      })
    );
  }
});

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") {
    return; // POSTs (the check-in) always go to the network; offline.js queues them.
  }
  const url = new URL(request.url);
  if (request.mode === "navigate" && isListedPage(url)) {
    event.respondWith(
      fetch(request).then(
        function (response) {
          event.waitUntil(forgetOthers(response));
          return response;
        },
        function () {
          return caches.open(PAGES).then(function (cache) {
            return cache.match(url.pathname).then(function (copy) {
              return copy || Response.error();
            });
          });
        }
      )
    );
  } else if (isStatic(url)) {
    event.respondWith(
      fetch(request).catch(function () {
        return caches.open(STATIC).then(function (cache) {
          return cache.match(url.pathname).then(function (copy) {
            return copy || Response.error();
          });
        });
      })
    );
  }
});
