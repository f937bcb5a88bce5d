/*
 * grades.js — a report's figures against the office's targets (office settings `targets`):
 * green when a target is met, amber within its margin, red beyond. Colour never says it
 * alone: each grade has a shape and words, for the colour-blind and for a grey printer.
 */
import {el} from "../lib/dom.js";
import {t} from "../lib/i18n.js";

export const GRADES = {
  good: {mark: "●", short: t("report.grade.good"), words: t("report.grade.good_words")},
  near: {mark: "▲", short: t("report.grade.near"), words: t("report.grade.near_words")},
  poor: {mark: "■", short: t("report.grade.poor"), words: t("report.grade.poor_words")},
};

/** Share of ratings in the upper half of the scale (e.g. very satisfied + satisfied). */
export function satisfiedShare(row, levels) {
  if (!row || !row.rated) return null;
  const n = levels.length;
  let good = 0;
  levels.forEach(function (level, index) {
    if (n > 1 && (n - 1 - index) / (n - 1) >= 0.5) good += row.ratings[level.key] || 0;
  });
  return good / row.rated;
}

/** What is graded: a share (0–1) of a row, and whether the target is a floor or a ceiling. */
export const MEASURES = {
  wait: {label: t("report.measure.wait"), atMost: false,
         of: function (row) { return row.within_target; }},
  satisfied: {label: t("report.measure.satisfied"), atMost: false, of: satisfiedShare},
  no_show: {label: t("report.measure.no_show"), atMost: true,
            of: function (row) { return row.issued ? row.no_show / row.issued : null; }},
};

/** Several offices' targets as one, the strictest of each (a district's report). */
export function strictest(list) {
  if (!list.length) return null;
  const pick = function (key, how) {
    return how.apply(null, list.map(function (targets) { return targets[key]; }));
  };
  return {wait: pick("wait", Math.max), satisfied: pick("satisfied", Math.max),
          no_show: pick("no_show", Math.min), margin: pick("margin", Math.min)};
}

/** "good", "near", "poor", or null where the row has no such figure. */
export function grade(measure, row, levels, targets) {
  const value = row && targets ? MEASURES[measure].of(row, levels) : null;
  if (value === null || value === undefined) return null;
  const percent = Math.round(value * 1000) / 10;
  const target = targets[measure];
  const short = MEASURES[measure].atMost ? percent - target : target - percent;
  if (short <= 0) return "good";
  return short <= targets.margin ? "near" : "poor";
}

/** "waited within the target ≥ 80%". */
export function goal(measure, targets) {
  return MEASURES[measure].label + " " + (MEASURES[measure].atMost ? "≤ " : "≥ ") +
    targets[measure] + "%";
}

/** A grade's words with its target: "Near the target (satisfied ≥ 85%)". */
export function gradeWords(measure, which, targets) {
  return GRADES[which].words + " (" + goal(measure, targets) + ")";
}

/** Marks a table cell: data-grade for its colour, the shape before the figure, the words
 *  as its title and for screen readers. */
export function markCell(cell, measure, which, targets) {
  if (!which) return cell;
  const words = gradeWords(measure, which, targets);
  cell.dataset.grade = which;
  cell.title = words;
  cell.prepend(el("span", {class: "rp-mark", "aria-hidden": "true", text: GRADES[which].mark}));
  cell.append(el("span", {class: "rp-sr", text: " — " + words}));
  return cell;
}
