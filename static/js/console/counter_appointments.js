/*
 * counter_appointments.js — the counter console's appointments: the collapsible panel of
 * the office's appointments today (GET /offices/<code>/appointments, refetched on the staff
 * room's `appointments_changed`, bursts coalesced) with "result ready" on return-of-results
 * rows, and the "Hẹn trả kết quả" dialog for the current ticket
 * (POST /tickets/<id>/return-appointment).
 *
 * The console hands in what they share with it (its state, the one-action-at-a-time
 * `act`, `send`, messages). For tests: <details id="appts" data-fetches="N"
 * data-event-fetches="M">, M counting the fetches an appointments_changed asked for.
 */
import {el as h} from "../lib/dom.js";
import {label, lang, t} from "../lib/i18n.js";
import {live} from "../lib/live.js";

const $ = function (id) { return document.getElementById(id); };
const OPEN_KEY = "luot.console.appointments";
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
// A burst of bookings or check-ins is one refetch, at most this often.
const COALESCE_MS = 400;
const SNAPSHOT_MS = 3000;
const PERIODIC_MS = 60000;  // "booked" turns "missed" as the clock goes on
const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/**
 * Bind the panel and the dialog; returns {follow(office), stop(), render(), openReturn()}.
 * `ctx`: {state, act, send, say, current, explain, now}
 */
