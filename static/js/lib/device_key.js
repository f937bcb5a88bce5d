/*
 * device_key.js — a registered screen (kiosk, waiting-room board, rating tablet) is opened
 * once with ?key=TOKEN. deviceKey(storeKey) keeps that token in localStorage, takes it out
 * of the address bar (so it is not left on screen or in history), and returns it; on later
 * loads it returns the stored one, or null.
 */

export function deviceKey(storeKey) {
  const url = new URL(window.location.href);
  const key = url.searchParams.get("key");
  if (key) {
    try {
      localStorage.setItem(storeKey, key);
    } catch {
      /* private mode */
    }
    url.searchParams.delete("key");
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
    return key;
  }
  try {
    return localStorage.getItem(storeKey);
  } catch {
    return null;
  }
}

/** Forget a token the server refused (revoked or mistyped). */
export function forgetDeviceKey(storeKey) {
  try {
    localStorage.removeItem(storeKey);
  } catch {
    /* private mode */
  }
}
