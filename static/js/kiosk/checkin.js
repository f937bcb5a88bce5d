/*
 * kiosk/checkin.js — "Tôi đã đặt lịch hẹn": the citizen with an appointment checks in by
 * its code (an on-screen keyboard of the code's alphabet: the kiosk has no keyboard), by
 * its QR (a scanner types `…/b/<token>` and Enter), or by the CCCD scanned when a dossier
 * was received (a return of results). The ticket is the ordinary ticket screen, with a
 * line for the appointment's time.
 *
 * Checking in is idempotent on the server (asking again returns the same ticket), so a
 * request with no answer may simply be sent again. Refusals (no such code, too early, not
 * today, cancelled) stay on this screen, in the server's words, with the time to come back.
 */

import {el} from "../lib/dom.js";
import {$, API, OPTS, api, button, show, state, t} from "./context.js";
import {goStart} from "./home.js";
import {showTicket} from "./ticket.js";

export const CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY34679";
export const CODE_LENGTH = 6;
// What a booking's QR holds: <base>/b/<token> (secrets.token_urlsafe on the server).
const BOOKING_URL = /^https?:\/\/[^/\s]+(?:\/[^\s]*)?\/b\/([A-Za-z0-9_-]{16,64})\/?$/;

const checkin = {
  code: "",
  refused: null, // {status, how, en, vi, tried}: the last refusal, shown until a key
  sending: false,
};

/** The token of a booking's QR URL, or null. */
export function bookingToken(text) {
  const match = BOOKING_URL.exec((text || "").trim());
  return match ? match[1] : null;
}

function normalised(text) {
  return (text || "").replace(/[\s-]/g, "").toUpperCase();
}

function validCode(text) {
  if (text.length !== CODE_LENGTH) return false;
  for (const ch of text) if (CODE_ALPHABET.indexOf(ch) < 0) return false;
  return true;
}

export function showCheckin() {
  checkin.code = "";
  checkin.refused = null;
  checkin.sending = false;
  show("checkin");
  buildKeys();
  renderCheckin();
}

function buildKeys() {
  const box = $("k-keys");
  if (box.childElementCount) return;
  const keys = CODE_ALPHABET.split("").map(function (ch) {
    return button("k-key", function () { press(ch); }, {"data-key": ch}, ch);
  });
  keys.push(button("k-key k-key-delete", erase, {"data-key": "delete"}, [
    el("span", {class: "k-arrow k-arrow-left", "aria-hidden": "true"}),
    el("span", {class: "k-key-delete-text", text: t("checkin_delete")}),
  ]));
  box.replaceChildren(...keys);
}

function press(ch) {
  if (checkin.sending) return;
  if (checkin.refused) checkin.refused = null;
  if (checkin.code.length < CODE_LENGTH) checkin.code += ch;
  renderCheckin();
}

function erase() {
  if (checkin.sending) return;
  checkin.refused = null;
  checkin.code = checkin.code.slice(0, -1);
  renderCheckin();
}

export function renderCheckin() {
  if (state.screen !== "checkin") return;
  const cells = [];
  for (let i = 0; i < CODE_LENGTH; i++) {
    const ch = checkin.code[i] || "";
    cells.push(el("span", {class: "k-code-cell" + (ch ? " k-code-filled" : ""), text: ch}));
  }
  $("k-code").replaceChildren(...cells);
  $("k-code").setAttribute("data-code", checkin.code);
  const full = checkin.code.length === CODE_LENGTH;
  const confirm = $("k-checkin-confirm");
  confirm.classList.toggle("k-waiting", !full);
  confirm.setAttribute("aria-disabled", full ? "false" : "true");
  const remove = $("k-keys").querySelector(".k-key-delete-text");
  if (remove) remove.textContent = t("checkin_delete");
  const r = checkin.refused;
  $("k-checkin-refused").hidden = !r;
  $("k-checkin-hint").hidden = !!r;
  if (!r) return;
  let title = "checkin_refused_title";
  let message = state.lang === "en" ? r.en : r.vi;
  if (r.status === 0) {
    message = t("checkin_network");
  } else if (r.status === 404) {
    title = "checkin_missing_title";
    message = t(r.how === "citizen" ? "checkin_missing_card" : "checkin_missing_code");
  } else if (r.error === "closed") {
    title = "hours_title";
  }
  $("k-checkin-refused-title").textContent = t(title);
  $("k-checkin-refused-message").textContent = message || t("refused_message");
  const tried = r.how === "code" && r.status !== 0;
  $("k-checkin-refused-tried").replaceChildren(...(tried ? [
    el("span", {class: "k-checkin-tried-code", text: t("checkin_tried", {code: r.tried})}),
    el("span", {text: t("checkin_again")}),
  ] : []));
  $("k-checkin-refused-tried").hidden = !tried;
}

/** "Xác nhận": the typed code, once it is whole. */
export function confirmCode() {
  if (!validCode(checkin.code)) return;
  send({code: checkin.code}, "code");
}

/** What a scanner (or a keyboard) typed on this screen, Enter ending it. `scanner`: it came
 * as fast as only a scanner types, long enough for a CCCD. */
export function typedAtCheckin(text, scanner, submitCard) {
  const token = bookingToken(text);
  if (token) {
    send({token: token}, "token");
    return;
  }
  if (scanner) {
    submitCard(text); // a CCCD: the scan answer comes back through onScanned
    return;
  }
  const code = normalised(text);
  if (validCode(code)) {
    checkin.code = code;
    renderCheckin();
    send({code: code}, "code");
  } else if (!text) {
    confirmCode(); // Enter alone: as "Xác nhận"
  }
}

/** A CCCD read on this screen: today's appointment of that card. */
export function cardAtCheckin(citizenToken) {
  send({citizen: citizenToken}, "citizen");
}

function busyTitle(key) {
  const title = $("k-busy-title");
  title.setAttribute("data-t", key);
  title.textContent = t(key);
}

function send(body, how) {
  if (checkin.sending || state.inflight) return;
  checkin.sending = true;
  const tried = body.code || "";
  busyTitle("checkin_busy");
  show("busy");
  const timeout = OPTS.request_timeout_seconds * 1000;
  api.request("POST", API + "/check-in", body, {timeout: timeout}).then(function (r) {
    checkin.sending = false;
    busyTitle("issuing");
    if (state.screen !== "busy") return; // gone back to the start meanwhile
    if (r.status === 201 && r.data && r.data.code) {
      showTicket(r.data);
      return;
    }
    if (r.status === 429 || r.status >= 500) {
      refuse({status: 0, how: how, tried: tried});
      return;
    }
    const data = r.data || {};
    refuse({
      status: r.status, how: how, tried: tried, error: data.error,
      en: data.message || "", vi: (data.vi && data.vi.message) || "",
    });
  });
}

function refuse(refusal) {
  show("checkin");
  checkin.refused = refusal;
  // No answer: keep the code for "Xác nhận" again. A refusal: the next code from scratch.
  if (refusal.status !== 0) checkin.code = "";
  renderCheckin();
}

export function checkinBack() {
  goStart({keepCitizen: true});
}

/** A QR of a booking scanned on another screen: straight to its check-in. */
export function scannedBooking(text) {
  showCheckin();
  typedAtCheckin(text, false, null);
}
