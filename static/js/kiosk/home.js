/*
 * kiosk/home.js — the start screen: every field on one screen as a grid of large buttons
 * (grouped where the office says), names wrapping, never cut; pages only when even the
 * tightest grid cannot hold them. Waiting counts refresh in place.
 */

import {el} from "../lib/dom.js";
import {$, API, ARM_MS, OPTS, api, button, named, root, setLocked, show, state, t, timers,
  toast} from "./context.js";
import {abandon, issue} from "./issue.js";
import {applyLang} from "./main.js";
import {renderPriority} from "./priority.js";
import {cardEligible, cardPriority} from "./scan.js";

// From the largest text down: the first that holds every field on one screen is used.
const DENSITIES = ["", "k-dense-1", "k-dense-2", "k-dense-2 k-tight"];

/** The fields a citizen sees: a field no counter serves is left out, unless the office
 * shows it greyed out (kiosk option `unserved`); it is never ticketed either way. */
function offered() {
  if (OPTS.unserved === "show") return state.services;
  return state.services.filter(function (s) { return s.served !== false; });
}

function groups(flat) {
  const services = offered();
  if (flat || !OPTS.groups || !OPTS.groups.length) return [{ title: null, services: services }];
  const byCode = {};
  services.forEach(function (s) { byCode[s.code] = s; });
  const used = {};
  const result = [];
  OPTS.groups.forEach(function (g) {
    const items = g.services
      .map(function (code) { return byCode[code]; })
      .filter(function (s) { return s && !used[s.code]; });
    items.forEach(function (s) { used[s.code] = true; });
    if (items.length) result.push({ title: g.title, title_en: g.title_en, services: items });
  });
  const rest = services.filter(function (s) { return !used[s.code]; });
  if (rest.length) {
    result.push({ title: result.length ? "other" : null, other: true, services: rest });
  }
  return result;
}

function paginate(perPage, flat) {
  // A group starts a new page when it does not fit the rest of this one; a group larger
  // than a page is split, and its later parts say "(tiếp)".
  const pages = [];
  let page = [];
  let count = 0;
  groups(flat).forEach(function (g) {
    let items = g.services;
    let first = true;
    while (items.length) {
      if (count > 0 && items.length > perPage - count) {
        pages.push(page);
        page = [];
        count = 0;
      }
      const take = items.slice(0, perPage - count);
      page.push({ group: g, continued: !first, services: take });
      count += take.length;
      items = items.slice(take.length);
      first = false;
      if (count >= perPage) {
        pages.push(page);
        page = [];
        count = 0;
      }
    }
  });
  if (page.length) pages.push(page);
  return pages;
}

function groupTitle(group) {
  if (group.other) return t("other_services");
  if (state.lang === "en" && group.title_en) return group.title_en;
  return group.title;
}

function serviceMeta(s) {
  if (s.served === false) return t("not_served");
  const parts = [s.waiting ? t("waiting_n", { n: s.waiting }) : t("waiting_none")];
  if (s.waiting && s.eta_minutes) parts.push(t("eta_n", { n: s.eta_minutes }));
  return parts.join(" · ");
}

function serviceButton(s) {
  const off = s.served === false;
  return button("k-service" + (off ? " k-service-off" : ""), function () {
    if (off) toast(t("not_served_toast", {name: named(s)}));
    else chooseService(s.code);
  }, {"data-code": s.code, "aria-disabled": off ? "true" : null}, [
    el("span", {class: "k-service-name", text: named(s)}),
    el("span", {class: "k-service-meta", text: serviceMeta(s)}),
  ]);
}

function renderPage() {
  const page = state.pages[state.page] || [];
  const box = $("k-services");
  const cols = state.layout.cols;
  box.className = "k-services " + DENSITIES[state.layout.density];
  box.style.setProperty("--k-cols", String(cols));
  $("screen-start").classList.toggle("k-tight", DENSITIES[state.layout.density].includes("k-tight"));
  box.replaceChildren(...page.map(function (part) {
    const title = groupTitle(part.group);
    const group = el("div", {class: "k-group"}, [
      title ? el("h2", {class: "k-group-title",
                        text: title + (part.continued ? " " + t("continued") : "")}) : null,
      el("div", {class: "k-grid"}, part.services.map(serviceButton)),
    ]);
    // A group takes as many columns as it has fields, up to the grid's: small groups share
    // a row, and each group's buttons line up with the grid.
    group.style.setProperty("--k-span", String(Math.min(cols, part.services.length)));
    return group;
  }));
  const many = state.pages.length > 1;
  $("k-pager").hidden = !many;
  $("k-page-of").textContent = t("page_of", { n: state.page + 1, total: state.pages.length });
  $("k-prev").disabled = state.locked || state.page === 0;
  $("k-next").disabled = state.locked || state.page >= state.pages.length - 1;
  $("k-prev").classList.toggle("k-invisible", state.page === 0);
  $("k-next").classList.toggle("k-invisible", state.page >= state.pages.length - 1);
  $("k-no-services").hidden = offered().length > 0;
}

