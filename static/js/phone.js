/*
 * phone.js — the citizen's own ticket (/t/<token>): place, estimate, the call, the end.
 *
 * The page arrives already drawn by the server; this keeps it live over the ticket's
 * Socket.IO room, or by polling GET /api/v1/tickets/<token> when the socket cannot get
 * through (a weak mobile connection, a proxy that drops WebSockets and long-polling).
 */

import {byId, readJson} from "./lib/dom.js";
import {counterSubtitle, localName} from "./lib/i18n.js";
import {live} from "./lib/live.js";
import {mount} from "./rating.js";


const page = readJson("luot-page");
const t = page.labels;
const $ = byId;
const NOTES = {no_show: t.no_show_hint, on_hold: t.on_hold_hint, cancelled: t.cancelled_hint};
const ALERT_KEY = "luot.alerted." + page.token;
const ALERT_WINDOW_MS = 10 * 60 * 1000;

let ticket = page.ticket;
const baseTitle = document.title;
const alerted = new Set(JSON.parse(sessionStorageGet(ALERT_KEY) || "[]"));
const alerts = [];  // what was signalled, for tests: [{key, vibrated, notified}]

function sessionStorageGet(key) {
  try { return sessionStorage.getItem(key); } catch { return null; }
}

function serviceName(service) {
  return localName(service, page.lang);
}

function etaText(minutes) {
  if (minutes === 0) return t.soon;
  if (minutes == null) return t.no_estimate; // no open counter serves the field yet
  return t.about + " " + minutes + " " + t.minutes;
}

function render() {
  const status = ticket.status;
  $("phone").dataset.status = status;
  $("ticket-code").textContent = ticket.code;
  $("ticket-field").textContent = serviceName(ticket.service);
  $("ticket-status").textContent = t["st_" + status] || status;
  $("wait").hidden = status !== "waiting";
  $("ticket-ahead").textContent = ticket.ahead == null ? "" : String(ticket.ahead);
  $("ticket-eta").textContent = etaText(ticket.eta_minutes);
  const atCounter = status === "called" || status === "serving";
  $("called").hidden = !atCounter;
  if (atCounter && ticket.counter) {
    $("called-go").textContent = status === "called" ? t.called_go : t.serving_at;
    $("called-counter").textContent = t.counter + " " + ticket.counter.number;
    // "Quầy 1" under "Quầy 1" says nothing: show the name only when it adds something.
    $("called-name").textContent = counterSubtitle(ticket.counter.name);
  }
  $("done").hidden = status !== "done";
  if (status === "done") mountRating();
  $("note").hidden = !NOTES[status];
  $("note").textContent = NOTES[status] || "";
  document.title = status === "called" && ticket.counter
    ? "● " + t.counter + " " + ticket.counter.number + " — " + ticket.code
    : baseTitle;
  const now = new Date();
  $("updated").textContent = now.toLocaleTimeString(page.lang === "en" ? "en-GB" : "vi-VN",
    {hour: "2-digit", minute: "2-digit", second: "2-digit"});
  $("updated").dateTime = now.toISOString();
  renderNotifyButton();
}

// Once the ticket is finished, offer the same rating as the counter's tablet (once).
let rating = null;
function mountRating() {
  if (rating) return;
  rating = mount($("rating"), {
    ticket: page.token, office: page.ticket.office.code, lang: page.lang,
  });
}

// ------------------------------------------------------------------ being called

// Vibrate and notify once per call (a recall is a new call), never again on a reload.
function remember(key) {
  alerted.add(key);
  try { sessionStorage.setItem(ALERT_KEY, JSON.stringify(Array.from(alerted))); }
  catch { /* private mode */ }
}

function alertCall(key) {
  if (alerted.has(key)) return;
  remember(key);
  const vibrated = vibrate([400, 200, 400, 200, 800]);
  const sounded = ring(2);
  const notified = notify(t.called_go + " " + t.counter + " " + ticket.counter.number,
    ticket.code + " · " + serviceName(ticket.service));
  alerts.push({key: key, vibrated: vibrated, notified: notified, sounded: sounded});
}

