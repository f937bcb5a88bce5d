/*
 * overview_sources.js — who issued today's tickets, on the manager's overview, and a way
 * to cancel in one action the waiting tickets of one source (a client flooding the kiosk
 * API). Fed by the overview's own fetch (the "luot:overview" event of overview.js).
 */
import {createApi} from "./lib/api.js";
import {el, readJson} from "./lib/dom.js";
import {lang, t} from "./lib/i18n.js";

(function () {
  "use strict";

  const page = readJson("luot-page", {});
  const api = createApi({base: page.api});
  const office = page.office;
  const body = document.querySelector("#sources tbody");
  const note = document.getElementById("sources-note");
  if (!office || !body) return;

  function kind(source) {
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
      .then(function (result) {
        if (result.ok) return result.data;
        const body = result.data || {};
        const words = lang() === "en" ? body : body.vi || body;
        throw new Error(words.message || t("error.http", {status: result.status}));
      })
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

  document.addEventListener("luot:overview", function (event) {
    render(event.detail.sources);
  });
})();
