/*
 * admin.js — the frame every /admin page shares (admin.html): the office picker, errors
 * cleared as their input is edited, `data-close` buttons of dialogs. The pages' own modules
 * import their helpers from lib/admin_kit.js.
 */
const picker = document.querySelector(".office-pick select");
if (picker) picker.addEventListener("change", () => picker.form.submit());

/* Editing an input takes its error away: the message was about the old value. */
document.addEventListener("input", (event) => {
  const input = event.target;
  if (!input.name) return;
  const box = input.closest(".invalid[data-error-for]") || (input.classList.contains("invalid")
    ? input : null);
  if (!box) return;
  box.classList.remove("invalid");
  const scope = input.closest("form, dialog, [data-error-for]") || document;
  const name = box.dataset.errorFor || input.name;
  scope.querySelectorAll(`.field-error[data-field="${name}"]`).forEach((n) => { n.remove(); });
});

document.addEventListener("click", (event) => {
  const closer = event.target.closest("[data-close]");
  if (closer) {
    const dialog = closer.closest("dialog");
    if (dialog) dialog.close();
  }
});
