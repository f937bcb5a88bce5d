/*
 * display.js — the waiting-room board: calls, counters, waiting counts, notice, voice.
 *
 * Everything on screen is drawn from the office snapshot (on load, on every reconnect, on
 * each queue_changed) plus the ticket_called events in between. Calls are announced by
 * the Announcer below, one at a time, in call order, each with the audio of its own call.
 *
 * Browsers refuse sound until someone touches the page; a TV has nobody to do that, so run
 * the board in Chromium with --kiosk --autoplay-policy=no-user-gesture-required. Without
 * it the page asks once for a tap ("Chạm để bật âm thanh"). `?mute=1` / `?mute=0` or the
 * speaker button silence a screen (remembered by it); office settings used:
 * `announce_max_age` (seconds; older calls missed while offline are shown, not spoken),
 * `notice`, and `voice` (read by the server when it renders the audio).
 */

import {deviceKey} from "./lib/device_key.js";
import {byId, el, fitText, readJson} from "./lib/dom.js";
import {counterSubtitle, localName} from "./lib/i18n.js";
import {live} from "./lib/live.js";
import {Announcer, MAX_AGE_MS, callAge, clock, hooks, serverNow} from "./display/announcer.js";


const page = readJson("luot-page");
const t = page.labels;
const FRESH_MS = 8000;
const RECENT_SHOWN = 6;
const CALLS_KEPT = 60;

const $ = byId;

const state = {snapshot: null, calls: new Map(), maxCallId: 0, heroId: null};

// ------------------------------------------------------------------ small helpers

const serviceName = function (service) { return localName(service, page.lang); };

// ------------------------------------------------------------------ drawing

function rememberCall(call) {
  state.calls.set(call.call_id, call);
  if (call.call_id > state.maxCallId) state.maxCallId = call.call_id;
  if (state.calls.size > CALLS_KEPT) {
    const oldest = Math.min.apply(null, Array.from(state.calls.keys()));
    state.calls.delete(oldest);
  }
}

function newestCall() {
  return state.calls.get(state.maxCallId) || null;
}

// The big panel shows the newest call at once, even while the voice is still on an
// earlier one; whichever call is being spoken is marked, here or in the list below.
function speakingId() {
  return Announcer.playing ? Announcer.playing.call_id : null;
}

function showHero() {
  const call = newestCall();
  const hero = $("hero");
  hero.classList.toggle("is-empty", !call);
  if (!call) {
    $("hero-code").textContent = "";
    $("hero-counter").textContent = t.no_call_yet;
    $("hero-to").hidden = true;
    $("hero-service").textContent = "";
    hero.classList.remove("is-speaking");
    return;
  }
  hero.classList.toggle("is-speaking", speakingId() === call.call_id);
  $("hero-code").textContent = call.code;
  $("hero-to").hidden = false;
  $("hero-counter").textContent = t.counter + " " + call.counter.number;
  $("hero-service").textContent = serviceName(call.service) +
    (call.recall ? " · " + t.recall : "");
  hero.dataset.callId = String(call.call_id);
  fitText($("hero-code"));
  if (state.heroId !== call.call_id) {
    state.heroId = call.call_id;
    if (callAge(call) <= Math.max(MAX_AGE_MS, FRESH_MS)) flash(hero, FRESH_MS);
  }
  renderRecent();
}

function flash(node, ms) {
  node.classList.remove("is-fresh");
  void node.offsetWidth;  // restart the animation
  node.classList.add("is-fresh");
  clearTimeout(node.flashTimer);
  node.flashTimer = setTimeout(function () { node.classList.remove("is-fresh"); }, ms);
}