// ------------------------------------------------------------------ asked-for alerts

// One tap on "Báo cho tôi" lets the page ring (browsers play sound only after a tap) and
// vibrate when few are left ahead and when called, on plain http too; where the page may
// (https), it also asks to show notifications.
let chime = null;

function ring(times) {
  if (!chime) return false;
  let left = times;
  // One handler, replaced by the next ring: a ring that never ended leaves nothing behind.
  chime.onended = function () {
    left -= 1;
    if (left > 0) chime.play().catch(function () { /* muted or blocked */ });
  };
  chime.currentTime = 0;
  chime.play().catch(function () { /* muted or blocked */ });
  return true;
}

function notify(title, body) {
  if (!("Notification" in window) || Notification.permission !== "granted") return false;
  try {
    new Notification(title, {body: body, tag: page.token, renotify: true, requireInteraction: true});
    return true;
  } catch {
    return false;  // phones want a service worker for this
  }
}

function vibrate(pattern) {
  try {
    return Boolean(navigator.vibrate && navigator.vibrate(pattern));
  } catch {
    return false;
  }
}

function renderNotifyButton() {
  const waiting = ticket.status === "waiting";
  $("notify").hidden = !waiting || Boolean(chime);
  $("notify-on").hidden = !waiting || !chime;
  // "rung" only where this phone can vibrate (not an iPhone's browser, for one).
  const hint = typeof navigator.vibrate === "function" ? t.notify_hint_vibrate : t.notify_hint;
  $("notify-on").textContent = t.notify_on + ". " + hint;
}

function near() {
  return ticket.status === "waiting" && ticket.ahead != null && ticket.ahead <= page.near_ahead;
}

function alertNear() {
  if (!chime || !near() || alerted.has("near")) return;
  remember("near");
  const sounded = ring(1);
  const vibrated = vibrate([300, 150, 300]);
  const notified = notify(t.near, ticket.code + " · " + serviceName(ticket.service));
  alerts.push({key: "near", vibrated: vibrated, notified: notified, sounded: sounded});
}

$("notify").addEventListener("click", function () {
  chime = new Audio(page.chime_url);
  chime.play().catch(function () { /* the tap still arms the vibration */ });
  if (near()) remember("near");  // already near: they are looking at it now
  if ("Notification" in window && window.isSecureContext &&
      Notification.permission === "default") {
    Notification.requestPermission().catch(function () { /* refused: sound and vibration */ });
  }
  renderNotifyButton();
});

// ------------------------------------------------------------------ updates

function update(fresh) {
  const before = ticket.status;
  ticket = Object.assign({}, ticket, fresh);
  if (ticket.status !== "waiting") {
    ticket.position = null; ticket.ahead = null; ticket.eta_minutes = null;
  }
  render();
  alertNear();
  // Called while the page was away (reconnect, poll): alert if the call is recent.
  if (ticket.status === "called" && before !== "called" && ticket.called_at &&
      Date.now() - Date.parse(ticket.called_at) < ALERT_WINDOW_MS) {
    alertCall("at:" + ticket.called_at);
  }
}

function onCall(call) {
  update(Object.assign({}, call.ticket, {status: "called", counter: call.counter}));
  alertCall(call.recall ? "call:" + call.call_id : "at:" + call.ticket.called_at);
}

render();
window.luotPhone = {
  get ticket() { return ticket; },
  alerts: alerts,
};
window.luotLive = live({
  room: {ticket: page.token},
  onSnapshot: function (snapshot) { if (snapshot.ticket) update(snapshot.ticket); },
  on: {
    ticket_updated: function (data) { update(data.ticket); },
    ticket_called: onCall,
  },
  statusElement: $("live-status"),
  labels: {offline: t.offline, polling: t.polling},
  poll: {
    url: page.api_url,
    every: page.poll_seconds * 1000,
    after: 5000,
    toSnapshot: function (json) { return {ticket: json}; },
  },
});
