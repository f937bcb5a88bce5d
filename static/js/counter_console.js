/*
 * counter_console.js — the officer's counter console (/counter).
 *
 * State comes only from the server: the counter room's `snapshot` / `queue_changed`
 * (live.js: joins again and takes a fresh snapshot after every reconnect, polls the REST
 * snapshot while the socket is down) and, after each action, GET /api/v1/counters/<id>.
 * A snapshot older than the one shown (by `version`, then `at`) is ignored.
 *
 * Actions are REST calls (static/js/lib/api.js: session cookie, CSRF header). One action
 * runs at a time: `state.busy` is set before the request leaves and every action button
 * is disabled until the answer (and the fresh snapshot) is in, so a double click or a
 * held key never sends the same action twice. Which ticket actions are allowed comes with
 * each ticket in the snapshot (`actions`); words come from the vocabulary (i18n.js).
 */
import {createApi} from "./lib/api.js";
import {el as h, readJson} from "./lib/dom.js";
import {counterSubtitle, label, lang, t} from "./lib/i18n.js";
import {live} from "./lib/live.js";
import {counterAppointments} from "./console/counter_appointments.js";
import {counterDialogs} from "./console/counter_dialogs.js";

const page = readJson("luot-page", {});
const $ = function (id) { return document.getElementById(id); };
const STORE_KEY = "luot.console.counter";
const api = createApi({base: "/api/v1", csrfUrl: page.csrf_url});
// The engine's pattern (server/engine/rules/dossier.py); its groups are YY, MM and DD.
const DOSSIER = new RegExp(page.dossier_pattern);

const state = {
  office: null,         // office entry of page.offices
  counterId: null,
  snap: null,           // the counter snapshot shown
  clockOffset: 0,       // server time - local time, ms
  busy: null,           // name of the action in flight
  live: null,
  conn: "connecting",
  recent: null,         // {id, code, status}: the last ticket that left this counter
  held: (page.held || []).slice(),  // ids of the counters this officer holds (open or paused)
  expired: false,       // the session is gone: everything stays disabled
  // The API client's CSRF token (tests make it stale to see it renewed).
  get csrf() { return api.csrf; },
  set csrf(value) { api.csrf = value; },
};

// ------------------------------------------------------------------ helpers

/** "Quầy 2", and what the counter's name says beyond it: "Quầy 2 · Hộ tịch" for a
 *  counter named "Quầy 2 – Hộ tịch" or "Hộ tịch", plain "Quầy 2" for one named so. */
function counterTitle(counter) {
  const plain = t("console.counter_n", {number: counter.number});
  const rest = counterSubtitle(counter.name);
  return rest ? plain + " · " + rest : plain;
}

/** Counters this officer holds other than the one shown, as far as this page knows. */
function heldElsewhere() {
  return state.held.filter(function (id) { return id !== state.counterId && counterInfo(id); });
}

function now() { return Date.now() + state.clockOffset; }

function clock(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const mm = String(Math.floor((total % 3600) / 60)).padStart(2, "0");
  const ss = String(total % 60).padStart(2, "0");
  return (hours ? hours + ":" : "") + mm + ":" + ss;
}

function minutesSince(iso) {
  if (!iso) return null;
  return Math.max(0, Math.floor((now() - Date.parse(iso)) / 60000));
}

function serviceName(code) {
  const list = (state.office && state.office.services) || [];
  const found = list.find(function (s) { return s.code === code; });
  return found ? found.name : code;
}

function priorityName(code) {
  const list = (state.office && state.office.priority_classes) || [];
  const found = list.find(function (p) { return p.code === code; });
  return found ? found.name : code;
}

function officeOf(counterId) {
  return page.offices.find(function (office) {
    return office.counters.some(function (c) { return c.id === counterId; });
  }) || null;
}

function counterInfo(counterId) {
  const office = officeOf(counterId);
  return office ? office.counters.find(function (c) { return c.id === counterId; }) : null;
}

function remember(counterId) {
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify(
      {office: state.office.code, counter: counterId, user: page.user.id}));
  } catch { /* private mode */ }
}

function recalled() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORE_KEY) || "null");
    return saved && saved.user === page.user.id ? saved : null;
  } catch { return null; }
}

// ------------------------------------------------------------------ messages

