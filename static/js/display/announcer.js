/*
 * display/announcer.js — the board's voice: each call announced once, one at a time, in
 * call order, each with the audio of its own call (see display.js for the browser flags a
 * TV needs to play sound unasked).
 *
 * `window.luotAnnouncer` shows the queue, what is playing, the history and the skipped
 * calls, for tests and a technician's console.
 */

import {byId, readJson} from "../lib/dom.js";

const page = readJson("luot-page");
const t = page.labels;
const $ = byId;
export const MAX_AGE_MS = page.announce_max_age * 1000;
const clockNow = function () { return performance.timeOrigin + performance.now(); };

// Server time minus this screen's clock: a TV's clock is often wrong.
let serverOffset = 0;
export const clock = {
  setServerTime: function (iso) { serverOffset = Date.parse(iso) - Date.now(); },
};
export const serverNow = function () { return Date.now() + serverOffset; };
export const callAge = function (call) { return serverNow() - Date.parse(call.at); };

// What the board redraws when the voice starts or ends a call (display.js sets it).
export const hooks = {onPlaying: function () {}};

// ------------------------------------------------------------------ store of announced ids

// Ids announced (or decided silent) survive a reload, so a call is never spoken twice.
const Store = (function () {
  const key = "luot.announced." + page.office;
  const LIMIT = 300;
  const TTL_MS = 24 * 3600 * 1000;
  let ids = new Map();
  try {
    const saved = JSON.parse(localStorage.getItem(key) || "[]");
    const cutoff = Date.now() - TTL_MS;
    saved.forEach(function (pair) { if (pair[1] > cutoff) ids.set(pair[0], pair[1]); });
  } catch { ids = new Map(); }

  function save() {
    let pairs = Array.from(ids.entries());
    if (pairs.length > LIMIT) {
      pairs = pairs.sort(function (a, b) { return a[0] - b[0]; }).slice(-LIMIT);
      ids = new Map(pairs);
    }
    try { localStorage.setItem(key, JSON.stringify(pairs)); } catch { /* full */ }
  }

  return {
    has: function (id) { return ids.has(id); },
    add: function (id) { ids.set(id, Date.now()); save(); },
  };
})();

// ------------------------------------------------------------------ the announcer

