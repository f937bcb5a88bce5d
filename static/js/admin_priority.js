/* /admin/priority: priority classes (groups called first): add, edit, activate/deactivate.
 * One call does both: PUT /offices/X/priority-classes/CODE creates or changes. */
import * as A from "./lib/admin_kit.js";
import {h, t} from "./lib/admin_kit.js";


const CODE = /^[a-z0-9_-]{1,32}$/;
const table = document.querySelector("#classes-table tbody");
const dialog = document.getElementById("class-dialog");
const form = document.getElementById("class-form");
let classes = [];
let editing = null;

function ordered() {
  return [...classes].sort((a, b) => a.sort_order - b.sort_order ||
    classes.indexOf(a) - classes.indexOf(b));
}

function put(code, body) {
  return A.api("PUT", A.officePath("/priority-classes/" + encodeURIComponent(code)), body);
}

function render() {
  A.clear(table);
  const list = ordered();
  if (!list.length) {
    table.append(h("tr", {class: "empty-row"}, h("td", {colspan: 5,
      text: t("admin.prio.none")})));
  }
  list.forEach((item, index) => {
    table.append(h("tr", {class: item.active ? "" : "inactive", "data-code": item.code},
      h("td", {},
        h("button", {type: "button", class: "small", "aria-label": t("admin.move_up"), text: "↑",
                     disabled: index === 0, onclick: () => move(item, -1)}),
        " ",
        h("button", {type: "button", class: "small", "aria-label": t("admin.move_down"), text: "↓",
                     disabled: index === list.length - 1, onclick: () => move(item, 1)})),
      h("td", {class: "code", text: item.code}),
      h("td", {}, item.name, item.name_en ? h("span", {class: "sub", text: item.name_en}) : null),
      h("td", {}, item.active ? A.badge(t("admin.prio.applied"), "ok") : A.badge(t("admin.paused"))),
      h("td", {class: "actions"},
        h("button", {type: "button", class: "small", text: t("admin.edit"), onclick: () => open(item)}),
        h("button", {type: "button", class: "small" + (item.active ? " danger" : ""),
                     text: item.active ? t("admin.pause") : t("admin.prio.apply_again"),
                     onclick: () => toggle(item)}))));
  });
}

async function load() {
  try {
    classes = (await A.loadConfig()).priority_classes || [];
    render();
    document.getElementById("class-add").disabled = false;
  } catch (error) {
    A.fail(document.getElementById("classes-error"), error);
  }
}

async function toggle(item) {
  try {
    await put(item.code, {active: !item.active});
    A.notify(t(item.active ? "admin.paused_name" : "admin.prio.applied_again", {name: item.name}));
  } catch (error) {
    A.notify(error.message, "error");
  }
  await load();
}

async function move(item, step) {
  const list = ordered();
  const index = list.indexOf(item);
  [list[index], list[index + step]] = [list[index + step], list[index]];
  try {
    for (const [position, entry] of list.entries()) {
      if (entry.sort_order !== position) await put(entry.code, {sort_order: position});
    }
  } catch (error) {
    A.notify(error.message, "error");
  }
  await load();
}

function open(item) {
  editing = item;
  form.elements.code.value = item ? item.code : "";
  form.elements.code.readOnly = Boolean(item);
  form.elements.name.value = item ? item.name : "";
  form.elements.name_en.value = item ? item.name_en || "" : "";
  form.elements.sort_order.value = item ? String(item.sort_order) : "";
  form.elements.active.checked = item ? item.active : true;
  document.getElementById("class-dialog-title").textContent =
    item ? t("admin.prio.edit_title", {name: item.name}) : t("admin.prio.add_title");
  A.openDialog(dialog);
}

document.getElementById("class-add").addEventListener("click", () => open(null));

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  A.clearErrors(form);
  const code = form.elements.code.value.trim();
  const v = {
    name: form.elements.name.value.trim(),
    name_en: form.elements.name_en.value.trim(),
    sort_order: A.intOrNull(form.elements.sort_order.value),
    active: form.elements.active.checked,
  };
  const errors = [];
  if (!editing) {
    if (!CODE.test(code)) {
      errors.push(["code", t("admin.prio.code_form")]);
    } else if (classes.some((c) => c.code === code)) {
      errors.push(["code", t("admin.prio.code_taken", {code: code})]);
    }
  }
  if (!v.name) errors.push(["name", t("admin.prio.name_needed")]);
  if (v.sort_order === null && !editing) delete v.sort_order; // the server puts it last
  else if (!Number.isInteger(v.sort_order)) errors.push(["sort_order", t("admin.prio.whole_number")]);
  if (errors.length) {
    for (const [field, message] of errors) A.setFieldError(form, field, message);
    return;
  }
  let body = v;
  if (editing) {
    body = Object.fromEntries(Object.entries(v).filter(([key, value]) =>
      !A.same(value, editing[key] === undefined ? "" : editing[key])));
  }
  const done = await A.submitting(form, document.getElementById("class-save"),
    () => put(editing ? editing.code : code, body));
  if (done) {
    dialog.close();
    A.notify(t(editing ? "admin.saved_name" : "admin.added_name", {name: v.name}));
    await load();
  }
});

load();
