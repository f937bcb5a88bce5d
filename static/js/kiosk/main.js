/*
 * kiosk/main.js — the kiosk page (/kiosk/<office>): where citizens take a ticket.
 *
 * Screens: start (choose a field, paged) → priority (optional) → busy → ticket, plus retry
 * (network trouble) and refused (the server said no: field closed, outside hours, ...);
 * where the office books appointments, start → checkin (code, QR or CCCD) → busy → ticket.
 * Each screen is a module beside this one; context.js holds what they share.
 */

import {deviceKey} from "../lib/device_key.js";
import {ready} from "../lib/dom.js";
import {$, OPTS, REFRESH_MS, TOKEN_KEY, config, root, show, state, t, tap, touch} from "./context.js";
import {checkinBack, confirmCode, renderCheckin, showCheckin} from "./checkin.js";
import {connectDevice} from "./device.js";
import {fitServices, goPage, goStart, refreshCatalog, refreshOpening, renderOpening} from "./home.js";
import {issue, renderRefused, renderRetry, retry} from "./issue.js";
import {fitClasses, renderPriority} from "./priority.js";
import {onKeyDown, onKeyUp, renderGreeting, toggleDecline} from "./scan.js";
import {renderTicket} from "./ticket.js";

export function applyLang() {
  document.documentElement.lang = state.lang;
  root.querySelectorAll("[data-t]").forEach(function (node) {
    node.textContent = t(node.getAttribute("data-t"));
  });
  $("k-lang").setAttribute("lang", state.lang === "vi" ? "en" : "vi");
  if ($("k-scan-invite")) {
    $("k-scan-invite").textContent = t("scan_invite", {age: config.office.elderly_age});
  }
  renderGreeting();
  renderOpening();
  if (state.screen === "start") fitServices();
  else state.perPage = null;
  if (state.screen === "priority") renderPriority();
  if (state.screen === "checkin") renderCheckin();
  if (state.screen === "ticket") renderTicket();
  if (state.screen === "retry") renderRetry();
  if (state.screen === "refused") renderRefused();
}

function idleCheck() {
  const idle = Date.now() - state.lastTouch > OPTS.idle_seconds * 1000;
  if (!idle) return;
  const s = state.screen;
  const dirty = s === "priority" || s === "checkin" || s === "retry" || s === "refused" ||
    (s === "start" && (state.page !== 0 || state.citizen || state.lang !== "vi"));
  if (dirty) goStart({ fresh: true });
  else if (s === "start" && Date.now() - (state.lastRefresh || 0) > REFRESH_MS) {
    state.lastRefresh = Date.now();
    refreshCatalog();
  }
}

function guardTouchscreen() {
  document.addEventListener("contextmenu", function (e) { e.preventDefault(); });
  document.addEventListener("dragstart", function (e) { e.preventDefault(); });
  document.addEventListener("selectstart", function (e) { e.preventDefault(); });
  document.addEventListener("touchmove", function (e) {
    if (e.touches && e.touches.length > 1) e.preventDefault(); // no pinch zoom
  }, { passive: false });
  document.addEventListener("gesturestart", function (e) { e.preventDefault(); });
  document.addEventListener("pointerdown", touch, true);
  document.addEventListener("keydown", onKeyDown, true);
  document.addEventListener("keyup", onKeyUp, true);
}

function init() {
  state.token = deviceKey(TOKEN_KEY);
  guardTouchscreen();
  tap($("k-lang"), function () {
    state.lang = state.lang === "vi" ? "en" : "vi";
    applyLang();
  });
  tap($("k-greeting-decline"), toggleDecline);
  tap($("k-prev"), function () { goPage(-1); });
  tap($("k-next"), function () { goPage(1); });
  tap($("k-priority-back"), function () { goStart({ keepCitizen: true }); });
  tap($("k-no-priority"), function () { issue(null); });
  tap($("k-done"), function () { goStart({ fresh: true }); });
  tap($("k-retry"), retry);
  tap($("k-retry-home"), function () { goStart({ fresh: true }); });
  tap($("k-refused-home"), function () { goStart({ keepCitizen: true }); });
  if ($("screen-checkin")) {
    tap($("k-have-appointment"), showCheckin);
    tap($("k-checkin-back"), checkinBack);
    tap($("k-checkin-confirm"), confirmCode);
  }
  const refit = function () {
    if (state.screen === "start") fitServices();
    if (state.screen === "priority") fitClasses();
  };
  window.addEventListener("resize", refit);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(refit);
  state.lastRefresh = Date.now();
  setInterval(idleCheck, 1000);
  setInterval(function () {
    if (state.screen === "start") refreshOpening();
  }, OPTS.check_seconds * 1000);
  show("start");
  applyLang();
  root.setAttribute("data-ready", "true");
  connectDevice();
  // At once: a page the service worker opened from its copy finds out it is offline.
  refreshOpening().then(function (status) {
    if (status === 0 || status >= 500) state.bootedOffline = true;
  });
  keepOfflineCopy();
}

/** The service worker keeps this page for a reload or a reboot while the server is away
 * (browsers allow it on https and on localhost; see README for a kiosk on plain http). */
function keepOfflineCopy() {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register("/kiosk/sw.js", {scope: "/kiosk/"}).catch(function (error) {
    console.warn("kiosk: no offline copy", error);
  });
}

// For tests and the curious: what the page is doing, without personal data.
window.luotKiosk = {
  state: function () {
    return {
      screen: state.screen, page: state.page, pages: state.pages.length,
      perPage: state.perPage, layout: state.layout, lang: state.lang, inflight: !!state.inflight,
      device: state.device ? state.device.id : null, printState: state.printState,
      citizen: !!state.citizen, joined: !!state.joined, offline: state.offline,
      closed: state.opening.open === false,
    };
  },
};

ready(init);
