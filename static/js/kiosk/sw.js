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

self.addEventListener("install", function () {
  self.skipWaiting();
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

/** Never seen the page yet and no server: a plain page that tries again by itself. */
function offlinePage() {
  const body = "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">" +
    "<meta http-equiv=\"refresh\" content=\"5\">" +
    "<link rel=\"stylesheet\" href=\"/static/css/kiosk.css\"><title>Lượt</title></head>" +
    "<body class=\"kiosk\"><main class=\"k-offline\" data-sw-offline=\"true\">" +
    "<h1 class=\"k-offline-title\">Máy lấy số đang mất kết nối</h1>" +
    "<p>Hệ thống đang tự kết nối lại. Ông/Bà vui lòng chờ trong giây lát " +
    "hoặc báo cán bộ hướng dẫn.</p></main></body></html>";
  return new Response(body, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
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
