/* /admin/audit: the office's latest configuration changes: when (office time), who, what,
 * and each changed value as before → after. */
import * as A from "./lib/admin_kit.js";
import {h, t} from "./lib/admin_kit.js";

// What was done and the names of what changed: "admin.audit_action.<action>" and
// "admin.audit_key.<key>" in the catalogue (server/i18n/admin_words.py); an unknown one
// shows as itself.
const DAYS = new Set(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
const VALUES = {preset: {three: "admin.cfg.three_levels", five: "admin.cfg.five_stars"}};

// Words the vocabulary holds (server/i18n/catalogue.py): the same on every page.
const VOCABULARY_VALUES = {role: "role", kind: "device", state: "counter_state"};
const HIDDEN = new Set(["id", "office", "counter_id", "printer_status", "printer_error",
  "printer_checked_at"]);
const MAX_LINES = 12;
const table = document.querySelector("#audit-table tbody");
const filter = document.getElementById("audit-filter");
let entries = [];

function label(path) {
  // "settings" only groups the office's presentation options: leave it out.
  const shown = path.length > 1 && path[0] === "settings" ? path.slice(1) : path;
  return shown.map((key) => A.label(DAYS.has(key) ? "admin.day" : "admin.audit_key", key))
    .join(" › ");
}

function isPlain(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function text(value) {
  if (value === null || value === undefined || value === "") return t("admin.audit.empty");
  if (value === true) return t("admin.audit.yes");
  if (value === false) return t("admin.audit.no");
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((item) => !isPlain(item) && !Array.isArray(item))) {
    return value.length ? value.join(", ") : t("admin.audit.empty");
  }
  if (Array.isArray(value) && value.every((item) => Array.isArray(item))) {
    return value.length ? value.map((item) => item.join("–")).join(", ") : t("admin.audit.empty");
  }
  return JSON.stringify(value);
}

function short(value, key) {
  const group = VOCABULARY_VALUES[key];
  const named = (VALUES[key] && VALUES[key][value] && t(VALUES[key][value])) ||
    (group && typeof value === "string" ? A.label(group, value) : null);
  const out = named || text(value);
  return out.length > 120 ? out.slice(0, 117) + "…" : out;
}

/* Lists of fields, counters or classes: which were added, removed or changed. */
function listChanges(path, before, after, lines) {
  const keyOf = (item) => item.code !== undefined ? item.code : item.number;
  const old = new Map(before.map((item) => [keyOf(item), item]));
  const now = new Map(after.map((item) => [keyOf(item), item]));
  const added = [...now.keys()].filter((key) => !old.has(key));
  const removed = [...old.keys()].filter((key) => !now.has(key));
  const changed = [...now.keys()].filter((key) => old.has(key) &&
    !A.same(old.get(key), now.get(key)));
  if (added.length) lines.push({key: t("admin.audit.added", {what: label(path)}), after: added.join(", ")});
  if (removed.length) lines.push({key: t("admin.audit.removed", {what: label(path)}), before: removed.join(", ")});
  for (const key of changed) diff([...path, String(key)], old.get(key), now.get(key), lines);
}

function diff(path, before, after, lines) {
  if (A.same(before, after)) return;
  const keyed = (list) => Array.isArray(list) && list.length && list.every((item) =>
    isPlain(item) && (item.code !== undefined || item.number !== undefined));
  if ((keyed(before) || keyed(after)) && Array.isArray(before) && Array.isArray(after)) {
    listChanges(path, before, after, lines);
    return;
  }
  const empty = (value) => value === null || value === undefined;
  if ((isPlain(before) || empty(before)) && (isPlain(after) || empty(after)) &&
      path.length < 3) {
    before = before || {};
    after = after || {};
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const key of keys) {
      if (!HIDDEN.has(key)) diff([...path, key], before[key], after[key], lines);
    }
    return;
  }
  if (text(before) === text(after)) return; // e.g. nothing → an empty list
  lines.push({key: label(path), name: path[path.length - 1], before: before, after: after,
              change: true});
}

function changeList(entry) {
  const lines = [];
  if (entry.after && (!entry.before || entry.action.endsWith(".create"))) {
    // Something new: what it was created with.
    for (const [key, value] of Object.entries(entry.after)) {
      if (!HIDDEN.has(key) && value !== null && value !== "") {
        lines.push({key: label([key]), name: key, after: value});
      }
    }
  } else if (entry.before && entry.after) {
    diff([], entry.before, entry.after, lines);
  }
  if (!lines.length) {
    return h("span", {class: "muted", text: entry.action === "device.token"
      ? t("admin.audit.old_key_void") : "—"});
  }
  const list = h("ul", {class: "diff"});
  for (const line of lines.slice(0, MAX_LINES)) {
    list.append(h("li", {},
      h("span", {class: "key", text: line.key + ": "}),
      line.change || line.before !== undefined
        ? h("span", {class: "old", text: short(line.before, line.name)}) : null,
      line.change ? h("span", {class: "arrow", text: "→"}) : null,
      line.after !== undefined || line.change
        ? h("span", {class: "new", text: short(line.after, line.name)}) : null));
  }
  if (lines.length > MAX_LINES) {
    list.append(h("li", {class: "muted", text: t("admin.audit.more", {n: lines.length - MAX_LINES})}));
  }
  return list;
}

function render() {
  A.clear(table);
  const kind = filter.value;
  const list = entries.filter((entry) => !kind || entry.action.split(".")[0] === kind);
  document.getElementById("audit-count").textContent = t("admin.audit.count", {n: list.length});
  if (!list.length) {
    table.append(h("tr", {class: "empty-row"},
      h("td", {colspan: 5, text: t("admin.audit.none")})));
  }
  const zone = A.page.office.timezone;
  for (const entry of list) {
    table.append(h("tr", {"data-action": entry.action},
      h("td", {class: "when", text: A.formatTime(entry.at, zone, true)}),
      h("td", {text: entry.user || t("admin.audit.system")}),
      h("td", {text: A.label("admin.audit_action", entry.action)}),
      h("td", {class: "wrap", text: entry.target}),
      h("td", {}, changeList(entry))));
  }
}

async function load() {
  try {
    entries = await A.api("GET", A.officePath("/audit"));
    render();
  } catch (error) {
    A.fail(document.getElementById("audit-error"), error);
  }
}

filter.addEventListener("change", render);
document.getElementById("audit-refresh").addEventListener("click", load);
load();
