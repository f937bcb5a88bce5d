/*
 * province.js — the provincial overview (/admin/province): every commune centre at once.
 *
 * Everything comes from GET /api/v1/province/centres, fetched every `poll_ms`: what each
 * centre said of itself at its last contact (waiting, open counters, longest wait, served
 * today per office), how long ago that was, and how far behind its journal is. A centre
 * not heard from for `stale_after` seconds is marked "Mất liên lạc từ HH:MM": its figures
 * are the last it sent, shown faded, and left out of the province's totals.
 *
 * For tests: <main data-ready="true"> after the first fetch, data-fetches counts them.
 */
import {createApi, errorText} from "./lib/api.js";
import {el, readJson} from "./lib/dom.js";

(function () {

  const page = readJson("luot-page", {});
  const api = createApi({base: page.api});
  const root = document.getElementById("province");
  const $ = function (id) { return document.getElementById(id); };
  const number = new Intl.NumberFormat("vi-VN");
  const time = new Intl.DateTimeFormat("vi-VN", {
    hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "Asia/Ho_Chi_Minh",
  });
  const dayTime = new Intl.DateTimeFormat("vi-VN", {
    hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", hour12: false,
    timeZone: "Asia/Ho_Chi_Minh",
  });
  let fetches = 0;

  function ago(seconds) {
    if (seconds < 60) return seconds + " giây trước";
    if (seconds < 3600) return Math.floor(seconds / 60) + " phút trước";
    if (seconds < 86400) return Math.floor(seconds / 3600) + " giờ trước";
    return Math.floor(seconds / 86400) + " ngày trước";
  }

  function span(seconds) {
    if (seconds < 60) return seconds + " giây";
    if (seconds < 3600) return Math.floor(seconds / 60) + " phút";
    if (seconds < 86400) return Math.floor(seconds / 3600) + " giờ";
    return Math.floor(seconds / 86400) + " ngày";
  }

  function wait(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    const m = Math.floor(seconds / 60);
    return m < 60 ? m + " phút" : Math.floor(m / 60) + " giờ " + (m % 60) + " phút";
  }

  function when(iso) {
    const moment = new Date(iso);
    const sameDay = Date.now() - moment.getTime() < 20 * 3600 * 1000;
    return (sameDay ? time : dayTime).format(moment);
  }

  function sum(offices, key) {
    return offices.reduce(function (total, office) { return total + (office[key] || 0); }, 0);
  }

  function contact(centre) {
    if (centre.state === "revoked") {
      return el("span", {class: "pv-state pv-revoked", text: "Đã thu hồi"});
    }
    if (!centre.last_contact_at) {
      return el("span", {class: "pv-state pv-never",
                         text: centre.state === "invited" ? "Chưa tham gia" : "Chưa liên lạc"});
    }
    if (centre.stale) {
      return el("span", {class: "pv-state pv-stale"}, [
        el("strong", {text: "Mất liên lạc từ " + when(centre.last_contact_at)}),
        el("span", {class: "muted", text: " (" + span(centre.seconds_since_contact) + ")"}),
      ]);
    }
    return el("span", {class: "pv-state pv-online", text: ago(centre.seconds_since_contact)});
  }

  function resynced(centre) {
    const resync = centre.resync || {};
    const dropped = resync.dropped || {};
    const lost = dropped.ticket
      ? "; bỏ " + number.format(dropped.ticket) + " phiếu trung tâm không còn (ghi trong nhật ký)"
      : "";
    return "Đã nhận lại toàn bộ dữ liệu lúc " + when(resync.done_at) + lost;
  }

  function sync(centre) {
    const resync = centre.resync || {};
    if (resync.state === "diverged") {
      return el("span", {class: "pv-error",
        text: "Dữ liệu trung tâm khác bản ở tỉnh (trung tâm được khôi phục từ bản sao lưu?): "
          + "chờ trung tâm gửi lại toàn bộ"});
    }
    if (resync.state === "running") {
      const total = resync.end - resync.start + 1;
      const got = Math.max(Math.min(centre.received_seq, resync.end) - resync.start + 1, 0);
      return el("span", {class: "pv-lag",
        text: "Đang nhận lại toàn bộ dữ liệu sau khi trung tâm khôi phục: "
          + number.format(got) + "/" + number.format(total) + " bản ghi"});
    }
    if (centre.last_error) {
      return el("span", {class: "pv-error",
        text: "Bị từ chối: " + (centre.last_error_vi || centre.last_error)});
    }
    if (!centre.lag_entries) {
      if (resync.state === "done") {
        return el("span", {class: "pv-synced"}, [
          "Đủ", el("span", {class: "muted", text: " · " + resynced(centre)}),
        ]);
      }
      return el("span", {class: "pv-synced", text: centre.received_seq ? "Đủ" : "—"});
    }
    return el("span", {
      class: "pv-lag",
      text: "Còn " + number.format(centre.lag_entries) + " bản ghi"
        + (centre.lag_seconds ? ", chậm " + span(centre.lag_seconds) : ""),
    });
  }

  function unsettled(centre) {
    const state = (centre.resync || {}).state;
    return state === "diverged" || state === "running" ? 1 : 0;
  }

  function template(centre) {
    if (!centre.template) return "—";
    const report = centre.template_report || {};
    const failed = Object.entries(report.offices || {}).filter(function (item) {
      return item[1].error;
    });
    if (failed.length) {
      return el("span", {class: "pv-error", text: centre.template + " v" + report.version
        + ": không áp dụng được (" + failed[0][1].error + ")"});
    }
    if (centre.template_applied !== centre.template_version) {
      return el("span", {class: "pv-lag", text: centre.template + " v"
        + centre.template_version + ": chờ trung tâm nhận"});
    }
    const kept = Object.values(report.offices || {}).reduce(function (n, office) {
      return n + (office.kept || []).length;
    }, 0);
    return centre.template + " v" + centre.template_applied
      + (kept ? " · " + kept + " giá trị riêng của trung tâm" : "");
  }

  function row(centre) {
    const offices = centre.offices || [];
    const longest = offices.reduce(function (worst, office) {
      const value = office.longest_wait_seconds;
      return value !== null && value !== undefined && (worst === null || value > worst)
        ? value : worst;
    }, null);
    const names = offices.map(function (office) { return office.name; }).join(", ");
    const figure = function (text) { return offices.length ? text : "—"; };
    return el("tr", {
      class: centre.stale ? "pv-row stale" : "pv-row",
      "data-centre": centre.code,
      "data-stale": String(!!centre.stale),
    }, [
      el("th", {scope: "row"}, [
        el("span", {class: "pv-name", text: centre.name}),
        el("span", {class: "muted pv-code", text: centre.code + (names ? " · " + names : "")}),
      ]),
      el("td", {}, [contact(centre)]),
      el("td", {}, [sync(centre)]),
      el("td", {class: "num", "data-figure": "waiting",
                text: figure(number.format(sum(offices, "waiting")))}),
      el("td", {class: "num", "data-figure": "open",
                text: figure(sum(offices, "open_counters") + "/" + sum(offices, "counters"))}),
      el("td", {class: "num", text: wait(longest)}),
      el("td", {class: "num", "data-figure": "served",
                text: figure(number.format(sum(offices, "served_today")))}),
      el("td", {}, [template(centre)]),
    ]);
  }

  /** How bad a centre's state is, 0 the worst: lost contact, a refused sync, data being
   *  sent again, entries behind, fine; then those never heard from, then revoked ones. */
  function rank(centre) {
    if (centre.state === "revoked") return 6;
    if (!centre.last_contact_at) return 5;
    if (centre.stale) return 0;
    if (centre.last_error) return 1;
    if (unsettled(centre)) return 2;
    return centre.lag_entries ? 3 : 4;
  }

  /** Which rows the search box and the filter let through. */
  function shown(centre) {
    const query = $("centre-search").value.trim().toLocaleLowerCase("vi");
    const names = [centre.name, centre.code].concat((centre.offices || []).map(function (o) {
      return o.name;
    })).join(" ").toLocaleLowerCase("vi");
    if (query && names.indexOf(query) < 0) return false;
    const wanted = $("centre-filter").value;
    const level = rank(centre);
    return wanted === "all" || (wanted === "problems" && level <= 3)
      || (wanted === "lost" && level === 0) || (wanted === "refused" && level === 1)
      || (wanted === "never" && level === 5);
  }

  let latest = [];

  function render(centres) {
    latest = centres;
    const live = centres.filter(function (c) { return c.state === "joined" && !c.stale; });
    // Every centre registered and not revoked counts, joined or not yet.
    const registered = centres.filter(function (c) { return c.state !== "revoked"; });
    const joined = centres.filter(function (c) { return c.state === "joined"; });
    const offices = live.flatMap(function (c) { return c.offices || []; });
    $("online").textContent = live.length + "/" + registered.length;
    const lost = joined.filter(function (c) { return c.stale; }).length;
    const never = registered.length - joined.length;
    const notes = [];
    if (lost) notes.push(lost + " trung tâm mất liên lạc");
    if (never) notes.push(never + " chưa tham gia");
    $("online-note").textContent = notes.length ? notes.join(" · ") : "\u00a0";
    $("waiting").textContent = number.format(sum(offices, "waiting"));
    $("open-counters").textContent = number.format(sum(offices, "open_counters"));
    $("served").textContent = number.format(sum(offices, "served_today"));
    const body = $("centres").querySelector("tbody");
    // The worst first (rank), then the longest backlog.
    const ordered = centres.filter(shown).sort(function (a, b) {
      return (rank(a) - rank(b)) || ((b.lag_entries || 0) - (a.lag_entries || 0))
        || a.code.localeCompare(b.code);
    });
    body.replaceChildren.apply(body, ordered.map(row));
    $("centre-count").textContent = ordered.length === centres.length ? ""
      : "Đang hiện " + ordered.length + "/" + centres.length + " trung tâm";
    $("empty").hidden = centres.length > 0;
  }

  async function load() {
    const result = await api.request("GET", "/province/centres");
    if (result.ok) {
      fetches += 1;
      render(result.data);
      $("error").hidden = true;
      $("conn").dataset.state = "online";
      $("conn").textContent = "Trực tuyến";
      $("updated").textContent = time.format(new Date());
      root.dataset.fetches = String(fetches);
      root.dataset.ready = "true";
    } else {
      $("error").textContent = "Không tải được số liệu: " + errorText(result);
      $("error").hidden = false;
      $("conn").dataset.state = "offline";
      $("conn").textContent = "Mất kết nối";
    }
    setTimeout(load, page.poll_ms || 5000);
  }

  $("centre-search").addEventListener("input", function () { render(latest); });
  $("centre-filter").addEventListener("change", function () { render(latest); });
  load();
})();