/** The officer's message for a failed call: the server's own words in the page's
 *  language (the server words them in Vietnamese too: server/i18n/refusals.py), or a general
 *  line for the kind of refusal it did not word. */
function explain(result) {
  if (!result || !result.status) return t("error.network");
  const data = result.data || {};
  const msg = data.message || "";
  const said = lang() === "en" ? msg : (data.vi && data.vi.message) || msg;
  if (/CSRF/i.test(msg)) return t("error.csrf");
  if (said !== msg) return said;
  const key = "error." + data.error;
  const text = data.error && t(key) !== key ? t(key)
    : result.status >= 500 ? t("error.server") : t("console.failed");
  return msg ? text + " (" + msg + ")" : text;
}

let messageTimer = null;

/** Show `text` in the message line. `cause` "network": the server could not be reached,
 *  so the line goes away by itself once the connection is back (`connectionBack`). */
function say(text, kind, cause) {
  const box = $("message");
  clearTimeout(messageTimer);
  box.textContent = text || "";
  box.dataset.kind = kind || "ok";
  box.dataset.cause = cause || "";
  box.hidden = !text;
  if (text && kind !== "error") {
    messageTimer = setTimeout(function () { box.hidden = true; }, 6000);
  }
}

// ------------------------------------------------------------------ REST

/** A REST call → {ok, status, data}; a stale CSRF token is renewed once by the client. */
async function send(method, path, body) {
  const result = await api.request(method, path, method === "GET" ? undefined : body || {});
  if (result.status === 401) sessionExpired();
  return result;
}

function sessionExpired() {
  state.expired = true;
  const box = $("session");
  box.replaceChildren(
    t("console.session_over"),
    h("a", {href: "/login?next=" + encodeURIComponent("/counter"),
            text: t("console.sign_in_again")}));
  box.hidden = false;
  render();
}

async function refreshSnapshot() {
  if (state.counterId == null) return;
  const id = state.counterId;
  try {
    const result = await send("GET", "/counters/" + id);
    if (result.ok && id === state.counterId) {
      applySnapshot(result.data);
      connectionBack();
    }
  } catch { /* the socket or the next action will bring it */ }
}

/**
 * Run one action: nothing else starts until it is answered and the counter's fresh
 * snapshot is shown. Returns the response data, or null when refused or failed.
 */
async function act(name, method, path, body, done) {
  if (state.busy || state.expired) return null;
  state.busy = name;
  render();
  try {
    let result;
    try {
      result = await send(method, path, body);
    } catch {
      result = null;
    }
    if (!result || !result.ok) {
      say(explain(result), "error", result && result.status ? "" : "network");
      await refreshSnapshot();
      return null;
    }
    if (done) done(result.data);
    await refreshSnapshot();
    return result.data;
  } finally {
    state.busy = null;
    render();
  }
}

// ------------------------------------------------------------------ snapshots

function newer(snapshot, shown) {
  if (!shown) return true;
  if (typeof snapshot.version === "number" && typeof shown.version === "number") {
    if (snapshot.version !== shown.version) return snapshot.version > shown.version;
  }
  return !shown.at || !snapshot.at || Date.parse(snapshot.at) >= Date.parse(shown.at);
}

function applySnapshot(snapshot) {
  if (!snapshot || !snapshot.counter || snapshot.counter.id !== state.counterId) return;
  if (!newer(snapshot, state.snap)) return;
  if (snapshot.at) state.clockOffset = Date.parse(snapshot.at) - Date.now();
  state.snap = snapshot;
  render();
  if (appointments) appointments.onSnapshot();
}

// ------------------------------------------------------------------ rendering

function enable(id, on) {
  const button = $(id);
  button.disabled = !on;
}

