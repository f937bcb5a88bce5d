/*
 * manage.js — a booking's own page (/b/<token>): change it to another slot of its field,
 * or cancel it after a confirmation; the page then says what became of it.
 *
 * The page arrives drawn (server/booking/views.py); this calls
 * POST /api/v1/appointments/<token>/change and …/cancel and redraws from their answer.
 * `#change` and `#cancel` in the address (the links of the booking page) open those steps.
 */

import {createApi} from "../lib/api.js";
import {byId, readJson} from "../lib/dom.js";
import {t} from "../lib/i18n.js";
import {whenText} from "./dates.js";
import {clearErrors, refusal, showError} from "./errors.js";
import {createPicker} from "./picker.js";

const page = readJson("luot-page");
const api = createApi({base: "/api/v1"});
const $ = byId;
const base = "/appointments/" + encodeURIComponent(page.token);

let appointment = page.appointment;
let busy = false;

function mayChange() {
  return appointment.status === "booked" && appointment.kind === "booking";
}

function render() {
  const status = appointment.status;
  $("manage").dataset.status = status;
  $("status").textContent = t("booking.status_" + status);
  $("when").textContent = whenText(appointment.start, appointment.end);
  $("actions").hidden = !mayChange();
  $("cancelled-note").hidden = status !== "cancelled";
  $("qr-box").hidden = status === "cancelled";
  const ticket = appointment.ticket;
  $("ticket").hidden = !ticket;
  if (ticket) {
    $("ticket-code").textContent = ticket.code;
    $("ticket-status").textContent = t("citizen_status." + ticket.status);
  }
}

function notice(text) {
  $("notice").textContent = text;
  $("notice").hidden = !text;
}

function setBusy(on, ...buttons) {
  busy = on;
  for (const id of buttons) $(id).disabled = on;
}

// ------------------------------------------------------------------ change

const picker = createPicker({
  api: api,
  office: appointment.office.code,
  current: function () { return appointment.start; },
  onChoose: function (slot) {
    $("change-confirm").disabled = !slot;
    $("chosen-line").hidden = !slot;
    $("chosen").textContent = slot ? whenText(slot.start, slot.end) : "";
    if (slot) showError("error-start", "");
  },
});

async function openChange() {
  if (!mayChange()) return;
  $("cancel-box").hidden = true;
  $("actions").hidden = true;
  $("change-box").hidden = false;
  clearErrors(["error-start"]);
  $("h-change").scrollIntoView({block: "start"});
  const failed = await picker.load(appointment.service.code);
  if (failed) showError("error-start", refusal(failed).message);
}

function closeBoxes() {
  $("change-box").hidden = true;
  $("cancel-box").hidden = true;
  render();
}

async function confirmChange() {
  const slot = picker.chosen();
  if (busy || !slot) return;
  clearErrors(["error-start"]);
  setBusy(true, "change-confirm", "change-back");
  const result = await api.request("POST", base + "/change", {start: slot.start.slice(0, 16)},
    {timeout: 20000});
  setBusy(false, "change-confirm", "change-back");
  if (result.ok) {
    appointment = Object.assign({}, appointment, pick(result.data));
    closeBoxes();
    notice(t("booking.changed", {when: whenText(appointment.start, appointment.end)}));
    $("notice").scrollIntoView({block: "center"});
    return;
  }
  const said = refusal(result);
  if (said.fields.start) await picker.reload();
  showError("error-start", said.fields.start || said.message);
}

// ------------------------------------------------------------------ cancel

function openCancel() {
  if (!mayChange()) return;
  $("change-box").hidden = true;
  $("actions").hidden = true;
  $("cancel-box").hidden = false;
  clearErrors(["error-cancel"]);
  $("cancel-no").focus();
}

async function confirmCancel() {
  if (busy) return;
  clearErrors(["error-cancel"]);
  setBusy(true, "cancel-yes", "cancel-no");
  const result = await api.request("POST", base + "/cancel", null, {timeout: 20000});
  setBusy(false, "cancel-yes", "cancel-no");
  if (result.ok) {
    appointment = Object.assign({}, appointment, pick(result.data));
    closeBoxes();
    notice("");
    $("cancelled-note").focus(); // it says so, and a screen reader reads it
    return;
  }
  showError("error-cancel", refusal(result).message);
}

// What the page keeps of an answer: never the name (the page does not show it).
function pick(data) {
  const out = {};
  for (const key of Object.keys(appointment)) {
    if (Object.hasOwn(data, key)) out[key] = data[key];
  }
  return out;
}

$("change-open").addEventListener("click", openChange);
$("change-back").addEventListener("click", closeBoxes);
$("change-confirm").addEventListener("click", confirmChange);
$("cancel-open").addEventListener("click", openCancel);
$("cancel-no").addEventListener("click", closeBoxes);
$("cancel-yes").addEventListener("click", confirmCancel);
if (location.hash === "#change") openChange();
else if (location.hash === "#cancel") openCancel();
document.documentElement.dataset.ready = "true";
