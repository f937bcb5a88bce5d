/* /admin/devices: kiosks, displays and rating screens; their connection (the server's one
 * reading, as the overview shows it: lib/presence.js), followed live in the staff room;
 * printer status; tokens shown once. */
import {live} from "./lib/live.js";
import {connectionOf, connectionText} from "./lib/presence.js";
import * as A from "./lib/admin_kit.js";
import {h, t} from "./lib/admin_kit.js";

const SCHEMES = /^(tcp|usb|serial|file|cups):\/\/\S+$|^(dummy|agent):\S*$/i;
const table = document.querySelector("#devices-table tbody");
const dialog = document.getElementById("device-dialog");
const form = document.getElementById("device-form");
const panel = document.getElementById("token-panel");
let devices = [];
let counters = [];
let editing = null;

function counterOf(device) {
  return counters.find((c) => c.id === device.counter_id);
}

/* Where the device opens its page; the token rides along once and is then kept by it. */
function deviceUrl(device, token) {
  const office = encodeURIComponent(device.office || A.office);
  const key = token ? "?key=" + encodeURIComponent(token) : "";
  if (device.kind === "kiosk") return A.absolute(`/kiosk/${office}${key}`);
  if (device.kind === "rating") {
    const counter = counterOf(device) || {};
    const path = A.page.rate_url
      .replace("{counter_id}", encodeURIComponent(counter.id || device.counter_id || ""))
      .replace("{counter_number}", encodeURIComponent(counter.number || ""));
    return A.absolute(path + key);
  }
  return A.absolute(`/display/${office}`);
}

function printerCell(device) {
  if (device.kind !== "kiosk") return h("td", {class: "muted", text: "—"});
  if (!device.printer_url) return h("td", {class: "muted", text: t("admin.devices.no_printing")});
  return h("td", {class: "nowrap"}, h("span", {class: "code", text: device.printer_url}),
    h("span", {class: "sub", text: t("admin.devices.paper", {mm: device.paper})}));
}

function statusCell(device) {
  if (device.kind !== "kiosk" || !device.printer_url) return h("td", {class: "muted", text: "—"});
  const when = device.printer_checked_at
    ? h("span", {class: "sub nowrap", text: t("admin.devices.at", {
      time: A.formatTime(device.printer_checked_at, A.page.office.timezone)})})
    : null;
  if (device.printer_status === "ok") return h("td", {}, A.badge(t("admin.devices.printer_ok"), "ok"), when);
  if (device.printer_status === "error") {
    return h("td", {class: "status"}, A.badge(t("admin.devices.printer_error"), "error"),
      h("span", {class: "sub", text: device.printer_error || t("admin.devices.unknown_error")}), when);
  }
  return h("td", {}, A.badge(t("admin.devices.never_printed")), when);
}

const CONNECTION_BADGE = {connected: "ok", lost: "error", never: ""};

function connectionCell(device) {
  const state = connectionOf(device);
  return h("td", {"data-col": "connection", "data-connection": state},
    A.badge(connectionText(device, A.page.office.timezone), CONNECTION_BADGE[state]));
}

function render() {
  A.clear(table);
  document.getElementById("devices-count").textContent = t("admin.devices.count", {n: devices.length});
  if (!devices.length) {
    table.append(h("tr", {class: "empty-row"},
      h("td", {colspan: 7, text: t("admin.devices.none")})));
  }
  for (const device of devices) {
    const counter = counterOf(device);
    table.append(h("tr", {class: device.active ? "" : "inactive", "data-id": device.id},
      h("td", {}, h("strong", {text: device.name}),
        h("span", {class: "sub wrap", text: deviceUrl(device)})),
      h("td", {class: "nowrap"}, A.label("device", device.kind),
        counter ? h("span", {class: "sub", text: t("admin.devices.counter", {number: counter.number})}) : null),
      connectionCell(device),
      printerCell(device),
      statusCell(device),
      h("td", {}, device.active ? A.badge(t("admin.in_use"), "ok") : A.badge(t("admin.devices.stopped"))),
      h("td", {class: "actions"},
        h("button", {type: "button", class: "small", text: t("admin.edit"), onclick: () => open(device)}),
        h("button", {type: "button", class: "small", text: t("admin.devices.new_token"),
                     onclick: () => newToken(device)}))));
  }
}

async function load() {
  try {
    const [list, snapshot] = await Promise.all([
      A.api("GET", A.officePath("/devices")), A.api("GET", A.officePath("/queue")),
    ]);
    devices = list;
    counters = snapshot.counters || [];
    render();
    document.getElementById("device-add").disabled = false;
  } catch (error) {
    A.fail(document.getElementById("devices-error"), error);
  }
}

// ---------------------------------------------------------------- the token, once

function showToken(device, token) {
  const tokenInput = h("input", {readonly: true, value: token, "aria-label": t("admin.devices.token"),
                                 id: "new-token"});
  const url = deviceUrl(device, token);
  const urlInput = h("input", {readonly: true, value: url, "aria-label": t("admin.devices.url"),
                               id: "new-token-url"});
  const where = device.kind === "display"
    ? t("admin.devices.open_display")
    : t("admin.devices.open_once");
  A.clear(panel).append(h("section", {class: "token-box", role: "status"},
    h("h2", {text: t("admin.devices.token_title", {name: device.name})}),
    h("p", {text: t("admin.devices.copy_now")}),
    h("label", {for: "new-token", text: t("admin.devices.token")}),
    h("div", {class: "copy-row"}, tokenInput, A.copyButton(() => token, tokenInput)),
    h("label", {for: "new-token-url", text: t("admin.devices.url")}),
    h("div", {class: "copy-row"}, urlInput, A.copyButton(() => url, urlInput)),
    h("p", {class: "hint", text: where}),
    h("button", {type: "button", id: "token-done", text: t("admin.devices.token_done"),
                 onclick: () => A.clear(panel)})));
  window.scrollTo({top: 0});
}