function render() {
  const snap = state.snap;
  const desk = $("desk");
  const root = $("console");
  root.dataset.busy = state.busy || "";
  if (!snap) {
    ["btn-next", "btn-recall", "btn-start", "btn-finish", "btn-noshow", "btn-hold",
     "btn-transfer", "btn-dossier", "btn-reprint", "btn-open", "btn-pause", "btn-close",
     "btn-requeue", "btn-recent-dossier", "btn-return"].forEach(function (id) { enable(id, false); });
    $("return-hint").textContent = "";
    $("noshow-hint").textContent = "";
    $("noshow-wait").textContent = "";
    return;
  }
  const counter = snap.counter;
  const cur = snap.current;
  const st = cur ? cur.status : null;
  const free = !state.busy && !state.expired;
  const open = counter.state === "open";
  desk.dataset.counterState = counter.state;

  // Header
  $("counter-title").textContent = counterTitle(counter);
  $("counter-sub").textContent = (counter.officer ? t("console.officer_on_duty", {name: counter.officer}) : "") +
    snap.office.name;
  const badge = $("counter-state");
  badge.dataset.state = counter.state;
  badge.textContent = label("counter_state", counter.state);
  enable("btn-open", free && counter.state !== "open");
  enable("btn-pause", free && counter.state === "open");
  enable("btn-close", free && counter.state !== "closed" && !cur);
  $("stat-waiting").textContent = String(snap.waiting_count);
  $("stat-done").textContent = String((snap.today && snap.today.done) || 0);
  $("stat-noshow").textContent = String((snap.today && snap.today.no_show) || 0);
  $("waiting-fields").textContent = t("console.fields",
    {names: (counter.services || []).map(serviceName).join(", ")});

  renderCurrent(cur);

  // Call next
  $("next-label").textContent = st === "serving" ? t("console.finish_next") : t("console.next");
  enable("btn-next", free && open && st !== "called");
  let hint = "";
  const elsewhere = heldElsewhere();
  const limit = (state.office && state.office.counters_per_officer) || 1;
  if (counter.state === "closed" && elsewhere.length >= limit) {
    hint = t("console.holds_other", {counter: counterTitle(counterInfo(elsewhere[0]))});
  } else if (!open) hint = t("console.hint_open");
  else if (st === "called") hint = t("console.hint_called", {code: cur.code});
  else if (!snap.waiting_count) hint = t("console.hint_empty");
  $("next-hint").textContent = hint;

  // Ticket actions: the snapshot says which the server allows (transitions.py).
  enable("btn-recall", free && allows(cur, "recall"));
  enable("btn-start", free && allows(cur, "start"));
  enable("btn-finish", free && allows(cur, "finish"));
  renderNoShow(cur, free);
  enable("btn-hold", free && allows(cur, "hold"));
  enable("btn-transfer", free && allows(cur, "transfer"));
  enable("btn-dossier", free && !!cur);
  enable("btn-reprint", free && !!cur);
  // A return of results needs the dossier's code first (the engine refuses without it).
  enable("btn-return", free && !!cur && !!cur.dossier_code);
  $("return-hint").textContent = cur && !cur.dossier_code ? t("console.return_needs_dossier") : "";

  renderRecent(free);
  renderHeld(snap.held || [], free && !cur);
  renderWaiting(snap, free && open && st !== "called");
}

/** What a no-show still waits for: the recalls the office asks first and the grace
 *  period after the call (the snapshot's `no_show_at`; the engine refuses earlier). */
function noShowWait(cur) {
  if (!cur || !cur.no_show_at) return {recalls: 0, ms: 0};
  return {
    recalls: Math.max(0, (cur.recalls_needed || 0) - (cur.recall_count || 0)),
    ms: Math.max(0, Date.parse(cur.no_show_at) - now()),
  };
}

/** The V key's state, its countdown on the button and the line saying what it waits for;
 *  run by every render and every second by the timer. */
function renderNoShow(cur, free) {
  const wait = noShowWait(cur);
  const counting = wait.ms > 0 && !wait.recalls;
  enable("btn-noshow", free && allows(cur, "no_show") && wait.ms <= 0);
  $("noshow-wait").textContent = counting ? clock(wait.ms) : "";
  $("noshow-hint").textContent = wait.recalls ? t("console.recall_first", {n: wait.recalls})
    : counting ? t("console.noshow_wait", {time: clock(wait.ms)}) : "";
}

/** Whether the server listed `action` for `ticket` in the snapshot. */
function allows(ticket, action) {
  return !!ticket && (ticket.actions || []).indexOf(action) >= 0;
}

