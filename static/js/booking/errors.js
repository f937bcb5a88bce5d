/*
 * errors.js — a refusal of the booking API shown in Vietnamese (or the page's language)
 * next to the field it concerns. The server words every refusal in both languages
 * (`message` in English, `vi.message` / `vi.fields` in Vietnamese: server/api/errors.py).
 */

import {byId} from "../lib/dom.js";
import {lang, t} from "../lib/i18n.js";

/** Show `text` in the error box `id` (hidden when text is empty). */
export function showError(id, text) {
  const node = byId(id);
  if (!node) return;
  node.textContent = text || "";
  node.hidden = !text;
}

/** Hide every error box among `ids`. */
export function clearErrors(ids) {
  for (const id of ids) showError(id, "");
}

/** The page's words for a failed result: no answer, or the server's own refusal. */
export function refusal(result) {
  if (!result.status) return {message: t("booking.offline"), fields: {}, offline: true};
  // The rate limit and a server fault are not worded for citizens by the API: say it here.
  if (result.status === 429) return {message: t("booking.too_many"), fields: {}, offline: false};
  if (result.status >= 500) return {message: t("booking.failed"), fields: {}, offline: false};
  const data = result.data || {};
  const words = lang() === "en" ? {message: data.message, fields: data.fields} : data.vi || {};
  const fields = {};
  for (const [name, list] of Object.entries(words.fields || {})) {
    fields[name] = Array.isArray(list) ? list.join(" ") : String(list);
  }
  return {message: words.message || data.message || t("booking.failed"), fields, offline: false};
}
