/* /admin/audit: the office's latest configuration changes: when (office time), who, what,
 * and each changed value as before → after. */
(function () {
  "use strict";
  const A = window.LuotAdmin;
  const {h} = A;

  const ACTIONS = {
    "office.create": "Tạo đơn vị", "office.update": "Sửa thông tin đơn vị",
    "office.import": "Nhập cấu hình", "service.create": "Thêm lĩnh vực",
    "service.update": "Sửa lĩnh vực", "counter.create": "Thêm quầy",
    "counter.update": "Sửa quầy", "priority.create": "Thêm đối tượng ưu tiên",
    "priority.update": "Sửa đối tượng ưu tiên", "device.create": "Đăng ký thiết bị",
    "device.update": "Sửa thiết bị", "device.token": "Cấp mã thiết bị mới",
    "user.create": "Thêm người dùng", "user.update": "Sửa người dùng",
    "user.password": "Đặt lại mật khẩu", "device.revoke": "Thu hồi thiết bị",
  };
  const KEYS = {
    name: "Tên", name_en: "Tên tiếng Anh", address: "Địa chỉ", timezone: "Múi giờ",
    priority_streak_limit: "Số người ưu tiên liên tiếp", transfer_keeps_place:
      "Giữ thứ tự khi chuyển", recalls_before_no_show: "Số lần gọi lại trước khi vắng mặt",
    elderly_age: "Tuổi người cao tuổi", settings: "Thiết lập", notice: "Thông báo",
    hours: "Giờ nhận số", closed_days: "Ngày nghỉ", rating: "Đánh giá", kiosk: "Máy lấy số",
    voice: "Giọng đọc", ticket_footer: "Dòng cuối trên vé", announce_max_age: "Thời hạn đọc số",
    start_on_call: "Gọi số là bắt đầu phục vụ", counters_per_officer: "Số quầy mỗi cán bộ",
    no_show_grace_seconds: "Thời gian chờ trước khi vắng mặt",
    targets: "Mục tiêu báo cáo",
    prefix: "Chữ đứng trước", number_start: "Số đầu", number_end: "Số cuối",
    digits: "Số chữ số", active: "Đang dùng", sort_order: "Thứ tự",
    default_service_minutes: "Phút phục vụ", target_wait_minutes: "Phút chờ mục tiêu",
    services: "Lĩnh vực", counters: "Quầy", priority_classes: "Đối tượng ưu tiên",
    code: "Mã", kind: "Loại", printer_url: "Máy in", paper: "Khổ giấy", counter_id: "Quầy",
    printer_profile: "Mẫu máy in", username: "Tên đăng nhập", full_name: "Họ tên",
    role: "Vai trò", offices: "Đơn vị", password: "Mật khẩu", question: "Câu hỏi",
    preset: "Thang", levels: "Các mức", number: "Số quầy", mon: "Thứ Hai", tue: "Thứ Ba",
    wed: "Thứ Tư", thu: "Thứ Năm", fri: "Thứ Sáu", sat: "Thứ Bảy", sun: "Chủ nhật",
    signed_out: "Phiên và mã đã kết thúc", failed_sign_ins: "Lần đăng nhập sai được xoá",
    tokens_revoked: "Mã đã thu hồi",
  };
  const VALUES = {
    preset: {three: "Ba mức", five: "Năm sao"},
  };
  // Words the vocabulary holds (server/i18n/catalogue.py): the same on every page.
  const VOCABULARY_VALUES = {role: "role", kind: "device", state: "counter_state"};
  const HIDDEN = new Set(["id", "office", "counter_id", "printer_status", "printer_error",
    "printer_checked_at"]);
  const MAX_LINES = 12;
  const table = document.querySelector("#audit-table tbody");
  const filter = document.getElementById("audit-filter");
  let entries = [];

  function label(path) {
    // "settings" only groups the office's presentation options: leave it out.
    const shown = path.length > 1 && path[0] === "settings" ? path.slice(1) : path;
    return shown.map((key) => KEYS[key] || key).join(" › ");
  }

  function isPlain(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function text(value) {
    if (value === null || value === undefined || value === "") return "(trống)";
    if (value === true) return "có";
    if (value === false) return "không";
    if (typeof value === "string") return value;
    if (Array.isArray(value) && value.every((item) => !isPlain(item) && !Array.isArray(item))) {
      return value.length ? value.join(", ") : "(trống)";
    }
    if (Array.isArray(value) && value.every((item) => Array.isArray(item))) {
      return value.length ? value.map((item) => item.join("–")).join(", ") : "(trống)";
    }
    return JSON.stringify(value);
  }

  function short(value, key) {
    const group = VOCABULARY_VALUES[key];
    const named = (VALUES[key] && VALUES[key][value]) ||
      (group && typeof value === "string" ? A.label(group, value) : null);
    const out = named || text(value);
    return out.length > 120 ? out.slice(0, 117) + "…" : out;
  }

  /* Lists of fields, counters or classes: which were added, removed or changed. */
  function listChanges(path, before, after, lines) {
    const keyOf = (item) => item.code !== undefined ? item.code : item.number;
    const old = new Map(before.map((item) => [keyOf(item), item]));
    const now = new Map(after.map((item) => [keyOf(item), item]));
    const added = [...now.keys()].filter((key) => !old.has(key));
    const removed = [...old.keys()].filter((key) => !now.has(key));
    const changed = [...now.keys()].filter((key) => old.has(key) &&
      !A.same(old.get(key), now.get(key)));
    if (added.length) lines.push({key: label(path) + ": thêm", after: added.join(", ")});
    if (removed.length) lines.push({key: label(path) + ": bỏ", before: removed.join(", ")});
    for (const key of changed) diff([...path, String(key)], old.get(key), now.get(key), lines);
  }

  function diff(path, before, after, lines) {
    if (A.same(before, after)) return;
    const keyed = (list) => Array.isArray(list) && list.length && list.every((item) =>
      isPlain(item) && (item.code !== undefined || item.number !== undefined));
    if ((keyed(before) || keyed(after)) && Array.isArray(before) && Array.isArray(after)) {
      listChanges(path, before, after, lines);
      return;
    }
    const empty = (value) => value === null || value === undefined;
    if ((isPlain(before) || empty(before)) && (isPlain(after) || empty(after)) &&
        path.length < 3) {
      before = before || {};
      after = after || {};
      const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
      for (const key of keys) {
        if (!HIDDEN.has(key)) diff([...path, key], before[key], after[key], lines);
      }
      return;
    }
    if (text(before) === text(after)) return; // e.g. nothing → an empty list
    lines.push({key: label(path), name: path[path.length - 1], before: before, after: after,
                change: true});
  }

  function changeList(entry) {
    const lines = [];
    if (entry.after && (!entry.before || entry.action.endsWith(".create"))) {
      // Something new: what it was created with.
      for (const [key, value] of Object.entries(entry.after)) {
        if (!HIDDEN.has(key) && value !== null && value !== "") {
          lines.push({key: label([key]), name: key, after: value});
        }
      }
    } else if (entry.before && entry.after) {
      diff([], entry.before, entry.after, lines);
    }
    if (!lines.length) {
      return h("span", {class: "muted", text: entry.action === "device.token"
        ? "Mã cũ hết hiệu lực" : "—"});
    }
    const list = h("ul", {class: "diff"});
    for (const line of lines.slice(0, MAX_LINES)) {
      list.append(h("li", {},
        h("span", {class: "key", text: line.key + ": "}),
        line.change || line.before !== undefined
          ? h("span", {class: "old", text: short(line.before, line.name)}) : null,
        line.change ? h("span", {class: "arrow", text: "→"}) : null,
        line.after !== undefined || line.change
          ? h("span", {class: "new", text: short(line.after, line.name)}) : null));
    }
    if (lines.length > MAX_LINES) {
      list.append(h("li", {class: "muted", text: `… và ${lines.length - MAX_LINES} thay đổi khác`}));
    }
    return list;
  }

  function render() {
    A.clear(table);
    const kind = filter.value;
    const list = entries.filter((entry) => !kind || entry.action.split(".")[0] === kind);
    document.getElementById("audit-count").textContent = `${list.length} thay đổi`;
    if (!list.length) {
      table.append(h("tr", {class: "empty-row"},
        h("td", {colspan: 5, text: "Chưa có thay đổi nào."})));
    }
    const zone = A.page.office.timezone;
    for (const entry of list) {
      table.append(h("tr", {"data-action": entry.action},
        h("td", {class: "when", text: A.formatTime(entry.at, zone, true)}),
        h("td", {text: entry.user || "(hệ thống)"}),
        h("td", {text: ACTIONS[entry.action] || entry.action}),
        h("td", {class: "wrap", text: entry.target}),
        h("td", {}, changeList(entry))));
    }
  }

  async function load() {
    try {
      entries = await A.api("GET", A.officePath("/audit"));
      render();
    } catch (error) {
      A.fail(document.getElementById("audit-error"), error);
    }
  }

  filter.addEventListener("change", render);
  document.getElementById("audit-refresh").addEventListener("click", load);
  load();
})();
