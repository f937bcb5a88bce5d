/*
 * province.js — the provincial overview (/admin/province): every commune centre at once.
 *
 * Everything comes from GET /api/v1/province/centres, fetched every `poll_ms`: what each
 * centre said of itself at its last contact (waiting, open counters, longest wait, served
 * today per office), how long ago that was, and how far behind its journal is. A centre
 * not heard from for `stale_after` seconds is marked "lost contact since HH:MM": its figures
 * are the last it sent, shown faded, and left out of the province's totals.
 *
 * For tests: <main data-ready="true"> after the first fetch, data-fetches counts them.
 */
import {createApi, errorText} from "./lib/api.js";
import {el, readJson} from "./lib/dom.js";
import {lang, t} from "./lib/i18n.js";

const page = readJson("luot-page", {});
const api = createApi({base: page.api});
const root = document.getElementById("province");
const $ = function (id) { return document.getElementById(id); };
const locale = lang() === "en" ? "en-GB" : "vi-VN";
const number = new Intl.NumberFormat(locale);
const time = new Intl.DateTimeFormat(locale, {
  hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "Asia/Ho_Chi_Minh",
});
const dayTime = new Intl.DateTimeFormat(locale, {
  hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", hour12: false,
  timeZone: "Asia/Ho_Chi_Minh",
});
let fetches = 0;

function ago(seconds) {
  return t("admin.prov.ago", {span: span(seconds)});
}

function span(seconds) {
  if (seconds < 60) return t("admin.prov.seconds", {n: seconds});
  if (seconds < 3600) return t("admin.prov.minutes", {n: Math.floor(seconds / 60)});
  if (seconds < 86400) return t("admin.prov.hours", {n: Math.floor(seconds / 3600)});
  return t("admin.prov.days", {n: Math.floor(seconds / 86400)});
}

function wait(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const m = Math.floor(seconds / 60);
  return m < 60 ? t("admin.prov.minutes", {n: m})
    : t("admin.prov.hours_minutes", {h: Math.floor(m / 60), m: m % 60});
}

function when(iso) {
  const moment = new Date(iso);
  const sameDay = Date.now() - moment.getTime() < 20 * 3600 * 1000;
  return (sameDay ? time : dayTime).format(moment);
}

function sum(offices, key) {
  return offices.reduce(function (total, office) { return total + (office[key] || 0); }, 0);
}

function contact(centre) {
  if (centre.state === "revoked") {
    return el("span", {class: "pv-state pv-revoked", text: t("admin.prov.revoked")});
  }
  if (!centre.last_contact_at) {
    return el("span", {class: "pv-state pv-never",
                       text: centre.state === "invited" ? t("admin.prov.not_joined")
                         : t("admin.prov.never_heard")});
  }
  if (centre.stale) {
    return el("span", {class: "pv-state pv-stale"}, [
      el("strong", {text: t("admin.prov.lost_since", {time: when(centre.last_contact_at)})}),
      el("span", {class: "muted", text: " (" + span(centre.seconds_since_contact) + ")"}),
    ]);
  }
  return el("span", {class: "pv-state pv-online", text: ago(centre.seconds_since_contact)});
}

function resynced(centre) {
  const resync = centre.resync || {};
  const dropped = resync.dropped || {};
  const lost = dropped.ticket
    ? t("admin.prov.dropped", {n: number.format(dropped.ticket)})
    : "";
  return t("admin.prov.resynced", {time: when(resync.done_at)}) + lost;
}

function sync(centre) {
  const resync = centre.resync || {};
  if (resync.state === "diverged") {
    return el("span", {class: "pv-error",
      text: t("admin.prov.diverged")});
  }
  if (resync.state === "running") {
    const total = resync.end - resync.start + 1;
    const got = Math.max(Math.min(centre.received_seq, resync.end) - resync.start + 1, 0);
    return el("span", {class: "pv-lag",
      text: t("admin.prov.resyncing", {got: number.format(got), total: number.format(total)})});
  }
  if (centre.last_error) {
    return el("span", {class: "pv-error",
      text: t("admin.prov.refused", {
        message: (lang() === "en" ? centre.last_error : centre.last_error_vi) || centre.last_error,
      })});
  }
  if (!centre.lag_entries) {
    if (resync.state === "done") {
      return el("span", {class: "pv-synced"}, [
        t("admin.prov.synced"), el("span", {class: "muted", text: " · " + resynced(centre)}),
      ]);
    }
    return el("span", {class: "pv-synced", text: centre.received_seq ? t("admin.prov.synced") : "—"});
  }
  return el("span", {
    class: "pv-lag",
    text: t("admin.prov.behind", {n: number.format(centre.lag_entries)})
      + (centre.lag_seconds ? t("admin.prov.late", {span: span(centre.lag_seconds)}) : ""),
  });
}

function unsettled(centre) {
  const state = (centre.resync || {}).state;
  return state === "diverged" || state === "running" ? 1 : 0;
}

