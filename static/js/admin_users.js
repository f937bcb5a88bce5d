/* /admin/users: accounts, their role and offices; add, edit, lock/unlock. Admins: every
 * account. A manager: their offices' users, and adds, edits, locks and unlocks officers
 * whose every office they manage (the server's rule, engine/accounts.py, which
 * refuses anything else; this page only leaves out what would be refused). */
(function () {
  "use strict";
  const A = window.LuotAdmin;
  const {h} = A;

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
      `${users.filter((u) => u.active).length} tài khoản đang dùng`;
    if (!list.length) {
      table.append(h("tr", {class: "empty-row"}, h("td", {colspan: 6, text: "Không có ai."})));
    }
    for (const user of list) {
      const self = user.id === A.page.user_id;
      table.append(h("tr", {class: user.active ? "" : "inactive", "data-username": user.username},
        h("td", {class: "code", text: user.username}),
        h("td", {text: user.full_name || ""}),
        h("td", {}, A.badge(A.label("role", user.role),
          user.role === "admin" ? "info" : user.role === "manager" ? "warn" : "")),
        h("td", {}, user.role === "admin" && !user.offices.length
          ? h("span", {class: "muted", text: "Mọi đơn vị"})
          : officeNames(user.offices).map((name) => h("span", {class: "line", text: name}))),
        h("td", {}, user.active ? A.badge("Đang dùng", "ok") : A.badge("Đã khóa", "error")),
        manageable(user)
          ? h("td", {class: "actions"},
            h("button", {type: "button", class: "small", text: "Sửa", onclick: () => open(user)}),
            self ? null : h("button", {type: "button",
                                       class: "small" + (user.active ? " danger" : ""),
                                       text: user.active ? "Khóa" : "Mở khóa",
                                       onclick: () => toggle(user)}))
          : h("td", {class: "actions muted", text: A.t("users.admin_only")})));
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
    if (user.active && !window.confirm(`Khóa tài khoản “${user.username}”? Người này sẽ không ` +
        "đăng nhập được nữa.")) return;
    try {
      await A.api("PATCH", `/users/${user.id}`, {active: !user.active});
      A.notify(user.active ? `Đã khóa “${user.username}”.` : `Đã mở khóa “${user.username}”.`);
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
      ? "(không bắt buộc: quản trị viên làm việc với mọi đơn vị)"
      : steward ? A.t("users.offices_steward") : "(chọn ít nhất một)";
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
      user ? "Mật khẩu mới (để trống nếu không đổi)" : "Mật khẩu";
    form.elements.active.checked = user ? user.active : true;
    const self = user && user.id === A.page.user_id;
    document.getElementById("user-active-row").hidden = !user || self;
    document.getElementById("user-dialog-title").textContent =
      user ? `Sửa người dùng “${user.username}”` : "Thêm người dùng";
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
      errors.push(["username", "2–64 ký tự: chữ không dấu, số, “.”, “-” hoặc “_”."]);
    } else if (!editing && users.some((u) => u.username === v.username)) {
      errors.push(["username", `Đã có tên đăng nhập “${v.username}”.`]);
    }
    if (!v.role) errors.push(["role", "Chọn vai trò."]);
    if (v.role !== "admin" && !v.offices.length) {
      errors.push(["offices", "Cán bộ và quản lý phải thuộc ít nhất một đơn vị."]);
    }
    if (!editing || v.password) {
      if (v.password.length < 8) errors.push(["password", "Mật khẩu cần ít nhất 8 ký tự."]);
      else if (v.password !== form.elements.password2.value) {
        errors.push(["password2", "Hai lần nhập mật khẩu không khớp."]);
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
      A.notify(editing ? `Đã lưu “${v.username}”.` : `Đã thêm “${v.username}”.`);
      await load();
    }
  });

  load();
})();
