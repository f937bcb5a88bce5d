/* Lượt administration: what every /admin page shares.
 *
 * `LuotAdmin.api` talks to /api/v1 with the session cookie and the page's CSRF token;
 * errors come back as ApiError with a Vietnamese message and the server's per-field
 * problems, which `showErrors` puts next to the right input. `h` builds DOM nodes (text is
 * always set as text, never as HTML).
 */
(function () {
  "use strict";

  const page = JSON.parse(document.getElementById("admin-page").textContent);
  const office = page.office ? page.office.code : null;
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  let csrf = csrfMeta ? csrfMeta.content : "";

  // ------------------------------------------------------------------ DOM

  function h(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on") && typeof value === "function") {
        node.addEventListener(key.slice(2), value);
      } else if (value === true) node.setAttribute(key, "");
      else node.setAttribute(key, String(value));
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  // ------------------------------------------------------------------ API

  class ApiError extends Error {
    constructor(status, body) {
      body = body || {};
      super(translate(body.message || "Lỗi " + status));
      this.status = status;
      this.code = body.error || "error";
      this.original = body.message || "";
      this.fields = body.fields || {};
    }
  }

  async function refreshCsrf() {
    const res = await fetch(page.csrf_url, {credentials: "same-origin",
                                            headers: {Accept: "application/json"}});
    const type = res.headers.get("Content-Type") || "";
    if (!res.ok || !type.includes("json")) {
      throw new ApiError(401, {error: "unauthorized", message: "signed out"});
    }
    csrf = (await res.json()).csrf_token;
    if (csrfMeta) csrfMeta.content = csrf;
  }

  function api(method, path, body) {
    return request(method, page.api + path, body, false);
  }

  /* The office's whole configuration document (what the export file holds). */
  function loadConfig(code) {
    return api("GET", "/offices/" + encodeURIComponent(code || office) + "/config");
  }

  async function request(method, url, body, retried) {
    const headers = {Accept: "application/json"};
    if (method !== "GET") headers["X-CSRFToken"] = csrf;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let res;
    try {
      res = await fetch(url, {
        method: method,
        headers: headers,
        credentials: "same-origin",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, {error: "network", message: "network"});
    }
    let data = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    if (res.ok) return data;
    data = data || {error: "http_" + res.status, message: res.statusText};
    if (res.status === 400 && !retried && /csrf/i.test(data.message || "")) {
      await refreshCsrf();
      return request(method, url, body, true);
    }
    if (res.status === 401) data = {error: "unauthorized", message: "signed out"};
    if (res.status === 403) data = {error: "forbidden", message: "forbidden"};
    throw new ApiError(res.status, data);
  }

  // Server messages are English; the people using these pages read Vietnamese.
  const MESSAGES = [
    [/^network$/, () => "Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại."],
    [/^signed out$/, () => "Phiên đăng nhập đã hết. Vui lòng tải lại trang và đăng nhập lại."],
    [/^forbidden$/, () => "Tài khoản của bạn không có quyền làm việc này."],
    [/^Missing data for required field/, () => "Bắt buộc nhập."],
    [/^Field may not be null/, () => "Bắt buộc nhập."],
    [/^Not a valid integer/, () => "Phải là số nguyên."],
    [/^Not a valid number/, () => "Phải là một số."],
    [/^Not a valid boolean/, () => "Giá trị không hợp lệ."],
    [/^Not a valid string/, () => "Phải là chữ."],
    [/^Unknown field/, () => "Trường này không được phép."],
    [/^String does not match expected pattern/, () => "Không đúng định dạng."],
    [/^Must be one of/, () => "Giá trị không hợp lệ."],
    [/^Length must be between (\d+) and (\d+)/, (m) => `Độ dài từ ${m[1]} đến ${m[2]} ký tự.`],
    [/^Shorter than minimum length (\d+)/, (m) => `Cần ít nhất ${m[1]} ký tự.`],
    [/^Longer than maximum length (\d+)/, (m) => `Tối đa ${m[1]} ký tự.`],
    [/^Must be greater than or equal to (\S+) and less than or equal to (\S+?)\.?$/,
      (m) => `Phải từ ${m[1]} đến ${m[2]}.`],
    [/^Field '(.+)' exists already/, (m) => `Đã có lĩnh vực mã “${m[1]}”.`],
    [/^Counter (\d+) exists already/, (m) => `Đã có quầy số ${m[1]}.`],
    [/^Office '(.+)' already exists/, (m) => `Đã có đơn vị mã “${m[1]}”.`],
    [/^User '(.+)' already exists/, (m) => `Đã có tên đăng nhập “${m[1]}”.`],
    [/number block .* is not valid/, () => "Khối số không hợp lệ: số bắt đầu phải nhỏ hơn " +
      "hoặc bằng số kết thúc, số chữ số từ 1 đến 6."],
    [/^Unknown fields: (.+)\./, (m) => `Không có lĩnh vực: ${m[1]}.`],
    [/is not a time like/, () => "Giờ không hợp lệ (dạng 07:30)."],
    [/ends before it starts/, () => "Giờ kết thúc phải sau giờ bắt đầu."],
    [/is not a date like/, () => "Ngày không hợp lệ (dạng 2026-09-02)."],
    [/rating scale needs at least two levels/, () => "Thang đánh giá cần ít nhất hai mức."],
    [/unknown printer URL scheme/, () => "Địa chỉ máy in phải bắt đầu bằng tcp://, usb://, " +
      "serial://, file://, cups://, dummy: hoặc agent:."],
    [/the port must be a number from 1 to 65535/,
      () => "Địa chỉ máy in không hợp lệ: cổng phải là số từ 1 đến 65535."],
    [/^'.*': (.+)$/, (m) => "Địa chỉ máy in không hợp lệ: " + m[1]],
    [/^Office .* has no counter (\d+)/, (m) => `Đơn vị không có quầy số ${m[1]}.`],
    [/^Paper must be 58 or 80/, () => "Khổ giấy phải là 58 hoặc 80 mm."],
    [/^You cannot deactivate yourself/, () => "Bạn không thể tự khóa tài khoản của mình."],
    [/must belong to (at least one|an) office/,
      () => "Cán bộ và quản lý phải thuộc ít nhất một đơn vị."],
    [/^(No office with code|Unknown office code)/, () => "Mã đơn vị không tồn tại."],
    [/^A new priority class needs a name/, () => "Đối tượng ưu tiên mới cần có tên."],
    [/configuration document is an object/,
      () => "Tệp cấu hình phải là một đối tượng JSON có mã đơn vị (code)."],
    [/^Unknown settings: (.+)\./, (m) => `Thiết lập không được hỗ trợ: ${m[1]}.`],
    [/^Counter (\d+) serves unknown field '(.+)'/,
      (m) => `Quầy ${m[1]} phục vụ lĩnh vực không có trong tệp: ${m[2]}.`],
    [/The request body is not valid JSON/, () => "Dữ liệu gửi lên không phải JSON hợp lệ."],
    [/Some fields are missing or wrong/, () => "Một số ô còn thiếu hoặc chưa đúng."],
    [/Request Entity Too Large|too large/i, () => "Dữ liệu quá lớn (tối đa 64 KB)."],
  ];

  function translate(message) {
    for (const [pattern, make] of MESSAGES) {
      const match = pattern.exec(message);
      if (match) return make(match);
    }
    return message;
  }

  function messagesOf(value) {
    if (value === null || value === undefined) return [];
    if (typeof value === "string") return [translate(value)];
    if (Array.isArray(value)) return value.flatMap(messagesOf);
    if (typeof value === "object") {
      return Object.values(value).flatMap(messagesOf);
    }
    return [String(value)];
  }

  // ------------------------------------------------------------------ forms

  function clearErrors(root) {
    root.querySelectorAll(".field-error").forEach((node) => { node.remove(); });
    root.querySelectorAll(".invalid").forEach((node) => { node.classList.remove("invalid"); });
    root.querySelectorAll(".form-error").forEach((node) => {
      node.textContent = "";
      node.hidden = true;
    });
  }

  function fieldTarget(root, name) {
    return root.querySelector(`[data-error-for="${name}"]`) ||
      root.querySelector(`[name="${name}"]`);
  }

  function setFieldError(root, name, message) {
    const target = fieldTarget(root, name);
    if (!target) {
      formError(root, message);
      return;
    }
    target.classList.add("invalid");
    const note = h("p", {class: "field-error", role: "alert", text: message,
                         "data-field": name});
    const label = target.closest("label");
    if (target.matches("[data-error-for]")) target.append(note);
    else if (label && !label.classList.contains("choice")) label.append(note);
    else if (label) label.parentNode.append(note);
    else target.after(note);
  }

  function formError(root, message) {
    let slot = root.querySelector(".form-error");
    if (!slot) {
      slot = h("p", {class: "form-error", role: "alert"});
      root.prepend(slot);
    }
    slot.textContent = message;
    slot.hidden = false;
  }

  /* Show an ApiError on a form: each field's problem next to it, the rest on top.
   * `aliases` maps server field names to the page's: an object, or a function of the name
   * and the server's (English) message. */
  function showErrors(root, error, aliases) {
    clearErrors(root);
    const fields = error.fields || {};
    const names = Object.keys(fields);
    const unplaced = [];
    for (const name of names) {
      const text = messagesOf(fields[name]).join(" ") || error.message;
      const alias = typeof aliases === "function" ? aliases(name, error.original)
        : aliases && aliases[name];
      const target = alias || name;
      if (fieldTarget(root, target)) setFieldError(root, target, text);
      else unplaced.push(text);
    }
    if (!names.length) formError(root, error.message);
    else if (unplaced.length) formError(root, unplaced.join(" "));
    const first = root.querySelector(".invalid, .form-error:not([hidden])");
    if (first && first.scrollIntoView) first.scrollIntoView({block: "center"});
  }

  /* Run `action` for a form's submit: busy state, errors shown, returns its result. */
  async function submitting(root, button, action, aliases) {
    clearErrors(root);
    if (button) button.disabled = true;
    try {
      return await action();
    } catch (error) {
      if (error instanceof ApiError) showErrors(root, error, aliases);
      else formError(root, String(error.message || error));
      return undefined;
    } finally {
      if (button) button.disabled = false;
    }
  }

  // ------------------------------------------------------------------ feedback

  let toastTimer = null;
  function notify(message, kind) {
    const toast = document.getElementById("toast");
    toast.textContent = message;
    toast.className = "toast " + (kind || "ok");
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { toast.hidden = true; }, 4000);
  }

  function fail(where, error) {
    const message = error instanceof ApiError ? error.message : String(error);
    clear(where).append(h("p", {class: "alert", role: "alert", text: message}));
  }

  // ------------------------------------------------------------------ dialogs

  function openDialog(dialog) {
    clearErrors(dialog);
    if (!dialog.open) dialog.showModal();
    const first = dialog.querySelector("input:not([type=hidden]):not([readonly]), select");
    if (first) first.focus();
  }

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

  // ------------------------------------------------------------------ values

  function pad(number) {
    return String(number).padStart(2, "0");
  }

  /* "23/11/2026 08:05" in the office's timezone. */
  function formatTime(iso, timeZone, seconds) {
    if (!iso) return "";
    const date = new Date(iso);
    const parts = {};
    const format = new Intl.DateTimeFormat("en-GB", {
      timeZone: timeZone || "Asia/Ho_Chi_Minh", year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    });
    for (const part of format.formatToParts(date)) parts[part.type] = part.value;
    const time = `${parts.hour}:${parts.minute}` + (seconds ? `:${parts.second}` : "");
    return `${parts.day}/${parts.month}/${parts.year} ${time}`;
  }

  function intOrNull(text) {
    const value = String(text === undefined || text === null ? "" : text).trim();
    if (value === "") return null;
    return /^-?\d+$/.test(value) ? Number(value) : NaN;
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function officeQuery(code) {
    return "?office=" + encodeURIComponent(code);
  }

  function absolute(path) {
    return window.location.origin + path;
  }

  /* Copy text; falls back to selecting it where the clipboard API is missing (plain http). */
  async function copyText(text, input) {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        return true;
      }
    } catch { /* fall back below */ }
    if (input) {
      input.focus();
      input.select();
      try {
        return document.execCommand("copy");
      } catch {
        return false;
      }
    }
    return false;
  }

  function copyButton(getText, input) {
    const button = h("button", {type: "button", class: "small", text: "Sao chép"});
    button.addEventListener("click", async () => {
      const ok = await copyText(getText(), input);
      button.textContent = ok ? "Đã chép ✓" : "Hãy chép bằng tay";
      setTimeout(() => { button.textContent = "Sao chép"; }, 2500);
    });
    return button;
  }

  function badge(text, kind) {
    return h("span", {class: "badge " + (kind || ""), text: text});
  }

  window.LuotAdmin = {
    page, office, h, append, clear, api, loadConfig, ApiError, translate, clearErrors, setFieldError,
    formError, showErrors, submitting, notify, fail, openDialog, formatTime, intOrNull, same,
    officeQuery, absolute, copyText, copyButton, badge, pad,
    officePath: (suffix) => "/offices/" + encodeURIComponent(office) + (suffix || ""),
  };
})();
