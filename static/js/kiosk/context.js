/*
 * kiosk/context.js — what every kiosk screen shares: the page's settings, the one state
 * object, the timers, the words, and showing screens and taking taps.
 *
 * Taps are never taken twice: every button is disabled the moment a ticket request starts,
 * an in-flight flag refuses a second request, and each new screen ignores taps for a short
 * moment so the second half of a double tap cannot land on what appeared under the finger.
 */

import {createApi} from "../lib/api.js";
import {byId, el, readJson} from "../lib/dom.js";
import {t as word} from "../lib/i18n.js";


export const config = readJson("kiosk-config");
export const OFFICE = config.office.code;
export const OPTS = config.options;
export const API = "/api/v1/offices/" + encodeURIComponent(OFFICE);
export const TOKEN_KEY = "luot.kiosk.token." + OFFICE;
export const ARM_MS = 450; // a new screen ignores taps this long
export const TOAST_MS = 7000;
export const PRINT_WAIT_MS = 20000; // no print report by then: say so
export const REFRESH_MS = 60000; // waiting counts on the start screen

export const state = {
  lang: "vi",
  screen: "start",
  services: config.services || [],
  opening: config.opening || {open: true}, // from /opening: closed shows before any tap
  offline: false, // the server did not answer the last check
  bootedOffline: false, // this page was opened while the server was away
  classes: config.priority_classes || [],
  pages: [],
  page: 0,
  perPage: null,
  layout: {density: 0, cols: 1, flat: false}, // the start screen's grid: text step, columns
  service: null,
  citizen: null, // {name, elderly, age, threshold, token}
  intent: null, // {service, priority, citizen, key}: what the citizen asked for
  inflight: null, // the one ticket request on its way, if any
  retryKind: null,
  refused: null, // {kind, en, vi}: the server's refusal in both languages
  ticket: null,
  printStatus: {}, // print job id → status, from print_status (may beat the answer)
  printState: "none",
  locked: false,
  remaining: 0,
  lastTouch: Date.now(),
  token: null,
  device: null,
  live: null,
};

export const $ = byId;
export const root = $("kiosk");
export const timers = {
  arm: null, countdown: null, print: null, toast: null, request: null, offline: null,
};

// Every request carries the kiosk's device token when it has one (no cookie, no CSRF).
export const api = createApi({
  base: "",
  csrf: "",
  token: function () {
    return state.token;
  },
});

/** A kiosk word (vocabulary `kiosk.*`) in the language the citizen chose. */
export function t(key, params) {
  return word("kiosk." + key, params, state.lang);
}

/** A field's or a class's name in the citizen's language (name_en may be empty). */
export function named(item) {
  if (state.lang === "en" && item.name_en) return item.name_en;
  return item.name;
}

export function setLocked(locked) {
  state.locked = locked;
  root.querySelectorAll("button").forEach(function (b) { b.disabled = locked; });
}

/** Show one screen; whatever the finger was on is gone, so taps wait ARM_MS. */
export function show(screen) {
  state.screen = screen;
  root.setAttribute("data-screen", screen);
  root.querySelectorAll(".k-screen").forEach(function (section) {
    section.hidden = section.id !== "screen-" + screen;
  });
  $("k-greeting").hidden = !(state.citizen && (screen === "start" || screen === "priority"));
  clearTimeout(timers.arm);
  setLocked(true);
  if (screen !== "busy") {
    timers.arm = setTimeout(function () {
      if (state.screen === screen) setLocked(false);
    }, ARM_MS);
  }
  if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
}

/** A kiosk button: locked with the rest of the screen, taken once per tap. */
export function button(className, onTap, attrs, children) {
  const b = el("button", Object.assign({type: "button", class: "k-btn " + className,
                                        disabled: state.locked}, attrs), children);
  tap(b, onTap);
  return b;
}

export function tap(node, onTap) {
  node.addEventListener("click", function (event) {
    event.preventDefault();
    if (node.blur) node.blur(); // a scanner's Enter or Space must never press it again
    if (state.locked || node.disabled) return;
    touch();
    onTap(event);
  });
}

export function touch() {
  state.lastTouch = Date.now();
}

/** A short note at the bottom of the screen (a scan that failed, ...). */
export function toast(message, kind) {
  const box = $("k-toast");
  box.textContent = message;
  box.setAttribute("data-kind", kind || "info");
  box.hidden = false;
  clearTimeout(timers.toast);
  timers.toast = setTimeout(function () { box.hidden = true; }, TOAST_MS);
}