function overflows() {
  // The grid taller than its room, or any button whose name or count it would cut.
  const box = $("k-services");
  if (box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1) return true;
  for (const b of box.querySelectorAll(".k-service")) {
    if (b.scrollHeight > b.clientHeight + 1 || b.scrollWidth > b.clientWidth + 1) return true;
  }
  return false;
}

function columnChoices(count) {
  // Landscape has the width for more columns; never more columns than fields.
  const choices = window.innerWidth > window.innerHeight ? [2, 3, 4, 5, 6] : [1, 2, 3];
  const most = Math.max(1, count);
  return choices.map(function (c) { return Math.min(c, most); })
    .filter(function (c, i, all) { return all.indexOf(c) === i; });
}

function fitsAll(pages) {
  state.pages = pages;
  for (let i = 0; i < pages.length; i++) {
    state.page = i;
    renderPage();
    if (overflows()) return false;
  }
  return true;
}

export function fitServices() {
  // Every field on one screen, with the largest text that holds them: the office's groups
  // under their titles, else (a small screen) the same order without titles. Pages only
  // when even that cannot hold them (more than `services_per_page`, or a very small
  // screen); then the most fields a page holds.
  if (state.screen !== "start") {
    state.perPage = null;
    return;
  }
  const count = offered().length;
  const most = OPTS.services_per_page || 12;
  const grouped = !!(OPTS.groups && OPTS.groups.length);
  const cols = columnChoices(count);
  let best = null;
  if (count <= most) {
    [false, true].forEach(function (flat) {
      if (best || (flat && !grouped)) return;
      for (let d = 0; d < DENSITIES.length && !best; d++) {
        for (let c = 0; c < cols.length && !best; c++) {
          state.layout = {density: d, cols: cols[c], flat: flat};
          if (fitsAll(paginate(Math.max(1, count), flat))) best = {layout: state.layout, per: count};
        }
      }
    });
  }
  if (!best) {
    // Pages, grouped as the office says: the layout that holds the most fields a page.
    const top = Math.max(1, Math.min(most, count || 1));
    for (let d = 1; d < DENSITIES.length; d++) {
      for (let c = 0; c < cols.length; c++) {
        state.layout = {density: d, cols: cols[c], flat: false};
        for (let per = top; per > (best ? best.per : 0); per--) {
          if (fitsAll(paginate(per, false))) {
            best = {layout: state.layout, per: per};
            break;
          }
        }
      }
    }
    best = best || {layout: {density: DENSITIES.length - 1, cols: cols[0], flat: false}, per: 1};
  }
  state.layout = best.layout;
  state.pages = paginate(best.per, best.layout.flat);
  state.perPage = best.per;
  state.page = Math.min(state.wantedPage || 0, state.pages.length - 1);
  renderPage();
}

export function goPage(delta) {
  const next = state.page + delta;
  if (next < 0 || next >= state.pages.length) return;
  state.page = next;
  state.wantedPage = next;
  renderPage();
  // A double tap on "Trang sau" must not skip a page.
  setLocked(true);
  clearTimeout(timers.arm);
  timers.arm = setTimeout(function () {
    if (state.screen === "start") {
      setLocked(false);
      renderPage();
    }
  }, ARM_MS);
}

function sameCodes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].code !== b[i].code || named(a[i]) !== named(b[i]) ||
        a[i].served !== b[i].served) return false;
  }
  return true;
}

function updateServices(services) {
  const same = sameCodes(services, state.services);
  state.services = services;
  if (state.screen !== "start") return;
  if (!same || state.perPage === null) {
    fitServices();
    return;
  }
  // Only the counts changed: update in place, so no button moves under a finger.
  services.forEach(function (s) {
    const b = $("k-services").querySelector('[data-code="' + CSS.escape(s.code) + '"]');
    if (b) b.querySelector(".k-service-meta").textContent = serviceMeta(s);
  });
}