export const Announcer = (function () {
  const GAP_MS = 700;         // silence between two announcements
  const LOAD_LIMIT_MS = 15000; // no metadata by then: give up on this file
  const END_MARGIN_MS = 1500;  // after the file's duration, even without "ended"
  const muteKey = "luot.mute." + page.office;
  const soundKey = "luot.sound";

  const queue = [];
  const history = [];
  const skipped = [];
  const known = new Set();
  let playing = null;
  let blocked = false;
  let idleUntil = 0;
  let wake = null;
  let stopPlaying = null;  // cuts the current announcement short (muting)
  let muted = false;
  try { muted = localStorage.getItem(muteKey) === "1"; } catch { muted = false; }
  if (page.mute !== null && page.mute !== undefined) setMutedStored(page.mute);

  function setMutedStored(value) {
    muted = Boolean(value);
    try { localStorage.setItem(muteKey, muted ? "1" : "0"); } catch { /* private mode */ }
  }

  function urlFor(call) {
    const params = new URLSearchParams({code: call.code, counter: String(call.counter.number)});
    if (call.recall) params.set("recall", "1");  // said "Mời lại …"
    return page.announce_url + "?" + params.toString();
  }

  function item(call) {
    return {call_id: call.call_id, code: call.code, counter: call.counter.number,
            recall: Boolean(call.recall), at: call.at, src: urlFor(call)};
  }

  function skip(call, reason) {
    skipped.push({call_id: call.call_id, code: call.code, counter: call.counter.number,
                  reason: reason});
    Store.add(call.call_id);
  }

  // Every call passes here once: live from its event, or from a snapshot (on load or after
  // a reconnect). Only the latter can be old news: those are shown but not spoken, whether
  // too old or `over` (the ticket is no longer called at that counter).
  function intake(call, live, over) {
    if (known.has(call.call_id)) return;
    known.add(call.call_id);
    if (Store.has(call.call_id)) return;  // spoken before this page was (re)loaded
    if (!live && callAge(call) > MAX_AGE_MS) { skip(call, "stale"); return; }
    if (!live && over) { skip(call, "over"); return; }
    if (muted) { skip(call, "muted"); return; }
    const entry = item(call);
    let at = queue.length;
    while (at > 0 && queue[at - 1].call_id > entry.call_id) at -= 1;
    queue.splice(at, 0, entry);  // in call order, whatever order they reached us in
    pump();
  }

  function pump() {
    if (playing || blocked || muted || !queue.length) return;
    const wait = idleUntil - clockNow();
    if (wait > 0) {
      if (!wake) wake = setTimeout(function () { wake = null; pump(); }, wait);
      return;
    }
    const current = queue.shift();
    playing = current;
    current.start = clockNow();
    hooks.onPlaying();
    play(current.src).then(function (outcome) {
      if (outcome === "error" && !muted) {
        return play(page.chime_url).then(function () { return "error"; });
      }
      return outcome;
    }).then(function (outcome) { finish(current, outcome); });
  }

  function finish(current, outcome) {
    playing = null;
    if (outcome === "blocked") {
      delete current.start;
      queue.unshift(current);
      setBlocked(true);
      return;
    }
    current.end = clockNow();
    current.outcome = outcome;
    history.push(current);
    Store.add(current.call_id);
    idleUntil = current.end + GAP_MS;
    hooks.onPlaying();
    pump();
  }

  // Resolves with "ended", "timeout", "error", "blocked" or "stopped"; never hangs: a
  // stuck element is given up after its duration plus a margin.
  function play(src) {
    return new Promise(function (resolve) {
      const audio = new Audio();
      let done = false;
      let timer = setTimeout(function () { end("timeout"); }, LOAD_LIMIT_MS);
      function end(outcome) {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (stopPlaying === stop) stopPlaying = null;
        audio.pause();
        audio.removeAttribute("src");
        resolve(outcome);
      }
      function stop() { end("stopped"); }
      stopPlaying = stop;
      audio.addEventListener("loadedmetadata", function () {
        if (Number.isFinite(audio.duration) && audio.duration > 0) {
          clearTimeout(timer);
          timer = setTimeout(function () { end("timeout"); },
            audio.duration * 1000 + END_MARGIN_MS);
        }
      });
      audio.addEventListener("ended", function () { end("ended"); });
      audio.addEventListener("error", function () { end("error"); });
      audio.preload = "auto";
      audio.src = src;
      const started = audio.play();
      if (started && started.catch) {
        started.catch(function (error) {
          end(error && error.name === "NotAllowedError" ? "blocked" : "error");
        });
      }
    });
  }

  // ---------------------------------------------------------------- autoplay and mute

  function setBlocked(value) {
    const changed = blocked !== value;
    blocked = value;
    $("sound-overlay").hidden = !blocked || muted;
    if (changed) hooks.onPlaying();  // what waits for the voice has changed
  }

  // Calls the voice will still say: the screen holds them back until it does. Nothing is
  // held while the sound is blocked (nobody would hear them) or muted.
  function pendingIds() {
    if (blocked || muted) return new Set();
    return new Set(queue.map(function (entry) { return entry.call_id; }));
  }

  function unlock() {
    if (!blocked) return;
    try { localStorage.setItem(soundKey, "on"); } catch { /* private mode */ }
    setBlocked(false);
    pump();
  }

  // A silent 0.1 s WAV: lets the page learn at once whether it may play sound.
  function silentWav() {
    const samples = 800;
    const bytes = new Uint8Array(44 + samples);
    const view = new DataView(bytes.buffer);
    const text = function (at, s) {
      for (let i = 0; i < s.length; i += 1) bytes[at + i] = s.charCodeAt(i);
    };
    text(0, "RIFF"); view.setUint32(4, 36 + samples, true); text(8, "WAVEfmt ");
    view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
    view.setUint32(24, 8000, true); view.setUint32(28, 8000, true);
    view.setUint16(32, 1, true); view.setUint16(34, 8, true);
    text(36, "data"); view.setUint32(40, samples, true);
    bytes.fill(128, 44);
    let binary = "";
    bytes.forEach(function (b) { binary += String.fromCharCode(b); });
    return "data:audio/wav;base64," + btoa(binary);
  }

  function probe() {
    if (muted) return;
    play(silentWav()).then(function (outcome) {
      if (outcome === "blocked") setBlocked(true);
    });
  }

  function setMuted(value) {
    setMutedStored(value);
    if (muted) {
      if (stopPlaying) stopPlaying();
      while (queue.length) {
        const dropped = queue.shift();
        skipped.push({call_id: dropped.call_id, code: dropped.code,
                      counter: dropped.counter, reason: "muted"});
        Store.add(dropped.call_id);
      }
      setBlocked(false);
    } else {
      probe();
    }
    renderSoundToggle();
    hooks.onPlaying();
  }

  function renderSoundToggle() {
    const button = $("sound-toggle");
    const label = muted ? t.sound_off : t.sound_on;
    button.setAttribute("aria-pressed", String(!muted));
    button.setAttribute("aria-label", label);
    button.title = label;
    button.classList.toggle("is-muted", muted);
  }

  $("sound-toggle").addEventListener("click", function () { setMuted(!muted); });
  $("sound-unlock").addEventListener("click", unlock);
  document.addEventListener("keydown", unlock);
  document.addEventListener("pointerdown", unlock);
  renderSoundToggle();
  probe();

  // For tests and for a technician's console: the queue as the page sees it.
  window.luotAnnouncer = {
    get queue() { return queue.slice(); },
    get playing() { return playing; },
    get muted() { return muted; },
    get blocked() { return blocked; },
    history: history,
    skipped: skipped,
  };

  return {intake: intake, pendingIds: pendingIds, get playing() { return playing; }};
})();