function renderCurrent(cur) {
  const box = $("current");
  box.dataset.status = cur ? cur.status : "none";
  $("current-label").textContent = cur ? label("ticket_status", cur.status) : t("console.none_yet");
  $("current-code").textContent = cur ? cur.code : "—";
  $("current-field").textContent = cur ? cur.service.name : t("console.press_next");
  const extra = $("current-extra");
  extra.replaceChildren();
  if (cur) {
    if (cur.priority) extra.appendChild(h("li", {class: "cc-tag cc-tag-prio", text: t("console.tag_priority", {name: priorityName(cur.priority)})}));
    if (cur.recall_count) extra.appendChild(h("li", {class: "cc-tag", text: t("console.tag_recalled", {n: cur.recall_count})}));
    if (cur.citizen_name) {
      extra.appendChild(h("li", {class: "cc-tag", text: t("console.tag_citizen", {name: cur.citizen_name}) +
        (cur.citizen_id_last4 ? t("console.tag_id", {last4: cur.citizen_id_last4}) : "")}));
    }
    if (cur.dossier_code) extra.appendChild(h("li", {class: "cc-tag cc-tag-dossier", text: t("console.tag_dossier", {code: cur.dossier_code})}));
    if (cur.note) extra.appendChild(h("li", {class: "cc-tag", text: t("console.tag_note", {note: cur.note})}));
  }
  tick();
}

function renderRecent(free) {
  const recent = state.recent;
  const box = $("recent");
  box.hidden = !recent;
  if (!recent) {
    enable("btn-requeue", false);
    enable("btn-recent-dossier", false);
    return;
  }
  $("recent-text").textContent = t(recent.status === "no_show" ? "console.recent_no_show"
    : "console.recent_done", {code: recent.code});
  $("btn-requeue").hidden = recent.status !== "no_show";
  enable("btn-requeue", free && recent.status === "no_show");
  enable("btn-recent-dossier", free);
}

function renderHeld(held, canResume) {
  const list = $("held-list");
  list.replaceChildren();
  held.forEach(function (ticket) {
    list.appendChild(h("li", {class: "cc-held-item", "data-code": ticket.code}, [
      h("strong", {class: "cc-code", text: ticket.code}),
      h("span", {class: "cc-field-name", text: ticket.service.name}),
      h("button", {type: "button", class: "cc-btn cc-btn-small cc-btn-go", text: t("console.resume"),
                   disabled: !canResume || !allows(ticket, "resume"),
                   title: canResume ? "" : t("console.resume_blocked"),
                   onclick: function () { resume(ticket); }}),
    ]));
  });
  $("held-count").textContent = String(held.length);
  $("held-empty").hidden = held.length > 0;
}

function renderWaiting(snap, canCall) {
  const list = $("waiting-list");
  const scroll = list.scrollTop;
  list.replaceChildren();
  (snap.waiting || []).forEach(function (ticket, index) {
    const waited = minutesSince(ticket.issued_at);
    const tags = [];
    if (ticket.priority) tags.push(h("span", {class: "cc-tag cc-tag-prio", text: priorityName(ticket.priority)}));
    if (ticket.target_counter) tags.push(h("span", {class: "cc-tag cc-tag-transfer", text: t("console.tag_transferred")}));
    list.appendChild(h("li", {class: "cc-wait-item", "data-code": ticket.code, "data-id": ticket.id}, [
      h("span", {class: "cc-pos", text: String(index + 1)}),
      h("strong", {class: "cc-code", text: ticket.code}),
      h("span", {class: "cc-wait-info"}, [
        h("span", {class: "cc-field-name", text: ticket.service.name}),
        h("span", {class: "cc-waited", text: waited == null ? "" : waited < 1 ? t("console.just_issued") : t("console.waited", {n: waited})}),
      ].concat(tags)),
      h("button", {type: "button", class: "cc-btn cc-btn-small cc-call", text: t("console.call"),
                   title: t("console.call_title", {code: ticket.code}),
                   "aria-label": t("console.call_label", {code: ticket.code}),
                   disabled: !canCall || !allows(ticket, "call"),
                   onclick: function () { callOne(ticket); }}),
    ]));
  });
  list.scrollTop = scroll;
  $("waiting-count").textContent = String(snap.waiting_count);
  $("waiting-empty").hidden = snap.waiting_count > 0;
  const more = snap.waiting_count - (snap.waiting || []).length;
  $("waiting-more").hidden = more <= 0;
  $("waiting-more").textContent = more > 0 ? t("console.more", {n: more}) : "";
}

