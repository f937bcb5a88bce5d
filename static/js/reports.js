/*
 * reports.js — the manager's reports (/admin/reports).
 *
 * Filters (offices, a period, a grouping) live in the query string, so a report can be
 * bookmarked or sent on. "Tất cả đơn vị" (the default) asks for `all=true`, never the list
 * of every code: a province's 150 centres are one report, however many there are; a list
 * the user picks by hand is sent as it is, up to page.max_offices. Each change asks GET /api/v1/reports for the chosen grouping and,
 * for the charts, for the groupings they need (hour, counter, officer, day); every request
 * of one change runs in parallel and answers of an older change are dropped. Charts are
 * drawn with Chart.js served by this server (/static/vendor/chart.umd.min.js). The export
 * links point at /api/v1/reports/export with the same filters.
 *
 * Charts by counter, officer, field or office show the busiest few (`top_rows`, asked with
 * `top`) and the rest as one bar; figures are graded against each office's targets
 * (reports/grades.js); the print button prints a one-page summary (reports/summary.js).
 *
 * For tests: <main data-ready="true"> once a report is shown, data-loading while asking,
 * window.luotReports exposes the state and the last answers.
 */
import {createApi} from "./lib/api.js";
import {el} from "./lib/dom.js";
import {label, lang, t} from "./lib/i18n.js";
import {GRADES, goal, grade, markCell, satisfiedShare, strictest} from "./reports/grades.js";
import {printRows, renderSummary} from "./reports/summary.js";

