/*
 * kiosk/issue.js — taking the ticket: one request per tap (an Idempotency-Key), the busy
 * screen, and the retry and refused screens.
 *
 * Issuing is never retried automatically; "Thử lại" waits for a request still on its way
 * instead of sending a second one, and sends anew (same Idempotency-Key) only after the
 * earlier one failed.
 */

import {$, API, OPTS, api, show, state, t, timers} from "./context.js";
import {goStart, refreshCatalog} from "./home.js";
import {showTicket} from "./ticket.js";

function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.prototype.map.call(bytes, function (x) {
    return ("0" + x.toString(16)).slice(-2);
  }).join("");
}

export function issue(priority) {
  // The guard: one ticket per tap, whatever the fingers do.
  if (state.inflight || !state.service || state.screen === "busy") return;
  state.intent = {
    service: state.service.code,
    priority: priority,
    citizen: state.citizen ? state.citizen.token : null,
    key: newKey(),
  };
  send(state.intent);
}

function send(intent) {
  const controller = new AbortController();
  const attempt = {intent: intent, settled: false, abandoned: false, controller: controller};
  state.inflight = attempt;
  show("busy");
  const body = {service: intent.service, priority: intent.priority, citizen: intent.citizen};
  attempt.promise = api.request("POST", API + "/tickets", body, {
    idempotencyKey: intent.key,
    signal: controller.signal,
  });
  attempt.promise.then(function (r) {
    settle(attempt);
    if (attempt.abandoned || state.intent !== intent) return;
    if (r.status === 0) showRetry("network"); // no answer at all
    else answered(r);
  });
  watch(attempt);
}

function settle(attempt) {
  attempt.settled = true;
  clearTimeout(timers.request);
  if (state.inflight === attempt) state.inflight = null;
}

function watch(attempt) {
  clearTimeout(timers.request);
  timers.request = setTimeout(function () {
    // Slow, not failed: the request stays on its way (it may yet give the ticket).
    if (!attempt.settled && state.screen === "busy") showRetry("timeout");
  }, OPTS.request_timeout_seconds * 1000);
}

export function abandon(attempt) {
  attempt.abandoned = true;
  if (attempt.controller) attempt.controller.abort();
  settle(attempt);
}

function answered(r) {
  if (r.status === 201 && r.data && r.data.code) {
    showTicket(r.data);
    return;
  }
  // 429: this kiosk (or address) asked too often; a retry in a moment is the answer.
  if (r.status >= 500 || r.status === 0 || r.status === 429) {
    showRetry("server");
    return;
  }
  const data = r.data || {};
  let kind = "refused";
  if (data.error === "closed") kind = "hours";
  else if (r.status === 409) kind = "closed";
  else if (r.status === 401 || r.status === 403) kind = "device";
  else if (data.fields && data.fields.citizen) {
    kind = "scan_expired";
    state.citizen = null;
  }
  if (r.status === 409 || r.status === 404) refreshCatalog();
  showRefused(kind, data);
}

export function retry() {
  const intent = state.intent;
  if (!intent) {
    goStart({});
    return;
  }
  const pending = state.inflight;
  if (pending && !pending.settled && pending.intent === intent) {
    // The first request may still succeed: wait for it rather than send a second one.
    show("busy");
    watch(pending);
    return;
  }
  send(intent);
}

function showRetry(kind) {
  state.retryKind = kind;
  show("retry");
  renderRetry();
}

export function renderRetry() {
  $("k-retry-title").textContent = t("retry_" + state.retryKind + "_title");
  $("k-retry-message").textContent = t("retry_message");
  $("k-retry-maybe").hidden = state.retryKind !== "timeout";
}

function showRefused(kind, data) {
  // The server words every refusal in English and Vietnamese (`vi`); keep both, so the
  // citizen reads it in the language they chose, even after switching.
  state.refused = {kind: kind, en: data.message || "", vi: (data.vi && data.vi.message) || ""};
  show("refused");
  renderRefused();
}

export function renderRefused() {
  const r = state.refused;
  if (!r) return;
  $("k-refused-title").textContent = t(r.kind + "_title");
  $("k-refused-message").textContent = t(r.kind + "_message");
  const message = state.lang === "en" ? r.en : r.vi;
  $("k-refused-server").textContent = message ? t("server_says", {message: message}) : "";
  $("k-refused-server").hidden = !message;
}
