/* /admin/users: accounts, their role and offices; add, edit, lock/unlock. Admins: every
 * account. A manager: their offices' users, and adds, edits, locks and unlocks officers
 * whose every office they manage (the server's rule, engine/accounts.py, which
 * refuses anything else; this page only leaves out what would be refused). */
import * as A from "./lib/admin_kit.js";
import {h, t} from "./lib/admin_kit.js";

const USERNAME = /^[A-Za-z0-9_.-]{2,64}$/;
const table = document.querySelector("#users-table tbody");
const dialog = document.getElementById("user-dialog");
const form = document.getElementById("user-form");
const showInactive = document.getElementById("users-inactive");
let users = [];
// The offices this user may administer (admins: all), as the page was given them.
const offices = A.page.offices || [];
const steward = A.page.role !== "admin";
const managed = new Set(offices.map((o) => o.code));
let editing = null;

/* Whether this page may change `user`: an admin anyone; a manager their officers. */
function manageable(user) {
  if (!steward) return true;
  return user.role === "officer" && user.id !== A.page.user_id && user.offices.length > 0 &&
    user.offices.every((code) => managed.has(code));
}

function officeNames(codes) {
  return codes.map((code) => {
    const office = offices.find((o) => o.code === code);
    return office ? `${code} — ${office.name}` : code;
  });
}

function render() {
  A.clear(table);
  const list = users.filter((u) => u.active || showInactive.checked);
  document.getElementById("users-count").textContent =
    t("admin.users.count", {n: users.filter((u) => u.active).length});
  if (!list.length) {
    table.append(h("tr", {class: "empty-row"}, h("td", {colspan: 6, text: t("admin.users.none")})));
  }
  for (const user of list) {
    const self = user.id === A.page.user_id;
    table.append(h("tr", {class: user.active ? "" : "inactive", "data-username": user.username},
      h("td", {class: "code", text: user.username}),
      h("td", {text: user.full_name || ""}),
      h("td", {}, A.badge(A.label("role", user.role),
        user.role === "admin" ? "info" : user.role === "manager" ? "warn" : "")),
      h("td", {}, user.role === "admin" && !user.offices.length
        ? h("span", {class: "muted", text: t("admin.users.every_office")})
        : officeNames(user.offices).map((name) => h("span", {class: "line", text: name}))),
      h("td", {}, user.active ? A.badge(t("admin.in_use"), "ok") : A.badge(t("admin.users.locked"), "error")),
      manageable(user)
        ? h("td", {class: "actions"},
          h("button", {type: "button", class: "small", text: t("admin.edit"), onclick: () => open(user)}),
          self ? null : h("button", {type: "button",
                                     class: "small" + (user.active ? " danger" : ""),
                                     text: user.active ? t("admin.users.lock") : t("admin.users.unlock"),
                                     onclick: () => toggle(user)}))
        : h("td", {class: "actions muted", text: t("users.admin_only")})));
  }
}

async function load() {
  try {
    users = await A.api("GET", "/users");
    render();
    document.getElementById("user-add").disabled = false;
  } catch (error) {
    A.fail(document.getElementById("users-error"), error);
  }
}

async function toggle(user) {
  if (user.active && !window.confirm(t("admin.users.lock_sure",
    {name: user.username}))) return;
  try {
    await A.api("PATCH", `/users/${user.id}`, {active: !user.active});
    A.notify(t(user.active ? "admin.users.locked_name" : "admin.users.unlocked_name",
      {name: user.username}));
  } catch (error) {
    A.notify(error.message, "error");
  }
  await load();
}

function role() {
  const checked = form.querySelector("[name=role]:checked");
  return checked ? checked.value : null;
}

function showRole() {
  document.getElementById("offices-note").textContent = role() === "admin"
    ? t("admin.users.offices_admin")
    : steward ? t("users.offices_steward") : t("admin.users.offices_one");
}

/* A manager makes officers only: the other roles are not offered. */
form.querySelectorAll("[name=role]").forEach((radio) => {
  if (steward && radio.value !== "officer") radio.closest("label").hidden = true;
});

function open(user) {
  editing = user;
  form.elements.username.value = user ? user.username : "";
  form.elements.username.readOnly = Boolean(user);
  form.elements.full_name.value = user ? user.full_name || "" : "";
  form.querySelectorAll("[name=role]").forEach((radio) => {
    radio.checked = radio.value === (user ? user.role : "officer");
  });
  const boxes = A.clear(document.getElementById("user-offices"));
  const mine = user ? user.offices : (A.office ? [A.office] : []);
  for (const office of offices) {
    boxes.append(h("label", {class: "check"},
      h("input", {type: "checkbox", name: "offices", value: office.code,
                  checked: mine.includes(office.code)}),
      h("span", {}, h("strong", {text: office.code}), " " + office.name)));
  }
  form.elements.password.value = "";
  form.elements.password2.value = "";
  document.getElementById("password-label").textContent =
    user ? t("admin.users.new_password") : t("admin.users.password");
  form.elements.active.checked = user ? user.active : true;
  const self = user && user.id === A.page.user_id;
  document.getElementById("user-active-row").hidden = !user || self;
  document.getElementById("user-dialog-title").textContent =
    user ? t("admin.users.edit_title", {name: user.username}) : t("admin.users.add_title");
  showRole();
  A.openDialog(dialog);
}

form.addEventListener("change", (event) => {
  if (event.target.name === "role") showRole();
});
showInactive.addEventListener("change", render);
document.getElementById("user-add").addEventListener("click", () => open(null));

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  A.clearErrors(form);
  const v = {
    username: form.elements.username.value.trim(),
    full_name: form.elements.full_name.value.trim(),
    role: role(),
    offices: Array.from(form.querySelectorAll("[name=offices]:checked"), (box) => box.value),
    password: form.elements.password.value,
    active: form.elements.active.checked,
  };
  const errors = [];
  if (!editing && !USERNAME.test(v.username)) {
    errors.push(["username", t("admin.users.username_form")]);
  } else if (!editing && users.some((u) => u.username === v.username)) {
    errors.push(["username", t("admin.users.username_taken", {name: v.username})]);
  }
  if (!v.role) errors.push(["role", t("admin.users.role_needed")]);
  if (v.role !== "admin" && !v.offices.length) {
    errors.push(["offices", t("admin.users.office_needed")]);
  }
  if (!editing || v.password) {
    if (v.password.length < 8) errors.push(["password", t("admin.users.password_short")]);
    else if (v.password !== form.elements.password2.value) {
      errors.push(["password2", t("admin.users.password_mismatch")]);
    }
  }
  if (errors.length) {
    for (const [field, message] of errors) A.setFieldError(form, field, message);
    return;
  }
  const done = await A.submitting(form, document.getElementById("user-save"), () => {
    if (!editing) {
      const {active, ...body} = v; // eslint-disable-line no-unused-vars
      return A.api("POST", "/users", body);
    }
    const body = {};
    if (v.full_name !== (editing.full_name || "")) body.full_name = v.full_name;
    if (v.role !== editing.role) body.role = v.role;
    if (!A.same([...v.offices].sort(), [...editing.offices].sort())) body.offices = v.offices;
    if (v.password) body.password = v.password;
    if (editing.id !== A.page.user_id && v.active !== editing.active) body.active = v.active;
    if (!Object.keys(body).length) return {};
    return A.api("PATCH", `/users/${editing.id}`, body);
  });
  if (done) {
    dialog.close();
    A.notify(t(editing ? "admin.saved_name" : "admin.added_name", {name: v.username}));
    await load();
  }
});

load();
