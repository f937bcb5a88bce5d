/* /admin/booking: the office's booking rules (`settings.appointments`) and its messages
 * (`settings.messages`). One form; saving sends both documents in one PATCH, keeping what
 * the form does not show (booking hours, message templates) as they were. */
import * as A from "./lib/admin_kit.js";
import {h, t} from "./lib/admin_kit.js";

// Each number: its default (what the server applies when unset) and its range.
const NUMBERS = {
  slot_minutes: [30, 5, 240], days_ahead: [14, 1, 90], min_notice_minutes: [60, 0, 2880],
  per_phone_per_day: [1, 1, 10], per_phone_open: [3, 1, 20], early_minutes: [30, 0, 240],
  late_minutes: [15, 0, 240], queue_offset_minutes: [0, -60, 60],
  network_share: [34, 1, 100], challenge_after: [20, 0, 1000],
};
const MESSAGE_NUMBERS = {near_ahead: [3, 1, 20], reminder_hour_minutes: [60, 10, 720]};
// The messages' own cap per phone, named apart from the bookings' per_phone_per_day.
const MESSAGE_CAP = ["messages_per_phone_per_day", "per_phone_per_day", 10, 1, 50];
const CHALLENGES = ["auto", "always", "off"];
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const form = document.getElementById("booking-form");
const table = document.querySelector("#capacity-table tbody");
const state = document.getElementById("booking-state");
let loaded = null; // {appointments, messages, services} as the server has them
// What the form reads right after it is filled: an office that lacks some settings has
// them filled in with their defaults, which is not a change the manager made.
let baseline = null;

function fill(doc) {
  const settings = doc.settings || {};
  const appointments = settings.appointments || {};
  const messages = settings.messages || {};
  loaded = {appointments, messages, services: doc.services || []};
  form.elements.enabled.checked = appointments.enabled === true;
  for (const [name, [fallback]] of Object.entries(NUMBERS)) {
    form.elements[name].value = String(appointments[name] ?? fallback);
  }
  form.querySelector(`[name=late_rule][value="${appointments.late_rule === "refuse" ? "refuse" : "walk_in"}"]`)
    .checked = true;
  form.elements.verify_phone.checked = appointments.verify_phone === true;
  const challenge = CHALLENGES.includes(appointments.challenge) ? appointments.challenge : "auto";
  form.querySelector(`[name=challenge][value="${challenge}"]`).checked = true;
  const capacity = appointments.capacity || {};
  table.replaceChildren(...loaded.services.filter((s) => s.active !== false).map((s) =>
    h("tr", {dataset: {code: s.code}},
      h("td", {text: s.name}),
      h("td", {class: "num"}, h("input", {
        type: "number", name: "capacity." + s.code, min: 0, max: 100, class: "num",
        value: String(capacity[s.code] || 0), "aria-label": t("admin.booking.places_of", {name: s.name}),
      })))));
  const channel = ["sms", "zns"].includes(messages.channel) ? messages.channel : "off";
  form.querySelector(`[name=channel][value="${channel}"]`).checked = true;
  for (const [name, [fallback]] of Object.entries(MESSAGE_NUMBERS)) {
    form.elements[name].value = String(messages[name] ?? fallback);
  }
  form.elements.reminder_day_at.value = messages.reminder_day_at || "17:00";
  form.elements[MESSAGE_CAP[0]].value = String(messages[MESSAGE_CAP[1]] ?? MESSAGE_CAP[2]);
  baseline = read();
}

/* The two documents as the form has them, and the problems found on the page. */
function read() {
  const errors = [];
  const number = (name, low, high) => {
    const value = A.intOrNull(form.elements[name].value);
    if (!(value >= low && value <= high)) errors.push([name, t("admin.booking.range", {low, high})]);
    return value;
  };
  const appointments = {...loaded.appointments, enabled: form.elements.enabled.checked};
  for (const [name, [, low, high]] of Object.entries(NUMBERS)) {
    appointments[name] = number(name, low, high);
  }
  appointments.late_rule = form.querySelector("[name=late_rule]:checked").value;
  appointments.verify_phone = form.elements.verify_phone.checked;
  appointments.challenge = form.querySelector("[name=challenge]:checked").value;
  appointments.capacity = {};
  for (const input of table.querySelectorAll("input")) {
    const value = number(input.name, 0, 100);
    if (value > 0) appointments.capacity[input.name.slice("capacity.".length)] = value;
  }
  const messages = {...loaded.messages,
                    channel: form.querySelector("[name=channel]:checked").value};
  for (const [name, [, low, high]] of Object.entries(MESSAGE_NUMBERS)) {
    messages[name] = number(name, low, high);
  }
  messages[MESSAGE_CAP[1]] = number(MESSAGE_CAP[0], MESSAGE_CAP[3], MESSAGE_CAP[4]);
  messages.reminder_day_at = form.elements.reminder_day_at.value.trim();
  if (!TIME.test(messages.reminder_day_at)) {
    errors.push(["reminder_day_at", t("admin.booking.time_form")]);
  }
  if (appointments.verify_phone && messages.channel === "off") {
    errors.push(["verify_phone", t("admin.booking.channel_needed")]);
  }
  if (appointments.enabled && !Object.keys(appointments.capacity).length) {
    errors.push(["enabled", t("admin.booking.places_needed")]);
  }
  return {appointments, messages, errors};
}

function changed() {
  if (!baseline) return;
  const now = read();
  const dirty = !A.same(now.appointments, baseline.appointments) ||
    !A.same(now.messages, baseline.messages);
  state.textContent = dirty ? t("admin.booking.unsaved") : t("admin.office.unchanged");
}

form.addEventListener("input", changed);
form.addEventListener("change", changed);

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  A.clearErrors(form);
  const result = read();
  if (result.errors.length) {
    for (const [field, message] of result.errors) A.setFieldError(form, field, message);
    return;
  }
  const body = {settings: {appointments: result.appointments, messages: result.messages}};
  const saved = await A.submitting(form, document.getElementById("booking-save"),
                                   () => A.api("PATCH", A.officePath(), body));
  if (saved) {
    A.notify(t("admin.booking.saved"));
    await load();
  }
});

async function load() {
  const loading = form.querySelector("[data-loading]");
  try {
    fill(await A.loadConfig());
    changed();
  } catch (error) {
    A.formError(form, error.message);
  } finally {
    loading.hidden = true;
  }
}

load();
