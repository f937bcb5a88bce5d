/*
 * counter_display.js — the screen above one counter: its number, the ticket it serves,
 * and a flash on each call (and recall). It follows the public office room, so it needs
 * no officer token: the office snapshot lists every counter with its current ticket.
 */
import {byId, fitText, readJson} from "./lib/dom.js";
import {localName} from "./lib/i18n.js";
import {live} from "./lib/live.js";


const page = readJson("luot-page");
const t = page.labels;
const FLASH_MS = 5000;
const $ = byId;

const state = {counter: null, maxCallId: 0, flashed: new Set(), flashes: 0};

const serviceName = function (service) { return localName(service, page.lang); };

function render() {
  const counter = state.counter;
  if (!counter) return;
  const current = counter.current;
  let kind = "idle";
  let label = t.idle;
  if (current && current.status === "called") { kind = "calling"; label = t.calling; }
  else if (current) { kind = "serving"; label = t.serving; }
  else if (counter.state === "closed") { kind = "closed"; label = t.closed; }
  else if (counter.state === "paused") { kind = "paused"; label = t.paused; }
  const screen = $("screen");
  screen.classList.remove("is-idle", "is-calling", "is-serving", "is-closed", "is-paused");
  screen.classList.add("is-" + kind);
  screen.dataset.status = kind;
  $("now-label").textContent = label;
  // Nobody at the counter: its state in large words, not a dash that reads as a grey bar.
  $("now-code").textContent = current ? current.code : "";
  $("now-code").hidden = !current;
  $("now-service").textContent = current ? serviceName(current.service) : "";
  fitText($("now-code"));
}

function flash(callId) {
  if (state.flashed.has(callId)) return;
  state.flashed.add(callId);
  state.flashes += 1;
  const screen = $("screen");
  screen.classList.remove("is-flash");
  void screen.offsetWidth;  // restart the animation
  screen.classList.add("is-flash");
  clearTimeout(screen.flashTimer);
  screen.flashTimer = setTimeout(function () { screen.classList.remove("is-flash"); }, FLASH_MS);
}

function onSnapshot(snapshot, info) {
  // A refresh that predates a call already shown would briefly undo it.
  if (info.source === "update" && snapshot.version < state.maxCallId) return;
  const mine = snapshot.counters.filter(function (c) { return c.id === page.counter; })[0];
  if (!mine) return;
  state.counter = mine;
  snapshot.recent_calls.forEach(function (call) {
    if (call.call_id > state.maxCallId) state.maxCallId = call.call_id;
    // Calls seen in a snapshot happened before this page knew: no flash for them.
    state.flashed.add(call.call_id);
  });
  render();
}

function onCall(call) {
  if (call.call_id > state.maxCallId) state.maxCallId = call.call_id;
  if (call.counter.id !== page.counter || !state.counter) return;
  state.counter.current = call.ticket;
  render();
  flash(call.call_id);
}

onSnapshot(page.snapshot, {source: "join"});
window.addEventListener("resize", function () { fitText($("now-code")); });
window.luotCounter = {
  get flashes() { return state.flashes; },
  get counter() { return state.counter; },
};
window.luotLive = live({
  room: {office: page.office},
  onSnapshot: onSnapshot,
  on: {ticket_called: onCall},
  statusElement: $("live-status"),
  labels: {offline: t.offline},
  onState: function (value) { $("screen").dataset.live = value; },
});
