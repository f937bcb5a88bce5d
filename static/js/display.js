/*
 * display.js — the waiting-room board: calls, counters, waiting counts, notice, voice.
 *
 * Everything on screen is drawn from the office snapshot (on load, on every reconnect, on
 * each queue_changed) plus the ticket_called events in between. Calls are announced by
 * the Announcer, one at a time, in call order, each with the audio of its own call; the big
 * panel shows the call being spoken (so screen and voice never disagree), "Vừa gọi" the
 * latest call of each other ticket. A call from a snapshot is spoken only while its ticket
 * is still called at that counter: a reload never announces a ticket already served or
 * marked absent.
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

const state = {
  snapshot: null, calls: new Map(), maxCallId: 0, heroId: null, flashedId: 0,
  waitingPage: 0, waitingPages: 1,
};

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

// The big panel: the call the voice is saying; between calls, the newest one it has said
// whose ticket is still at that counter (after a reload, not one served or marked absent
// since), else the newest it has said. Calls still waiting for the voice stay off the
// panel and the list until spoken; muted or blocked, nothing waits for the voice.
function heroCall() {
  const playing = Announcer.playing;
  if (playing && state.calls.has(playing.call_id)) return state.calls.get(playing.call_id);
  const pending = Announcer.pendingIds();
  const counters = state.snapshot ? state.snapshot.counters : [];
  let best = null;
  let live = null;
  state.calls.forEach(function (call) {
    if (pending.has(call.call_id)) return;
    if (!best || call.call_id > best.call_id) best = call;
    const here = counters.some(function (c) {
      return c.id === call.counter.id && c.current && c.current.code === call.code;
    });
    if (here && (!live || call.call_id > live.call_id)) live = call;
  });
  return live || best;
}

function showHero() {
  const call = heroCall();
  const hero = $("hero");
  hero.classList.toggle("is-empty", !call);
  if (!call) {
    $("hero-code").textContent = "";
    $("hero-counter").textContent = t.no_call_yet;
    $("hero-to").hidden = true;
    $("hero-service").textContent = "";
    hero.classList.remove("is-speaking");
    state.heroId = null;
    renderRecent();
    return;
  }
  const playing = Announcer.playing;
  hero.classList.toggle("is-speaking", !!playing && playing.call_id === call.call_id);
  $("hero-code").textContent = call.code;
  $("hero-to").hidden = false;
  $("hero-counter").textContent = t.counter + " " + call.counter.number;
  $("hero-service").textContent = serviceName(call.service) +
    (call.recall ? " · " + t.recall : "");
  hero.dataset.callId = String(call.call_id);
  fitText($("hero-code"));
  if (state.heroId !== call.call_id) {
    state.heroId = call.call_id;
    if (call.call_id > state.flashedId && callAge(call) <= Math.max(MAX_AGE_MS, FRESH_MS)) {
      state.flashedId = call.call_id;
      flash(hero, FRESH_MS);
    }
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

/** "Vừa gọi": the latest call of each ticket but the one in the big panel, newest first;
 * a recall replaces the ticket's earlier call instead of adding a row. */
function recentCalls() {
  const hero = state.calls.get(state.heroId);
  const pending = Announcer.pendingIds();
  const latest = new Map();
  state.calls.forEach(function (call) {
    if (pending.has(call.call_id) || (hero && call.code === hero.code)) return;
    const seen = latest.get(call.code);
    if (!seen || seen.call_id < call.call_id) latest.set(call.code, call);
  });
  return Array.from(latest.values())
    .sort(function (a, b) { return b.call_id - a.call_id; })
    .slice(0, RECENT_SHOWN);
}

function renderRecent() {
  const list = $("recent-list");
  list.replaceChildren.apply(list, recentCalls().map(function (call) {
    const row = el("li", {class: "recent-row"});
    row.dataset.callId = String(call.call_id);
    row.dataset.code = call.code;
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
  // A closed counter with nobody at it is a slim grey bar under the cards, not a card:
  // the room goes to the counters people may be called to.
  const closed = counters.filter(function (c) { return c.state === "closed" && !c.current; });
  const shown = counters.filter(function (c) { return closed.indexOf(c) < 0; });
  const bar = $("closed-list");
  bar.hidden = !closed.length;
  bar.replaceChildren.apply(bar, closed.map(function (counter) {
    const item = el("li", {class: "closed-item"});
    item.dataset.counter = String(counter.number);
    item.append(el("span", {class: "closed-label"}, t.counter + " " + counter.number),
                el("span", {class: "closed-state"}, t.closed));
    return item;
  }));
  const grid = $("counter-grid");
  grid.replaceChildren.apply(grid, shown.map(function (counter) {
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
  layoutCounters(shown.length);
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
  pageWaiting();
}

const WAITING_PAGE_MS = 8000;

// Every field at the readable size, names wrapping; when they do not all fit, pages of
// whole rows that turn every few seconds ("1/2" by the title), never smaller text.
function pageWaiting() {
  const list = $("waiting-list");
  const items = Array.from(list.children);
  items.forEach(function (item) { item.hidden = false; delete item.dataset.page; });
  let page = 0;
  let top = null;
  items.forEach(function (item) {
    if (top === null) top = item.offsetTop;
    // An item that would stick out of the list starts the next page.
    if (item.offsetTop - top + item.offsetHeight > list.clientHeight + 1 && item.offsetTop > top) {
      page += 1;
      top = item.offsetTop;
    }
    item.dataset.page = String(page);
  });
  state.waitingPages = page + 1;
  if (state.waitingPage >= state.waitingPages) state.waitingPage = 0;
  showWaitingPage();
}

function showWaitingPage() {
  const list = $("waiting-list");
  Array.from(list.children).forEach(function (item) {
    item.hidden = item.dataset.page !== String(state.waitingPage);
  });
  const many = state.waitingPages > 1;
  $("waiting-page").hidden = !many;
  $("waiting-page").textContent = (state.waitingPage + 1) + "/" + state.waitingPages;
  list.dataset.pages = String(state.waitingPages);
}

setInterval(function () {
  if (state.waitingPages < 2) return;
  state.waitingPage = (state.waitingPage + 1) % state.waitingPages;
  showWaitingPage();
}, WAITING_PAGE_MS);

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
  // Oldest first, so the announcer queues missed calls in the order they were made; one
  // whose ticket has left the counter since (served, absent, moved) is shown, not spoken.
  snapshot.recent_calls.slice().reverse().forEach(function (call) {
    rememberCall(call);
    Announcer.intake(call, false, !stillCalled(snapshot, call));
  });
  showHero();
}

function stillCalled(snapshot, call) {
  return snapshot.counters.some(function (counter) {
    return counter.id === call.counter.id && counter.current &&
      counter.current.code === call.code && counter.current.status === "called";
  });
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
  pageWaiting();
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
