/*
 * device_key.js — a registered screen (kiosk, waiting-room board, rating tablet) is opened
 * once with ?key=TOKEN. Luot.deviceKey(storeKey) keeps that token in localStorage, takes it
 * out of the address bar (so it is not left on screen or in history), and returns it; on
 * later loads it returns the stored one, or null.
 */
(function () {
  "use strict";
  window.Luot = window.Luot || {};

  window.Luot.deviceKey = function (storeKey) {
    var url = new URL(window.location.href);
    var key = url.searchParams.get("key");
    if (key) {
      try { localStorage.setItem(storeKey, key); } catch { /* private mode */ }
      url.searchParams.delete("key");
      window.history.replaceState(null, "", url.pathname + url.search + url.hash);
      return key;
    }
    try { return localStorage.getItem(storeKey); } catch { return null; }
  };
})();
