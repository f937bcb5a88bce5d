/* /admin/fields: the office's fields, their numbering, order and active flag. */
import * as A from "./lib/admin_kit.js";
import {h, t} from "./lib/admin_kit.js";


const table = document.querySelector("#fields-table tbody");
const dialog = document.getElementById("field-dialog");
const form = document.getElementById("field-form");
const preview = document.getElementById("numbering-preview");
const CODE = /^[A-Za-z0-9_-]{1,32}$/;
const PREFIX = /^[A-Z]{0,4}$/;
let fields = [];
let counters = [];
let editing = null; // the field being edited, or null when adding

function numberText(field, n) {
  return (field.prefix || "") + String(n).padStart(field.digits || 1, "0");
}

function range(field) {
  return `${numberText(field, field.number_start)} – ${numberText(field, field.number_end)}`;
}

function ordered() {
  return [...fields].sort((a, b) => a.sort_order - b.sort_order ||
    fields.indexOf(a) - fields.indexOf(b));
}

function render() {
  A.clear(table);
  const list = ordered();
  document.getElementById("fields-count").textContent =
    t("admin.fields.count", {active: list.filter((f) => f.active).length, n: list.length});
  if (!list.length) {
    table.append(h("tr", {class: "empty-row"},
      h("td", {colspan: 7, text: t("admin.fields.none")})));
  }
  const unserved = list.filter((f) => f.active &&
    !counters.some((c) => c.services.includes(f.code)));
  const note = document.getElementById("fields-unserved");
  note.hidden = !unserved.length;
  note.textContent = unserved.length
    ? t("admin.fields.unserved", {names: unserved.map((f) => f.name).join(", ")})
    : "";
  list.forEach((field, index) => {
    const serving = counters.filter((c) => c.services.includes(field.code))
      .map((c) => String(c.number));
    table.append(h("tr", {class: field.active ? "" : "inactive", "data-code": field.code},
      h("td", {class: "order"},
        h("button", {type: "button", class: "small", title: t("admin.move_up"), "aria-label": t("admin.move_up"),
                     disabled: index === 0, onclick: () => move(field, -1), text: "↑"}),
        " ",
        h("button", {type: "button", class: "small", title: t("admin.move_down"),
                     "aria-label": t("admin.move_down"), disabled: index === list.length - 1,
                     onclick: () => move(field, 1), text: "↓"})),
      h("td", {class: "code", text: field.code}),
      h("td", {}, field.name, field.name_en ? h("span", {class: "sub", text: field.name_en}) : null),
      h("td", {class: "code", text: range(field)}),
      h("td", {}, serving.length ? t("admin.fields.counters", {list: serving.join(", ")})
        : A.badge(field.active ? t("admin.fields.no_counter_no_tickets") : t("admin.fields.no_counter"), "warn")),
      h("td", {}, field.active ? A.badge(t("admin.in_use"), "ok") : A.badge(t("admin.paused"))),
      h("td", {class: "actions"},
        h("button", {type: "button", class: "small", onclick: () => edit(field), text: t("admin.edit")}),
        h("button", {type: "button", class: "small" + (field.active ? " danger" : ""),
                     onclick: () => toggle(field),
                     text: field.active ? t("admin.pause") : t("admin.use_again")}))));
  });
}

async function load() {
  try {
    const doc = await A.loadConfig();
    fields = doc.services || [];
    counters = doc.counters || [];
    render();
    document.getElementById("field-add").disabled = false;
  } catch (error) {
    A.fail(document.getElementById("fields-error"), error);
  }
}

async function patch(code, body) {
  return A.api("PATCH", A.officePath("/services/" + encodeURIComponent(code)), body);
}

async function toggle(field) {
  try {
    await patch(field.code, {active: !field.active});
    A.notify(t(field.active ? "admin.paused_name" : "admin.used_again_name", {name: field.name}));
  } catch (error) {
    A.notify(error.message, "error");
  }
  await load();
}

async function move(field, step) {
  const list = ordered();
  const index = list.indexOf(field);
  const other = list[index + step];
  if (!other) return;
  list[index] = other;
  list[index + step] = field;
  try {
    for (const [position, item] of list.entries()) {
      if (item.sort_order !== position) await patch(item.code, {sort_order: position});
    }
  } catch (error) {
    A.notify(error.message, "error");
  }
  await load();
}

// ---------------------------------------------------------------- the dialog

function values() {
  const get = (name) => form.elements[name].value.trim();
  const number = (name) => {
    const text = get(name);
    return text === "" ? null : Number(text);
  };
  return {
    code: get("code"),
    name: get("name"),
    name_en: get("name_en"),
    prefix: get("prefix").toUpperCase(),
    number_start: A.intOrNull(get("number_start")),
    number_end: A.intOrNull(get("number_end")),
    digits: A.intOrNull(get("digits")),
    sort_order: A.intOrNull(get("sort_order")),
    active: form.elements.active.checked,
    default_service_minutes: number("default_service_minutes"),
    target_wait_minutes: A.intOrNull(get("target_wait_minutes")),
  };
}