const OFFLINE_RETRY_MS = 3000;

function dayName(isoDate) {
  // The office's own calendar date, named in the citizen's language ("Thứ Tư, 02/12").
  const [y, m, d] = isoDate.split("-").map(Number);
  const when = new Date(Date.UTC(y, m - 1, d));
  try {
    return new Intl.DateTimeFormat(state.lang === "en" ? "en-GB" : "vi-VN", {
      weekday: "long", day: "2-digit", month: "2-digit", timeZone: "UTC",
    }).format(when);
  } catch {
    return isoDate.slice(8, 10) + "/" + isoDate.slice(5, 7);
  }
}

/** Closed (outside opening hours) shows on the start screen, before anyone taps. */
export function renderOpening() {
  const o = state.opening || {open: true};
  const closed = o.open === false;
  const wasClosed = root.getAttribute("data-closed") === "true";
  root.setAttribute("data-closed", closed ? "true" : "false");
  $("k-closed").hidden = !closed;
  if (closed) {
    const periods = (o.today || []).map(function (p) { return p[0] + "–" + p[1]; });
    $("k-closed-today").textContent = periods.length
      ? t("hours_today", {periods: periods.join(", ")}) : t("closed_today");
    let next = t("next_open_none");
    if (o.next_open) {
      const day = o.next_open.slice(0, 10);
      const time = o.next_open.slice(11, 16);
      next = o.at && o.at.slice(0, 10) === day
        ? t("next_open_today", {time: time}) : t("next_open_day", {time: time, day: dayName(day)});
    }
    $("k-closed-next").textContent = next;
  } else if (wasClosed && state.screen === "start") {
    fitServices();
  }
}

/** The server away: said on the start screen at once, retried by itself every few
 * seconds; when it answers again, fresh fields (a fresh page, if this one was opened from
 * the service worker's copy while it was away). */
export function setOffline(offline) {
  if (state.offline === offline) return;
  const back = state.offline && !offline;
  state.offline = offline;
  root.setAttribute("data-offline", offline ? "true" : "false");
  $("k-offline").hidden = !offline;
  if (!back) return;
  clearTimeout(timers.offline);
  if (state.bootedOffline) {
    window.location.reload();
    return;
  }
  refreshCatalog();
  if (state.screen === "start") fitServices();
}

/** Open or closed now, from the server; no answer at all means the server is away. */
export function refreshOpening() {
  return api.request("GET", API + "/opening", null, {timeout: 5000}).then(function (r) {
    if (r.status === 200 && r.data && typeof r.data.open === "boolean") {
      state.opening = r.data;
      renderOpening();
      setOffline(false);
    } else if (r.status === 0 || r.status >= 500) {
      setOffline(true);
      clearTimeout(timers.offline);
      timers.offline = setTimeout(refreshOpening, OFFLINE_RETRY_MS);
    }
    return r.status;
  });
}

/** Fresh fields and classes from the server; on any failure keep what we have. */
export function refreshCatalog() {
  refreshOpening();
  api.request("GET", API + "/services", null, {timeout: 5000}).then(function (r) {
    if (r.status === 200 && Array.isArray(r.data)) updateServices(r.data);
  });
  api.request("GET", API + "/priority-classes", null, {timeout: 5000}).then(function (r) {
    if (r.status === 200 && Array.isArray(r.data)) state.classes = r.data;
  });
}

export function goStart(options) {
  options = options || {};
  if (state.inflight && !state.inflight.settled) abandon(state.inflight);
  state.intent = null;
  state.service = null;
  state.ticket = null;
  state.refused = null;
  state.retryKind = null;
  clearInterval(timers.countdown);
  clearTimeout(timers.print);
  if (!options.keepCitizen) state.citizen = null;
  if (options.fresh) {
    state.lang = "vi";
    state.wantedPage = 0;
  }
  show("start");
  applyLang();
  refreshCatalog();
}

function chooseService(code) {
  const service = state.services.filter(function (s) { return s.code === code; })[0];
  if (!service || state.inflight) return;
  state.service = service;
  // A card showing the elderly age has said it already: no second question.
  if (cardEligible()) {
    issue(cardPriority());
    return;
  }
  if (OPTS.ask_priority && state.classes.length) {
    show("priority");
    renderPriority();
  } else {
    issue(null);
  }
}
