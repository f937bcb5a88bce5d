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
(function () {
  "use strict";

  const page = JSON.parse(document.getElementById("luot-page").textContent);
  const t = page.labels;
  const MAX_AGE_MS = page.announce_max_age * 1000;
  const FRESH_MS = 8000;
  const RECENT_SHOWN = 6;
  const CALLS_KEPT = 60;

  const $ = function (id) { return document.getElementById(id); };
  const clockNow = function () { return performance.timeOrigin + performance.now(); };

  // Server time minus this screen's clock: a TV's clock is often wrong.
  let serverOffset = 0;
  const serverNow = function () { return Date.now() + serverOffset; };
  const callAge = function (call) { return serverNow() - Date.parse(call.at); };

  const state = {snapshot: null, calls: new Map(), maxCallId: 0, heroId: null};

  // ------------------------------------------------------------------ small helpers

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function serviceName(service) {
    if (!service) return "";
    return page.lang === "en" && service.name_en ? service.name_en : service.name;
  }

  // "Quầy 1 – Hộ tịch" under a "Quầy 1" heading would say the number twice.
  function counterSubtitle(counter) {
    const name = (counter.name || "").trim();
    const stripped = name.replace(/^(quầy|counter)\s*\d+\s*[-–—:·.,]?\s*/i, "");
    return stripped;
  }

  // Shrink a one-line text until it fits its box (CSS gives the largest size).
  function fitText(node) {
    node.style.fontSize = "";
    if (!node.clientWidth || node.scrollWidth <= node.clientWidth) return;
    const size = parseFloat(getComputedStyle(node).fontSize);
    node.style.fontSize = Math.floor(size * node.clientWidth / node.scrollWidth * 0.96) + "px";
  }

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

  const Announcer = (function () {
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
    // a reconnect). Only the latter can be old news: those are shown but not spoken.
    function intake(call, live) {
      if (known.has(call.call_id)) return;
      known.add(call.call_id);
      if (Store.has(call.call_id)) return;  // spoken before this page was (re)loaded
      if (!live && callAge(call) > MAX_AGE_MS) { skip(call, "stale"); return; }
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
      showHero();
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
      showHero();
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
      blocked = value;
      $("sound-overlay").hidden = !blocked || muted;
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

    return {intake: intake, get playing() { return playing; }};
  })();

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

  // The big panel shows the call being spoken, so eyes and ears agree; else the newest.
  function showHero() {
    const playing = Announcer.playing;
    const call = playing ? state.calls.get(playing.call_id) : newestCall();
    const hero = $("hero");
    if (!call) {
      $("hero-code").textContent = "—";
      $("hero-counter").textContent = t.no_call_yet;
      $("hero-to").hidden = true;
      $("hero-service").textContent = "";
      return;
    }
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
      const row = el("li", "recent-row");
      row.dataset.callId = String(call.call_id);
      row.append(el("span", "recent-code", call.code),
                 el("span", "recent-arrow", "→"),
                 el("span", "recent-counter", t.counter + " " + call.counter.number));
      if (call.recall) row.append(el("span", "recent-tag", t.recall));
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
      const card = el("li", "counter-card is-" + kind[0]);
      card.dataset.counter = String(counter.number);
      card.dataset.counterId = String(counter.id);
      const head = el("p", "counter-head");
      head.append(el("span", "counter-label", t.counter + " " + counter.number));
      const subtitle = counterSubtitle(counter);
      if (subtitle) head.append(el("span", "counter-name", subtitle));
      const code = el("p", "counter-code", counter.current ? counter.current.code : "—");
      const inner = el("div", "counter-inner");
      inner.append(head, code, el("p", "counter-state", kind[1]));
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
      const row = el("li", "waiting-item");
      row.dataset.service = service.code;
      row.append(el("span", "waiting-name", serviceName(service)),
                 el("span", "waiting-count", String(service.waiting)));
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
      serverOffset = Date.parse(snapshot.at) - Date.now();
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

  serverOffset = Date.parse(page.snapshot.at) - Date.now();
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
  const token = Luot.deviceKey("luot.display.token." + page.office);
  window.luotBoard = Luot.live({
    room: {office: page.office},
    auth: token ? {token: token} : undefined,
    onSnapshot: onSnapshot,
    on: {ticket_called: onCall},
    statusElement: $("live-status"),
    labels: {offline: t.offline, connecting: "", polling: t.polling},
    onState: function (value) { $("board").dataset.live = value; },
  });
})();
