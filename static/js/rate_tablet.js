/*
 * rate_tablet.js — the rating tablet at a counter (/rate/<counter_id>).
 *
 * Screens: idle ("Cảm ơn Ông/Bà") → ask (the ticket just finished, the officer, the
 * office's question with large choices, via rating.js) → thanks → idle after
 * `idle_seconds`. An unanswered question also goes back to idle after `ask_seconds`
 * without a touch. The device token arrives once as ?key=…; it is kept in localStorage and
 * removed from the address bar. The counter's rating room (live.js) tells which ticket
 * to ask about: `rating_requested`, or `pending` in the snapshot after a (re)connect.
 */

import {deviceKey} from "./lib/device_key.js";
import {byId, readJson} from "./lib/dom.js";
import {localName, t} from "./lib/i18n.js";
import {live} from "./lib/live.js";
import {mount} from "./rating.js";


const page = readJson("luot-page");
const $ = byId;
const TOKEN_KEY = "luot.rating.device";
const PAGE_LANG = page.lang === "en" ? "en" : "vi";
const T = {
  offline: t("live.offline"),
  connecting: t("live.connecting"),
  unregistered: t("rate_tablet.unregistered"),
  unregistered_text: t("rate_tablet.unregistered_text", {counter: page.counter.id}),
  refused: t("rate_tablet.refused"),
  bad_token: t("rate_tablet.bad_token"),
  bad_token_text: t("rate_tablet.bad_token_text"),
};

const state = {
  screen: "idle",
  scale: page.scale,
  office: page.office,
  current: null,        // the prompt shown: {token, code, service, officer, ...}
  rated: new Set(),     // tokens rated (here or elsewhere) since the page opened
  widget: null,
  idleTimer: null,
  askTimer: null,
  token: deviceKey(TOKEN_KEY),
  live: null,
  lang: PAGE_LANG,      // the citizen may switch for their own rating
};

// ------------------------------------------------------------------ screens

function show(screen) {
  state.screen = screen;
  $("tablet").dataset.screen = screen;
  ["idle", "ask", "thanks", "setup"].forEach(function (name) {
    $("screen-" + name).hidden = name !== screen;
  });
  clearTimeout(state.idleTimer);
  clearTimeout(state.askTimer);
  if (screen === "thanks") {
    state.idleTimer = setTimeout(goIdle, page.idle_seconds * 1000);
  } else if (screen === "ask") {
    armAskTimer();
  }
}

function armAskTimer() {
  clearTimeout(state.askTimer);
  state.askTimer = setTimeout(goIdle, page.ask_seconds * 1000);
}

function goIdle() {
  dropWidget();
  state.lang = PAGE_LANG;
  state.current = null;
  $("tablet").dataset.ticket = "";
  show("idle");
}

function dropWidget() {
  if (state.widget) state.widget.destroy();
  state.widget = null;
}

function setup(title, text) {
  $("setup-title").textContent = title;
  $("setup-text").textContent = text || "";
  dropWidget();
  show("setup");
}

function serviceName(service) {
  return localName(service, state.lang);
}

/** The ask screen's own words in the citizen's language (the widget has its own). */
function renderAskWords() {
  const other = state.lang === "vi" ? "en" : "vi";
  $("ask-ticket-label").textContent = t("rate_tablet.ticket", null, state.lang);
  $("ask-officer-label").textContent = t("rate_tablet.served_by", null, state.lang) + ":";
  $("ask-lang").textContent = t("kiosk.lang_toggle", null, state.lang);
  $("ask-lang").setAttribute("lang", other);
  if (state.current) $("ask-field").textContent = serviceName(state.current.service);
}

function switchLang() {
  if (state.screen !== "ask" || !state.current) return;
  if (state.widget && state.widget.stage === "sending") return;
  state.lang = state.lang === "vi" ? "en" : "vi";
  const prompt = state.current;
  dropWidget();
  state.current = null;
  ask(prompt);
}

function ask(prompt) {
  if (!prompt || !prompt.token || state.rated.has(prompt.token)) return;
  if (state.current && state.current.token === prompt.token && state.screen === "ask") return;
  state.current = prompt;
  $("tablet").dataset.ticket = prompt.code;
  $("ask-code").textContent = prompt.code;
  renderAskWords();
  $("ask-officer").textContent = prompt.officer || "";
  $("ask-officer-line").hidden = !prompt.officer;
  state.widget = mount($("ask-widget"), {
    ticket: prompt.token,
    scale: state.scale,
    lang: state.lang,
    size: "large",
    authToken: state.token,
    onStage: function () { if (state.screen === "ask") armAskTimer(); },
    onDone: function (result) {
      state.rated.add(prompt.token);
      thanks(t(result.status === 201 ? "rating.thanks" : "rate_tablet.already", null, state.lang));
    },
  });
  show("ask");
}

function thanks(title) {
  $("thanks-title").textContent = title;
  dropWidget();
  show("thanks");
}

// ------------------------------------------------------------------ live

function onSnapshot(snapshot) {
  if (snapshot.scale) state.scale = snapshot.scale;
  if (snapshot.office) {
    state.office = snapshot.office;
    $("rt-office").textContent = snapshot.office.name;
  }
  if (state.screen === "setup") show("idle");
  if (snapshot.pending) {
    ask(snapshot.pending);
  } else if (state.screen === "ask" && state.current &&
             !(state.widget && state.widget.stage === "sending")) {
    // Rated elsewhere (the phone) or too old while we were away.
    goIdle();
  }
}

function onRecorded(result) {
  if (!state.current || !result || result.ticket !== state.current.code) return;
  state.rated.add(state.current.token);
  if (state.screen === "ask" && !(state.widget && state.widget.stage === "sending")) {
    thanks(t("rate_tablet.already", null, state.lang));
  }
}

function onState(live, detail) {
  if (live === "refused") {
    setup(T.refused, (detail && detail.message) || "");
  } else if (live === "offline" && state.token && detail &&
             /invalid token|refused/i.test(String(detail.reason))) {
    // The server refuses a connection only for a bad token ("Connection refused by server").
    setup(T.bad_token, T.bad_token_text);
  }
}

function connect() {
  if (!state.token && !page.signed_in) {
    setup(T.unregistered, T.unregistered_text);
    return;
  }
  state.live = live({
    room: {rating: page.counter.id},
    auth: state.token ? {token: state.token} : undefined,
    onSnapshot: onSnapshot,
    on: {
      rating_requested: ask,
      rating_recorded: onRecorded,
    },
    onState: onState,
    statusElement: $("live-status"),
    labels: {offline: T.offline, connecting: T.connecting},
  });
}

// ------------------------------------------------------------------ clock

function tick() {
  let text;
  try {
    text = new Intl.DateTimeFormat(PAGE_LANG === "vi" ? "vi-VN" : "en-GB", {
      hour: "2-digit", minute: "2-digit", timeZone: state.office.timezone || undefined,
    }).format(new Date());
  } catch {
    text = new Date().toTimeString().slice(0, 5);
  }
  $("rt-clock").textContent = text;
}

$("ask-lang").addEventListener("click", switchLang);
document.addEventListener("pointerdown", function () {
  if (state.screen === "ask") armAskTimer();
}, {passive: true});

tick();
setInterval(tick, 15000);
show("idle");
connect();
window.luotRate = {state: state, page: page};
