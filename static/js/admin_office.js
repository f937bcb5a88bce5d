/* /admin: the office's details, opening hours, closed days, notice, rating question and
 * priority rules. One form; its save button sends only what changed (PATCH /offices/X). */
import * as A from "./lib/admin_kit.js";
import {h, t} from "./lib/admin_kit.js";


// [key, name] of the week's days, Monday first ("admin.day.*" in the catalogue).
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
  .map((day) => [day, t("admin.day." + day)]);
const OFFICE_KEYS = ["name", "address", "district", "timezone", "priority_streak_limit",
  "transfer_keeps_place", "recalls_before_no_show", "elderly_age"];
const SETTING_KEYS = ["hours", "closed_days", "notice", "ticket_footer", "rating", "issuing",
  "start_on_call", "counters_per_officer", "no_show_grace_seconds", "targets"];
// The reports' targets (percent) and what an office that never set them is held to.
const TARGETS = {wait: [80, 100], satisfied: [85, 100], no_show: [10, 100], margin: [10, 50]};
const STANDARD_DAY = [["07:30", "11:30"], ["13:30", "17:00"]];
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const form = document.getElementById("office-form");
const grid = document.querySelector("#hours-grid tbody");
const chips = document.getElementById("closed-days");
const state = document.getElementById("office-state");
let original = null; // normalised values as loaded
let closedDays = [];
let periodsShown = 2;

// ---------------------------------------------------------------- hours grid

/* Plain text "HH:MM" (24 h) rather than type=time, whose look follows the browser's
 * language (7:30 AM on an English Windows). */
function timeInput(name, label, example) {
  return h("input", {type: "text", name: name, "aria-label": label, placeholder: example,
                     inputmode: "numeric", maxlength: 5, autocomplete: "off",
                     class: "time"});
}

function periodCell(day, index) {
  const [start, end] = index === 0 ? ["07:30", "11:30"] : ["13:30", "17:00"];
  return h("td", {class: "period"},
    timeInput(`hours.${day}.${index}.0`, t("admin.office.from"), start),
    h("span", {class: "dash", text: "–"}),
    timeInput(`hours.${day}.${index}.1`, t("admin.office.to"), end));
}

/* "7:30", "730", "7h30" or "7" → "07:30"; anything else is left for the check to name. */
function tidyTime(text) {
  const match = /^(\d{1,2})(?:[:hH.]?(\d{2}))?$/.exec(text.trim());
  if (!match) return text.trim();
  const hours = Number(match[1]);
  const minutes = Number(match[2] || 0);
  if (hours > 23 || minutes > 59) return text.trim();
  return `${A.pad(hours)}:${A.pad(minutes)}`;
}

function buildGrid(count) {
  periodsShown = Math.max(2, count);
  const head = document.querySelector("#hours-grid thead tr");
  A.clear(head).append(h("th", {text: t("admin.office.day")}),
    h("th", {text: t("admin.office.morning")}), h("th", {text: t("admin.office.afternoon")}));
  for (let i = 2; i < periodsShown; i++) {
    head.append(h("th", {text: t("admin.office.period_n", {n: i + 1})}));
  }
  head.append(h("th", {text: ""}));
  A.clear(grid);
  for (const [day, label] of DAYS) {
    const row = h("tr", {"data-day": day}, h("th", {scope: "row", text: label}));
    for (let i = 0; i < periodsShown; i++) row.append(periodCell(day, i));
    row.append(h("td", {class: "day-state"}));
    grid.append(row);
  }
}

function setHours(hours) {
  for (const [day] of DAYS) {
    const periods = hours[day] || [];
    for (let i = 0; i < periodsShown; i++) {
      const period = periods[i] || ["", ""];
      form.elements[`hours.${day}.${i}.0`].value = period[0] || "";
      form.elements[`hours.${day}.${i}.1`].value = period[1] || "";
    }
  }
}

