/*
 * admin_kit.js — what every /admin page shares, as one ES module.
 *
 * `api` talks to /api/v1 with the session cookie and the page's CSRF token; errors come
 * back as ApiError with the server's message and per-field problems in the page's language
 * (the server words them in both languages: nothing is translated here), which
 * `showErrors` puts next to the right input. `h` builds DOM nodes (text is always set as
 * text, never as HTML). The page's data is the `admin-page` JSON block (admin.html).
 *
 *   import {api, h, notify, office, t} from "./lib/admin_kit.js";
 */
import {createApi} from "./api.js";
import {el} from "./dom.js";
import {label, lang, t} from "./i18n.js";

export {label, t};

export const page = JSON.parse(document.getElementById("admin-page").textContent);
export const office = page.office ? page.office.code : null;
const client = createApi({base: page.api, csrfUrl: page.csrf_url});

// ------------------------------------------------------------------ DOM

/* The library's element builder (lib/dom.js) with the admin pages' habit of naming
 * attributes (`for`, `colspan`, `value`...) rather than properties, `dataset`, and
 * `onclick`-style listeners; children as further arguments. */
export function h(tag, props, ...children) {
  const own = {};
  const on = {};
  const attributes = [];
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class" || key === "text") own[key] = value;
    else if (key === "dataset") own.dataset = value;
    else if (key.startsWith("on") && typeof value === "function") on[key.slice(2)] = value;
    else attributes.push([key, value === true ? "" : String(value)]);
  }
  const node = el(tag, {class: own.class, text: own.text, on: on}, children.flat(Infinity));
  if (own.dataset) Object.assign(node.dataset, own.dataset);
  for (const [key, value] of attributes) node.setAttribute(key, value);
  return node;
}

export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

// ------------------------------------------------------------------ API

// What the browser itself runs into, before any server could say a word.
const CLIENT_TEXT = {
  0: "error.network",
  401: "error.unauthorized",
  403: "error.forbidden",
};

/* A refused call: the server's message and per-field problems in the page's language
 * (its error body carries them in Vietnamese under `vi`: server/api/errors.py). */
export class ApiError extends Error {
  constructor(status, body) {
    body = body || {};
    const words = lang() === "en" ? body : body.vi || body;
    // A refusal the server words itself (a manager's limits on users) is shown as it
    // says; a bare 401/403 gets the page's own words.
    const worded = status === 403 && body.vi && body.vi.message && body.vi.message !== body.message;
    const own = worded ? null : CLIENT_TEXT[status];
    super(own ? t(own) : words.message || body.message || t("error.http", {status}));
    this.status = status;
    this.code = body.error || (status ? "http_" + status : "network");
    this.fields = own ? {} : words.fields || body.fields || {};
  }
}

export async function api(method, path, body) {
  const result = await client.request(method, path, body);
  if (result.ok) return result.data;
  throw new ApiError(result.status, result.data);
}

/* The office's whole configuration document (what the export file holds). */
export function loadConfig(code) {
  return api("GET", "/offices/" + encodeURIComponent(code || office) + "/config");
}

function messagesOf(value) {
  if (value === null || value === undefined) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(messagesOf);
  if (typeof value === "object") {
    return Object.values(value).flatMap(messagesOf);
  }
  return [String(value)];
}

// ------------------------------------------------------------------ forms

export function clearErrors(root) {
  root.querySelectorAll(".field-error").forEach((node) => { node.remove(); });
  root.querySelectorAll(".invalid").forEach((node) => { node.classList.remove("invalid"); });
  root.querySelectorAll(".form-error").forEach((node) => {
    node.textContent = "";
    node.hidden = true;
  });
}

function fieldTarget(root, name) {
  return root.querySelector(`[data-error-for="${name}"]`) ||
    root.querySelector(`[name="${name}"]`);
}

export function setFieldError(root, name, message) {
  const target = fieldTarget(root, name);
  if (!target) {
    formError(root, message);
    return;
  }
  target.classList.add("invalid");
  const note = h("p", {class: "field-error", role: "alert", text: message,
                       "data-field": name});
  const label = target.closest("label");
  if (target.matches("[data-error-for]")) target.append(note);
  else if (label && !label.classList.contains("choice")) label.append(note);
  else if (label) label.parentNode.append(note);
  else target.after(note);
}

