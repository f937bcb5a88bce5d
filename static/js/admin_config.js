/* /admin/config: export the office's configuration as a file; import one (read the file →
 * preview of what it holds and what will change → confirm → PUT /offices/X/config); admins
 * also create a new office, empty or from a file (POST /offices). */
import * as A from "./lib/admin_kit.js";
import {h, t} from "./lib/admin_kit.js";
import {counterSubtitle} from "./lib/i18n.js";

const MAX_BYTES = 60 * 1024; // the server takes bodies up to 64 KiB
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

// ---------------------------------------------------------------- reading a file

function readFile(file) {
  return new Promise((resolve, reject) => {
    if (file.size > MAX_BYTES) {
      reject(new Error(t("admin.cfg.too_big")));
      return;
    }
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new Error(t("admin.cfg.unreadable")));
    reader.readAsText(file, "utf-8");
  });
}

/* The document in the file, or an Error saying in the page's language what is wrong with it. */
async function parseDocument(file) {
  const text = await readFile(file);
  let doc;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    throw new Error(t("admin.cfg.not_json"));
  }
  const problems = [];
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    throw new Error(t("admin.cfg.not_object"));
  }
  if (!doc.code) problems.push(t("admin.cfg.no_code"));
  const services = doc.services || [];
  if (!Array.isArray(services)) problems.push(t("admin.cfg.not_list", {name: "services"}));
  const codes = new Set();
  for (const [i, item] of (Array.isArray(services) ? services : []).entries()) {
    if (!item || !item.code || !item.name) problems.push(t("admin.cfg.field_unnamed", {n: i + 1}));
    else if (codes.has(item.code)) problems.push(t("admin.cfg.field_twice", {code: item.code}));
    else codes.add(item.code);
    if (item && Number(item.number_start) > Number(item.number_end)) {
      problems.push(t("admin.cfg.field_range", {code: item.code}));
    }
  }
  const counters = doc.counters || [];
  if (!Array.isArray(counters)) problems.push(t("admin.cfg.not_list", {name: "counters"}));
  const numbers = new Set();
  for (const item of Array.isArray(counters) ? counters : []) {
    if (!item || !Number.isInteger(item.number)) {
      problems.push(t("admin.cfg.counter_unnumbered"));
      continue;
    }
    if (numbers.has(item.number)) problems.push(t("admin.cfg.counter_twice", {number: item.number}));
    numbers.add(item.number);
    for (const code of item.services || []) {
      if (!codes.has(code)) problems.push(t("admin.cfg.counter_unknown_field", {number: item.number, code: code}));
    }
  }
  if (doc.priority_classes !== undefined && !Array.isArray(doc.priority_classes)) {
    problems.push(t("admin.cfg.not_list", {name: "priority_classes"}));
  }
  if (problems.length) throw new Error(t("admin.cfg.problems", {problems: problems.join("; ")}));
  return doc;
}

// ---------------------------------------------------------------- describing a document

