/*
 * rating.js — the satisfaction rating widget: the office's question, large choices and,
 * for a low answer, the reasons; posts one rating for one finished ticket.
 *
 * Used by the counter's rating tablet (/rate/<counter>, rate_tablet.js) and meant for the
 * phone ticket page (/t/<token>), an ES module; its words are the vocabulary's `rating.*`.
 *
 * Mounting it on the phone page, once the ticket is "done":
 *
 *   <link rel="stylesheet" href="/static/css/rating.css">
 *   import {mount} from "./rating.js";
 *
 *   const widget = mount(document.getElementById("rating"), {
 *     ticket: page.token,              // required: the ticket's public token
 *     office: page.ticket.office.code, // the scale is fetched from
 *                                      //   GET /api/v1/offices/<office>/rating-scale,
 *     scale: null,                     // unless given here ({question, levels, ...})
 *     lang: page.lang,                 // "vi" (default) or "en"
 *     size: "normal",                  // "large" on the tablet
 *     bilingual: false,                // also show the English words under the Vietnamese
 *     authToken: null,                 // a rating device's bearer token; phones send none
 *     onStage(stage, detail) {},       // "loading" | "choose" | "reasons" | "sending" |
 *                                      // "done" | "error"
 *     onDone(result) {},               // {status: 201 | 409, level, reasons, data}
 *   });
 *   widget.stage;        // the current stage (also on the element: data-stage)
 *   widget.destroy();    // empties the element
 *
 * One rating per ticket: the widget sends at most one successful POST
 * (`/api/v1/tickets/<token>/rating`), ignores taps while it is sending, and treats
 * "already rated" (409 conflict, e.g. rated on the tablet and then on the phone) as done.
 * Calling mount() again on the same element replaces the previous widget.
 */

import {createApi} from "./lib/api.js";
import {el, svg} from "./lib/dom.js";
import {section} from "./lib/i18n.js";

// Mouth paths for a 64×64 face, from the best tone to the worst.
const MOUTHS = {
  best: "M18 38 Q32 54 46 38",
  good: "M20 40 Q32 49 44 40",
  fair: "M21 43 L43 43",
  poor: "M20 46 Q32 39 44 46",
  worst: "M18 48 Q32 34 46 48",
};
const STARS = /^\s*★+\s*$/;

function tone(index, count) {
  if (count < 2) return "best";
  const t = index / (count - 1);
  if (t <= 0.001) return "best";
  if (t >= 0.999) return "worst";
  if (t < 0.4) return "good";
  if (t <= 0.6) return "fair";
  return "poor";
}

function face(toneName) {
  return svg("svg", {viewBox: "0 0 64 64", "aria-hidden": "true", class: "lr-face"}, [
    svg("circle", {cx: 32, cy: 32, r: 29, class: "lr-face-bg"}),
    svg("circle", {cx: 22, cy: 25, r: 4, class: "lr-face-eye"}),
    svg("circle", {cx: 42, cy: 25, r: 4, class: "lr-face-eye"}),
    svg("path", {d: MOUTHS[toneName], class: "lr-face-mouth"}),
  ]);
}

