/*
 * kiosk/scan.js — CCCD (ID card) scans: a keyboard-mode scanner is a fast burst of keys
 * ending in Enter; a serial scanner's reads arrive from the kiosk agent (device.js). A
 * reading greets the citizen and may suggest the elderly priority. On the check-in screen
 * what was typed goes to checkin.js instead (a booking's QR, a CCCD, a code), and a
 * booking's QR scanned elsewhere opens its check-in.
 */

import {bookingToken, cardAtCheckin, scannedBooking, typedAtCheckin} from "./checkin.js";
import {$, OFFICE, OPTS, api, config, state, t, toast, touch} from "./context.js";
import {fitServices, goStart} from "./home.js";
import {renderPriority} from "./priority.js";

/** A scanned card shows the elderly age, and the office has the elderly class. */
export function cardEligible() {
  const c = state.citizen;
  return Boolean(c && c.elderly &&
    state.classes.some(function (k) { return k.code === OPTS.elderly_class; }));
}

/** The elderly class a scanned card gives, unless the citizen declined it; else null. */
export function cardPriority() {
  return cardEligible() && !state.citizen.declined ? OPTS.elderly_class : null;
}

export function renderGreeting() {
  const c = state.citizen;
  $("k-greeting").hidden = !(c && (state.screen === "start" || state.screen === "priority"));
  if (!c) return;
  $("k-greeting-hello").textContent = c.name ? t("hello_name", { name: c.name }) : t("hello");
  const eligible = cardEligible();
  const age = c.threshold || config.office.elderly_age;
  $("k-greeting-note").textContent = !eligible ? t("greet_ok")
    : c.declined ? t("greet_declined") : t("greet_elderly_applied", {age: age});
  $("k-greeting").classList.toggle("k-greeting-elderly", eligible && !c.declined);
  const decline = $("k-greeting-decline");
  decline.hidden = !eligible || state.screen !== "start";
  decline.textContent = c.declined ? t("use_priority") : t("decline_priority");
  decline.setAttribute("aria-pressed", c.declined ? "true" : "false");
}

/** The citizen says no to (or takes back) the priority their card gives. */
export function toggleDecline() {
  if (!state.citizen) return;
  state.citizen.declined = !state.citizen.declined;
  renderGreeting();
}

export function onScanned(data) {
  if (!data) return;
  if (data.ok === false || !data.citizen) {
    toast(state.lang === "en" ? data.message || t("scan_failed")
      : (data.vi && data.vi.message) || t("scan_failed"), "error");
    return;
  }
  if (state.screen === "busy") {
    toast(t("scan_wait"), "error");
    return;
  }
  touch();
  if (state.screen === "checkin") {
    // On the check-in screen a card finds today's appointment (a return of results).
    cardAtCheckin(data.citizen);
    return;
  }
  const citizen = {
    name: data.name || null,
    elderly: !!data.elderly,
    age: data.age,
    threshold: data.elderly_age,
    token: data.citizen,
  };
  if (state.screen === "start" || state.screen === "priority") {
    state.citizen = citizen;
    renderGreeting();
    if (state.screen === "priority") renderPriority();
    else fitServices();
  } else {
    // A new citizen at a screen left by the previous one.
    state.citizen = citizen;
    goStart({ keepCitizen: true, fresh: true });
  }
}

function submitScan(payload) {
  if (state.scanning) return;
  state.scanning = true;
  const url = "/kiosk/" + encodeURIComponent(OFFICE) + "/scan";
  api.request("POST", url, {payload: payload}, {timeout: 8000}).then(function (r) {
    if (r.status === 0) toast(t("scan_offline"), "error");
    else if (r.data && typeof r.data.ok === "boolean") onScanned(r.data);
    else toast(t("scan_failed"), "error");
    state.scanning = false;
  });
}

// A scanner types much faster than any person: on average within scan_key_gap_ms per key.
// The average, not every gap, so a hiccup of a busy kiosk PC mid-burst (200 ms and more
// seen under load) does not split a scan; only a pause longer than PAUSE_MS starts a new
// burst. Nobody types on a kiosk, so a long PAUSE_MS costs nothing.
const PAUSE_MS = Math.max(1000, 10 * OPTS.scan_key_gap_ms);
const burst = {chars: [], first: 0, last: 0};

export function onKeyDown(event) {
  if (event.ctrlKey || event.altKey || event.metaKey) return;
  const key = event.key;
  if (key === "Shift" || key === "CapsLock" || key === "Dead" || key === "Process") return;
  const now = event.timeStamp || performance.now();
  const paused = now - burst.last > PAUSE_MS;
  burst.last = now;
  if (key === "Enter") {
    event.preventDefault();
    const text = burst.chars.join("").trim();
    const keys = burst.chars.length;
    const quick = keys > 1 && (now - burst.first) / keys <= OPTS.scan_key_gap_ms;
    burst.chars = [];
    const scanner = !paused && quick && text.length >= OPTS.scan_min_chars;
    if (state.screen === "checkin") {
      // A booking's QR, a CCCD, or its code typed: the check-in screen decides.
      touch();
      typedAtCheckin(text, scanner, submitScan);
      return;
    }
    // A booking's QR anywhere else opens its check-in (where the office books).
    if (scanner && bookingToken(text) && $("screen-checkin")) {
      touch();
      if (state.screen === "busy") toast(t("scan_wait"), "error");
      else scannedBooking(text);
      return;
    }
    if (scanner) submitScan(text);
    return;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: "anything but ASCII" is the point
  if (key.length !== 1 && !/^[^\x00-\x7f]+$/.test(key)) {
    burst.chars = [];
    return;
  }
  // Nobody types on this page: keys never press a focused button.
  event.preventDefault();
  if (paused || !burst.chars.length) {
    burst.chars = [];
    burst.first = now;
  }
  if (burst.chars.length < 2000) burst.chars.push(key);
}

export function onKeyUp(event) {
  if (event.key === "Enter" || event.key === " ") event.preventDefault();
}