export function formError(root, message) {
  let slot = root.querySelector(".form-error");
  if (!slot) {
    slot = h("p", {class: "form-error", role: "alert"});
    root.prepend(slot);
  }
  slot.textContent = message;
  slot.hidden = false;
}

/* Show an ApiError on a form: each field's problem next to it, the rest on top.
 * `aliases` maps server field names to the page's: an object, or a function of the name. */
export function showErrors(root, error, aliases) {
  clearErrors(root);
  const fields = error.fields || {};
  const names = Object.keys(fields);
  const unplaced = [];
  for (const name of names) {
    const text = messagesOf(fields[name]).join(" ") || error.message;
    const alias = typeof aliases === "function" ? aliases(name) : aliases && aliases[name];
    const target = alias || name;
    if (fieldTarget(root, target)) setFieldError(root, target, text);
    else unplaced.push(text);
  }
  if (!names.length) formError(root, error.message);
  else if (unplaced.length) formError(root, unplaced.join(" "));
  const first = root.querySelector(".invalid, .form-error:not([hidden])");
  if (first && first.scrollIntoView) first.scrollIntoView({block: "center"});
}

/* Run `action` for a form's submit: busy state, errors shown, returns its result. */
export async function submitting(root, button, action, aliases) {
  clearErrors(root);
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (error) {
    if (error instanceof ApiError) showErrors(root, error, aliases);
    else formError(root, String(error.message || error));
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

// ------------------------------------------------------------------ feedback

let toastTimer = null;
export function notify(message, kind) {
  const toast = document.getElementById("toast");
  toast.textContent = message;
  toast.className = "toast " + (kind || "ok");
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; }, 4000);
}

export function fail(where, error) {
  const message = error instanceof ApiError ? error.message : String(error);
  clear(where).append(h("p", {class: "alert", role: "alert", text: message}));
}

// ------------------------------------------------------------------ dialogs

export function openDialog(dialog) {
  clearErrors(dialog);
  if (!dialog.open) dialog.showModal();
  const first = dialog.querySelector("input:not([type=hidden]):not([readonly]), select");
  if (first) first.focus();
}

// ------------------------------------------------------------------ values

export function pad(number) {
  return String(number).padStart(2, "0");
}

/* "23/11/2026 08:05" in the office's timezone. */
export function formatTime(iso, timeZone, seconds) {
  if (!iso) return "";
  const date = new Date(iso);
  const parts = {};
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone: timeZone || "Asia/Ho_Chi_Minh", year: "numeric", month: "2-digit",
    day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  });
  for (const part of format.formatToParts(date)) parts[part.type] = part.value;
  const time = `${parts.hour}:${parts.minute}` + (seconds ? `:${parts.second}` : "");
  return `${parts.day}/${parts.month}/${parts.year} ${time}`;
}

export function intOrNull(text) {
  const value = String(text === undefined || text === null ? "" : text).trim();
  if (value === "") return null;
  return /^-?\d+$/.test(value) ? Number(value) : NaN;
}

export function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function officeQuery(code) {
  return "?office=" + encodeURIComponent(code);
}

export function absolute(path) {
  return window.location.origin + path;
}

/* Copy text; falls back to selecting it where the clipboard API is missing (plain http). */
export async function copyText(text, input) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch { /* fall back below */ }
  if (input) {
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }
  return false;
}

export function copyButton(getText, input) {
  const button = h("button", {type: "button", class: "small", text: t("admin.kit.copy")});
  button.addEventListener("click", async () => {
    const ok = await copyText(getText(), input);
    button.textContent = ok ? t("admin.kit.copied") : t("admin.kit.copy_by_hand");
    setTimeout(() => { button.textContent = t("admin.kit.copy"); }, 2500);
  });
  return button;
}

export function badge(text, kind) {
  return h("span", {class: "badge " + (kind || ""), text: text});
}

/** "/offices/<this office><suffix>" for the API. */
export function officePath(suffix) {
  return "/offices/" + encodeURIComponent(office) + (suffix || "");
}