function readHours(errors) {
  const hours = {};
  for (const [day, label] of DAYS) {
    hours[day] = [];
    for (let i = 0; i < periodsShown; i++) {
      const start = tidyTime(form.elements[`hours.${day}.${i}.0`].value);
      const end = tidyTime(form.elements[`hours.${day}.${i}.1`].value);
      if (!start && !end) continue;
      if (!TIME.test(start) || !TIME.test(end)) {
        errors.push(["hours", t("admin.office.period_incomplete", {day: label})]);
      } else if (start >= end) {
        errors.push(["hours", t("admin.office.period_backwards", {day: label})]);
      } else {
        hours[day].push([start, end]);
      }
    }
    hours[day].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (let i = 1; i < hours[day].length; i++) {
      if (hours[day][i][0] < hours[day][i - 1][1]) {
        errors.push(["hours", t("admin.office.periods_overlap", {day: label})]);
      }
    }
  }
  return hours;
}

function normaliseHours(hours) {
  if (!hours || !Object.keys(hours).length) return null;
  const out = {};
  for (const [day] of DAYS) out[day] = (hours[day] || []).map((p) => [p[0], p[1]]);
  return out;
}

function markDays() {
  const use = form.elements.use_hours.checked;
  grid.closest("table").classList.toggle("disabled", !use);
  for (const row of grid.rows) {
    const filled = Array.from(row.querySelectorAll("input")).some((input) => input.value);
    row.querySelector(".day-state").textContent = use && !filled ? t("admin.office.closed") : "";
    row.querySelectorAll("input").forEach((input) => { input.disabled = !use; });
  }
}

// ---------------------------------------------------------------- closed days

function formatDay(iso) {
  const [y, m, d] = iso.split("-");
  const weekday = new Date(Date.UTC(+y, +m - 1, +d)).getUTCDay();
  const names = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
  return `${t("admin.day_short." + names[weekday])}, ${d}/${m}/${y}`;
}

function drawClosedDays() {
  A.clear(chips);
  if (!closedDays.length) {
    chips.append(h("li", {class: "muted plain", text: t("admin.office.no_closed_days")}));
  }
  for (const day of closedDays) {
    chips.append(h("li", {class: "chip", "data-day": day}, formatDay(day),
      h("button", {type: "button", class: "chip-x", title: t("admin.office.drop_day"),
                   "aria-label": t("admin.office.drop_day_n", {day: day}), text: "×",
                   onclick: () => {
                     closedDays = closedDays.filter((d) => d !== day);
                     drawClosedDays();
                     changed();
                   }})));
  }
}

document.getElementById("closed-day-add").addEventListener("click", () => {
  const input = document.getElementById("closed-day-input");
  const box = input.closest("[data-error-for]");
  A.clearErrors(box);
  const value = input.value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    A.setFieldError(form, "closed_days", t("admin.office.pick_day"));
    return;
  }
  if (!closedDays.includes(value)) closedDays = [...closedDays, value].sort();
  input.value = "";
  drawClosedDays();
  changed();
});

// ---------------------------------------------------------------- fill / read

function fill(doc) {
  const settings = doc.settings || {};
  const hours = normaliseHours(settings.hours);
  const widest = hours ? Math.max(...Object.values(hours).map((p) => p.length)) : 2;
  buildGrid(widest);
  form.elements.name.value = doc.name || "";
  form.elements.address.value = doc.address || "";
  form.elements.district.value = doc.district || "";
  const zone = form.elements.timezone;
  if (doc.timezone && !Array.from(zone.options).some((o) => o.value === doc.timezone)) {
    zone.append(h("option", {value: doc.timezone, text: doc.timezone}));
  }
  zone.value = doc.timezone || "Asia/Ho_Chi_Minh";
  form.elements.use_hours.checked = Boolean(hours);
  setHours(hours || {});
  closedDays = [...(settings.closed_days || [])].sort();
  drawClosedDays();
  form.elements.notice.value = settings.notice || "";
  form.elements.ticket_footer.value = settings.ticket_footer || "";
  form.querySelector(`[name=issuing][value="${settings.issuing === "open" ? "open" : "kiosk"}"]`)
    .checked = true;
  const rating = settings.rating || {};
  form.querySelector(`[name=rating_preset][value="${rating.preset === "five" ? "five" : "three"}"]`)
    .checked = true;
  form.elements.rating_question.value = rating.question || "";
  const custom = document.getElementById("rating-custom-levels");
  custom.hidden = !Array.isArray(rating.levels);
  if (Array.isArray(rating.levels)) {
    custom.textContent = t("admin.office.custom_levels",
      {levels: rating.levels.map((level) => level.label).join(" · ")});
  }
  const limit = doc.priority_streak_limit;
  form.querySelector(`[name=interleave][value="${limit === null ? "always" : "limit"}"]`)
    .checked = true;
  form.elements.priority_streak_limit.value = limit === null ? "3" : String(limit);
  form.elements.elderly_age.value = String(doc.elderly_age);
  form.elements.recalls_before_no_show.value = String(doc.recalls_before_no_show);
  form.elements.transfer_keeps_place.checked = Boolean(doc.transfer_keeps_place);
  form.elements.start_on_call.checked = settings.start_on_call === true;
  form.elements.counters_per_officer.value = String(settings.counters_per_officer || 1);
  form.elements.no_show_grace_seconds.value = String(graceOf(settings));
  const targets = normaliseTargets(settings.targets);
  for (const key of Object.keys(TARGETS)) form.elements["target_" + key].value = targets[key];
  markDays();
}