function tick() {
  const cur = state.snap && state.snap.current;
  if (state.snap) renderNoShow(cur, !state.busy && !state.expired);
  const box = $("timer-box");
  if (!cur) { box.hidden = true; return; }
  const since = cur.status === "serving" ? cur.started_at || cur.called_at : cur.called_at;
  box.hidden = !since;
  if (!since) return;
  $("timer-label").textContent = t(cur.status === "serving" ? "console.timer_serving" : "console.timer_called");
  $("timer").textContent = clock(now() - Date.parse(since));
  $("timer").dateTime = since;
}

// ------------------------------------------------------------------ actions

function current() { return state.snap && state.snap.current; }

function callNext() {
  if ($("btn-next").disabled) return;
  const before = current();
  act("next", "POST", "/counters/" + state.counterId + "/next", {}, function (data) {
    if (before && before.status === "serving") {
      state.recent = {id: before.id, code: before.code, status: "done"};
    }
    say(data.ticket ? t("console.said_called", {code: data.ticket.code}) : t("console.said_nobody"),
        data.ticket ? "ok" : "info");
  });
}

function ticketAction(verb, message, after) {
  const cur = current();
  if (!cur) return;
  act(verb, "POST", "/tickets/" + cur.id + "/" + verb, {}, function (data) {
    say(t(message, {code: data.code || cur.code}), "ok");
    if (after) after(data, cur);
  });
}

function callOne(ticket) {
  const before = current();
  act("call", "POST", "/counters/" + state.counterId + "/call", {ticket: ticket.id},
      function (data) {
        // Like "next", calling while serving finishes the ticket being served.
        if (before && before.status === "serving") {
          state.recent = {id: before.id, code: before.code, status: "done"};
        }
        say(t("console.said_called_out", {code: data.code}), "ok");
      });
}

function resume(ticket) {
  act("resume", "POST", "/tickets/" + ticket.id + "/resume", {counter: state.counterId},
      function (data) { say(t("console.said_resumed", {code: data.code}), "ok"); });
}

function setCounter(verb, message) {
  const id = state.counterId;
  act(verb, "POST", "/counters/" + id + "/" + verb, {}, function () {
    state.held = state.held.filter(function (held) { return held !== id; });
    if (verb !== "close") state.held.push(id);
    say(t(message), "ok");
  });
}

/** The button whose key was pressed (its data-key is a KeyboardEvent.code, data-key-also
 *  an older function key), or null. */
function keyButton(event) {
  const buttons = $("desk").querySelectorAll("[data-key]");
  for (const button of buttons) {
    if (button.dataset.key === event.code || button.dataset.keyAlso === event.key) return button;
  }
  return null;
}

function typing(target) {
  return !!target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

function bindActions() {
  $("btn-next").addEventListener("click", callNext);
  $("btn-recall").addEventListener("click", function () {
    ticketAction("recall", "console.said_recalled");
  });
  $("btn-start").addEventListener("click", function () {
    ticketAction("start", "console.said_started");
  });
  $("btn-finish").addEventListener("click", function () {
    ticketAction("finish", "console.said_finished", function (_data, cur) {
      state.recent = {id: cur.id, code: cur.code, status: "done"};
    });
  });
  // No-show takes the ticket out of the line: the officer confirms it first.
  $("btn-noshow").addEventListener("click", function () {
    const cur = current();
    if (!cur || state.busy) return;
    dialogs.confirmNoShow(cur, function () {
      ticketAction("no-show", "console.said_no_show", function (_data, gone) {
        state.recent = {id: gone.id, code: gone.code, status: "no_show"};
      });
    });
  });
  $("btn-hold").addEventListener("click", function () {
    ticketAction("hold", "console.said_held");
  });
  $("btn-reprint").addEventListener("click", function () {
    const cur = current();
    if (!cur) return;
    act("reprint", "POST", "/tickets/" + cur.id + "/reprint", {}, function () {
      say(t("console.said_reprint", {code: cur.code}), "ok");
    });
  });
  $("btn-requeue").addEventListener("click", function () {
    const recent = state.recent;
    if (!recent) return;
    act("requeue", "POST", "/tickets/" + recent.id + "/requeue", {}, function () {
      say(t("console.said_requeued", {code: recent.code}), "ok");
      state.recent = null;
    });
  });
  $("btn-open").addEventListener("click", function () { setCounter("open", "console.said_open"); });
  $("btn-pause").addEventListener("click", function () { setCounter("pause", "console.said_paused"); });
  $("btn-close").addEventListener("click", function () { setCounter("close", "console.said_closed"); });
  $("btn-transfer").addEventListener("click", function () { dialogs.openTransfer(); });
  $("btn-dossier").addEventListener("click", function () {
    const cur = current();
    if (cur) dialogs.openDossier(cur);
  });
  $("btn-recent-dossier").addEventListener("click", function () {
    if (state.recent) dialogs.openDossier(state.recent);
  });
  $("btn-return").addEventListener("click", function () { appointments.openReturn(); });
  $("btn-switch").addEventListener("click", showPicker);

  // Every action's key (shown on its button); not while a dialog is open or a field is
  // being typed in, and a held key does not repeat the action.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    if (document.querySelector("dialog[open]") || $("desk").hidden || typing(event.target)) return;
    const button = keyButton(event);
    if (!button) return;
    event.preventDefault();
    if (event.repeat || button.disabled || button.closest("[hidden]")) return;
    button.click();
  });
}

