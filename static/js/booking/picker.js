/*
 * picker.js — a field's days and slots, for the booking page and a booking's change.
 *
 *   const picker = createPicker({api, office: "T1", onChoose: (slot) => …});
 *   picker.load("B");      // the field's days from today, as far ahead as the office books
 *   picker.reload();       // again (after "slot full"): the chosen day stays open
 *
 * `current: () => start` marks the slot a booking being changed holds (not chosen again).
 *
 * Days come from GET /offices/<office>/slots (31 at most per call, so longer horizons take
 * a few calls). A day without slots is closed; one without a bookable slot is full. Slots
 * show their free places; full and too-soon ones are disabled.
 * The page provides the boxes: #days, #days-status, #step-slot, #slots, #slots-status.
 */

import {byId, el} from "../lib/dom.js";
import {t} from "../lib/i18n.js";
import {nextDay, shortDate, weekday} from "./dates.js";

const CHUNK = 31;
const MAX_CALLS = 4; // days_ahead is at most 90

function dayState(day) {
  if (!day.slots.length) return "closed";
  return day.slots.some(function (slot) { return slot.bookable; }) ? "open" : "full";
}

function freeOf(day) {
  return day.slots.reduce(function (sum, slot) { return sum + (slot.bookable ? slot.free : 0); }, 0);
}

function pressed(container, chosen) {
  for (const button of container.querySelectorAll("button")) {
    button.setAttribute("aria-pressed", button === chosen ? "true" : "false");
  }
}

export function createPicker(options) {
  const {api, office, onChoose} = options;
  const onDays = options.onDays || function () {};
  // The slot a booking being changed holds now (shown, not chosen again).
  const current = options.current || function () { return null; };
  const state = {service: null, days: [], day: null, slot: null, loading: 0};

  async function fetchDays(service) {
    const days = [];
    let from = null;
    for (let call = 0; call < MAX_CALLS; call += 1) {
      const query = "?service=" + encodeURIComponent(service) + "&days=" + CHUNK
        + (from ? "&from=" + from : "");
      const result = await api.request("GET", "/offices/" + encodeURIComponent(office) + "/slots"
        + query, null, {timeout: 15000});
      if (!result.ok) return {result, days: null};
      days.push(...result.data.days);
      if (result.data.days.length < CHUNK) break;
      from = nextDay(result.data.days[result.data.days.length - 1].day);
    }
    return {result: null, days};
  }

  function renderDays() {
    const box = byId("days");
    box.replaceChildren();
    state.days.forEach(function (day, index) {
      const kind = dayState(day);
      const status = kind === "closed" ? t("booking.day_closed")
        : kind === "full" ? t("booking.day_full")
          : t("booking.day_free", {n: freeOf(day)});
      const button = el("button", {
        type: "button", class: "bk-day", "data-day": day.day, "data-state": kind,
        "aria-pressed": state.day === day.day ? "true" : "false",
        disabled: kind !== "open",
        on: {click: function () { chooseDay(day.day, button); }},
      }, [
        el("span", {class: "bk-day-name", text: index === 0 ? t("booking.today") : weekday(day.day)}),
        el("span", {class: "bk-day-date", text: shortDate(day.day)}),
        el("span", {class: "bk-day-state", text: status}),
      ]);
      box.append(button);
    });
    const open = state.days.some(function (day) { return dayState(day) === "open"; });
    byId("days-status").textContent = open ? "" : t("booking.no_days", {days: state.days.length});
  }

  function renderSlots() {
    const box = byId("slots");
    box.replaceChildren();
    const day = state.days.find(function (d) { return d.day === state.day; });
    byId("step-slot").hidden = !day;
    if (!day) return;
    for (const slot of day.slots) {
      const mine = slot.start === current();
      // A slot gone by (or too near to book) is not offered at all: a greyed button for
      // every hour of the morning tells the citizen nothing.
      if (!mine && !slot.bookable && slot.free > 0) continue;
      const note = mine ? t("booking.slot_current")
        : slot.bookable ? t("booking.slot_free", {n: slot.free}) : t("booking.slot_full");
      const button = el("button", {
        type: "button", class: "bk-slot", "data-start": slot.start, "data-time": slot.time,
        "data-free": slot.free, "aria-pressed": state.slot && state.slot.start === slot.start
          ? "true" : "false",
        "data-current": mine ? "true" : null,
        disabled: !slot.bookable || mine,
        on: {click: function () { chooseSlot(slot, button); }},
      }, [
        el("span", {class: "bk-slot-time", text: slot.time}),
        el("span", {class: "bk-slot-free", text: note}),
      ]);
      box.append(button);
    }
    const any = day.slots.some(function (slot) { return slot.bookable; });
    byId("slots-status").textContent = any ? "" : t("booking.no_slots");
  }

  function chooseDay(isoDay, button) {
    state.day = isoDay;
    state.slot = null;
    pressed(byId("days"), button);
    renderSlots();
    onChoose(null);
    byId("step-slot").scrollIntoView({block: "start", behavior: "smooth"});
  }

  function chooseSlot(slot, button) {
    state.slot = slot;
    pressed(byId("slots"), button);
    onChoose(slot);
  }

  /** Fetch the field's days; resolves to null, or the failed result (shown by the page). */
  async function load(service) {
    const mine = ++state.loading;
    if (service !== state.service) {
      state.service = service;
      state.day = null;
      state.slot = null;
      byId("days").replaceChildren();
      byId("step-slot").hidden = true;
    }
    byId("days-status").textContent = t("booking.loading");
    const {result, days} = await fetchDays(service);
    if (mine !== state.loading) return null; // a later choice overtook this one
    if (!days) {
      byId("days-status").textContent = "";
      return result;
    }
    state.days = days;
    if (state.day && !days.some(function (d) { return d.day === state.day; })) state.day = null;
    renderDays();
    const kept = state.slot && state.days.some(function (d) {
      return d.slots.some(function (s) { return s.start === state.slot.start && s.bookable; });
    });
    if (!kept) {
      state.slot = null;
      onChoose(null);
    }
    renderSlots();
    onDays(days);
    return null;
  }

  return {
    load: load,
    reload: function () { return state.service ? load(state.service) : Promise.resolve(null); },
    chosen: function () { return state.slot; },
  };
}
