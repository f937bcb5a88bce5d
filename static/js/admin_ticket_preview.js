/* /admin: "Xem trước vé" — the ticket as a kiosk's printer would print it, without a printer.
 *
 * The picture is GET /api/v1/offices/X/ticket-preview: drawn on the server from the very
 * ESC/POS job the printer would be sent (server/ticket_preview.py), never imitated here.
 * It fills the empty `#ticket-preview` card of admin_office.html, with the helpers of
 * lib/admin_kit.js. Nothing is issued and no number taken.
 */
import * as A from "./lib/admin_kit.js";
import {el} from "./lib/dom.js";
import {localName, t} from "./lib/i18n.js";

const card = document.getElementById("ticket-preview");
const PAPERS = [80, 58];
let shown = null; // the object URL of the picture on screen

function option(value, text) {
  return el("option", {value: String(value), text: text});
}

function fieldLabel(field) {
  const name = field.code + " — " + localName(field);
  return field.served === false ? t("admin.ticket_preview_unserved", {name: name}) : name;
}

function build(fields) {
  const fieldPick = el("select", {id: "ticket-preview-field"},
    fields.map((field) => option(field.code, fieldLabel(field))));
  const paperPick = el("select", {id: "ticket-preview-paper"}, [
    option("", t("admin.ticket_preview_paper_kiosk")),
    PAPERS.map((mm) => option(mm, t("admin.ticket_preview_mm", {mm: mm}))),
  ]);
  const button = el("button", {type: "button", class: "primary", id: "ticket-preview-show",
                               text: t("admin.ticket_preview_show")});
  const status = el("p", {class: "muted", role: "status", "aria-live": "polite"});
  const error = el("p", {class: "form-error", role: "alert", hidden: true});
  const picture = el("img", {id: "ticket-preview-image", hidden: true, alt: "",
    style: {display: "block", margin: "1rem 0", background: "#fff", border: "1px solid #999",
            imageRendering: "pixelated", maxWidth: "100%", height: "auto"}});

  async function show() {
    const field = fields.find((item) => item.code === fieldPick.value);
    const query = new URLSearchParams({service: fieldPick.value});
    if (paperPick.value) query.set("paper", paperPick.value);
    error.hidden = true;
    button.disabled = true;
    status.textContent = t("admin.ticket_preview_loading");
    try {
      const response = await fetch(
        A.page.api + A.officePath("/ticket-preview?" + query.toString()),
        {credentials: "same-origin", headers: {Accept: "image/png, application/json"}});
      if (!response.ok) {
        const body = await response.json().catch(() => null);
        throw new A.ApiError(response.status, body);
      }
      const blob = await response.blob();
      if (shown) URL.revokeObjectURL(shown);
      shown = URL.createObjectURL(blob);
      await new Promise((resolve, reject) => {
        picture.onload = resolve;
        picture.onerror = reject;
        picture.src = shown;
      });
      picture.alt = t("admin.ticket_preview_alt",
        {field: field ? localName(field) : fieldPick.value, dots: picture.naturalWidth});
      picture.hidden = false;
      status.textContent = "";
    } catch (exc) {
      status.textContent = "";
      error.textContent = exc instanceof A.ApiError ? exc.message : t("console.failed");
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  }

  button.addEventListener("click", show);
  card.append(
    el("p", {class: "hint", text: t("admin.ticket_preview_hint")}),
    el("div", {class: "grid3"}, [
      el("label", {}, [t("admin.ticket_preview_field"), fieldPick]),
      el("label", {}, [t("admin.ticket_preview_paper"), paperPick]),
    ]),
    el("p", {class: "row-actions"}, button),
    status, error, picture);
}

async function start() {
  if (!card || !A || !A.office) return;
  try {
    const fields = await A.api("GET", A.officePath("/services"));
    if (!fields.length) {
      card.append(el("p", {class: "muted", text: t("admin.ticket_preview_no_fields")}));
      return;
    }
    build(fields);
  } catch (exc) {
    card.append(el("p", {class: "form-error", role: "alert",
                         text: exc instanceof A.ApiError ? exc.message : t("console.failed")}));
  }
}

start();
