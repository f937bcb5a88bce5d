/*
 * dom.js — Luot.el(tag, attrs, children): build an element in one call. `attrs` sets
 * `text`, `class`, `data-*` attributes or any property; children may be nodes or values.
 */
(function () {
  "use strict";
  window.Luot = window.Luot || {};

  window.Luot.el = function (tag, attrs, children) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "class") node.className = attrs[key];
      else if (key.startsWith("data-")) node.setAttribute(key, attrs[key]);
      else node[key] = attrs[key];
    });
    (children || []).forEach(function (child) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    });
    return node;
  };
})();