/** The seconds after a call before a no-show (the engine's default: 60). */
function graceOf(settings) {
  return typeof settings.no_show_grace_seconds === "number" ? settings.no_show_grace_seconds : 60;
}

function normalise(doc) {
  const settings = doc.settings || {};
  const rating = {...(settings.rating || {})};
  rating.preset = rating.preset || "three";
  return {
    office: Object.fromEntries(OFFICE_KEYS.map((key) => [key, doc[key]])),
    settings: {
      hours: normaliseHours(settings.hours),
      closed_days: [...(settings.closed_days || [])].sort(),
      notice: settings.notice || "",
      ticket_footer: settings.ticket_footer || "",
      rating: rating,
      issuing: settings.issuing === "open" ? "open" : "kiosk",
      start_on_call: settings.start_on_call === true,
      counters_per_officer: settings.counters_per_officer || 1,
      no_show_grace_seconds: graceOf(settings),
      targets: normaliseTargets(settings.targets),
    },
    raw: settings,
  };
}

function normaliseTargets(targets) {
  return Object.fromEntries(Object.entries(TARGETS).map(([key, [fallback]]) => {
    const value = (targets || {})[key];
    return [key, Number.isInteger(value) ? value : fallback];
  }));
}

/* The form's values and the problems found on the page (before asking the server). */
function read() {
  const errors = [];
  const value = (name) => form.elements[name].value.trim();
  const office = {
    name: value("name"),
    address: value("address"),
    district: value("district"),
    timezone: form.elements.timezone.value,
    transfer_keeps_place: form.elements.transfer_keeps_place.checked,
  };
  if (!office.name) errors.push(["name", t("admin.cfg.name_needed")]);
  const interleave = form.querySelector("[name=interleave]:checked").value;
  if (interleave === "always") {
    office.priority_streak_limit = null;
  } else {
    const limit = A.intOrNull(value("priority_streak_limit"));
    if (limit === null || Number.isNaN(limit) || limit < 0 || limit > 100) {
      errors.push(["priority_streak_limit", t("admin.office.streak_range")]);
    }
    office.priority_streak_limit = limit;
  }
  office.elderly_age = A.intOrNull(value("elderly_age"));
  if (!(office.elderly_age >= 40 && office.elderly_age <= 100)) {
    errors.push(["elderly_age", t("admin.office.age_range")]);
  }
  office.recalls_before_no_show = A.intOrNull(value("recalls_before_no_show"));
  if (!(office.recalls_before_no_show >= 0 && office.recalls_before_no_show <= 10)) {
    errors.push(["recalls_before_no_show", t("admin.office.recalls_range")]);
  }
  const hours = form.elements.use_hours.checked ? readHours(errors) : null;
  if (hours && !Object.values(hours).some((periods) => periods.length)) {
    errors.push(["hours", t("admin.office.hours_needed")]);
  }
  const rating = {...(original ? original.settings.rating : {})};
  rating.preset = form.querySelector("[name=rating_preset]:checked").value;
  const question = value("rating_question");
  if (question) rating.question = question;
  else delete rating.question;
  const settings = {
    hours: hours,
    closed_days: [...closedDays],
    notice: value("notice"),
    ticket_footer: value("ticket_footer"),
    rating: rating,
    issuing: form.querySelector("[name=issuing]:checked").value,
    start_on_call: form.elements.start_on_call.checked,
    counters_per_officer: A.intOrNull(value("counters_per_officer")),
    no_show_grace_seconds: A.intOrNull(value("no_show_grace_seconds")),
  };
  if (!(settings.no_show_grace_seconds >= 0 && settings.no_show_grace_seconds <= 1800)) {
    errors.push(["no_show_grace_seconds", t("admin.office.grace_range")]);
  }
  if (!(settings.counters_per_officer >= 1 && settings.counters_per_officer <= 50)) {
    errors.push(["counters_per_officer", t("admin.office.counters_range")]);
  }
  settings.targets = {};
  for (const [key, [, most]] of Object.entries(TARGETS)) {
    const target = A.intOrNull(value("target_" + key));
    if (!(target >= 0 && target <= most)) {
      errors.push(["target_" + key, t("admin.office.target_range", {most: most})]);
    }
    settings.targets[key] = target;
  }
  return {office, settings, errors};
}