function renderRecent() {
  const list = $("recent-list");
  const calls = Array.from(state.calls.values())
    .filter(function (call) { return call.call_id !== state.heroId; })
    .sort(function (a, b) { return b.call_id - a.call_id; })
    .slice(0, RECENT_SHOWN);
  list.replaceChildren.apply(list, calls.map(function (call) {
    const row = el("li", {class: "recent-row"});
    row.dataset.callId = String(call.call_id);
    if (call.call_id === speakingId()) row.classList.add("is-speaking");
    row.append(el("span", {class: "recent-code"}, call.code),
               el("span", {class: "recent-arrow"}, "→"),
               el("span", {class: "recent-counter"}, t.counter + " " + call.counter.number));
    if (call.recall) row.append(el("span", {class: "recent-tag"}, t.recall));
    return row;
  }));
  // Whole rows only: a row cut in half is worse than one row fewer.
  Array.from(list.children).forEach(function (row) {
    row.hidden = row.offsetTop - list.offsetTop + row.offsetHeight > list.clientHeight + 1;
  });
}

function counterState(counter) {
  const current = counter.current;
  if (current && current.status === "called") return ["calling", t.calling];
  if (current) return ["serving", t.serving];
  if (counter.state === "closed") return ["closed", t.closed];
  if (counter.state === "paused") return ["paused", t.paused];
  return ["idle", t.idle];
}

function renderCounters(counters) {
  const grid = $("counter-grid");
  grid.replaceChildren.apply(grid, counters.map(function (counter) {
    const kind = counterState(counter);
    const card = el("li", {class: "counter-card is-" + kind[0]});
    card.dataset.counter = String(counter.number);
    card.dataset.counterId = String(counter.id);
    const head = el("p", {class: "counter-head"});
    head.append(el("span", {class: "counter-label"}, t.counter + " " + counter.number));
    const subtitle = counterSubtitle(counter.name);
    if (subtitle) head.append(el("span", {class: "counter-name"}, subtitle));
    // Nobody at it: no number, and no dash that looks like a loading bar.
    const code = el("p", {class: "counter-code"}, counter.current ? counter.current.code : "");
    const inner = el("div", {class: "counter-inner"});
    inner.append(head, code, el("p", {class: "counter-state"}, kind[1]));
    card.append(inner);
    return card;
  }));
  layoutCounters(counters.length);
  grid.querySelectorAll(".counter-code").forEach(fitText);
}

// Columns and rows that give each card's number the largest size, by the same rules as
// display.css: a card at least twice as wide as high puts the number beside the name.
function codeSize(width, height) {
  return width >= 2 * height ? Math.min(0.72 * height, 0.25 * width)
                             : Math.min(0.52 * height, 0.30 * width);
}

function layoutCounters(count) {
  const grid = $("counter-grid");
  const width = grid.clientWidth;
  const height = grid.clientHeight;
  if (!count || !width || !height) return;
  const gap = parseFloat(getComputedStyle(grid).rowGap) || 0;
  let best = {cols: 1, rows: count, size: 0};
  for (let cols = 1; cols <= count; cols += 1) {
    const rows = Math.ceil(count / cols);
    const size = codeSize((width - gap * (cols - 1)) / cols, (height - gap * (rows - 1)) / rows);
    if (size > best.size + 0.5) best = {cols: cols, rows: rows, size: size};
  }
  grid.style.setProperty("--cols", best.cols);
  grid.style.setProperty("--rows", best.rows);
}

function renderWaiting(services) {
  const list = $("waiting-list");
  list.replaceChildren.apply(list, services.map(function (service) {
    const row = el("li", {class: "waiting-item"});
    row.dataset.service = service.code;
    row.append(el("span", {class: "waiting-name"}, serviceName(service)),
               el("span", {class: "waiting-count"}, String(service.waiting)));
    return row;
  }));
  fitStrip(list);
}

// One line of fields across a landscape board: shrink a little, or else wrap.
function fitStrip(list) {
  const MIN_SCALE = 0.75;
  list.classList.remove("is-wrapped");
  list.style.removeProperty("--scale");
  if (getComputedStyle(list).flexDirection !== "row") return;
  if (list.scrollWidth <= list.clientWidth) return;
  const scale = list.clientWidth / list.scrollWidth * 0.98;
  if (scale >= MIN_SCALE) list.style.setProperty("--scale", scale.toFixed(3));
  else list.classList.add("is-wrapped");
}

