/*
 * kiosk/ticket.js — the issued ticket: number, place, estimate, QR, the printer's report,
 * and the countdown back to the start; a checked-in appointment's ticket says its time.
 */

import {$, OPTS, PRINT_WAIT_MS, named, show, state, t, timers} from "./context.js";
import {goStart} from "./home.js";

export function showTicket(ticket) {
  state.ticket = ticket;
  state.citizen = null;
  state.intent = null;
  const job = ticket.print_job;
  if (!job) state.printState = "none";
  else state.printState = state.printStatus[job.id] || job.status || "pending";
  show("ticket");
  renderTicket();
  $("k-qr").src = "/kiosk/qr.svg?data=" + encodeURIComponent(ticket.track_url);
  clearTimeout(timers.print);
  if (job && !isFinal(state.printState)) {
    timers.print = setTimeout(function () {
      if (state.ticket === ticket && !isFinal(state.printState)) setPrintState("unknown");
    }, PRINT_WAIT_MS);
  }
  startCountdown(OPTS.return_seconds);
}

function isFinal(status) {
  return status === "printed" || status === "failed" || status === "unknown";
}

export function renderTicket() {
  const ticket = state.ticket;
  if (!ticket) return;
  $("k-number").textContent = ticket.code;
  $("k-ticket-service").textContent = ticket.service ? named(ticket.service) : "";
  const cls = ticket.priority && state.classes.filter(function (c) {
    return c.code === ticket.priority;
  })[0];
  $("k-ticket-priority").hidden = !ticket.priority;
  $("k-ticket-priority").textContent = ticket.priority
    ? t("priority_ticket", { name: cls ? named(cls) : ticket.priority }) : "";
  // A checked-in appointment: "Số của lịch hẹn lúc 09:00" (the office's wall time).
  const booked = ticket.appointment;
  const at = booked && typeof booked.start === "string" ? booked.start.slice(11, 16) : "";
  $("k-ticket-appointment").hidden = !at;
  $("k-ticket-appointment").textContent = at
    ? t(booked.kind === "return" ? "return_ticket" : "appointment_ticket", {time: at}) : "";
  $("k-ahead").textContent = ticket.ahead ? t("ahead_n", { n: ticket.ahead }) : t("ahead_none");
  // null: no open counter serves the field yet, so no wait is promised.
  const eta = ticket.eta_minutes;
  $("k-eta").textContent = eta == null ? t("wait_unknown")
    : eta ? t("wait_n", {n: eta}) : t("wait_none");
  renderPrint();
  renderCountdown();
}

function renderPrint() {
  const line = $("k-print");
  const status = state.printState;
  const key = {
    none: "print_none", pending: "print_pending", printing: "print_pending",
    printed: "print_printed", failed: "print_failed", unknown: "print_unknown",
  }[status] || "print_pending";
  line.setAttribute("data-state", status === "printing" ? "pending" : status);
  line.textContent = t(key);
  // Point at the slot while the paper is on its way or waiting to be taken.
  const slot = $("k-slot");
  slot.hidden = !(status === "pending" || status === "printing" || status === "printed");
  $("k-slot-text").textContent = t("slot_" + OPTS.printer_slot);
}

function setPrintState(status) {
  const before = state.printState;
  state.printState = status;
  renderPrint();
  if ((status === "failed" || status === "unknown") && before !== status) {
    // Time to remember the number or take a photo.
    state.remaining = Math.max(state.remaining, OPTS.return_seconds);
    renderCountdown();
  }
}

export function onPrintStatus(report) {
  if (!report || report.id == null) return;
  state.printStatus[report.id] = report.status;
  const ids = Object.keys(state.printStatus);
  if (ids.length > 50) delete state.printStatus[ids[0]];
  const job = state.ticket && state.ticket.print_job;
  if (state.screen === "ticket" && job && job.id === report.id) setPrintState(report.status);
}

function startCountdown(seconds) {
  clearInterval(timers.countdown);
  state.remaining = seconds;
  renderCountdown();
  timers.countdown = setInterval(function () {
    state.remaining -= 1;
    if (state.remaining <= 0) {
      goStart({ fresh: true });
      return;
    }
    renderCountdown();
  }, 1000);
}

function renderCountdown() {
  $("k-countdown").textContent = t("countdown", { n: Math.max(0, state.remaining) });
}
