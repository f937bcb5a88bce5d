/*
 * guard.js — what an office may ask of a booker before the booking is made:
 *
 * - the code sent to the phone (offices that verify phones): "Send code" posts
 *   /offices/<office>/phone-codes, the citizen types the six digits back;
 * - the browser check (ALTCHA proof-of-work) while the office is under pressure: the
 *   widget from static/vendor/ (loaded only then), its PBKDF2 worker from the box, and
 *   its Vietnamese words; it fetches a challenge from the API and solves it on the phone.
 *
 * The server decides when either is needed (docs/API.md, Appointments); the page only
 * follows: `challengePayload()` is called before a booking when the page says the check
 * is on, and again after a refusal naming `altcha`.
 */

import {byId} from "../lib/dom.js";
import {t} from "../lib/i18n.js";
import {refusal, showError} from "./errors.js";

let widget = null;

async function loadWidget(page) {
  if (widget) return widget;
  await import(page.vendor + "altcha.min.js");
  if (page.lang !== "en") await import(page.vendor + "altcha-vi.js");
  const worker = page.vendor + "altcha-pbkdf2.js";
  for (const name of ["PBKDF2/SHA-256", "PBKDF2/SHA-384", "PBKDF2/SHA-512"]) {
    globalThis.$altcha.algorithms.set(name, function () { return new Worker(worker); });
  }
  widget = document.createElement("altcha-widget");
  widget.setAttribute("challenge", page.challenge_url);
  widget.setAttribute("auto", "off");
  widget.setAttribute("name", "altcha");
  widget.setAttribute("language", page.lang === "en" ? "en" : "vi");
  widget.setAttribute("workers", "2");
  byId("check").append(widget);
  byId("check").hidden = false;
  return widget;
}

/** A solved challenge's payload for the booking's `altcha`, or null (shown as an error). */
export async function challengePayload(page) {
  showError("error-altcha", "");
  byId("check-status").textContent = t("booking.checking");
  try {
    const element = await loadWidget(page);
    const solved = new Promise(function (resolve) {
      function done(event) {
        const detail = event.detail || {};
        if (event.type === "verified") return resolve(detail.payload || null);
        if (detail.state === "error" || detail.state === "expired") resolve(null);
      }
      element.addEventListener("verified", done, {once: true});
      element.addEventListener("statechange", done);
    });
    element.verify();
    const payload = await solved;
    byId("check-status").textContent = "";
    if (!payload) showError("error-altcha", t("booking.check_failed"));
    return payload;
  } catch {
    byId("check-status").textContent = "";
    showError("error-altcha", t("booking.check_failed"));
    return null;
  }
}

/** Wire "Send code" (offices that verify phones). */
export function setUpPhoneCode(page, api) {
  const button = byId("send-code");
  if (!button) return;
  button.addEventListener("click", async function () {
    showError("error-phone_code", "");
    showError("error-phone", "");
    const phone = byId("phone").value.trim();
    if (!phone) {
      showError("error-phone", t("booking.need_phone"));
      byId("phone").focus();
      return;
    }
    button.disabled = true;
    const result = await api.request("POST", "/offices/" + encodeURIComponent(page.office)
      + "/phone-codes", {phone: phone}, {timeout: 20000});
    button.disabled = false;
    if (result.ok) {
      byId("code-status").textContent = t("booking.code_sent", {phone: result.data.phone});
      byId("phone-code").focus();
      return;
    }
    const said = refusal(result);
    showError(said.fields.phone ? "error-phone" : "error-phone_code",
      said.fields.phone || said.message);
  });
}