function hoursText(hours) {
  if (!hours || !Object.keys(hours).length) return t("admin.cfg.all_day");
  return DAYS.map((key) => {
    const periods = hours[key] || [];
    return `${t("admin.day_short." + key)}: ` +
      (periods.length ? periods.map((p) => p.join("–")).join(", ") : t("admin.cfg.day_off"));
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
    h("dt", {text: t("admin.cfg.file_office")}), h("dd", {}, h("strong", {text: doc.code}), " — ",
      doc.name || t("admin.cfg.no_name")),
    doc.address ? [h("dt", {text: t("admin.cfg.address")}), h("dd", {text: doc.address})] : null,
    h("dt", {text: t("admin.cfg.fields_n", {n: services.length})}),
    h("dd", {}, services.length ? h("ul", {}, services.map((s) => h("li", {},
      h("span", {class: "code", text: s.code}), ` ${s.name} · ${numbering(s)}`,
      s.active === false ? t("admin.cfg.paused_suffix") : ""))) : t("admin.cfg.none")),
    h("dt", {text: t("admin.cfg.counters_n", {n: counters.length})}),
    h("dd", {}, counters.length ? h("ul", {}, counters.map((c) => h("li", {},
      t("console.counter_n", {number: c.number}) +
      (c.name && counterSubtitle(c.name) ? " — " + c.name : "") +
      ": " + ((c.services || []).join(", ") || t("admin.cfg.no_fields"))))) : t("admin.cfg.none")),
    h("dt", {text: t("admin.priority")}),
    h("dd", {text: classes === undefined ? t("admin.cfg.default_classes")
      : classes.map((c) => c.name + (c.active === false ? t("admin.cfg.paused_suffix") : "")).join(", ") ||
        t("admin.cfg.none")}),
    h("dt", {text: t("admin.cfg.interleave")}),
    h("dd", {text: limit === undefined ? t("admin.cfg.default") : limit === null
      ? t("admin.cfg.priority_always") : t("admin.cfg.priority_streak", {n: limit})}),
    h("dt", {text: t("admin.cfg.hours")}), h("dd", {text: hoursText(settings.hours)}),
    h("dt", {text: t("admin.cfg.closed_days")}),
    h("dd", {text: (settings.closed_days || []).join(", ") || t("admin.cfg.none")}),
    h("dt", {text: t("admin.cfg.notice")}), h("dd", {text: settings.notice || t("admin.cfg.none")}),
    h("dt", {text: t("admin.cfg.rating_scale")}),
    h("dd", {text: (rating.preset === "five" ? t("admin.cfg.five_stars") : t("admin.cfg.three_levels")) +
      (rating.question ? ` · “${rating.question}”` : "")}));
}

/* What applying `doc` to the office now described by `current` changes. */
function changes(current, doc) {
  const out = [];
  if (doc.name !== undefined && doc.name !== current.name) {
    out.push(t("admin.cfg.change_name", {old: current.name, new: doc.name}));
  }
  const mine = new Map((current.services || []).map((s) => [s.code, s]));
  const theirs = new Map((doc.services || []).map((s) => [s.code, s]));
  const added = [...theirs.keys()].filter((code) => !mine.has(code));
  const dropped = [...mine.keys()].filter((code) => !theirs.has(code) && mine.get(code).active);
  const altered = [...theirs.keys()].filter((code) => mine.has(code) &&
    Object.keys(theirs.get(code)).some((key) => key !== "sort_order" &&
      !A.same(theirs.get(code)[key], mine.get(code)[key])));
  if (added.length) out.push(t("admin.cfg.add_fields", {list: added.join(", ")}));
  if (altered.length) out.push(t("admin.cfg.edit_fields", {list: altered.join(", ")}));
  if (dropped.length) {
    out.push(t("admin.cfg.pause_fields", {list: dropped.join(", ")}));
  }
  const counters = new Map((current.counters || []).map((c) => [c.number, c]));
  const newCounters = (doc.counters || []).filter((c) => !counters.has(c.number));
  const changedCounters = (doc.counters || []).filter((c) => counters.has(c.number) &&
    !A.same({name: c.name, services: c.services || []},
      {name: counters.get(c.number).name, services: counters.get(c.number).services}));
  if (newCounters.length) out.push(t("admin.cfg.add_counters", {list: newCounters.map((c) => c.number).join(", ")}));
  if (changedCounters.length) {
    out.push(t("admin.cfg.edit_counters", {list: changedCounters.map((c) => c.number).join(", ")}));
  }
  const kept = (current.counters || []).filter((c) =>
    !(doc.counters || []).some((d) => d.number === c.number));
  if (kept.length) {
    out.push(t("admin.cfg.keep_counters", {list: kept.map((c) => c.number).join(", ")}));
  }
  if (doc.settings !== undefined && !A.same(doc.settings || {}, current.settings || {})) {
    out.push(t("admin.cfg.replace_settings"));
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
                             text: t("admin.cfg.apply_to", {office: A.office})});
  const cancel = h("button", {type: "button", text: t("console.cancel"), onclick: reset});
  const identity = ["name", "address", "district"];
  const differs = identity.some((key) => doc[key] !== undefined && doc[key] !== current[key]);
  const keep = h("input", {type: "checkbox", id: "import-keep-identity"});
  A.append(preview, [
    h("h3", {text: t("admin.cfg.file_holds", {file: file.name})}),
    describe(doc),
    other ? h("p", {class: "hint",
      text: t("admin.cfg.other_office", {from: doc.code, office: A.office})})
      : null,
    h("h3", {text: t("admin.cfg.what_changes", {office: A.office})}),
    list.length ? h("ul", {class: "warn-list"}, list.map((line) => h("li", {text: line})))
      : h("p", {text: t("admin.cfg.no_change")}),
    differs ? h("label", {class: "check"}, keep,
      t("admin.cfg.keep_identity", {office: A.office})) : null,
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
        text: t("admin.cfg.imported_into", {office: A.office})}));
      preview.hidden = false;
      A.notify(t("admin.cfg.imported"));
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
    info.textContent = t("admin.cfg.template_info", {
      file: file.name, fields: (template.services || []).length,
      counters: (template.counters || []).length, office: template.code,
    });
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
      errors.push(["code", t("admin.cfg.code_form")]);
    } else if (A.page.offices.some((o) => o.code === code)) {
      errors.push(["code", t("admin.cfg.code_taken", {code: code})]);
    }
    if (!name) errors.push(["name", t("admin.cfg.name_needed")]);
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
        A.badge(t("admin.cfg.created", {code: code}), "ok"), " ",
        h("a", {href: "/admin" + A.officeQuery(code), id: "create-open",
                text: t("admin.cfg.open_admin", {code: code})})));
      A.notify(t("admin.cfg.created", {code: code}));
    }
  });
}
