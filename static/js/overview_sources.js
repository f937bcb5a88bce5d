/*
 * overview_sources.js — who issued today's tickets, on the manager's overview, and a way
 * to cancel in one action the waiting tickets of one source (a client flooding the kiosk
 * API); the same for upcoming bookings, by network (an IPv4 /24, an IPv6 /64) or address
 * (a client taking the calendar). Fed by the overview's own fetch (the "luot:overview"
 * event of overview.js).
 */
import {createApi} from "./lib/api.js";
import {el, readJson} from "./lib/dom.js";
import {lang, t} from "./lib/i18n.js";

/** A cancel's answer: its data, or an Error in the page's language. */
function answered(result) {
  if (result.ok) return result.data;
  const body = result.data || {};
  const words = lang() === "en" ? body : body.vi || body;
  throw new Error(words.message || t("error.http", {status: result.status}));
}

/** Wires the two tables once the overview's fetch fills them (no office: nothing to do). */
function start() {
  const page = readJson("luot-page", {});
  const api = createApi({base: page.api});
  const office = page.office;
  const body = document.querySelector("#sources tbody");
  const note = document.getElementById("sources-note");
  if (!office || !body) return;

  const booked = document.querySelector("#booking-sources tbody");
  const bookedNote = document.getElementById("booking-sources-note");
  // What the last cancel did: an empty list that the cancel itself caused (the overview's
  // refresh may come before or after its answer) goes on saying so.
  const said = {tickets: "", bookings: ""};

  function kind(source) {
    const prefix = source.split(":")[0];
    return ["net", "device", "user", "addr"].includes(prefix)
      ? t("admin.source." + prefix) : t("admin.source.unknown");
  }

  function cancel(item, button) {
    const question = t("admin.source.cancel_q", {n: item.waiting, label: item.label});
    if (!window.confirm(question)) return;
    button.disabled = true;
    api.request("POST", "/offices/" + encodeURIComponent(office.code) + "/sources/cancel",
                {source: item.source})
      .then(answered)
      .then(function (data) {
        said.tickets = t("admin.source.cancelled", {n: data.cancelled, label: item.label});
        note.textContent = said.tickets;
      })
      .catch(function (error) {
        note.textContent = t("admin.source.cancel_failed", {message: error.message});
        button.disabled = false;
      });
  }

  function render(sources) {
    body.replaceChildren();
    (sources || []).forEach(function (item) {
      const button = el("button", {type: "button", class: "mg-button", text: t("admin.source.cancel"),
                                   disabled: !item.waiting, "data-source": item.source});
      button.addEventListener("click", function () { cancel(item, button); });
      body.append(el("tr", {"data-source": item.source}, [
        el("td", {}, [el("strong", {text: item.label}), " ",
                      el("span", {class: "muted", text: kind(item.source)})]),
        el("td", {class: "num", text: String(item.issued)}),
        el("td", {class: "num", text: String(item.waiting)}),
        el("td", {}, [button]),
      ]));
    });
    if (!(sources || []).length) note.textContent = said.tickets || t("admin.source.none");
  }

  function cancelBookings(item, button) {
    const question = t("admin.source.cancel_bookings_q", {n: item.booked, label: item.label});
    if (!window.confirm(question)) return;
    button.disabled = true;
    api.request("POST", "/offices/" + encodeURIComponent(office.code)
      + "/booking-sources/cancel", {source: item.source})
      .then(answered)
      .then(function (data) {
        said.bookings = t("admin.source.bookings_cancelled",
          {n: data.cancelled, label: item.label});
        bookedNote.textContent = said.bookings;
      })
      .catch(function (error) {
        bookedNote.textContent = t("admin.source.cancel_failed", {message: error.message});
        button.disabled = false;
      });
  }

  function renderBookings(sources) {
    if (!booked) return;
    booked.replaceChildren();
    (sources || []).forEach(function (item) {
      const button = el("button", {type: "button", class: "mg-button", text: t("admin.source.cancel_bookings"),
                                   disabled: !item.booked, "data-source": item.source});
      button.addEventListener("click", function () { cancelBookings(item, button); });
      const detail = item.addresses ? t("admin.source.addresses", {n: item.addresses}) : kind(item.source);
      booked.append(el("tr", {"data-source": item.source}, [
        el("td", {}, [el("strong", {text: item.label}), " ",
                      el("span", {class: "muted", text: detail})]),
        el("td", {class: "num", text: String(item.booked)}),
        el("td", {}, [button]),
      ]));
    });
    if (!(sources || []).length) {
      bookedNote.textContent = said.bookings || t("admin.source.no_bookings");
    }
  }

  document.addEventListener("luot:overview", function (event) {
    render(event.detail.sources);
    renderBookings(event.detail.booking_sources);
  });
}

start();