async function newToken(device) {
  const sure = window.confirm(t("admin.devices.new_token_sure", {name: device.name}));
  if (!sure) return;
  try {
    const result = await A.api("POST", `/devices/${device.id}/token`);
    showToken({...device, ...result}, result.token);
    A.notify(t("admin.devices.new_token_done"));
  } catch (error) {
    A.notify(error.message, "error");
  }
}

// ---------------------------------------------------------------- the dialog

function kind() {
  const checked = form.querySelector("[name=kind]:checked");
  return checked ? checked.value : null;
}

function showKind() {
  const current = kind();
  form.querySelectorAll("[data-kind]").forEach((part) => {
    part.hidden = part.dataset.kind !== current;
  });
}

function open(device) {
  editing = device;
  const select = form.elements.counter_number;
  A.append(A.clear(select), [h("option", {value: "", text: t("admin.devices.pick_counter")}),
    counters.map((c) => h("option", {value: String(c.number),
                                    text: t("admin.devices.counter_named", {number: c.number, name: c.name})}))]);
  form.querySelectorAll("[name=kind]").forEach((radio) => {
    radio.checked = radio.value === (device ? device.kind : "kiosk");
    radio.disabled = Boolean(device);
  });
  form.elements.name.value = device ? device.name : "";
  form.elements.printer_url.value = device ? device.printer_url || "" : "";
  form.elements.paper.value = String(device ? device.paper : 80);
  const counter = device ? counterOf(device) : null;
  select.value = counter ? String(counter.number) : "";
  select.disabled = Boolean(device);
  form.elements.active.checked = device ? device.active : true;
  document.getElementById("device-active-row").hidden = !device;
  document.getElementById("device-dialog-title").textContent =
    device ? t("admin.devices.edit_title", {name: device.name}) : t("admin.devices.add_title");
  showKind();
  A.openDialog(dialog);
}

form.addEventListener("change", (event) => {
  if (event.target.name === "kind") showKind();
});
document.getElementById("device-add").addEventListener("click", () => open(null));
document.getElementById("devices-refresh").addEventListener("click", async () => {
  await load();
  A.notify(t("admin.devices.refreshed"));
});

/* The engine names "device" for a registration problem of no one input: show it on top. */
function deviceField(name) {
  return name === "device" ? null : name;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  A.clearErrors(form);
  const v = {
    kind: kind(),
    name: form.elements.name.value.trim(),
    printer_url: form.elements.printer_url.value.trim() || null,
    paper: Number(form.elements.paper.value),
    counter_number: A.intOrNull(form.elements.counter_number.value),
    active: form.elements.active.checked,
  };
  const errors = [];
  if (!v.kind) errors.push(["kind", t("admin.devices.kind_needed")]);
  if (!v.name) errors.push(["name", t("admin.devices.name_needed")]);
  if (v.kind === "kiosk" && v.printer_url && !SCHEMES.test(v.printer_url)) {
    errors.push(["printer_url", t("admin.devices.printer_form")]);
  }
  if (v.kind === "rating" && v.counter_number === null && !editing) {
    errors.push(["counter_number", t("admin.devices.counter_needed")]);
  }
  if (errors.length) {
    for (const [field, message] of errors) A.setFieldError(form, field, message);
    return;
  }
  const done = await A.submitting(form, document.getElementById("device-save"), () => {
    if (!editing) {
      const body = {kind: v.kind, name: v.name};
      if (v.kind === "kiosk") Object.assign(body, {printer_url: v.printer_url, paper: v.paper});
      if (v.kind === "rating") body.counter_number = v.counter_number;
      return A.api("POST", A.officePath("/devices"), body);
    }
    const body = {};
    if (v.name !== editing.name) body.name = v.name;
    if (editing.kind === "kiosk") {
      if (v.printer_url !== (editing.printer_url || null)) body.printer_url = v.printer_url;
      if (v.paper !== editing.paper) body.paper = v.paper;
    }
    if (v.active !== editing.active) body.active = v.active;
    if (!Object.keys(body).length) return {};
    return A.api("PATCH", `/devices/${editing.id}`, body);
  }, deviceField);
  if (!done) return;
  dialog.close();
  await load();
  if (!editing) {
    showToken(done, done.token);
    A.notify(t("admin.devices.registered", {name: v.name}));
  } else {
    A.notify(t("admin.saved_name", {name: v.name}));
  }
});

/* Screens coming and going arrive in the staff room (device_status, with the device as
 * the server reads it); a screen whose process died says nothing, so look again often. */
function follow() {
  if (!A.office) return;
  live({
    room: {staff: A.office},
    onSnapshot: (snapshot) => {
      if (!snapshot || !Array.isArray(snapshot.devices)) return;
      devices = snapshot.devices;
      render();
    },
    on: {
      device_status: (device) => {
        const index = devices.findIndex((d) => d.id === device.id);
        if (index < 0) return;
        devices[index] = device;
        render();
      },
      print_status: () => load(),
    },
  });
  setInterval(load, 30000);
}

load().then(follow);
