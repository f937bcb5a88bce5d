/* /admin/counters: the office's counters and the fields each serves, in order. */
import * as A from "./lib/admin_kit.js";
import {h, t} from "./lib/admin_kit.js";


const STATE_KIND = {open: "ok", paused: "warn", closed: ""};
const table = document.querySelector("#counters-table tbody");
const dialog = document.getElementById("counter-dialog");
const form = document.getElementById("counter-form");
const pick = document.getElementById("counter-services");
let services = [];
let counters = [];
let editing = null;
let chosen = []; // field codes the counter serves, in order

function serviceName(code) {
  const service = services.find((s) => s.code === code);
  return service ? service.name : code;
}

function render() {
  A.clear(table);
  document.getElementById("counters-count").textContent = t("admin.counters.count", {n: counters.length});
  if (!counters.length) {
    table.append(h("tr", {class: "empty-row"},
      h("td", {colspan: 5, text: t("admin.counters.none")})));
  }
  for (const counter of counters) {
    const stateText = counter.state ? A.label("counter_state", counter.state) : "";
    const stateKind = STATE_KIND[counter.state] || "";
    table.append(h("tr", {"data-number": counter.number},
      h("td", {class: "num code", text: String(counter.number)}),
      h("td", {text: counter.name}),
      h("td", {}, counter.services.length
        ? h("ol", {class: "inline-list"}, counter.services.map((code) =>
          h("li", {}, h("span", {class: "code", text: code}), " ", serviceName(code))))
        : h("span", {class: "badge warn", text: t("admin.counters.no_fields")})),
      h("td", {}, A.badge(stateText, stateKind),
        counter.officer ? h("span", {class: "sub", text: counter.officer}) : null),
      h("td", {class: "actions"},
        h("button", {type: "button", class: "small", text: t("admin.edit"),
                     onclick: () => edit(counter)}))));
  }
}

async function load() {
  try {
    const [doc, snapshot] = await Promise.all([
      A.loadConfig(), A.api("GET", A.officePath("/queue")),
    ]);
    services = doc.services || [];
    const live = new Map((snapshot.counters || []).map((c) => [c.number, c]));
    counters = (doc.counters || []).map((c) => ({...live.get(c.number), ...c,
      id: (live.get(c.number) || {}).id}));
    render();
    document.getElementById("counter-add").disabled = false;
  } catch (error) {
    A.fail(document.getElementById("counters-error"), error);
  }
}

// ---------------------------------------------------------------- ordered checkboxes

function drawPick() {
  A.clear(pick);
  const rest = services.filter((s) => !chosen.includes(s.code));
  const items = [...chosen.map((code) => services.find((s) => s.code === code) ||
    {code: code, name: code, active: true}), ...rest];
  items.forEach((service) => {
    const on = chosen.includes(service.code);
    const index = chosen.indexOf(service.code);
    const box = h("input", {type: "checkbox", name: "services", value: service.code,
                            checked: on});
    box.addEventListener("change", () => {
      chosen = box.checked ? [...chosen, service.code]
        : chosen.filter((code) => code !== service.code);
      drawPick();
    });
    pick.append(h("li", {class: on ? "on" : "", "data-code": service.code},
      h("span", {class: "order", text: on ? String(index + 1) : ""}),
      h("label", {}, box, h("span", {}, h("span", {class: "code", text: service.code}), " ",
        service.name, service.active === false ? t("admin.cfg.paused_suffix") : "")),
      on ? h("button", {type: "button", class: "small", title: t("admin.counters.up"), "aria-label": t("admin.counters.up"),
                        disabled: index === 0, text: "↑",
                        onclick: () => shift(index, -1)}) : null,
      on ? h("button", {type: "button", class: "small", title: t("admin.counters.down"), "aria-label": t("admin.counters.down"),
                        disabled: index === chosen.length - 1, text: "↓",
                        onclick: () => shift(index, 1)}) : null));
  });
  if (!services.length) {
    pick.append(h("li", {class: "muted", text: t("admin.counters.add_fields_first")}));
  }
}

function shift(index, step) {
  const next = [...chosen];
  [next[index], next[index + step]] = [next[index + step], next[index]];
  chosen = next;
  drawPick();
}

function open(counter) {
  editing = counter;
  form.elements.number.value = counter ? String(counter.number) : String(
    counters.reduce((high, c) => Math.max(high, c.number), 0) + 1);
  form.elements.number.readOnly = Boolean(counter);
  form.elements.name.value = counter ? counter.name : "";
  chosen = counter ? [...counter.services] : [];
  document.getElementById("counter-dialog-title").textContent =
    counter ? t("admin.counters.edit_title", {number: counter.number}) : t("admin.counters.add_title");
  drawPick();
  A.openDialog(dialog);
}

function edit(counter) {
  open(counter);
}

document.getElementById("counter-add").addEventListener("click", () => open(null));

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  A.clearErrors(form);
  const number = A.intOrNull(form.elements.number.value);
  const name = form.elements.name.value.trim();
  const errors = [];
  if (!editing) {
    if (!(Number.isInteger(number) && number >= 1 && number <= 999)) {
      errors.push(["number", t("admin.counters.number_range")]);
    } else if (counters.some((c) => c.number === number)) {
      errors.push(["number", t("admin.counters.number_taken", {number: number})]);
    }
  }
  if (editing && !name) errors.push(["name", t("admin.counters.name_needed")]);
  if (errors.length) {
    for (const [field, message] of errors) A.setFieldError(form, field, message);
    return;
  }
  // A new counter without a name is named "Quầy N" by the server (engine/office_setup.py).
  const label = name || t("console.counter_n", {number: number});
  const done = await A.submitting(form, document.getElementById("counter-save"), () => {
    if (!editing) {
      return A.api("POST", A.officePath("/counters"),
        {number: number, name: name, services: chosen});
    }
    const body = {};
    if (name !== editing.name) body.name = name;
    if (!A.same(chosen, editing.services)) body.services = chosen;
    if (!Object.keys(body).length) return {};
    return A.api("PATCH", "/counters/" + editing.id, body);
  });
  if (done) {
    dialog.close();
    A.notify(t(editing ? "admin.counters.saved" : "admin.counters.added", {name: label}));
    await load();
  }
});

load();
