/*
 * kiosk/priority.js — the optional priority question: the office's classes, the one a
 * scanned ID card suggests first, never scrolling.
 */

import {el} from "../lib/dom.js";
import {$, OPTS, button, named, state, t} from "./context.js";
import {issue} from "./issue.js";

// The office's own classes get the generic pictogram; the usual ones their own.
const PICTOGRAMS = ["elderly", "disability", "pregnant", "child", "merit"];

function pictogram(code) {
  const name = PICTOGRAMS.indexOf(code) >= 0 ? code : "other";
  return "/static/img/priority/" + name + ".svg";
}

export function renderPriority() {
  if (!state.service) return;
  $("k-chosen-service").textContent = named(state.service);
  const box = $("k-classes");
  const suggested = state.citizen && state.citizen.elderly ? OPTS.elderly_class : null;
  const classes = state.classes.slice();
  classes.sort(function (a, b) {
    return (b.code === suggested) - (a.code === suggested);
  });
  box.classList.toggle("k-classes-many", classes.length > 7);
  box.replaceChildren(...classes.map(function (c) {
    const isSuggested = c.code === suggested;
    return button("k-class" + (isSuggested ? " k-suggested" : ""), function () {
      issue(c.code);
    }, {"data-code": c.code, "aria-pressed": isSuggested ? "true" : null}, [
      el("img", {class: "k-class-icon", src: pictogram(c.code), alt: "", "aria-hidden": "true"}),
      el("span", {class: "k-class-text"}, [
        isSuggested ? el("span", {class: "k-badge", text: t("suggested")}) : null,
        el("span", {class: "k-class-name", text: named(c)}),
      ]),
    ]);
  }));
  $("k-no-priority").classList.toggle("k-primary", !suggested);
  $("k-no-priority").classList.toggle("k-secondary", !!suggested);
  fitClasses();
}

/** Never scroll: tighter buttons, then a third column, until every class shows. */
export function fitClasses() {
  const section = $("screen-priority");
  const box = $("k-classes");
  const steps = ["k-compact", "k-classes-3"];
  steps.forEach(function (name) { section.classList.remove(name); });
  for (let i = 0; i < steps.length; i++) {
    if (box.scrollHeight <= box.clientHeight + 1) return;
    section.classList.add(steps[i]);
  }
}