(function () {
  "use strict";

  const page = JSON.parse(document.getElementById("luot-page").textContent);
  const root = document.getElementById("reports");
  if (!page.offices.length) return;

  // Group headings and "by ..." titles: the vocabulary's, as the exports name them.
  const GROUP_LABELS = {};
  const GROUP_TITLES = {};
  for (const group of page.groups || []) {
    GROUP_LABELS[group] = label("group", group);
    GROUP_TITLES[group] = label("group_title", group);
  }
  const NO_KEY = {counter: t("group.none_counter"), officer: t("group.none_officer")};
  // "56 quầy khác": the groups a chart or the printed summary folds into one row.
  const OTHERS = {counter: t("report.others.counter"), officer: t("report.others.officer"),
                  service: t("report.others.service"), office: t("report.others.office")};
  const PRESETS = {
    today: t("report.preset.today"), week: t("report.preset.week"),
    month: t("report.preset.month"), last_month: t("report.preset.last_month"),
    year: t("report.preset.year"),
  };
  const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"].map(function (day) {
    return t("admin.day_short." + day);
  });
  const COLORS = {blue: "#0a4f9c", sky: "#6aa6de", green: "#0b7a3b", amber: "#d98e04",
                  red: "#c8102e", grey: "#8796a8"};
  // Beyond this many days the satisfaction chart sums days into months.
  const MAX_DAY_BARS = 62;
  const BATCH_MS = 400; // filter clicks closer than this are one question

  const number = new Intl.NumberFormat("vi-VN", {maximumFractionDigits: 1});
  const percent = new Intl.NumberFormat("vi-VN", {style: "percent", maximumFractionDigits: 0});

  const $ = function (id) { return document.getElementById(id); };
  const officeBoxes = Array.from(document.querySelectorAll("#office-list input[name=office]"));
  const byCode = {};
  page.offices.forEach(function (office) { byCode[office.code] = office; });

  const state = {
    all: false, offices: [], from: "", to: "", group: "service", preset: null,
    seq: 0, answers: {}, charts: {}, loads: 0, pending: null, approximate: false,
  };
  window.luotReports = state;

  const api = createApi({base: page.api});

  // ------------------------------------------------------------------ dates

  function parseDay(text) {
    const parts = text.split("-").map(Number);
    return new Date(Date.UTC(parts[0], parts[1] - 1, parts[2]));
  }

  function isoDay(date) {
    return date.toISOString().slice(0, 10);
  }

  function presetRange(name, todayText) {
    const today = parseDay(todayText);
    const y = today.getUTCFullYear();
    const m = today.getUTCMonth();
    if (name === "week") {
      const monday = new Date(today);
      monday.setUTCDate(today.getUTCDate() - ((today.getUTCDay() + 6) % 7));
      return [isoDay(monday), todayText];
    }
    if (name === "month") return [isoDay(new Date(Date.UTC(y, m, 1))), todayText];
    if (name === "last_month") {
      return [isoDay(new Date(Date.UTC(y, m - 1, 1))), isoDay(new Date(Date.UTC(y, m, 0)))];
    }
    if (name === "year") return [isoDay(new Date(Date.UTC(y, 0, 1))), todayText];
    return [todayText, todayText];
  }

  function showDay(text) {
    const date = parseDay(text);
    return WEEKDAYS[date.getUTCDay()] + " " + text.slice(8, 10) + "/" + text.slice(5, 7) +
      "/" + text.slice(0, 4);
  }

  function shortDay(text) {
    return text.slice(8, 10) + "/" + text.slice(5, 7);
  }

  function daysBetween(from, to) {
    return Math.round((parseDay(to) - parseDay(from)) / 86400000) + 1;
  }

  // ------------------------------------------------------------------ formatting

  function minutes(seconds) {
    return seconds === null || seconds === undefined ? "—" : number.format(seconds / 60);
  }

  /** A median or P90: read off day rollups for long periods, and marked so (≈). */
  function point(seconds) {
    return (state.approximate && seconds !== null && seconds !== undefined ? "≈" : "")
      + minutes(seconds);
  }

  function share(value) {
    return value === null || value === undefined ? "—" : percent.format(value);
  }

  function rowLabel(row, group) {
    if (group === "day") return showDay(String(row.key));
    if (group === "hour") return row.key + ":00–" + (row.key + 1) + ":00";
    if (group === "total") return t("report.all");
    if (row.key === "others") return othersLabel(row, group);
    if (row.key === null || row.key === undefined) return NO_KEY[group] || t("group.none");
    return row.label === null || row.label === undefined ? String(row.key) : String(row.label);
  }

  function othersLabel(row, group) {
    return t("report.others_n", {n: number.format(row.members),
      groups: OTHERS[group] || t("report.others.group")});
  }

  /** Labels for a grouping's rows; rows of several offices that share a name (two
   *  "Quầy 1") get their id appended so they stay apart. */
  function labelsFor(rows, group) {
    let labels = rows.map(function (row) { return rowLabel(row, group); });
    if (group === "office") labels = withoutCommonPrefix(labels);
    const seen = {};
    labels.forEach(function (label) { seen[label] = (seen[label] || 0) + 1; });
    return labels.map(function (label, index) {
      const row = rows[index];
      if (!(seen[label] > 1) || row.key === null || row.key === "others") return label;
      // Two offices' "Quầy 1": told apart by the office's name, never an internal id.
      return row.office ? label + " · " + officeShort(row.office) : label;
    });
  }

  /** An office's name without what all the user's offices' names share ("xã A"). */
  function officeShort(code) {
    const shorts = withoutCommonPrefix(page.offices.map(function (o) { return o.name; }));
    const at = page.offices.findIndex(function (o) { return o.code === code; });
    return at >= 0 ? shorts[at] : code;
  }

  /** "Trung tâm Phục vụ hành chính công xã A", "… xã B" → "xã A", "xã B": a district's
   *  communes side by side are told apart by the end of their names. */
  function withoutCommonPrefix(labels) {
    if (labels.length < 2) return labels;
    const words = labels.map(function (label) { return label.split(" "); });
    let common = 0;
    const same = function (w) { return w.length > common + 1 && w[common] === words[0][common]; };
    while (words.every(same)) common += 1;
    // Keep the last shared word: "xã Thử" reads better than "Thử".
    if (common < 3) return labels;
    return words.map(function (w) { return w.slice(common - 1).join(" "); });
  }

  // ------------------------------------------------------------------ filters

  function readInitial() {
    const initial = page.initial || {};
    const codes = (initial.offices || []).filter(function (code) { return byCode[code]; });
    state.all = !!initial.all || !codes.length;
    state.offices = state.all ? everyCode() : codes;
    if (initial.from && initial.to && /^\d{4}-\d{2}-\d{2}$/.test(initial.from) &&
        /^\d{4}-\d{2}-\d{2}$/.test(initial.to) && !(initial.preset in PRESETS)) {
      state.from = initial.from;
      state.to = initial.to;
      state.preset = null;
    } else {
      state.preset = initial.preset in PRESETS ? initial.preset : "month";
      [state.from, state.to] = presetRange(state.preset, page.today);
    }
    state.group = initial.group || (state.offices.length > 1 ? "office" : "service");
  }

  function everyCode() {
    return page.offices.map(function (o) { return o.code; });
  }

  function showFilters() {
    officeBoxes.forEach(function (box) { box.checked = state.offices.includes(box.value); });
    if ($("all-offices")) $("all-offices").checked = state.all;
    $("from").value = state.from;
    $("to").value = state.to;
    document.querySelectorAll("#presets [data-preset]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.preset === state.preset));
    });
    document.querySelectorAll("#groups [data-group]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.group === state.group));
    });
    const district = $("district");
    if (district) {
      const match = !state.all && Object.keys(districts()).find(function (name) {
        const codes = districts()[name];
        return codes.length === state.offices.length &&
          codes.every(function (code) { return state.offices.includes(code); });
      });
      district.value = match || "";
    }
  }

  function districts() {
    const found = {};
    page.offices.forEach(function (office) {
      const name = (office.district || "").trim();
      if (name) (found[name] = found[name] || []).push(office.code);
    });
    return found;
  }

  function query(extra) {
    const params = new URLSearchParams();
    if (state.all) params.set("all", "true");
    else state.offices.forEach(function (code) { params.append("office", code); });
    params.set("from", state.from);
    params.set("to", state.to);
    Object.keys(extra || {}).forEach(function (key) { params.set(key, extra[key]); });
    return params;
  }

  function remember() {
    const params = query({group: state.group});
    if (state.preset) {
      params.delete("from");
      params.delete("to");
      params.set("preset", state.preset);
    }
    history.replaceState(null, "", "?" + params.toString());
  }

  function problem() {
    if (!state.offices.length) return t("report.pick_office");
    if (!state.all && state.offices.length > page.max_offices) {
      return t("report.too_many", {n: page.max_offices});
    }
    if (!state.from || !state.to) return t("report.pick_period");
    if (state.to < state.from) return t("report.end_before_start");
    return null;
  }

  // The CSV's separator and decimal mark (server/exports.py CSV_STYLES): what Excel set to
  // Vietnamese opens in columns, or plain CSV; the choice is remembered on this computer.
  const CSV_KEY = "luot.reports.csv";
  const CSV_STYLES = ["excel-vi", "plain"];

  function csvStyle() {
    const checked = document.querySelector("[name=csv_style]:checked");
    return checked ? checked.value : "excel-vi";
  }

  function restoreCsvStyle() {
    let saved = null;
    try { saved = window.localStorage.getItem(CSV_KEY); } catch { /* storage off */ }
    if (!CSV_STYLES.includes(saved)) return;
    const radio = document.querySelector("[name=csv_style][value=" + saved + "]");
    if (radio) radio.checked = true;
  }

  function setExports(ok) {
    [["figures", "xlsx"], ["figures", "csv"], ["log", "xlsx"], ["log", "csv"],
     ["appointments", "xlsx"]].forEach(
      function (pair) {
        const link = $("export-" + pair[0] + "-" + pair[1]);
        if (ok) {
          const extra = {group: state.group, format: pair[1], kind: pair[0], lang: lang()};
          if (pair[1] === "csv") extra.csv = csvStyle();
          link.href = page.api + "/reports/export?" + query(extra).toString();
          link.removeAttribute("aria-disabled");
        } else {
          link.removeAttribute("href");
          link.setAttribute("aria-disabled", "true");
        }
      });
  }

  function changed() {
    showFilters();
    const bad = problem();
    setExports(!bad);
    if (bad) {
      showError(bad);
      return;
    }
    remember();
    // Clicks in a row are one question: ask once they stop, and say it is loading at
    // once, so figures of the previous choice never pass for the new one.
    root.dataset.loading = "true";
    $("loading").hidden = false;
    clearTimeout(state.pending);
    state.pending = setTimeout(load, BATCH_MS);
  }

  function bind() {
    officeBoxes.forEach(function (box) {
      box.addEventListener("change", function () {
        state.offices = officeBoxes.filter(function (b) { return b.checked; })
          .map(function (b) { return b.value; });
        // Every box ticked by hand is "all" too, where a list would be too long to send.
        state.all = state.offices.length === page.offices.length &&
          state.offices.length > page.max_offices;
        changed();
      });
    });
    const district = $("district");
    if (district) {
      const found = districts();
      const names = Object.keys(found).sort(function (a, b) { return a.localeCompare(b, "vi"); });
      names.forEach(function (name) {
        district.append(el("option", {value: name,
                                      text: t("report.district_n", {name: name, n: found[name].length})}));
      });
      district.closest("label").hidden = !names.length;
      district.addEventListener("change", function () {
        if (!district.value) return;
        // A district view: its communes side by side.
        state.all = false;
        state.offices = found[district.value].slice();
        state.group = "office";
        changed();
      });
      $("all-offices").addEventListener("change", function () {
        // Unticked: start a choice of one's own from none.
        state.all = $("all-offices").checked;
        state.offices = state.all ? everyCode() : [];
        changed();
      });
    }
    document.querySelectorAll("#presets [data-preset]").forEach(function (button) {
      button.addEventListener("click", function () {
        state.preset = button.dataset.preset;
        [state.from, state.to] = presetRange(state.preset, page.today);
        changed();
      });
    });
    ["from", "to"].forEach(function (id) {
      $(id).addEventListener("change", function () {
        state[id] = $(id).value;
        state.preset = null;
        changed();
      });
    });
    document.querySelectorAll("#groups [data-group]").forEach(function (button) {
      button.addEventListener("click", function () {
        state.group = button.dataset.group;
        changed();
      });
    });
    document.querySelectorAll("[name=csv_style]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        try { window.localStorage.setItem(CSV_KEY, csvStyle()); } catch { /* storage off */ }
        setExports(!problem());
      });
    });
    $("filters").addEventListener("submit", function (event) { event.preventDefault(); });
    $("print-report").addEventListener("click", function () { window.print(); });
  }

  // ------------------------------------------------------------------ loading

  // One request: the chosen grouping, plus the charts' groupings computed by the server
  // from the same pass over the period's events (answered under `also`).
  function ask(group, also) {
    const params = query({group: group, top: page.chart_top});
    also.forEach(function (extra) { params.append("also", extra); });
    return api.request("GET", "/reports?" + params.toString()).then(function (result) {
      if (result.ok) return result.data;
      if (result.status === 401) throw new Error(t("error.unauthorized"));
      const body = result.data || {};
      const words = lang() === "en" ? body : body.vi || body;
      throw new Error(words.message || t("error.http", {status: result.status}));
    });
  }

  function load() {
    const seq = ++state.seq;
    root.dataset.loading = "true";
    const also = ["hour", "counter", "officer", "day"].filter(function (group) {
      return group !== state.group;
    });
    ask(state.group, also)
      .then(function (answer) {
        if (seq !== state.seq) return;
        const byGroup = {};
        byGroup[state.group] = answer;
        also.forEach(function (group) { byGroup[group] = answer.also[group]; });
        state.answers = byGroup;
        hideError();
        render(byGroup);
        state.loads += 1;
        root.dataset.loads = String(state.loads);
        root.dataset.ready = "true";
      })
      .catch(function (error) {
        if (seq !== state.seq) return;
        showError(t("report.load_failed", {message: error.message}));
      })
      .then(function () {
        if (seq !== state.seq) return;
        root.dataset.loading = "false";
        $("loading").hidden = true;
      });
  }

  function showError(text) {
    $("error").textContent = text;
    $("error").hidden = false;
  }

  function hideError() {
    $("error").hidden = true;
  }

  // ------------------------------------------------------------------ rendering

  /** By office, every chosen office gets a row: a commune with no tickets in the period
   *  shows as zeros instead of missing from the district's comparison. */
  function withEmptyOffices(answer) {
    if (answer.group !== "office") return answer;
    const present = answer.rows.map(function (row) { return row.label; });
    const missing = state.offices.filter(function (code) {
      return !present.includes(byCode[code].name);
    });
    if (!missing.length) return answer;
    const empty = missing.map(function (code) {
      return {key: code, label: byCode[code].name, office: code, issued: 0, served: 0, no_show: 0,
              cancelled: 0, transferred: 0, wait: null, service: null, within_target: null,
              ratings: {}, rated: 0, rating_shares: {}};
    });
    return Object.assign({}, answer, {rows: answer.rows.concat(empty)});
  }

  function render(answers) {
    answers[state.group] = withEmptyOffices(answers[state.group]);
    const main = answers[state.group];
    // The office's rating scale names its levels in both languages (label, label_en).
    const levels = (main.rating_levels || []).map(function (level) {
      return lang() === "en" && level.label_en ? {...level, label: level.label_en} : level;
    });
    state.approximate = !!main.approximate;
    $("approximate-line").hidden = !state.approximate;
    const names = state.offices.map(function (code) { return byCode[code].name; });
    const district = $("district") && $("district").value;
    $("summary-title").textContent =
      (district ? t("report.district_n", {name: district, n: names.length})
        : state.all && names.length > 1 ? t("report.all_offices_n", {n: names.length})
          : names.length > 2 ? t("report.offices_n", {n: names.length}) : names.join(", ")) + " · " +
      (state.from === state.to ? showDay(state.from)
        : showDay(state.from) + " – " + showDay(state.to)) +
      (state.preset ? " (" + PRESETS[state.preset].toLowerCase() + ")" : "");
    state.targets = strictest(state.offices.map(function (code) {
      return (page.targets || {})[code];
    }).filter(Boolean));
    renderTiles(main.total, levels);
    renderNotes(main);
    renderTable(main, levels);
    renderCharts(answers, levels);
    renderPrint(main, levels);
    renderAppointments(main.appointments);
  }

  /** One line on appointments (booked, came, served, missed, punctuality), shown once
   *  there are any in the period. */
  function renderAppointments(answer) {
    const total = answer && answer.total;
    $("appointments").hidden = !total;
    if (!total) return;
    const late = total.lateness_minutes;
    $("appointments-line").textContent = t("report.appts.line", {
      booked: number.format(total.booked), arrived: number.format(total.arrived),
      served: number.format(total.served), missed: number.format(total.missed),
      cancelled: number.format(total.cancelled),
    }) + (total.punctuality === null ? ""
      : t("report.appts.on_time", {share: share(total.punctuality)})) +
      (late === null ? "" : t(late > 0 ? "report.appts.late" : "report.appts.early",
                              {n: number.format(Math.abs(late))})) + ".";
  }

  /** The targets a row is graded against: its own office's where it belongs to one, else
   *  the strictest of the chosen offices'. */
  function targetsFor(row) {
    return (row && row.office && (page.targets || {})[row.office]) || state.targets;
  }

  function gradeTile(id, measure, row, levels) {
    const node = $("grade-" + id);
    const which = grade(measure, row, levels, state.targets);
    node.closest(".mg-tile").dataset.grade = which || "";
    node.textContent = which ? GRADES[which].mark + " " + GRADES[which].short + " · " +
      t("report.target_is", {goal: goal(measure, state.targets)}) : "";
  }

  function renderPrint(main, levels) {
    const printed = printRows(main, function (row) { return othersLabel(row, main.group); });
    renderSummary($("summary-table"), {
      rows: printed.rows, labels: labelsFor(printed.rows, main.group), total: main.total,
      levels: levels, targetsFor: targetsFor, heading: GROUP_LABELS[main.group],
      format: {number: number.format, minutes: minutes, share: share},
    });
    $("summary-table-title").textContent = t("report.summary_of", {group: GROUP_TITLES[main.group] || ""});
    $("summary-note").textContent = printed.note;
    $("summary-printed").textContent = t("report.taken_at", {time: new Date().toLocaleString("vi-VN")});
  }

  function renderTiles(total, levels) {
    const sum = total || {issued: 0, served: 0, no_show: 0, cancelled: 0, wait: null,
                        service: null, rated: 0, ratings: {}};
    $("sum-issued").textContent = number.format(sum.issued);
    $("sum-issued-note").textContent = sum.cancelled ? t("report.tile.cancelled", {n: sum.cancelled})
      : t("report.tile.tickets");
    $("sum-served").textContent = number.format(sum.served);
    $("sum-served-note").textContent = t("report.tile.no_show", {n: sum.no_show}) +
      (sum.issued ? " · " + share(sum.no_show / sum.issued) : "");
    $("sum-wait").textContent = sum.wait ? t("report.minutes", {n: minutes(sum.wait.mean)}) : "—";
    $("sum-wait-note").textContent = sum.wait
      ? t("report.tile.median_p90", {median: point(sum.wait.median), p90: point(sum.wait.p90)})
      : t("report.tile.nobody_called");
    $("sum-service").textContent = sum.service ? t("report.minutes", {n: minutes(sum.service.mean)}) : "—";
    $("sum-service-note").textContent = sum.service
      ? t("report.tile.median_p90", {median: point(sum.service.median),
                                     p90: point(sum.service.p90)})
      : t("report.tile.nobody_served");
    const satisfied = satisfiedShare(sum, levels);
    $("sum-satisfied").textContent = share(satisfied);
    $("sum-satisfied-note").textContent = sum.rated ? t("report.tile.ratings_n", {n: sum.rated})
      : t("report.tile.no_ratings");
    $("sum-within").textContent = share(sum.within_target);
    $("sum-within-note").textContent = sum.within_target === null || sum.within_target === undefined
      ? t("report.tile.nobody_called") : t("report.tile.within_field_target");
    gradeTile("served", "no_show", total, levels);
    gradeTile("within", "wait", total, levels);
    gradeTile("satisfied", "satisfied", total, levels);
  }

  function renderNotes(main) {
    const goals = state.targets;
    const several = state.offices.length > 1 && state.offices.some(function (code) {
      return JSON.stringify((page.targets || {})[code]) !== JSON.stringify(goals);
    });
    $("targets-line").textContent = goals
      ? t("report.targets.line", {wait: goals.wait, satisfied: goals.satisfied,
                                   no_show: goals.no_show}) +
        (several ? t("report.targets.strictest") : "") + ". " +
        t("report.targets.marks", {good: GRADES.good.mark, near: GRADES.near.mark,
                                   poor: GRADES.poor.mark, margin: goals.margin})
      : "";
    const estimate = main.estimate || {};
    $("estimate-line").textContent = estimate.tickets
      ? t(estimate.mean_error >= 0 ? "report.estimate.longer" : "report.estimate.shorter", {
        error: number.format(estimate.mean_abs_error), share: share(estimate.within_5),
        tickets: estimate.tickets, bias: number.format(Math.abs(estimate.mean_error)),
      })
      : t("report.estimate.none");
    const busiest = (main.busiest_hours || []).filter(function (row) { return row.issued; });
    $("busiest-line").textContent = busiest.length
      ? t("report.busiest.line", {hours: busiest.map(function (row) {
        return t("report.busiest.hour", {from: row.key, to: row.key + 1, n: row.issued});
      }).join(", ")})
      : t("report.busiest.none");
  }

  function renderTable(main, levels) {
    const table = $("figures");
    const group = main.group;
    $("table-title").textContent = t("report.table.title", {group: GROUP_TITLES[group]});
    const head = table.tHead;
    head.replaceChildren(
      el("tr", {}, [
        el("th", {rowSpan: 2, text: GROUP_LABELS[group], class: "rp-first"}),
        el("th", {colSpan: 5, class: "rp-band", text: t("report.col.tickets")}),
        el("th", {colSpan: 4, class: "rp-band", text: t("report.col.wait")}),
        el("th", {colSpan: 4, class: "rp-band", text: t("report.col.service")}),
        el("th", {rowSpan: 2, class: "num", text: t("report.col.within")}),
        el("th", {colSpan: levels.length + 2, class: "rp-band", text: t("report.col.ratings")}),
      ]),
      el("tr", {}, [
        t("report.summary.issued"), t("report.summary.served"), t("report.summary.no_show"),
        t("report.col.cancelled"), t("report.col.transferred"),
        t("report.col.mean"), t("report.col.median"), "P90", t("report.col.longest"),
        t("report.col.mean"), t("report.col.median"), "P90", t("report.col.longest"),
        t("report.col.rated"), t("report.col.satisfied"),
      ].concat(levels.map(function (l) { return l.label; })).map(function (text) {
        return el("th", {class: "num", text: text});
      })),
    );
    const body = table.tBodies[0];
    body.replaceChildren();
    const labels = labelsFor(main.rows, group);
    main.rows.forEach(function (row, index) {
      body.append(tableRow(row, labels[index], levels, {"data-key": String(row.key)}));
    });
    if (!main.rows.length) {
      body.append(el("tr", {}, [el("td", {
        colSpan: 17 + levels.length, class: "muted",
        text: t("report.table.empty"),
      })]));
    }
    table.tFoot.replaceChildren();
    if (main.total && group !== "total") {
      table.tFoot.append(tableRow(main.total, t("report.table.total"), levels, {}));
    }
  }

  function tableRow(row, label, levels, attrs) {
    const wait = row.wait || {};
    const service = row.service || {};
    const full = row.label === null || row.label === undefined ? label : String(row.label);
    const cells = [el("th", {scope: "row", class: "rp-first", text: label,
                             title: full !== label ? full : ""})];
    const targets = targetsFor(row);
    const graded = function (measure, cell) {
      return markCell(cell, measure, grade(measure, row, levels, targets), targets);
    };
    [row.issued, row.served, row.no_show, row.cancelled, row.transferred].forEach(function (v, i) {
      const cell = el("td", {class: "num", text: number.format(v)});
      cells.push(i === 2 ? graded("no_show", cell) : cell);
    });
    const shown = function (k, value) {
      return k === "median" || k === "p90" ? point(value) : minutes(value);
    };
    ["mean", "median", "p90", "max"].forEach(function (k) {
      cells.push(el("td", {class: "num" + (k === "mean" ? " rp-sep" : ""),
                           text: shown(k, wait[k])}));
    });
    ["mean", "median", "p90", "max"].forEach(function (k) {
      cells.push(el("td", {class: "num" + (k === "mean" ? " rp-sep" : ""),
                           text: shown(k, service[k])}));
    });
    cells.push(graded("wait", el("td", {class: "num rp-sep", text: share(row.within_target)})));
    cells.push(el("td", {class: "num rp-sep", text: number.format(row.rated)}));
    cells.push(graded("satisfied", el("td", {class: "num",
                                             text: share(satisfiedShare(row, levels))})));
    levels.forEach(function (level) {
      const count = row.ratings[level.key] || 0;
      const cell = el("td", {class: "num"}, [number.format(count)]);
      if (row.rated) {
        cell.append(el("span", {class: "rp-share",
                                text: " " + share(row.rating_shares[level.key] || 0)}));
      }
      cells.push(cell);
    });
    return el("tr", attrs, cells);
  }

  // ------------------------------------------------------------------ charts

  function setupCharts() {
    if (!window.Chart) return false;
    const Chart = window.Chart;
    Chart.defaults.font.family = '"Be Vietnam Pro", system-ui, sans-serif';
    Chart.defaults.font.size = 12;
    Chart.defaults.color = "#34475e";
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.plugins.legend.position = "bottom";
    Chart.defaults.plugins.legend.labels.boxWidth = 12;
    return true;
  }

  /** `height` (px) for a chart of bars lying down, one per row: every label shows. */
  function draw(name, config, hasData, height) {
    const canvas = $("chart-" + name);
    const card = canvas.closest(".rp-chart");
    if (state.charts[name]) {
      state.charts[name].destroy();
      delete state.charts[name];
    }
    card.querySelector(".rp-nodata").hidden = hasData;
    card.querySelector(".rp-canvas").hidden = !hasData;
    card.dataset.empty = String(!hasData);
    card.querySelector(".rp-canvas").style.height = height ? height + "px" : "";
    if (!hasData || !window.Chart) return;
    state.charts[name] = new window.Chart(canvas, config);
  }

  function minutesOf(rows, part, key) {
    return rows.map(function (row) {
      return row[part] ? Math.round(row[part][key] / 6) / 10 : null;
    });
  }

  const minuteAxis = {
    beginAtZero: true,
    title: {display: true, text: t("report.chart.minutes")},
  };

  function tooltipMinutes(context) {
    return context.dataset.label + ": " + t("report.minutes", {n: number.format(context.parsed.y)});
  }

  function renderCharts(answers, levels) {
    // Tickets per hour of the day, with empty hours between the first and last filled in.
    const hours = answers.hour.rows.filter(function (row) { return row.key !== null; });
    const byHour = {};
    hours.forEach(function (row) { byHour[row.key] = row; });
    const span = [];
    if (hours.length) {
      for (let h = hours[0].key; h <= hours[hours.length - 1].key; h += 1) span.push(h);
    }
    draw("hours", {
      type: "bar",
      data: {
        labels: span.map(function (h) { return h + "h"; }),
        datasets: [
          {label: t("report.chart.issued"), backgroundColor: COLORS.blue,
           data: span.map(function (h) { return byHour[h] ? byHour[h].issued : 0; })},
          {label: t("report.chart.served"), backgroundColor: COLORS.green,
           data: span.map(function (h) { return byHour[h] ? byHour[h].served : 0; })},
        ],
      },
      options: {scales: {y: {beginAtZero: true, ticks: {precision: 0},
                             title: {display: true, text: t("report.chart.tickets")}}}},
    }, span.length > 0);

    // Waiting time per group of the chosen grouping: median, 90th percentile, mean.
    const main = answers[state.group];
    const charted = chartRows(main, "waits");
    const mainLabels = labelsFor(charted, state.group);
    const waitLabels = mainLabels.filter(function (_, index) { return charted[index].wait; });
    const waitRows = charted.filter(function (row) { return row.wait; });
    $("chart-waits-title").textContent = t("report.chart.waits_title",
                                                   {group: GROUP_TITLES[state.group] || ""});
    draw("waits", {
      type: "bar",
      data: {
        labels: waitLabels.map(function (label) {
          return state.group === "day" ? label.slice(label.indexOf(" ") + 1, -5) : label;
        }),
        datasets: [
          {label: t("report.col.median"), backgroundColor: COLORS.sky,
           data: minutesOf(waitRows, "wait", "median")},
          {label: t("report.chart.p90"), backgroundColor: COLORS.blue,
           data: minutesOf(waitRows, "wait", "p90")},
          {label: t("report.chart.mean"), type: "line", borderColor: COLORS.amber,
           backgroundColor: COLORS.amber, showLine: false, pointRadius: 5, pointStyle: "rectRot",
           data: minutesOf(waitRows, "wait", "mean")},
        ],
      },
      options: {scales: {y: minuteAxis}, plugins: {tooltip: {callbacks: {label: tooltipMinutes}}}},
    }, waitRows.length > 0);

    serviceChart("counters", answers.counter, "counter");
    serviceChart("officers", answers.officer, "officer");
    ratingsChart(answers.day, levels);
  }

  /** The rows a chart draws: the busiest few and the rest as one bar where the server cut
   *  them (`top_rows`), said under the chart's title. */
  function chartRows(answer, name) {
    const note = document.querySelector("[data-chart=" + name + "] .rp-chart-note");
    const others = (answer.top_rows || []).find(function (row) { return row.key === "others"; });
    note.hidden = !others;
    note.textContent = others
      ? t("report.chart.top", {n: page.chart_top, groups: OTHERS[answer.group],
                                others: othersLabel(others, answer.group)})
      : "";
    return answer.top_rows || answer.rows;
  }

  function serviceChart(name, answer, group) {
    const rows = chartRows(answer, name).filter(function (row) {
      return row.key !== null && row.service;
    });
    draw(name, {
      type: "bar",
      data: {
        labels: labelsFor(rows, group),
        datasets: [
          {label: t("report.chart.mean"), backgroundColor: COLORS.green,
           data: minutesOf(rows, "service", "mean")},
          {label: t("report.col.median"), backgroundColor: "#7cc29a",
           data: minutesOf(rows, "service", "median")},
          {label: "P90", backgroundColor: COLORS.grey, data: minutesOf(rows, "service", "p90")},
        ],
      },
      options: {
        indexAxis: rows.length > 8 ? "y" : "x",
        scales: rows.length > 8 ? {x: minuteAxis} : {y: minuteAxis},
        plugins: {tooltip: {callbacks: {label: function (context) {
          const value = rows.length > 8 ? context.parsed.x : context.parsed.y;
          return context.dataset.label + ": " + t("report.minutes", {n: number.format(value)});
        }}}},
      },
    }, rows.length > 0, rows.length > 8 ? rows.length * 30 + 90 : null);
  }

  function levelColors(count) {
    if (count === 3) return [COLORS.green, COLORS.sky, COLORS.red];
    const ramp = ["#0b7a3b", "#5fa83a", "#d9b604", "#e07b13", "#c8102e"];
    return Array.from({length: count}, function (_, i) {
      return ramp[Math.round(i * (ramp.length - 1) / Math.max(1, count - 1))];
    });
  }

  function ratingsChart(answer, levels) {
    // Satisfaction over time: one stacked bar per day (per month for long periods).
    let buckets = answer.rows.filter(function (row) { return row.key !== null; }).map(
      function (row) { return {label: shortDay(String(row.key)), ratings: row.ratings}; });
    const monthly = daysBetween(state.from, state.to) > MAX_DAY_BARS;
    if (monthly) {
      const months = {};
      answer.rows.forEach(function (row) {
        const key = String(row.key).slice(0, 7);
        const bucket = months[key] = months[key] ||
          {label: t("report.chart.month", {m: Number(key.slice(5, 7)), y: key.slice(0, 4)}),
           ratings: {}};
        Object.keys(row.ratings).forEach(function (level) {
          bucket.ratings[level] = (bucket.ratings[level] || 0) + row.ratings[level];
        });
      });
      buckets = Object.keys(months).sort().map(function (key) { return months[key]; });
    }
    $("chart-ratings-title").textContent =
      t(monthly ? "report.chart.ratings_by_month" : "report.chart.ratings_by_day");
    const rated = buckets.some(function (b) { return Object.keys(b.ratings).length; });
    const colors = levelColors(levels.length);
    draw("ratings", {
      type: "bar",
      data: {
        labels: buckets.map(function (b) { return b.label; }),
        datasets: levels.map(function (level, index) {
          return {label: level.label, backgroundColor: colors[index], maxBarThickness: 48,
                  data: buckets.map(function (b) { return b.ratings[level.key] || 0; })};
        }),
      },
      options: {
        scales: {x: {stacked: true},
                 y: {stacked: true, beginAtZero: true, ticks: {precision: 0},
                     title: {display: true, text: t("report.chart.ratings")}}},
        plugins: {tooltip: {callbacks: {label: function (context) {
          const bucket = buckets[context.dataIndex];
          const all = Object.values(bucket.ratings).reduce(function (a, b) { return a + b; }, 0);
          return context.dataset.label + ": " + context.parsed.y +
            (all ? " (" + share(context.parsed.y / all) + ")" : "");
        }}}},
      },
    }, rated);
  }

  // ------------------------------------------------------------------ start

  setupCharts();
  readInitial();
  restoreCsvStyle();
  bind();
  changed();
})();