function check(v) {
  const errors = [];
  if (!editing) {
    if (!v.code) errors.push(["code", t("admin.fields.code_needed")]);
    else if (!CODE.test(v.code)) {
      errors.push(["code", t("admin.code_form")]);
    } else if (fields.some((f) => f.code === v.code)) {
      errors.push(["code", t("admin.fields.code_taken", {code: v.code})]);
    }
  }
  if (!v.name) errors.push(["name", t("admin.fields.name_needed")]);
  if (!PREFIX.test(v.prefix)) {
    errors.push(["prefix", t("admin.fields.prefix_form")]);
  }
  const whole = (n, low, high) => Number.isInteger(n) && n >= low && n <= high;
  if (!whole(v.number_start, 0, 999999)) errors.push(["number_start", t("admin.fields.number_range")]);
  if (!whole(v.number_end, 0, 999999)) errors.push(["number_end", t("admin.fields.number_range")]);
  else if (whole(v.number_start, 0, 999999) && v.number_end < v.number_start) {
    errors.push(["number_end", t("admin.fields.end_before_start")]);
  }
  if (!whole(v.digits, 1, 6)) errors.push(["digits", t("admin.fields.digits_range")]);
  if (editing && v.sort_order === null) errors.push(["sort_order", t("admin.order_needed")]);
  else if (v.sort_order !== null && !Number.isInteger(v.sort_order)) {
    errors.push(["sort_order", t("admin.whole_number")]);
  }
  if (v.default_service_minutes !== null && !(v.default_service_minutes >= 0.5 &&
      v.default_service_minutes <= 240)) {
    errors.push(["default_service_minutes", t("admin.fields.service_minutes_range")]);
  }
  if (v.target_wait_minutes !== null && !whole(v.target_wait_minutes, 1, 600)) {
    errors.push(["target_wait_minutes", t("admin.fields.wait_minutes_range")]);
  }
  return errors;
}

function showPreview() {
  const v = values();
  A.clear(preview);
  if (!Number.isInteger(v.number_start) || !Number.isInteger(v.number_end) ||
      !Number.isInteger(v.digits) || v.number_end < v.number_start) {
    preview.textContent = t("admin.fields.preview_needs");
    return;
  }
  preview.append(t("admin.fields.first_ticket"), " ",
    h("strong", {text: numberText(v, v.number_start)}),
    " · ", t("admin.fields.last_ticket"), " ", h("strong", {text: numberText(v, v.number_end)}),
    " · ", t("admin.fields.per_day", {n: v.number_end - v.number_start + 1}));
  if (String(v.number_end).length > v.digits) {
    preview.append(h("span", {class: "badge warn",
      text: t("admin.fields.uneven")}));
  }
  const clash = fields.find((f) => f.code !== v.code && f.active &&
    (f.prefix || "") === v.prefix && f.number_start <= v.number_end &&
    v.number_start <= f.number_end);
  if (clash) {
    preview.append(" ", h("span", {class: "badge warn",
      text: t("admin.fields.clash", {name: clash.name})}));
  }
}

function fill(field) {
  const set = (name, value) => {
    form.elements[name].value = value === null || value === undefined ? "" : String(value);
  };
  for (const name of ["code", "name", "name_en", "prefix", "number_start", "number_end",
                      "digits", "sort_order", "default_service_minutes",
                      "target_wait_minutes"]) {
    set(name, field[name]);
  }
  form.elements.active.checked = field.active !== false;
  form.elements.code.readOnly = Boolean(editing);
  document.getElementById("code-hint").hidden = Boolean(editing);
  document.getElementById("field-dialog-title").textContent =
    editing ? t("admin.fields.edit_title", {code: field.code}) : t("admin.fields.add_title");
  showPreview();
}

function add() {
  editing = null;
  fill({
    code: "", name: "", name_en: "", prefix: "", number_start: 1, number_end: 999, digits: 3,
    sort_order: null, active: true,
  });
  A.openDialog(dialog);
}

function edit(field) {
  editing = field;
  fill(field);
  A.openDialog(dialog);
}

document.getElementById("field-add").addEventListener("click", add);
form.addEventListener("input", (event) => {
  if (event.target.name === "prefix") {
    const input = event.target;
    input.value = input.value.toUpperCase();
  }
  showPreview();
});
form.querySelectorAll("[data-numbering]").forEach((button) => {
  button.addEventListener("click", () => {
    const letter = button.dataset.numbering === "letter";
    const code = form.elements.code.value.trim().toUpperCase();
    form.elements.prefix.value = letter ? (code.replace(/[^A-Z]/g, "").slice(0, 1) || "A") : "";
    form.elements.number_start.value = letter ? "1" : "1001";
    form.elements.number_end.value = letter ? "999" : "1999";
    form.elements.digits.value = letter ? "3" : "4";
    showPreview();
  });
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  A.clearErrors(form);
  const v = values();
  const errors = check(v);
  if (errors.length) {
    for (const [name, message] of errors) A.setFieldError(form, name, message);
    return;
  }
  let body;
  if (editing) {
    body = {};
    for (const [key, value] of Object.entries(v)) {
      if (key === "code") continue;
      const before = editing[key] === undefined ? null : editing[key];
      if (!A.same(value, before)) body[key] = value;
    }
    if (!Object.keys(body).length) {
      dialog.close();
      return;
    }
  } else {
    body = Object.fromEntries(Object.entries(v).filter(([, value]) => value !== null));
  }
  const done = await A.submitting(form, document.getElementById("field-save"), () =>
    editing ? patch(editing.code, body) : A.api("POST", A.officePath("/services"), body));
  if (done) {
    dialog.close();
    A.notify(t(editing ? "admin.fields.saved" : "admin.fields.added", {name: v.name}));
    await load();
  }
});

load();