function renderNotice(text) {
  const footer = $("notice");
  const span = $("notice-text");
  text = (text || "").trim();
  footer.hidden = !text;
  if (span.textContent === text) return;  // keep the scroll going
  span.textContent = text;
  sizeNotice();
}

// Scroll at a steady reading speed whatever the length, starting with the text in view.
function sizeNotice() {
  const footer = $("notice");
  const width = $("notice-text").getBoundingClientRect().width;
  if (footer.hidden || !width) return;
  const pxPerSecond = 110;
  const travel = width + footer.clientWidth;
  const seconds = Math.max(12, travel / pxPerSecond);
  const lead = footer.clientWidth / travel * seconds;
  footer.style.setProperty("--notice-seconds", seconds.toFixed(2) + "s");
  footer.style.setProperty("--notice-delay", -(lead * 0.7).toFixed(2) + "s");
}

function render(snapshot) {
  state.snapshot = snapshot;
  $("office-name").textContent = snapshot.office.name;
  renderNotice(snapshot.office.notice);
  renderWaiting(snapshot.services);
  renderCounters(snapshot.counters);
  // Oldest first, so the announcer queues missed calls in the order they were made.
  snapshot.recent_calls.slice().reverse().forEach(function (call) {
    rememberCall(call);
    Announcer.intake(call);
  });
  showHero();
}

function onSnapshot(snapshot, info) {
  if (info.source === "join" && snapshot.at) {
    clock.setServerTime(snapshot.at);
  }
  // A refresh that predates a call already on screen would briefly undo it.
  if (info.source === "update" && snapshot.version < state.maxCallId) return;
  render(snapshot);
}

function onCall(call) {
  rememberCall(call);
  const counters = state.snapshot ? state.snapshot.counters : [];
  counters.forEach(function (counter) {
    if (counter.id === call.counter.id) counter.current = call.ticket;
  });
  renderCounters(counters);
  Announcer.intake(call, true);
  showHero();
}

// ------------------------------------------------------------------ clock

const timeFormat = new Intl.DateTimeFormat(page.lang === "en" ? "en-GB" : "vi-VN", {
  hour: "2-digit", minute: "2-digit", hour12: false,
  timeZone: page.snapshot.office.timezone || "Asia/Ho_Chi_Minh",
});
const dateFormat = new Intl.DateTimeFormat(page.lang === "en" ? "en-GB" : "vi-VN", {
  weekday: "long", day: "2-digit", month: "2-digit", year: "numeric",
  timeZone: page.snapshot.office.timezone || "Asia/Ho_Chi_Minh",
});

function tick() {
  const now = new Date(serverNow());
  $("clock-time").textContent = timeFormat.format(now);
  $("clock-time").dateTime = now.toISOString();
  const date = dateFormat.format(now);
  $("clock-date").textContent = date.charAt(0).toUpperCase() + date.slice(1);
}

// ------------------------------------------------------------------ start

clock.setServerTime(page.snapshot.at);
hooks.onPlaying = showHero;
render(page.snapshot);
tick();
setInterval(tick, 1000);
window.addEventListener("resize", function () {
  if (state.snapshot) renderCounters(state.snapshot.counters);
  fitText($("hero-code"));
  renderRecent();
  fitStrip($("waiting-list"));
  sizeNotice();
});
// Sizes measured before the web font arrived are wrong: measure again once it has.
if (document.fonts) {
  document.fonts.ready.then(function () {
    if (state.snapshot) render(state.snapshot);
    sizeNotice();
  });
}

// A registered board (opened once with ?key=TOKEN) connects as its device, so the
// manager's overview can tell it is alive.
const token = deviceKey("luot.display.token." + page.office);
window.luotBoard = live({
  room: {office: page.office},
  auth: token ? {token: token} : undefined,
  onSnapshot: onSnapshot,
  on: {ticket_called: onCall},
  statusElement: $("live-status"),
  labels: {offline: t.offline, connecting: "", polling: t.polling},
  onState: function (value) { $("board").dataset.live = value; },
});