export function counterAppointments(ctx) {
  const {state, act, send, say, current, explain} = ctx;
  const panel = {office: null, rows: [], sub: null, timer: null, inflight: false, again: false,
                 lastStart: 0, fetches: 0, ready: new Set(), text: "",
                 snapTimer: null, eventOwed: false, eventFetches: 0};

  // ------------------------------------------------------------------ fetching

  function officePath(office) {
    return "/offices/" + encodeURIComponent(office.code) + "/appointments";
  }

  /** Fetch soon: now if the last fetch is old enough, else once, later. */
  function refresh() {
    if (!panel.office) return;
    if (panel.inflight) { panel.again = true; return; }
    if (panel.timer !== null) return;
    const wait = Math.max(0, panel.lastStart + COALESCE_MS - Date.now());
    panel.timer = setTimeout(function () { panel.timer = null; load(); }, wait);
  }

  /** An appointments_changed: a fetch like any other, counted apart for tests, since a
   *  snapshot's or the minute's refetch may land beside it. */
  function refreshForEvent() {
    panel.eventOwed = true;
    refresh();
  }

  async function load() {
    const office = panel.office;
    if (!office) return;
    panel.inflight = true;
    panel.lastStart = Date.now();
    const forEvent = panel.eventOwed;
    panel.eventOwed = false;
    try {
      const result = await send("GET", officePath(office));
      if (office !== panel.office) return;
      $("appts-error").hidden = !!(result && result.ok);
      if (result && result.ok) {
        panel.fetches += 1;
        $("appts").dataset.fetches = String(panel.fetches);
        if (forEvent) {
          panel.eventFetches += 1;
          $("appts").dataset.eventFetches = String(panel.eventFetches);
        }
        // Most refetches (a snapshot, the minute's poll) change nothing: keep the rows.
        const text = JSON.stringify(result.data);
        if (text !== panel.text) {
          panel.text = text;
          panel.rows = result.data;
          render();
        }
      }
    } catch {
      $("appts-error").hidden = false;
    } finally {
      panel.inflight = false;
      if (panel.again) { panel.again = false; refresh(); }
    }
  }

  /** Follow `office`'s staff room (on the console's one socket) and list its day. */
  function follow(office) {
    if (panel.office === office) return;
    stop();
    panel.office = office;
    panel.rows = [];
    panel.text = "";
    render();
    panel.sub = live({
      room: {staff: office.code},
      // Joined (first time or after a reconnect): whatever happened meanwhile is fetched.
      onState: function (stateName) { if (stateName === "online") refresh(); },
      on: {appointments_changed: refreshForEvent},
    });
    refresh();
  }

  function stop() {
    if (panel.sub) { panel.sub.close(); panel.sub = null; }
    if (panel.timer !== null) { clearTimeout(panel.timer); panel.timer = null; }
    if (panel.snapTimer !== null) { clearTimeout(panel.snapTimer); panel.snapTimer = null; }
    panel.office = null;
  }

  /** A counter snapshot came: a checked-in citizen's ticket may have been finished (no
   *  appointments_changed for that). Snapshots come often: one refetch per few seconds. */
  function onSnapshot() {
    if (panel.snapTimer !== null) return;
    if (!panel.rows.some(function (row) { return row.state === "checked_in"; })) return;
    panel.snapTimer = setTimeout(function () { panel.snapTimer = null; refresh(); }, SNAPSHOT_MS);
  }

  // ------------------------------------------------------------------ the panel

  function render() {
    const list = $("appts-list");
    const scroll = list.scrollTop;
    const rows = panel.rows.filter(function (row) { return row.state !== "cancelled"; });
    list.replaceChildren();
    rows.forEach(function (row) { list.appendChild(item(row)); });
    list.scrollTop = scroll;
    $("appts-count").textContent = String(rows.length);
    $("appts-empty").hidden = rows.length > 0;
  }

  function item(row) {
    const facts = [
      h("span", {class: "cc-field-name", text: row.service.name}),
      row.name ? h("span", {class: "cc-appt-name", text: row.name}) : null,
      h("span", {class: "cc-tag cc-appt-state", "data-state": row.state,
                 text: label("appt_state", row.state)}),
    ];
    if (row.ticket) {
      facts.push(h("span", {class: "cc-tag cc-appt-ticket",
                            text: t("console.appt_ticket", {code: row.ticket.code})}));
    }
    if (row.kind === "return") {
      facts.push(h("span", {class: "cc-tag cc-tag-dossier",
                            text: t("console.appt_dossier", {code: row.dossier_code || "—"})}));
    }
    let action = null;
    if (row.kind === "return") {
      action = row.result_ready
        ? h("span", {class: "cc-appt-ready", text: t("console.appt_ready_done")})
        : h("button", {type: "button", class: "cc-btn cc-btn-small cc-btn-go cc-appt-ready-btn",
                       text: t("console.appt_ready"),
                       "aria-label": t("console.appt_ready_label", {time: row.time, code: row.code}),
                       disabled: panel.ready.has(row.id) || state.expired,
                       onclick: function () { resultReady(row); }});
    }
    return h("li", {class: "cc-appt", "data-code": row.code, "data-state": row.state,
                    "data-kind": row.kind}, [
      h("strong", {class: "cc-appt-time", text: row.time}),
      h("span", {class: "cc-appt-code", text: row.code}),
      h("span", {class: "cc-appt-info"}, facts),
      action,
    ]);
  }

  async function resultReady(row) {
    if (!panel.office || panel.ready.has(row.id)) return;
    panel.ready.add(row.id);
    render();
    let result = null;
    try {
      result = await send("POST", officePath(panel.office) + "/" + row.id + "/result-ready");
    } catch { result = null; }
    panel.ready.delete(row.id);
    if (result && result.ok) {
      panel.rows = panel.rows.map(function (r) { return r.id === row.id ? Object.assign({}, r, {result_ready: result.data.result_ready}) : r; });
      say(t("console.said_ready", {code: row.code}), "ok");
    } else {
      say(explain(result), "error");
    }
    render();
  }

  function bindPanel() {
    const details = $("appts");
    try {
      if (localStorage.getItem(OPEN_KEY) === "closed") details.open = false;
    } catch { /* private mode */ }
    details.addEventListener("toggle", function () {
      try { localStorage.setItem(OPEN_KEY, details.open ? "open" : "closed"); } catch { /* */ }
    });
    setInterval(function () { if (panel.office) refresh(); }, PERIODIC_MS);
  }

  // ------------------------------------------------------------------ the return dialog

  /** A date in the office's zone as YYYY-MM-DD. */
  function isoDay(ms, zone) {
    return new Intl.DateTimeFormat("en-CA", {timeZone: zone || "Asia/Ho_Chi_Minh",
                                             year: "numeric", month: "2-digit", day: "2-digit"})
      .format(new Date(ms));
  }

  /** The office's periods on `day` (YYYY-MM-DD): null when it keeps no hours. */
  function periodsOf(office, day) {
    if ((office.closed_days || []).indexOf(day) >= 0) return [];
    if (!office.hours) return null;
    const weekday = DAYS[new Date(day + "T12:00:00Z").getUTCDay()];
    return (office.hours[weekday] || []).slice().sort();
  }

  /** The next day after today (office time) the office works, within a month. */
  function nextWorkingDay(office) {
    const today = isoDay(ctx.now(), office.timezone);
    const base = Date.parse(today + "T12:00:00Z");
    for (let n = 1; n <= 31; n += 1) {
      const day = new Date(base + n * 86400000).toISOString().slice(0, 10);
      const periods = periodsOf(office, day);
      if (periods === null || periods.length) return day;
    }
    return new Date(base + 86400000).toISOString().slice(0, 10);
  }

  /** "Thứ Năm, 03/12/2026": the chosen day in words, whatever order the browser's date
   *  field shows its parts in. */
  function dayInWords(day) {
    const weekday = new Intl.DateTimeFormat(lang() === "en" ? "en-GB" : "vi-VN",
                                            {weekday: "long", timeZone: "UTC"})
      .format(new Date(day + "T12:00:00Z"));
    return weekday.charAt(0).toUpperCase() + weekday.slice(1) + ", " +
      day.slice(8, 10) + "/" + day.slice(5, 7) + "/" + day.slice(0, 4);
  }

  function showHours() {
    const office = state.office;
    const day = $("rt-date").value;
    const periods = office && day ? periodsOf(office, day) : null;
    const words = day ? dayInWords(day) : "";
    $("rt-hours").textContent = !day ? ""
      : periods === null ? words
        : periods.length ? t("console.return_hours", {day: words, hours: periods.map(function (p) { return p[0] + "–" + p[1]; }).join(", ")})
          : t("console.return_closed_day", {day: words});
    return periods;
  }

  let returnTicket = null;

  function openReturn() {
    const cur = current();
    if (!cur || !cur.dossier_code || state.busy) return;
    returnTicket = cur;
    $("rt-code").textContent = cur.code;
    $("rt-dossier").textContent = t("console.return_dossier", {code: cur.dossier_code});
    $("rt-date").value = nextWorkingDay(state.office);
    const periods = showHours();
    $("rt-time").value = periods && periods.length ? periods[0][0] : "";
    $("rt-phone").value = "";
    $("rt-consent").checked = false;
    showError("");
    $("rt-fields").hidden = false;
    $("rt-done").hidden = true;
    $("rt-submit").hidden = false;
    $("rt-submit").disabled = false;
    $("rt-cancel").textContent = t("console.cancel");
    $("dlg-return").showModal();
    $("rt-date").focus();
  }

  function showError(text, field) {
    $("rt-error").textContent = text;
    $("rt-error").hidden = !text;
    ["rt-date", "rt-time", "rt-phone"].forEach(function (id) {
      if (text && id === field) $(id).setAttribute("aria-invalid", "true");
      else $(id).removeAttribute("aria-invalid");
    });
  }

  function showDone(data) {
    const start = data.start || "";
    const date = start.slice(8, 10) + "/" + start.slice(5, 7) + "/" + start.slice(0, 4);
    $("rt-done-text").textContent = t("console.return_done",
      {code: data.code, time: start.slice(11, 16), date: date});
    const printed = $("rt-done-print");
    if (data.print_job) {
      printed.replaceChildren(t("console.return_printed"));
    } else {
      printed.replaceChildren(h("a", {href: data.manage_url, target: "_blank", rel: "noopener",
                                      id: "rt-slip", text: t("console.return_open_slip")}));
    }
    $("rt-done-messages").hidden = !data.messages;
    $("rt-fields").hidden = true;
    $("rt-done").hidden = false;
    $("rt-submit").hidden = true;
    $("rt-cancel").textContent = t("console.close_dialog");
    $("rt-cancel").focus();
  }

  function bindReturn() {
    const dialog = $("dlg-return");
    $("rt-cancel").addEventListener("click", function () { dialog.close(); });
    $("rt-date").addEventListener("change", showHours);
    // A correction clears the last refusal.
    ["rt-date", "rt-time", "rt-phone"].forEach(function (id) {
      $(id).addEventListener("input", function () { if (!$("rt-error").hidden) showError(""); });
    });
    $("form-return").addEventListener("submit", async function (event) {
      event.preventDefault();
      const ticket = returnTicket;
      if (!ticket || !$("rt-done").hidden) return;
      const day = $("rt-date").value;
      const time = $("rt-time").value.trim();
      const match = TIME.exec(time);
      if (!day) { showError(t("console.return_no_date"), "rt-date"); $("rt-date").focus(); return; }
      if (!match) { showError(t("console.return_bad_time"), "rt-time"); $("rt-time").focus(); return; }
      const hhmm = match[1].padStart(2, "0") + ":" + match[2];
      $("rt-time").value = hhmm;
      const phone = $("rt-phone").value.trim();
      showError("");
      $("rt-submit").disabled = true;
      const data = await act("return", "POST", "/tickets/" + ticket.id + "/return-appointment",
                             {start: day + "T" + hhmm, phone: phone || null,
                              consent: $("rt-consent").checked},
                             function (answer) {
                               say(t("console.said_return", {ticket: ticket.code, code: answer.code}), "ok");
                             });
      $("rt-submit").disabled = false;
      if (data) {
        showDone(data);
        refresh();
      } else {
        const text = $("message").textContent;
        showError(text, /phone|điện thoại/i.test(text) ? "rt-phone" : "rt-time");
      }
    });
  }

  bindPanel();
  bindReturn();
  return {follow: follow, stop: stop, render: render, onSnapshot: onSnapshot,
          openReturn: openReturn, refresh: refresh, panel: panel};
}
