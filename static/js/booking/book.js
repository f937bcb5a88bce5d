/*
 * book.js — the public booking page (/book/<office>): field → day → slot → name, phone
 * and consent → confirm → the booking's code, QR and links.
 *
 * The page arrives with the office and its bookable fields (server/booking/views.py);
 * slots and the booking itself go through the REST API (docs/API.md, Appointments).
 * A refusal is shown in the page's language next to the field it concerns; no answer from
 * the server keeps everything entered; "confirm" is disabled while a booking is on its way,
 * so a double tap books once.
 */

import {createApi} from "../lib/api.js";
import {byId, readJson} from "../lib/dom.js";
import {localName, t} from "../lib/i18n.js";
import {whenText} from "./dates.js";
import {clearErrors, refusal, showError} from "./errors.js";
import {challengePayload, setUpPhoneCode} from "./guard.js";
import {createPicker} from "./picker.js";

const page = readJson("luot-page");
const api = createApi({base: "/api/v1"});
const $ = byId;
const ERRORS = ["error-service", "error-start", "error-name", "error-phone", "error-form",
  "error-phone_code", "error-altcha"];
// Where a refusal about each request field is shown.
const FIELD_BOX = {service: "error-service", start: "error-start", name: "error-name",
  phone: "error-phone", phone_code: "error-phone_code", altcha: "error-altcha"};

let field = null;
let sending = false;

const picker = createPicker({
  api: api,
  office: page.office,
  onChoose: function (slot) {
    $("step-person").hidden = !slot;
    $("chosen").textContent = slot ? whenText(slot.start, slot.end) : "";
    if (slot) {
      showError("error-start", "");
      $("step-person").scrollIntoView({block: "start", behavior: "smooth"});
    }
  },
});

async function chooseField(button) {
  field = button.dataset.field;
  for (const other of $("fields").querySelectorAll("button")) {
    other.setAttribute("aria-pressed", other === button ? "true" : "false");
  }
  clearErrors(["error-service", "error-start"]);
  $("step-day").hidden = false;
  const failed = await picker.load(field);
  if (failed) showError("error-service", refusal(failed).message);
}

function withLang(url) {
  return page.lang === "en" ? url + "?lang=en" : url;
}

function showResult(booked) {
  const manage = withLang(page.manage_base + encodeURIComponent(booked.token));
  $("result-code").textContent = booked.code;
  $("result-when").textContent = whenText(booked.start, booked.end);
  $("result-field").textContent = localName(booked.service, page.lang);
  $("result-office").textContent = booked.office.name;
  $("result-phone").textContent = booked.phone || "";
  $("result-messages").hidden = !booked.messages;
  $("result-qr").src = page.manage_base + encodeURIComponent(booked.token) + "/qr.svg";
  $("result-qr").hidden = false;
  $("result-manage").href = manage;
  $("result-change").href = manage + "#change";
  $("result-cancel").href = manage + "#cancel";
  $("book-form").hidden = true;
  $("result").hidden = false;
  $("booking").dataset.booked = booked.code;
  window.scrollTo(0, 0);
  $("result-title").focus();
}

function missing() {
  const problems = [];
  if (!field) problems.push(["error-service", t("booking.need_field"), $("fields")]);
  if (!picker.chosen()) problems.push(["error-start", t("booking.need_slot"), $("step-day")]);
  if (!$("name").value.trim()) problems.push(["error-name", t("booking.need_name"), $("name")]);
  if (!$("phone").value.trim()) problems.push(["error-phone", t("booking.need_phone"), $("phone")]);
  if (page.verify_phone && !/^[0-9]{6}$/.test($("phone-code").value.trim())) {
    problems.push(["error-phone_code", t("booking.need_code"), $("phone-code")]);
  }
  return problems;
}

function setSending(on) {
  sending = on;
  const button = $("confirm");
  button.disabled = on;
  button.setAttribute("aria-busy", on ? "true" : "false");
  button.textContent = on ? t("booking.sending") : t("booking.confirm");
}

async function post(body, check) {
  if (check) {
    const payload = await challengePayload(page);
    if (!payload) return {ok: false, unchecked: true};
    body = Object.assign({}, body, {altcha: payload});
  }
  return api.request("POST", "/offices/" + encodeURIComponent(page.office) + "/appointments",
    body, {timeout: 20000});
}

function markInvalid(id, on) {
  const input = $(id);
  if (input) input.setAttribute("aria-invalid", on ? "true" : "false");
}

async function confirm(event) {
  event.preventDefault();
  if (sending) return;
  clearErrors(ERRORS);
  markInvalid("name", false);
  markInvalid("phone", false);
  const problems = missing();
  if (problems.length) {
    for (const [box, text] of problems) showError(box, text);
    markInvalid("name", problems.some(function (p) { return p[0] === "error-name"; }));
    markInvalid("phone", problems.some(function (p) { return p[0] === "error-phone"; }));
    const target = problems[0][2];
    target.scrollIntoView({block: "center"});
    target.focus(); // an input takes the focus; a section only scrolls
    return;
  }
  const slot = picker.chosen();
  const body = {
    service: field,
    start: slot.start.slice(0, 16), // the office's wall time, as the API takes it
    name: $("name").value.trim(),
    phone: $("phone").value.trim(),
    consent: !!$("consent") && $("consent").checked,
  };
  if (page.verify_phone) body.phone_code = $("phone-code").value.trim();
  setSending(true);
  let result = await post(body, page.challenge);
  if (!result.ok && ((refusal(result).fields || {}).altcha)) {
    // The office came under pressure since the page loaded: check, then book again.
    result = await post(body, true);
  }
  if (result.unchecked) {
    setSending(false); // the check's own error is shown
    return;
  }
  if (result.ok) {
    showResult(result.data);
    return; // the button stays disabled: this form has booked
  }
  setSending(false);
  const said = refusal(result);
  let shown = false;
  for (const [name, text] of Object.entries(said.fields)) {
    const box = FIELD_BOX[name];
    if (!box) continue;
    showError(box, text);
    markInvalid(name, true);
    shown = true;
  }
  if (said.fields.start) {
    // Taken meanwhile, or too soon now: show the slots as they are now.
    await picker.reload();
    showError("error-start", said.fields.start);
    $("step-slot").scrollIntoView({block: "start"});
  } else if (said.fields.phone || said.fields.name) {
    $(said.fields.name ? "name" : "phone").focus();
  }
  if (!shown || said.offline) showError("error-form", said.message);
}

for (const button of $("fields").querySelectorAll("button")) {
  button.addEventListener("click", function () { chooseField(button); });
}
$("book-form").addEventListener("submit", confirm);
setUpPhoneCode(page, api);
// One field only: it is chosen already.
if (page.fields.length === 1) chooseField($("fields").querySelector("button"));
document.documentElement.dataset.ready = "true";
