/*
 * counter_dialogs.js — the counter console's dialogs: transfer a ticket (to another
 * field, another counter, or both), note its dossier code, and confirm a no-show. The
 * console hands in what they share with it (its state, the one-action-at-a-time `act`,
 * messages).
 */
import {el as h} from "../lib/dom.js";
import {label, t} from "../lib/i18n.js";

const $ = function (id) { return document.getElementById(id); };

/**
 * Bind the dialogs; returns {openTransfer, openDossier, checkDossier, confirmNoShow}.
 * `ctx`: {state, act, send, say, current, serviceName, counterInfo, counterTitle, dossier}
 * where `dossier` is the engine's dossier-code pattern (a RegExp).
 */
export function counterDialogs(ctx) {
  const {state, act, send, say, current, serviceName, counterInfo, counterTitle} = ctx;
  const DOSSIER = ctx.dossier;

  // ------------------------------------------------------------------ transfer dialog

  function radio(name, value, label, checked, note) {
    return h("label", {class: "cc-choice"}, [
      h("input", {type: "radio", name: name, value: value, checked: checked}),
      h("span", {text: label}),
      note ? h("small", {text: note}) : null,
    ]);
  }

  async function openTransfer() {
    const cur = current();
    if (!cur || state.busy) return;
    const dialog = $("dlg-transfer");
    $("tr-code").textContent = cur.code;
    $("tr-place").textContent = state.office.transfer_keeps_place === false
      ? t("console.goes_last") : t("console.keeps_place");
    $("tr-error").hidden = true;
    const services = $("tr-services");
    const counters = $("tr-counters");
    services.replaceChildren(radio("service", "", t("console.keep_field", {name: cur.service.name}), true));
    counters.replaceChildren(radio("counter", "", t("console.any_counter"), true));
    // Fresh lists: fields may have been switched off, counters opened or closed.
    let fields = state.office.services.filter(function (s) { return s.active; });
    let desks = state.office.counters;
    try {
      const [svc, queue] = await Promise.all([
        send("GET", "/offices/" + encodeURIComponent(state.office.code) + "/services"),
        send("GET", "/offices/" + encodeURIComponent(state.office.code) + "/queue"),
      ]);
      if (svc.ok) fields = svc.data;
      if (queue.ok) desks = queue.data.counters;
    } catch { /* use what the page came with */ }
    fields.filter(function (s) { return s.code !== cur.service.code; }).forEach(function (s) {
      services.appendChild(radio("service", s.code, s.name,
                                 false, s.waiting != null ? t("console.n_waiting", {n: s.waiting}) : null));
    });
    // A closed counter has nobody to call the ticket: only open and paused ones are offered.
    desks.filter(function (c) {
      return c.id !== state.counterId && c.state !== "closed";
    }).forEach(function (c) {
      counters.appendChild(radio("counter", String(c.id), counterTitle(c), false,
        label("counter_state", c.state)));
    });
    updateTransferSubmit();
    if (!dialog.open) dialog.showModal();
    // The field list first, on its checked choice: the arrows move it at once.
    const first = services.querySelector("input:checked") || services.querySelector("input");
    if (first) first.focus();
  }

  /** What Tab goes through in the transfer dialog: each list's chosen entry (the arrows
   *  move within it) and the enabled buttons. */
  function transferStops() {
    const form = $("form-transfer");
    const stops = [];
    ["service", "counter"].forEach(function (name) {
      const group = form.querySelectorAll('input[name="' + name + '"]');
      const checked = form.querySelector('input[name="' + name + '"]:checked');
      if (group.length) stops.push(checked || group[0]);
    });
    form.querySelectorAll(".cc-dialog-actions button").forEach(function (button) {
      if (!button.disabled) stops.push(button);
    });
    return stops;
  }

  /** Keys of the transfer dialog: Tab and Shift+Tab stay inside it (round from the last
   *  stop to the first), Enter on a list transfers. Esc cancels (the dialog's own). */
  function transferKeys(event) {
    if (event.key === "Tab") {
      const stops = transferStops();
      if (!stops.length) return;
      const at = stops.indexOf(document.activeElement);
      const next = event.shiftKey ? (at <= 0 ? stops.length - 1 : at - 1)
        : (at < 0 || at === stops.length - 1 ? 0 : at + 1);
      event.preventDefault();
      stops[next].focus();
    } else if (event.key === "Enter" && event.target.type === "radio") {
      event.preventDefault();
      if (!$("tr-submit").disabled) $("form-transfer").requestSubmit();
    }
  }

  function transferChoice() {
    const form = $("form-transfer");
    const service = form.querySelector('input[name="service"]:checked');
    const counter = form.querySelector('input[name="counter"]:checked');
    return {
      service: service && service.value ? service.value : null,
      counter: counter && counter.value ? Number(counter.value) : null,
    };
  }

  function updateTransferSubmit() {
    const choice = transferChoice();
    $("tr-submit").disabled = !!state.busy || (choice.service === null && choice.counter === null);
  }

  function bindTransfer() {
    const dialog = $("dlg-transfer");
    $("form-transfer").addEventListener("change", updateTransferSubmit);
    dialog.addEventListener("keydown", transferKeys);
    $("tr-cancel").addEventListener("click", function () { dialog.close(); });
    $("form-transfer").addEventListener("submit", async function (event) {
      event.preventDefault();
      const cur = current();
      const choice = transferChoice();
      if (!cur || (choice.service === null && choice.counter === null)) return;
      $("tr-submit").disabled = true;
      const where = [];
      if (choice.service) where.push(t("console.where_field", {name: serviceName(choice.service)}));
      if (choice.counter) {
        const target = counterInfo(choice.counter);
        where.push(t("console.where_counter", {number: target ? target.number : choice.counter}));
      }
      const data = await act("transfer", "POST", "/tickets/" + cur.id + "/transfer", choice,
                             function () { say(t("console.said_transferred", {code: cur.code, where: where.join(", ")}), "ok"); });
      if (data) {
        dialog.close();
      } else {
        $("tr-error").textContent = $("message").textContent;
        $("tr-error").hidden = false;
        updateTransferSubmit();
      }
    });
  }

  // ------------------------------------------------------------------ dossier dialog

  let dossierTicket = null;

  /** The dossier code as the server will store it, or an error text. */
  function checkDossier(raw) {
    const code = raw.trim().toUpperCase();
    if (!code) return {code: null};
    const m = DOSSIER.exec(code);
    if (m) {
      const year = 2000 + Number(m[1]);
      const month = Number(m[2]);
      const day = Number(m[3]);
      const date = new Date(Date.UTC(year, month - 1, day));
      if (date.getUTCMonth() === month - 1 && date.getUTCDate() === day) return {code: code};
      return {error: t("console.dossier_bad_day", {day: m[1] + m[2] + m[3]})};
    }
    return {error: t("console.dossier_form")};
  }

  function openDossier(ticket) {
    if (state.busy) return;
    dossierTicket = ticket;
    const full = (state.snap && state.snap.current && state.snap.current.id === ticket.id)
      ? state.snap.current : ticket;
    $("ds-code").textContent = ticket.code;
    $("ds-input").value = full.dossier_code || "";
    $("ds-note").value = full.note || "";
    $("ds-note").dataset.original = full.note || "";
    $("ds-error").hidden = true;
    $("ds-input").removeAttribute("aria-invalid");
    $("dlg-dossier").showModal();
    $("ds-input").focus();
  }

  function showDossierError(text) {
    $("ds-error").textContent = text;
    $("ds-error").hidden = !text;
    if (text) $("ds-input").setAttribute("aria-invalid", "true");
    else $("ds-input").removeAttribute("aria-invalid");
  }

  function bindDossier() {
    const dialog = $("dlg-dossier");
    $("ds-cancel").addEventListener("click", function () { dialog.close(); });
    $("ds-input").addEventListener("input", function () {
      if (!$("ds-error").hidden) {
        const check = checkDossier($("ds-input").value);
        showDossierError(check.error || "");
      }
    });
    $("ds-input").addEventListener("blur", function () {
      const check = checkDossier($("ds-input").value);
      if (check.code) $("ds-input").value = check.code;
    });
    $("form-dossier").addEventListener("submit", async function (event) {
      event.preventDefault();
      if (!dossierTicket) return;
      const check = checkDossier($("ds-input").value);
      if (check.error) {
        showDossierError(check.error);
        $("ds-input").focus();
        return;
      }
      const noteText = $("ds-note").value.trim();
      const note = noteText !== $("ds-note").dataset.original.trim() ? noteText : null;
      if (check.code === null && note === null) {
        showDossierError(t("console.dossier_or_note"));
        return;
      }
      const ticket = dossierTicket;
      $("ds-submit").disabled = true;
      const data = await act("dossier", "POST", "/tickets/" + ticket.id + "/dossier",
                             {dossier_code: check.code, note: note},
                             function () { say(t("console.said_dossier", {code: ticket.code}), "ok"); });
      $("ds-submit").disabled = false;
      if (data) {
        dialog.close();
      } else {
        showDossierError($("message").textContent);
      }
    });
  }

  // ------------------------------------------------------------------ no-show confirmation

  let confirmed = null;

  /** Ask before marking `ticket` no-show; `confirm` runs when the officer agrees. */
  function confirmNoShow(ticket, confirm) {
    confirmed = confirm;
    $("ns-code").textContent = ticket.code;
    $("dlg-noshow").showModal();
    $("ns-submit").focus();
  }

  function bindNoShow() {
    const dialog = $("dlg-noshow");
    $("ns-cancel").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () { confirmed = null; });
    $("form-noshow").addEventListener("submit", function (event) {
      event.preventDefault();
      const confirm = confirmed;
      dialog.close();
      if (confirm) confirm();
    });
  }

  bindTransfer();
  bindDossier();
  bindNoShow();
  return {openTransfer: openTransfer, openDossier: openDossier, checkDossier: checkDossier,
          confirmNoShow: confirmNoShow};
}
