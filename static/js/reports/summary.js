/*
 * summary.js — the report's one-page printable summary (the print-summary button, or the
 * browser's own print): the screen's tiles and notes stay, the filters, charts and the
 * wide table give way to a short table of the chosen grouping with every figure graded
 * against the targets. A grouping too long for a page keeps its busiest rows and says so.
 */
import {el} from "../lib/dom.js";
import {t} from "../lib/i18n.js";
import {grade, markCell, satisfiedShare} from "./grades.js";

export const PRINT_ROWS = 16;

/** The rows a page holds: the chart's busiest groups and the rest as one where the
 *  server cut them, else the busiest days or hours, kept in their order. */
export function printRows(answer, othersLabel) {
  const rows = answer.top_rows || answer.rows;
  if (answer.top_rows) {
    const others = rows.find(function (row) { return row.key === "others"; });
    return {rows: rows, note: others ? t("report.summary.folded", {others: othersLabel(others)}) : ""};
  }
  if (rows.length <= PRINT_ROWS) return {rows: rows, note: ""};
  const busiest = rows.map(function (row, index) { return [row, index]; })
    .sort(function (a, b) { return b[0].issued - a[0].issued || a[1] - b[1]; })
    .slice(0, PRINT_ROWS)
    .sort(function (a, b) { return a[1] - b[1]; })
    .map(function (pair) { return pair[0]; });
  return {rows: busiest, note: t("report.summary.busiest", {n: PRINT_ROWS, total: rows.length})};
}

/** Fills the summary table: one row per group and the total, graded cells marked. */
export function renderSummary(table, parts) {
  const {rows, labels, total, levels, targetsFor, format, heading} = parts;
  table.tHead.replaceChildren(el("tr", {}, [
    heading, ...["issued", "served", "no_show", "wait_mean", "wait_p90", "within_target",
      "service_mean", "satisfied"].map(function (key) { return t("report.summary." + key); }),
  ].map(function (text, index) {
    return el("th", {class: index ? "num" : "rp-first", text: text});
  })));
  const line = function (row, label) {
    const targets = targetsFor(row);
    const graded = function (measure, text) {
      return markCell(el("td", {class: "num", text: text}), measure,
                      grade(measure, row, levels, targets), targets);
    };
    return el("tr", {}, [
      el("th", {scope: "row", class: "rp-first", text: label}),
      el("td", {class: "num", text: format.number(row.issued)}),
      el("td", {class: "num", text: format.number(row.served)}),
      graded("no_show", format.number(row.no_show) +
        (row.issued ? " (" + format.share(row.no_show / row.issued) + ")" : "")),
      el("td", {class: "num", text: format.minutes((row.wait || {}).mean)}),
      el("td", {class: "num", text: format.minutes((row.wait || {}).p90)}),
      graded("wait", format.share(row.within_target)),
      el("td", {class: "num", text: format.minutes((row.service || {}).mean)}),
      graded("satisfied", format.share(satisfiedShare(row, levels))),
    ]);
  };
  table.tBodies[0].replaceChildren.apply(table.tBodies[0], rows.map(function (row, index) {
    return line(row, labels[index]);
  }));
  table.tFoot.replaceChildren();
  if (total) table.tFoot.append(line(total, t("group.grand_total")));
}
