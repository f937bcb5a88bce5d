/*
 * kiosk/sw.js — the kiosk's service worker (served at /kiosk/sw.js, scope /kiosk/).
 *
 * A reload or a reboot while the server is away must never land on the browser's own
 * error page: the kiosk page and everything it loads are kept from their last good copy,
 * and the page, opened from it, says it is offline and retries by itself. Network first,
 * so while the server answers everything is fresh; the API and Socket.IO are never kept.
 */

const CACHE = "luot-kiosk-v1";
const KEPT = /^\/(static\/|vocabulary\.json$)/;

// The offline page's words, from the one catalogue (server/i18n/catalogue.py): kept at
// install, so a kiosk that has never shown its page yet can still say what is happening.
const WORDS = "/vocabulary.json?lang=vi";

self.addEventListener("install", function (event) {
  self.skipWaiting();
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.add(WORDS);
  }).catch(function () { /* no words yet: the page below refreshes without them */ }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

/** A kiosk page is kept under its address without the query (?key= is one-off). */
function pageKey(url) {
  return url.origin + url.pathname;
}

function keep(key, response) {
  if (response.ok && response.type === "basic") {
    const copy = response.clone();
    caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
  }
  return response;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"]/g, function (c) {
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"}[c];
  });
}

/** Never seen the page yet and no server: a plain page that tries again by itself. */
function offlinePage() {
  return caches.match(WORDS).then(function (hit) {
    return hit ? hit.json() : null;
  }).catch(function () {
    return null;
  }).then(function (data) {
    const words = (data && data.words) || {};
    const title = escapeHtml(words["kiosk.offline_title"] || "");
    const message = escapeHtml(words["kiosk.offline_message"] || "");
    const body = "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">" +
      "<meta http-equiv=\"refresh\" content=\"5\">" +
      "<link rel=\"stylesheet\" href=\"/static/css/kiosk.css\"><title>" + title + "</title>" +
      "</head><body class=\"kiosk\"><main class=\"k-offline\" data-sw-offline=\"true\">" +
      "<h1 class=\"k-offline-title\">" + title + "</h1><p>" + message + "</p></main></body></html>";
    return new Response(body, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
  });
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    const key = pageKey(url);
    event.respondWith(fetch(request).then(function (response) {
      return keep(key, response);
    }).catch(function () {
      return caches.match(key).then(function (hit) { return hit || offlinePage(); });
    }));
  } else if (KEPT.test(url.pathname)) {
    event.respondWith(fetch(request).then(function (response) {
      return keep(request, response);
    }).catch(function () {
      return caches.match(request).then(function (hit) { return hit || Response.error(); });
    }));
  }
});