function changes() {
  if (!original) return null;
  const now = read();
  const body = {};
  for (const key of OFFICE_KEYS) {
    if (!A.same(now.office[key], original.office[key])) body[key] = now.office[key];
  }
  const settings = {};
  for (const key of SETTING_KEYS) {
    if (!A.same(now.settings[key], original.settings[key])) {
      settings[key] = key === "hours" ? now.settings.hours || {} : now.settings[key];
    }
  }
  if (Object.keys(settings).length) body.settings = settings;
  return {body, errors: now.errors};
}

function changed() {
  markDays();
  const result = changes();
  const dirty = result && Object.keys(result.body).length > 0;
  state.textContent = dirty ? t("admin.office.unsaved") : t("admin.office.unchanged");
  state.classList.toggle("dirty", Boolean(dirty));
}

form.addEventListener("input", changed);
window.addEventListener("beforeunload", (event) => {
  if (state.classList.contains("dirty")) event.preventDefault();
});
grid.addEventListener("change", (event) => {
  if (event.target.classList.contains("time") && event.target.value) {
    event.target.value = tidyTime(event.target.value);
    changed();
  }
});
form.addEventListener("change", changed);
form.elements.priority_streak_limit.addEventListener("focus", () => {
  form.querySelector("[name=interleave][value=limit]").checked = true;
});

document.getElementById("hours-copy").addEventListener("click", () => {
  for (const [day] of DAYS.slice(1, 5)) {
    for (let i = 0; i < periodsShown; i++) {
      for (const side of [0, 1]) {
        form.elements[`hours.${day}.${i}.${side}`].value =
          form.elements[`hours.mon.${i}.${side}`].value;
      }
    }
  }
  changed();
});

document.getElementById("hours-default").addEventListener("click", () => {
  form.elements.use_hours.checked = true;
  const hours = {};
  for (const [day] of DAYS.slice(0, 5)) hours[day] = STANDARD_DAY;
  setHours(hours);
  changed();
});

document.getElementById("office-reset").addEventListener("click", () => {
  A.clearErrors(form);
  load();
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  A.clearErrors(form);
  const result = changes();
  if (!result) return;
  if (result.errors.length) {
    for (const [field, message] of result.errors) A.setFieldError(form, field, message);
    const first = form.querySelector(".invalid");
    if (first) first.scrollIntoView({block: "center"});
    return;
  }
  if (!Object.keys(result.body).length) {
    A.notify(t("admin.office.nothing_changed"));
    return;
  }
  const button = document.getElementById("office-save");
  const saved = await A.submitting(form, button, async () => {
    try {
      return await A.api("PATCH", A.officePath(), result.body);
    } catch (error) {
      if (error instanceof A.ApiError && error.fields.settings) {
        // Settings problems name the whole document; point at the part that is wrong.
        const alias = error.fields.settings.closed_days ? "closed_days" : null;
        if (alias) {
          A.showErrors(form, error, {settings: alias});
          return undefined;
        }
      }
      throw error;
    }
  });
  if (saved) {
    A.notify(t("admin.office.saved"));
    await load();
  }
});

async function load() {
  const loading = form.querySelector("[data-loading]");
  try {
    const doc = await A.loadConfig();
    original = normalise(doc);
    fill(doc);
    loading.hidden = true;
    changed();
  } catch (error) {
    loading.hidden = true;
    A.formError(form, error.message);
  }
}

load();