// ------------------------------------------------------------------ choosing a counter

function showPicker() {
  if (state.live) { state.live.close(); state.live = null; }
  appointments.stop();
  state.counterId = null;
  state.snap = null;
  $("desk").hidden = true;
  $("picker").hidden = false;
  $("console").dataset.counter = "";
  const select = $("picker-office");
  $("picker-office-wrap").hidden = page.offices.length < 2;
  $("picker-empty").hidden = page.offices.length > 0;
  select.replaceChildren();
  page.offices.forEach(function (office) {
    select.appendChild(h("option", {value: office.code, text: office.name + " (" + office.code + ")"}));
  });
  const saved = recalled();
  const office = (state.office && page.offices.indexOf(state.office) >= 0 && state.office) ||
    (saved && page.offices.find(function (o) { return o.code === saved.office; })) ||
    page.offices[0];
  if (office) {
    select.value = office.code;
    listCounters(office).then(focusPick);
  }
}

async function listCounters(office) {
  state.office = office;
  const list = $("picker-counters");
  // Fresh states and officers on duty, when the server answers.
  try {
    const queue = await send("GET", "/offices/" + encodeURIComponent(office.code) + "/queue");
    if (queue.ok) {
      queue.data.counters.forEach(function (fresh) {
        const known = office.counters.find(function (c) { return c.id === fresh.id; });
        if (known) Object.assign(known, {state: fresh.state, officer: fresh.officer});
      });
    }
  } catch { /* the page's own copy will do */ }
  if (state.office !== office) return;
  list.replaceChildren();
  office.counters.forEach(function (counter, index) {
    const mine = state.held.indexOf(counter.id) >= 0;
    const digit = index < 9 ? String(index + 1) : null;
    list.appendChild(h("li", {}, [
      h("button", {type: "button", class: "cc-pick" + (mine ? " cc-pick-mine" : ""),
                   "data-counter": counter.id, "data-digit": digit,
                   "aria-keyshortcuts": digit,
                   onclick: function () { pick(counter); }}, [
        digit ? h("kbd", {class: "cc-pick-key", "aria-hidden": "true", text: digit}) : null,
        h("strong", {text: t("console.counter_n", {number: counter.number})}),
        h("span", {class: "cc-pick-name", text: counterSubtitle(counter.name)}),
        mine ? h("span", {class: "cc-tag cc-tag-mine", text: t("console.yours")}) : null,
        h("span", {class: "cc-pick-fields", text: counter.services.map(serviceName).join(", ")}),
        h("span", {class: "cc-badge", "data-state": counter.state,
                   text: label("counter_state", counter.state) +
                     (counter.officer ? " — " + counter.officer : "")}),
      ]),
    ]));
  });
}

/** Focus the counter this officer holds or used last, else the first: the arrows and
 *  Enter then choose without the mouse. */
function focusPick() {
  const buttons = Array.from($("picker-counters").querySelectorAll(".cc-pick"));
  const saved = recalled();
  const target = buttons.find(function (b) { return b.classList.contains("cc-pick-mine"); }) ||
    buttons.find(function (b) { return saved && Number(b.dataset.counter) === saved.counter; }) ||
    buttons[0];
  if (target) target.focus();
}

