/*
 * i18n.js — the words of server/i18n/catalogue.py, in the page's language.
 *
 * Every page embeds the catalogue as `<script type="application/json"
 * id="luot-vocabulary">` (server/templates/base.html), in the page's language. A page
 * that switches language at run time embeds the others too (`vocabulary_json("vi", "en")`,
 * the kiosk) or loads one with `loadLang("en")` (GET /vocabulary.json?lang=en); then
 * `setLang("en")`.
 *
 *   t("kiosk.waiting_n", {n: 3})        // "3 waiting" (in English)
 *   label("ticket_status", "on_hold")   // "On hold" (in English)
 *   section("screen")                   // {board_title: "…", …} for one page's table
 *
 * A key missing in the current language falls back to Vietnamese, then to the key itself.
 */

const catalogues = {};
let current = "vi";

function embedded() {
  const node = document.getElementById("luot-vocabulary");
  if (!node) return;
  try {
    const data = JSON.parse(node.textContent);
    Object.assign(catalogues, data.langs || {});
    catalogues[data.lang] = data.words;
    current = data.lang;
  } catch {
    /* a page without words still works: t() returns the keys */
  }
}
embedded();

function fill(text, params) {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, function (whole, name) {
    return Object.hasOwn(params, name) ? String(params[name]) : whole;
  });
}

/** The text for `key` in the current language (or `lang`), `{name}` placeholders filled. */
export function t(key, params, lang) {
  const words = catalogues[lang || current] || {};
  const vi = catalogues.vi || {};
  const text = Object.hasOwn(words, key) ? words[key] : Object.hasOwn(vi, key) ? vi[key] : key;
  return fill(text, params);
}

/** The label of `value` in a group ("ticket_status", "counter_state", ...); else the value. */
export function label(group, value, lang) {
  const key = group + "." + value;
  const text = t(key, null, lang);
  return text === key ? String(value) : text;
}

/** Every word under `prefix.`, keyed by the rest of the key, in the current language. */
export function section(prefix, lang) {
  const start = prefix + ".";
  const words = Object.assign({}, catalogues.vi, catalogues[lang || current]);
  const out = {};
  for (const key of Object.keys(words)) {
    if (key.startsWith(start)) out[key.slice(start.length)] = words[key];
  }
  return out;
}

/** The current language: "vi" or "en". */
export function lang() {
  return current;
}

/** Whether the catalogue of `code` is here already. */
export function hasLang(code) {
  return Object.hasOwn(catalogues, code);
}

/** Switch the language of t(); the catalogue must be here (see loadLang). */
export function setLang(code) {
  if (hasLang(code)) current = code;
  return current;
}

/** Fetch another language's catalogue once; resolves to whether it is now available. */
export function loadLang(code) {
  if (hasLang(code)) return Promise.resolve(true);
  return fetch("/vocabulary.json?lang=" + encodeURIComponent(code), {
    headers: {Accept: "application/json"},
    credentials: "same-origin",
  })
    .then(function (response) {
      return response.ok ? response.json() : null;
    })
    .then(function (data) {
      if (data && data.lang === code) catalogues[code] = data.words;
      return hasLang(code);
    })
    .catch(function () {
      return false;
    });
}

// "Quầy 1 – Hộ tịch" under a "Quầy 1" heading would say the number twice
// (display/views.py strips the same prefix for the pages it renders).
const COUNTER_PREFIX = /^(quầy|counter)\s*\d+\s*[-–—:·.,]?\s*/i;

/** A counter's name without the "Quầy N" its heading already shows. */
export function counterSubtitle(name) {
  return (name || "").trim().replace(COUNTER_PREFIX, "");
}

/** A field's, class's or service's name in `lang` (default: the page's); name_en may be empty. */
export function localName(item, lang) {
  if (!item) return "";
  return (lang || current) === "en" && item.name_en ? item.name_en : item.name;
}
