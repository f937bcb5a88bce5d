/*
 * dom.js — the one element builder, and the few DOM helpers every page wants.
 *
 *   el("button", {type: "button", class: "k-btn", text: "Try again", "data-id": 3,
 *                 on: {click: retry}}, [child, "text", null])
 *
 * `attrs`: `text` (textContent), `class`, `data-*` and `aria-*` (attributes), `style` (an
 * object, applied through CSSOM so CSP allows it), `on` (event listeners); anything else is
 * set as a property (`hidden`, `disabled`, `type`, `onclick`, ...). Children may be nodes,
 * values (shown as text) or null/undefined/false (skipped); one child needs no array.
 */

function append(node, children) {
  if (children == null || children === false) return;
  if (Array.isArray(children)) {
    for (const child of children) append(node, child);
    return;
  }
  node.append(children instanceof Node ? children : document.createTextNode(String(children)));
}

function apply(node, attrs, asAttribute) {
  for (const key of Object.keys(attrs || {})) {
    const value = attrs[key];
    if (value === undefined) continue;
    if (key === "text") node.textContent = value == null ? "" : String(value);
    else if (key === "class") node.setAttribute("class", value);
    else if (key === "style") Object.assign(node.style, value);
    else if (key === "on") {
      for (const name of Object.keys(value)) node.addEventListener(name, value[name]);
    } else if (asAttribute || key.startsWith("data-") || key.startsWith("aria-")) {
      if (value === null || value === false) node.removeAttribute(key);
      else node.setAttribute(key, value === true ? "" : String(value));
    } else node[key] = value;
  }
}

/** An HTML element with `attrs` and `children` (see the top of this file). */
export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  apply(node, attrs, false);
  append(node, children);
  return node;
}

/** An SVG element: every attribute is set as an attribute. */
export function svg(tag, attrs, children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  apply(node, attrs, true);
  append(node, children);
  return node;
}

/** document.getElementById, short. */
export function byId(id) {
  return document.getElementById(id);
}

/** The parsed JSON of a `<script type="application/json" id=...>` block, or `fallback`. */
export function readJson(id, fallback = null) {
  const node = document.getElementById(id);
  if (!node) return fallback;
  try {
    return JSON.parse(node.textContent);
  } catch {
    return fallback;
  }
}

/** Run `fn` once the document is parsed (modules usually run after that already). */
export function ready(fn) {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
  else fn();
}

/** Shrink a one-line text until it fits its box (CSS gives the largest size). */
export function fitText(node) {
  node.style.fontSize = "";
  if (!node.clientWidth || node.scrollWidth <= node.clientWidth) return;
  const size = parseFloat(getComputedStyle(node).fontSize);
  node.style.fontSize = Math.floor(((size * node.clientWidth) / node.scrollWidth) * 0.96) + "px";
}