/** Keys of the picker: a digit chooses that counter, the arrows move between them. */
function pickerKeys(event) {
  if ($("picker").hidden || event.ctrlKey || event.altKey || event.metaKey) return;
  if (typing(event.target)) return;
  const buttons = Array.from($("picker-counters").querySelectorAll(".cc-pick"));
  const digit = /^Digit([1-9])$|^Numpad([1-9])$/.exec(event.code);
  if (digit) {
    const button = buttons.find(function (b) { return b.dataset.digit === (digit[1] || digit[2]); });
    if (button && !event.repeat) { event.preventDefault(); button.click(); }
    return;
  }
  const step = {ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1}[event.key];
  if (!step || !buttons.length) return;
  event.preventDefault();
  const at = buttons.indexOf(document.activeElement);
  buttons[(at + step + buttons.length) % buttons.length].focus();
}

/** The officer chose `counter` in the picker: it is opened at once (one choice, not a
 *  second click on "Mở quầy"), unless another officer holds it. */
function pick(counter) {
  const free = !counter.officer || state.held.indexOf(counter.id) >= 0;
  choose(counter.id);
  if (counter.state !== "open" && free) setCounter("open", "console.said_open");
}

function choose(counterId) {
  const office = officeOf(counterId);
  if (!office) return showPicker();
  if (state.live) { state.live.close(); state.live = null; }
  state.office = office;
  state.counterId = counterId;
  state.snap = null;
  state.recent = null;
  remember(counterId);
  $("picker").hidden = true;
  $("desk").hidden = false;
  $("console").dataset.counter = String(counterId);
  $("counter-title").textContent = counterTitle(counterInfo(counterId));
  $("counter-sub").textContent = office.name;
  say("");
  render();
  connect(counterId);
  appointments.follow(office);
  refreshSnapshot();
}

// ------------------------------------------------------------------ live

function connect(counterId) {
  const conn = $("conn");
  state.live = live({
    room: {counter: counterId},
    onSnapshot: function (snapshot) { applySnapshot(snapshot); },
    onState: function (live, detail) {
      state.conn = live;
      $("console").dataset.conn = live;
      if (state.expired) return;
      if (live === "online") connectionBack();
      if (live === "refused") {
        conn.hidden = false;
        conn.dataset.state = "refused";
        conn.textContent = t("console.refused", {message: (detail && detail.message) || ""});
      }
    },
    statusElement: conn,
    labels: {
      offline: t("console.offline"),
      polling: t("console.polling"),
    },
    poll: {url: "/api/v1/counters/" + counterId, after: 3000, every: 5000},
  });
}

/** The server answers again: a "cannot reach the server" line is no longer true. */
function connectionBack() {
  const box = $("message");
  if (!box.hidden && box.dataset.cause === "network") say(t("console.reconnected"), "info");
}

// ------------------------------------------------------------------ start

let dialogs = null;
let appointments = null;

function start() {
  dialogs = counterDialogs({state, act, send, say, current, serviceName, counterInfo,
                            counterTitle, dossier: DOSSIER});
  appointments = counterAppointments({state, act, send, say, current, explain, now});
  bindActions();
  $("picker-office").addEventListener("change", function (event) {
    const office = page.offices.find(function (o) { return o.code === event.target.value; });
    if (office) listCounters(office);
  });
  document.addEventListener("keydown", pickerKeys);
  setInterval(tick, 1000);
  setInterval(function () { if (state.snap) render(); }, 30000);  // "chờ N phút"
  const saved = recalled();
  const all = [].concat.apply([], page.offices.map(function (o) { return o.counters; }));
  // The counter asked for, else the one this officer holds (they need not pick it again),
  // else the one this browser used last.
  const holding = state.held.find(function (id) { return counterInfo(id); });
  let pick = null;
  if (page.preselect && counterInfo(page.preselect)) pick = page.preselect;
  else if (holding) pick = holding;
  else if (saved && counterInfo(saved.counter)) pick = saved.counter;
  else if (all.length === 1) pick = all[0].id;
  if (pick) choose(pick); else showPicker();
  $("console").dataset.ready = "true";
}

start();
window.luotConsole = {state: state, checkDossier: dialogs.checkDossier,
                      appointments: appointments.panel};
