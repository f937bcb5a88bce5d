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

(function () {
  "use strict";

  const page = readJson("luot-page", {});
  const api = createApi({base: page.api});
  const office = page.office;
  const body = document.querySelector("#sources tbody");
  const note = document.getElementById("sources-note");
  if (!office || !body) return;

  const booked = document.querySelector("#booking-sources tbody");
  const bookedNote = document.getElementById("booking-sources-note");

  function kind(source) {
    if (source.startsWith("net:")) return "Mạng";
    if (source.startsWith("device:")) return "Máy lấy số";
    if (source.startsWith("user:")) return "Cán bộ";
    if (source.startsWith("addr:")) return "Địa chỉ";
    return "Không rõ";
  }

  function cancel(item, button) {
    const question = "Huỷ " + item.waiting + " số đang chờ do “" + item.label + "” cấp hôm nay?";
    if (!window.confirm(question)) return;
    button.disabled = true;
    api.request("POST", "/offices/" + encodeURIComponent(office.code) + "/sources/cancel",
                {source: item.source})
      .then(answered)
      .then(function (data) {
        note.textContent = "Đã huỷ " + data.cancelled + " số của “" + item.label + "”.";
      })
      .catch(function (error) {
        note.textContent = "Không huỷ được: " + error.message;
        button.disabled = false;
      });
  }

  function render(sources) {
    body.replaceChildren();
    (sources || []).forEach(function (item) {
      const button = el("button", {type: "button", class: "mg-button", text: "Huỷ số đang chờ",
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
    if (!(sources || []).length) note.textContent = "Hôm nay chưa cấp số nào.";
  }

  function cancelBookings(item, button) {
    const question = "Huỷ " + item.booked + " lịch hẹn sắp tới đặt từ “" + item.label
      + "”? Người đặt không nhận tin nhắn báo huỷ.";
    if (!window.confirm(question)) return;
    button.disabled = true;
    api.request("POST", "/offices/" + encodeURIComponent(office.code)
      + "/booking-sources/cancel", {source: item.source})
      .then(answered)
      .then(function (data) {
        bookedNote.textContent = "Đã huỷ " + data.cancelled + " lịch hẹn của “" + item.label
          + "”.";
      })
      .catch(function (error) {
        bookedNote.textContent = "Không huỷ được: " + error.message;
        button.disabled = false;
      });
  }

  function renderBookings(sources) {
    if (!booked) return;
    booked.replaceChildren();
    (sources || []).forEach(function (item) {
      const button = el("button", {type: "button", class: "mg-button", text: "Huỷ các lịch này",
                                   disabled: !item.booked, "data-source": item.source});
      button.addEventListener("click", function () { cancelBookings(item, button); });
      const detail = item.addresses ? item.addresses + " địa chỉ" : kind(item.source);
      booked.append(el("tr", {"data-source": item.source}, [
        el("td", {}, [el("strong", {text: item.label}), " ",
                      el("span", {class: "muted", text: detail})]),
        el("td", {class: "num", text: String(item.booked)}),
        el("td", {}, [button]),
      ]));
    });
    if (!(sources || []).length) bookedNote.textContent = "Chưa có lịch hẹn sắp tới.";
  }

  document.addEventListener("luot:overview", function (event) {
    render(event.detail.sources);
    renderBookings(event.detail.booking_sources);
  });
})();
