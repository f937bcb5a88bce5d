/* /admin/config: export the office's configuration as a file; import one (read the file →
 * preview of what it holds and what will change → confirm → PUT /offices/X/config); admins
 * also create a new office, empty or from a file (POST /offices). */
(function () {
  "use strict";
  const A = window.LuotAdmin;
  const {h} = A;

  const MAX_BYTES = 60 * 1024; // the server takes bodies up to 64 KiB
  const DAYS = [["mon", "T2"], ["tue", "T3"], ["wed", "T4"], ["thu", "T5"], ["fri", "T6"],
    ["sat", "T7"], ["sun", "CN"]];

  // ---------------------------------------------------------------- reading a file

  function readFile(file) {
    return new Promise((resolve, reject) => {
      if (file.size > MAX_BYTES) {
        reject(new Error("Tệp quá lớn (tối đa 60 KB). Đây có phải tệp cấu hình của Lượt?"));
        return;
      }
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => reject(new Error("Không đọc được tệp."));
      reader.readAsText(file, "utf-8");
    });
  }

  /* The document in the file, or an Error saying in Vietnamese what is wrong with it. */
  async function parseDocument(file) {
    const text = await readFile(file);
    let doc;
    try {
      doc = JSON.parse(text.replace(/^\uFEFF/, ""));
    } catch {
      throw new Error("Tệp không phải JSON hợp lệ: hãy dùng tệp đã xuất từ Lượt.");
    }
    const problems = [];
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
      throw new Error("Tệp không phải tệp cấu hình của Lượt (cần một đối tượng JSON).");
    }
    if (!doc.code) problems.push("thiếu mã đơn vị (code)");
    const services = doc.services || [];
    if (!Array.isArray(services)) problems.push("“services” phải là một danh sách");
    const codes = new Set();
    for (const [i, item] of (Array.isArray(services) ? services : []).entries()) {
      if (!item || !item.code || !item.name) problems.push(`lĩnh vực thứ ${i + 1} thiếu mã hoặc tên`);
      else if (codes.has(item.code)) problems.push(`lĩnh vực “${item.code}” xuất hiện hai lần`);
      else codes.add(item.code);
      if (item && Number(item.number_start) > Number(item.number_end)) {
        problems.push(`lĩnh vực “${item.code}”: số đầu lớn hơn số cuối`);
      }
    }
    const counters = doc.counters || [];
    if (!Array.isArray(counters)) problems.push("“counters” phải là một danh sách");
    const numbers = new Set();
    for (const item of Array.isArray(counters) ? counters : []) {
      if (!item || !Number.isInteger(item.number)) {
        problems.push("có quầy thiếu số quầy");
        continue;
      }
      if (numbers.has(item.number)) problems.push(`quầy ${item.number} xuất hiện hai lần`);
      numbers.add(item.number);
      for (const code of item.services || []) {
        if (!codes.has(code)) problems.push(`quầy ${item.number} phục vụ lĩnh vực “${code}” không có trong tệp`);
      }
    }
    if (doc.priority_classes !== undefined && !Array.isArray(doc.priority_classes)) {
      problems.push("“priority_classes” phải là một danh sách");
    }
    if (problems.length) throw new Error("Tệp cấu hình chưa đúng: " + problems.join("; ") + ".");
    return doc;
  }

  // ---------------------------------------------------------------- describing a document

  function hoursText(hours) {
    if (!hours || !Object.keys(hours).length) return "Phát số cả ngày (không giới hạn giờ)";
    return DAYS.map(([key, label]) => {
      const periods = hours[key] || [];
      return `${label}: ` + (periods.length ? periods.map((p) => p.join("–")).join(", ") : "nghỉ");
    }).join(" · ");
  }

  function numbering(service) {
    const digits = service.digits || 3;
    const code = (n) => (service.prefix || "") + String(n).padStart(digits, "0");
    return `${code(service.number_start ?? 1)}–${code(service.number_end ?? 999)}`;
  }

  function describe(doc) {
    const settings = doc.settings || {};
    const services = doc.services || [];
    const counters = doc.counters || [];
    const classes = doc.priority_classes;
    const rating = settings.rating || {};
    const limit = doc.priority_streak_limit;
    return h("dl", {},
      h("dt", {text: "Đơn vị trong tệp"}), h("dd", {}, h("strong", {text: doc.code}), " — ",
        doc.name || "(không có tên)"),
      doc.address ? [h("dt", {text: "Địa chỉ"}), h("dd", {text: doc.address})] : null,
      h("dt", {text: `Lĩnh vực (${services.length})`}),
      h("dd", {}, services.length ? h("ul", {}, services.map((s) => h("li", {},
        h("span", {class: "code", text: s.code}), ` ${s.name} · ${numbering(s)}`,
        s.active === false ? " (tạm ngừng)" : ""))) : "Không có"),
      h("dt", {text: `Quầy (${counters.length})`}),
      h("dd", {}, counters.length ? h("ul", {}, counters.map((c) => h("li", {},
        `Quầy ${c.number}${c.name && c.name !== "Quầy " + c.number ? " — " + c.name : ""}: ` +
        ((c.services || []).join(", ") || "chưa có lĩnh vực")))) : "Không có"),
      h("dt", {text: "Đối tượng ưu tiên"}),
      h("dd", {text: classes === undefined ? "Mặc định (5 nhóm)"
        : classes.map((c) => c.name + (c.active === false ? " (tạm ngừng)" : "")).join(", ") ||
          "Không có"}),
      h("dt", {text: "Gọi xen kẽ"}),
      h("dd", {text: limit === undefined ? "Mặc định" : limit === null
        ? "Luôn gọi người ưu tiên trước" : `Tối đa ${limit} người ưu tiên liên tiếp`}),
      h("dt", {text: "Giờ nhận số"}), h("dd", {text: hoursText(settings.hours)}),
      h("dt", {text: "Ngày nghỉ"}),
      h("dd", {text: (settings.closed_days || []).join(", ") || "Không có"}),
      h("dt", {text: "Thông báo"}), h("dd", {text: settings.notice || "Không có"}),
      h("dt", {text: "Thang đánh giá"}),
      h("dd", {text: (rating.preset === "five" ? "Năm sao" : "Ba mức") +
        (rating.question ? ` · “${rating.question}”` : "")}));
  }

  /* What applying `doc` to the office now described by `current` changes. */
  function changes(current, doc) {
    const out = [];
    if (doc.name !== undefined && doc.name !== current.name) {
      out.push(`Tên đơn vị: “${current.name}” → “${doc.name}”`);
    }
    const mine = new Map((current.services || []).map((s) => [s.code, s]));
    const theirs = new Map((doc.services || []).map((s) => [s.code, s]));
    const added = [...theirs.keys()].filter((code) => !mine.has(code));
    const dropped = [...mine.keys()].filter((code) => !theirs.has(code) && mine.get(code).active);
    const altered = [...theirs.keys()].filter((code) => mine.has(code) &&
      Object.keys(theirs.get(code)).some((key) => key !== "sort_order" &&
        !A.same(theirs.get(code)[key], mine.get(code)[key])));
    if (added.length) out.push("Thêm lĩnh vực: " + added.join(", "));
    if (altered.length) out.push("Sửa lĩnh vực: " + altered.join(", "));
    if (dropped.length) {
      out.push("Tạm ngừng lĩnh vực không có trong tệp: " + dropped.join(", ") +
        " (vé cũ vẫn giữ nguyên)");
    }
    const counters = new Map((current.counters || []).map((c) => [c.number, c]));
    const newCounters = (doc.counters || []).filter((c) => !counters.has(c.number));
    const changedCounters = (doc.counters || []).filter((c) => counters.has(c.number) &&
      !A.same({name: c.name, services: c.services || []},
        {name: counters.get(c.number).name, services: counters.get(c.number).services}));
    if (newCounters.length) out.push("Thêm quầy: " + newCounters.map((c) => c.number).join(", "));
    if (changedCounters.length) {
      out.push("Sửa quầy: " + changedCounters.map((c) => c.number).join(", "));
    }
    const kept = (current.counters || []).filter((c) =>
      !(doc.counters || []).some((d) => d.number === c.number));
    if (kept.length) {
      out.push("Giữ nguyên các quầy không có trong tệp: " + kept.map((c) => c.number).join(", "));
    }
    if (doc.settings !== undefined && !A.same(doc.settings || {}, current.settings || {})) {
      out.push("Thay toàn bộ giờ nhận số, ngày nghỉ, thông báo và thang đánh giá bằng nội dung tệp");
    }
    return out;
  }

  // ---------------------------------------------------------------- import into this office

  const importForm = document.getElementById("import-form");
  const preview = document.getElementById("import-preview");

  async function showPreview(file) {
    A.clearErrors(importForm);
    preview.hidden = true;
    A.clear(preview);
    let doc;
    let current;
    try {
      doc = await parseDocument(file);
      current = await A.loadConfig();
    } catch (error) {
      A.formError(importForm, error.message);
      return;
    }
    const list = changes(current, doc);
    const other = doc.code !== A.office;
    const apply = h("button", {type: "button", class: "primary", id: "import-apply",
                               text: `Áp dụng vào ${A.office}`});
    const cancel = h("button", {type: "button", text: "Hủy", onclick: reset});
    const identity = ["name", "address", "district"];
    const differs = identity.some((key) => doc[key] !== undefined && doc[key] !== current[key]);
    const keep = h("input", {type: "checkbox", id: "import-keep-identity"});
    A.append(preview, [
      h("h3", {text: `Tệp “${file.name}” chứa`}),
      describe(doc),
      other ? h("p", {class: "hint",
        text: `Tệp được xuất từ đơn vị ${doc.code}; cấu hình sẽ được áp dụng cho ${A.office}.`})
        : null,
      h("h3", {text: "Những gì sẽ thay đổi ở " + A.office}),
      list.length ? h("ul", {class: "warn-list"}, list.map((line) => h("li", {text: line})))
        : h("p", {text: "Không có gì khác so với cấu hình hiện tại."}),
      differs ? h("label", {class: "check"}, keep,
        `Giữ nguyên tên, địa chỉ và huyện/tỉnh hiện tại của ${A.office} ` +
        "(chỉ lấy phần cấu hình từ tệp mẫu)") : null,
      h("p", {class: "row-actions"}, apply, cancel)]);
    preview.hidden = false;
    const body = () => {
      const out = {...doc, code: A.office};
      if (keep.checked) {
        for (const key of identity) {
          if (current[key] !== undefined) out[key] = current[key];
        }
      }
      return out;
    };
    apply.addEventListener("click", async () => {
      const done = await A.submitting(preview, apply, () =>
        A.api("PUT", A.officePath("/config"), body()));
      if (done) {
        reset();
        A.clear(preview).append(h("p", {class: "badge ok", id: "import-done",
          text: `Đã nhập cấu hình vào ${A.office}.`}));
        preview.hidden = false;
        A.notify("Đã nhập cấu hình.");
      }
    });
    preview.scrollIntoView({block: "nearest"});
  }

  function reset() {
    if (importForm) importForm.reset();
    preview.hidden = true;
    A.clear(preview);
  }

  if (importForm) {
    document.getElementById("import-file").addEventListener("change", (event) => {
      const file = event.target.files[0];
      if (file) showPreview(file);
    });
    importForm.addEventListener("submit", (event) => event.preventDefault());
    importForm.dataset.ready = "true"; // for tests: a file chosen from now on is read
  }

  // ---------------------------------------------------------------- a new office (admins)

  const createForm = document.getElementById("create-form");
  if (createForm) {
    let template = null;
    const info = document.getElementById("create-file-info");

    document.getElementById("create-file").addEventListener("change", async (event) => {
      A.clearErrors(createForm);
      template = null;
      info.textContent = "";
      const file = event.target.files[0];
      if (!file) return;
      try {
        template = await parseDocument(file);
      } catch (error) {
        A.setFieldError(createForm, "file", error.message);
        return;
      }
      info.textContent = `Mẫu “${file.name}”: ${(template.services || []).length} lĩnh vực, ` +
        `${(template.counters || []).length} quầy (từ đơn vị ${template.code}).`;
      if (!createForm.elements.name.value.trim() && template.name) {
        createForm.elements.name.value = template.name;
      }
    });

    createForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      A.clearErrors(createForm);
      const code = createForm.elements.code.value.trim();
      const name = createForm.elements.name.value.trim();
      const errors = [];
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(code)) {
        errors.push(["code", "Mã gồm chữ không dấu, số, “-” hoặc “_” (tối đa 32 ký tự)."]);
      } else if (A.page.offices.some((o) => o.code === code)) {
        errors.push(["code", `Đã có đơn vị mã “${code}”.`]);
      }
      if (!name) errors.push(["name", "Nhập tên đơn vị."]);
      if (errors.length) {
        for (const [field, message] of errors) A.setFieldError(createForm, field, message);
        return;
      }
      const body = {...(template || {}), code: code, name: name};
      const done = await A.submitting(createForm, document.getElementById("create-save"),
        () => A.api("POST", "/offices", body));
      if (done) {
        createForm.reset();
        template = null;
        info.textContent = "";
        A.clear(document.getElementById("create-done")).append(h("p", {},
          A.badge(`Đã tạo đơn vị ${code}.`, "ok"), " ",
          h("a", {href: "/admin" + A.officeQuery(code), id: "create-open",
                  text: `Mở trang quản trị của ${code}`})));
        A.notify(`Đã tạo đơn vị ${code}.`);
      }
    });
  }
})();