/** Mount the widget on `element` (see the top of this file); returns its handle. */
export function mount(element, options) {
  if (!element) throw new Error("rating.mount: no element");
  if (element._luotRating) element._luotRating.destroy();
  const opts = Object.assign({lang: "vi", size: "normal", bilingual: false}, options || {});
  if (!opts.ticket) throw new Error("rating.mount: options.ticket (token) is required");
  const lang = opts.lang === "en" ? "en" : "vi";
  const t = section("rating", lang);
  // The tablet sends its device token; a signed-in officer's browser the page's CSRF token.
  const api = createApi({token: function () { return opts.authToken || null; },
                         csrf: opts.authToken ? "" : null});

  const root = el("div", {class: "lr"});
  root.dataset.size = opts.size === "large" ? "large" : "normal";
  root.setAttribute("lang", lang);
  element.replaceChildren(root);

  const handle = {stage: "", destroy: destroy, element: root};
  let scale = null;
  let sending = false;
  let finished = false;
  let destroyed = false;

  function word(item) {
    return lang === "en" && item.label_en ? item.label_en : item.label;
  }

  function setStage(stage, detail) {
    handle.stage = stage;
    root.dataset.stage = stage;
    if (opts.onStage) opts.onStage(stage, detail);
  }

  function status(text, kind) {
    let node = root.querySelector(".lr-status");
    if (!node) {
      node = el("p", {class: "lr-status"});
      node.setAttribute("role", "status");
      node.setAttribute("aria-live", "polite");
      root.appendChild(node);
    }
    node.textContent = text || "";
    node.dataset.kind = kind || "";
    node.hidden = !text;
  }

  function question() {
    const box = el("div", {class: "lr-question-box"});
    const main = lang === "en" && scale.question_en ? scale.question_en : scale.question;
    box.appendChild(el("p", {class: "lr-question"}, main));
    if (opts.bilingual && lang === "vi" && scale.question_en) {
      box.appendChild(el("p", {class: "lr-question-en"}, scale.question_en));
    }
    return box;
  }

  function renderChoose() {
    root.replaceChildren(question());
    const levels = scale.levels || [];
    const group = el("div", {class: "lr-levels"});
    group.setAttribute("role", "group");
    group.dataset.count = String(levels.length);
    group.dataset.layout = levels.length <= 3 ? "columns" : "rows";
    levels.forEach(function (level, index) {
      const toneName = tone(index, levels.length);
      const button = el("button", {class: "lr-level"});
      button.type = "button";
      button.dataset.level = level.key;
      button.dataset.tone = toneName;
      const label = word(level);
      if (STARS.test(label)) {
        button.classList.add("lr-stars");
        const stars = el("span", {class: "lr-star-row"});
        stars.setAttribute("aria-hidden", "true");
        const count = label.trim().length;
        for (let i = 0; i < count; i += 1) stars.appendChild(el("span", {class: "lr-star"}, "★"));
        button.appendChild(stars);
        const words = lang === "en" ? level.label_en || count + " stars" : count + " sao";
        button.appendChild(el("span", {class: "lr-label"}, words));
        button.setAttribute("aria-label", words);
        if (opts.bilingual && lang === "vi" && level.label_en) {
          button.appendChild(el("span", {class: "lr-label-en"}, level.label_en));
        }
      } else {
        button.appendChild(face(toneName));
        button.appendChild(el("span", {class: "lr-label"}, label));
        if (opts.bilingual && lang === "vi" && level.label_en) {
          button.appendChild(el("span", {class: "lr-label-en"}, level.label_en));
        }
      }
      button.addEventListener("click", function () { pick(level); });
      group.appendChild(button);
    });
    root.appendChild(group);
    status("");
    setStage("choose");
  }

  function renderReasons(level) {
    root.replaceChildren();
    const head = el("div", {class: "lr-reasons-head"});
    const picked = el("p", {class: "lr-picked"});
    picked.dataset.tone = tone((scale.levels || []).indexOf(level), scale.levels.length);
    picked.appendChild(el("span", {class: "lr-picked-label"}, word(level)));
    head.appendChild(picked);
    head.appendChild(el("p", {class: "lr-reasons-title"}, t.reasons_title));
    head.appendChild(el("p", {class: "lr-reasons-hint"}, t.reasons_hint));
    root.appendChild(head);
    const list = el("div", {class: "lr-reason-list"});
    list.setAttribute("role", "group");
    (scale.reasons || []).forEach(function (reason) {
      const button = el("button", {class: "lr-reason"});
      button.type = "button";
      button.dataset.reason = reason.key;
      button.setAttribute("aria-pressed", "false");
      button.appendChild(el("span", {class: "lr-check"}));
      button.appendChild(el("span", {class: "lr-reason-label"}, word(reason)));
      if (opts.bilingual && lang === "vi" && reason.label_en) {
        button.appendChild(el("span", {class: "lr-label-en"}, reason.label_en));
      }
      button.addEventListener("click", function () {
        if (sending || finished) return;
        const on = button.getAttribute("aria-pressed") !== "true";
        button.setAttribute("aria-pressed", on ? "true" : "false");
      });
      list.appendChild(button);
    });
    root.appendChild(list);
    const actions = el("div", {class: "lr-actions"});
    const back = el("button", {class: "lr-back"}, t.back);
    back.type = "button";
    back.addEventListener("click", function () {
      if (!sending && !finished) renderChoose();
    });
    const send = el("button", {class: "lr-send"}, t.send);
    send.type = "button";
    send.addEventListener("click", function () {
      const reasons = Array.prototype.map.call(
        list.querySelectorAll('.lr-reason[aria-pressed="true"]'),
        function (b) { return b.dataset.reason; });
      post(level, reasons);
    });
    actions.appendChild(back);
    actions.appendChild(send);
    root.appendChild(actions);
    status("");
    setStage("reasons", {level: level.key});
  }

  function pick(level) {
    if (sending || finished) return;
    if ((scale.ask_reasons || []).indexOf(level.key) >= 0 && (scale.reasons || []).length) {
      renderReasons(level);
    } else {
      post(level, []);
    }
  }

  function lock(locked) {
    root.querySelectorAll("button").forEach(function (b) { b.disabled = locked; });
    root.classList.toggle("lr-busy", locked);
  }

  function post(level, reasons) {
    if (sending || finished) return;
    sending = true;
    lock(true);
    root.querySelectorAll(".lr-level").forEach(function (b) {
      b.classList.toggle("lr-chosen", b.dataset.level === level.key);
    });
    status(t.sending, "info");
    setStage("sending", {level: level.key});
    const body = {level: level.key, reasons: reasons, comment: null};
    api.request("POST", "/tickets/" + encodeURIComponent(opts.ticket) + "/rating", body)
      .then(function (r) {
        if (destroyed) return;
        sending = false;
        if (r.status === 201 || (r.status === 409 && r.data && r.data.error === "conflict")) {
          finished = true;
          done(r, level, reasons);
        } else if (r.status === 409) {
          finished = true;
          root.replaceChildren();
          status(t.not_finished, "error");
          setStage("error", {status: r.status, data: r.data});
        } else {
          lock(false);
          status(t.failed, "error");
          setStage("error", {status: r.status, data: r.data, retry: true});
        }
      }, function (error) {
        if (destroyed) return;
        sending = false;
        lock(false);
        status(t.failed, "error");
        setStage("error", {error: String(error), retry: true});
      });
  }

  function done(r, level, reasons) {
    root.replaceChildren();
    const box = el("div", {class: "lr-done"});
    box.appendChild(el("p", {class: "lr-thanks"}, r.status === 201 ? t.thanks : t.already));
    root.appendChild(box);
    setStage("done", {status: r.status});
    if (opts.onDone) {
      opts.onDone({status: r.status, level: level.key, reasons: reasons, data: r.data});
    }
  }

  function loadScale() {
    if (opts.scale) {
      scale = opts.scale;
      renderChoose();
      return;
    }
    setStage("loading");
    status(t.loading, "info");
    api.request("GET", "/offices/" + encodeURIComponent(opts.office) + "/rating-scale")
      .then(function (r) {
        if (!r.ok || !r.data) throw new Error("HTTP " + r.status);
        return r.data;
      })
      .then(function (json) {
        if (destroyed) return;
        scale = json;
        renderChoose();
      }, function (error) {
        if (destroyed) return;
        root.replaceChildren();
        const retry = el("button", {class: "lr-back"}, t.retry);
        retry.type = "button";
        retry.addEventListener("click", loadScale);
        root.appendChild(retry);
        status(t.scale_failed, "error");
        setStage("error", {error: String(error), retry: true});
      });
  }

  function destroy() {
    destroyed = true;
    if (element._luotRating === handle) element._luotRating = null;
    root.remove();
  }

  element._luotRating = handle;
  loadScale();
  return handle;
}

// For pages (and tests) that are not modules themselves: window.Luot.rating.mount(...).
window.Luot = Object.assign(window.Luot || {}, {rating: {mount: mount}});