function template(centre) {
  if (!centre.template) return "—";
  const report = centre.template_report || {};
  const failed = Object.entries(report.offices || {}).filter(function (item) {
    return item[1].error;
  });
  if (failed.length) {
    return el("span", {class: "pv-error", text: centre.template + " v" + report.version
      + t("admin.prov.template_failed", {error: failed[0][1].error})});
  }
  if (centre.template_applied !== centre.template_version) {
    return el("span", {class: "pv-lag", text: centre.template + " v"
      + centre.template_version + t("admin.prov.template_waiting")});
  }
  const kept = Object.values(report.offices || {}).reduce(function (n, office) {
    return n + (office.kept || []).length;
  }, 0);
  return centre.template + " v" + centre.template_applied
    + (kept ? t("admin.prov.template_kept", {n: kept}) : "");
}

function row(centre) {
  const offices = centre.offices || [];
  const longest = offices.reduce(function (worst, office) {
    const value = office.longest_wait_seconds;
    return value !== null && value !== undefined && (worst === null || value > worst)
      ? value : worst;
  }, null);
  const names = offices.map(function (office) { return office.name; }).join(", ");
  const figure = function (text) { return offices.length ? text : "—"; };
  return el("tr", {
    class: centre.stale ? "pv-row stale" : "pv-row",
    "data-centre": centre.code,
    "data-stale": String(!!centre.stale),
  }, [
    el("th", {scope: "row"}, [
      el("span", {class: "pv-name", text: centre.name}),
      el("span", {class: "muted pv-code", text: centre.code + (names ? " · " + names : "")}),
    ]),
    el("td", {}, [contact(centre)]),
    el("td", {}, [sync(centre)]),
    el("td", {class: "num", "data-figure": "waiting",
              text: figure(number.format(sum(offices, "waiting")))}),
    el("td", {class: "num", "data-figure": "open",
              text: figure(sum(offices, "open_counters") + "/" + sum(offices, "counters"))}),
    el("td", {class: "num", text: wait(longest)}),
    el("td", {class: "num", "data-figure": "served",
              text: figure(number.format(sum(offices, "served_today")))}),
    el("td", {}, [template(centre)]),
  ]);
}

/** How bad a centre's state is, 0 the worst: lost contact, a refused sync, data being
 *  sent again, entries behind, fine; then those never heard from, then revoked ones. */
function rank(centre) {
  if (centre.state === "revoked") return 6;
  if (!centre.last_contact_at) return 5;
  if (centre.stale) return 0;
  if (centre.last_error) return 1;
  if (unsettled(centre)) return 2;
  return centre.lag_entries ? 3 : 4;
}

/** Which rows the search box and the filter let through. */
function shown(centre) {
  const query = $("centre-search").value.trim().toLocaleLowerCase("vi");
  const names = [centre.name, centre.code].concat((centre.offices || []).map(function (o) {
    return o.name;
  })).join(" ").toLocaleLowerCase("vi");
  if (query && names.indexOf(query) < 0) return false;
  const wanted = $("centre-filter").value;
  const level = rank(centre);
  return wanted === "all" || (wanted === "problems" && level <= 3)
    || (wanted === "lost" && level === 0) || (wanted === "refused" && level === 1)
    || (wanted === "never" && level === 5);
}

let latest = [];

function render(centres) {
  latest = centres;
  const live = centres.filter(function (c) { return c.state === "joined" && !c.stale; });
  // Every centre registered and not revoked counts, joined or not yet.
  const registered = centres.filter(function (c) { return c.state !== "revoked"; });
  const joined = centres.filter(function (c) { return c.state === "joined"; });
  const offices = live.flatMap(function (c) { return c.offices || []; });
  $("online").textContent = live.length + "/" + registered.length;
  const lost = joined.filter(function (c) { return c.stale; }).length;
  const never = registered.length - joined.length;
  const notes = [];
  if (lost) notes.push(t("admin.prov.n_lost", {n: lost}));
  if (never) notes.push(t("admin.prov.n_not_joined", {n: never}));
  $("online-note").textContent = notes.length ? notes.join(" · ") : "\u00a0";
  $("waiting").textContent = number.format(sum(offices, "waiting"));
  $("open-counters").textContent = number.format(sum(offices, "open_counters"));
  $("served").textContent = number.format(sum(offices, "served_today"));
  const body = $("centres").querySelector("tbody");
  // The worst first (rank), then the longest backlog.
  const ordered = centres.filter(shown).sort(function (a, b) {
    return (rank(a) - rank(b)) || ((b.lag_entries || 0) - (a.lag_entries || 0))
      || a.code.localeCompare(b.code);
  });
  body.replaceChildren.apply(body, ordered.map(row));
  $("centre-count").textContent = ordered.length === centres.length ? ""
    : t("admin.prov.showing", {n: ordered.length, total: centres.length});
  $("empty").hidden = centres.length > 0;
}

async function load() {
  const result = await api.request("GET", "/province/centres");
  if (result.ok) {
    fetches += 1;
    render(result.data);
    $("error").hidden = true;
    $("conn").dataset.state = "online";
    $("conn").textContent = t("admin.prov.online");
    $("updated").textContent = time.format(new Date());
    root.dataset.fetches = String(fetches);
    root.dataset.ready = "true";
  } else {
    $("error").textContent = t("admin.prov.load_failed", {message: errorText(result)});
    $("error").hidden = false;
    $("conn").dataset.state = "offline";
    $("conn").textContent = t("admin.prov.offline");
  }
  setTimeout(load, page.poll_ms || 5000);
}

$("centre-search").addEventListener("input", function () { render(latest); });
$("centre-filter").addEventListener("change", function () { render(latest); });
load();
