/* Lượt kiosk: the touchscreen page where citizens take a ticket.
 *
 * Screens: start (choose a field, paged) → priority (optional) → busy → ticket, plus retry
 * (network trouble) and refused (the server said no: field closed, outside hours, ...).
 *
 * Taps are never taken twice: every button is disabled the moment a ticket request starts,
 * an in-flight flag refuses a second request, and each new screen ignores taps for a short
 * moment so the second half of a double tap cannot land on what appeared under the finger.
 * Issuing is never retried automatically; "Thử lại" waits for a request still on its way
 * instead of sending a second one, and sends anew (same Idempotency-Key) only after the
 * earlier one failed.
 *
 * A keyboard-mode CCCD scanner is recognised on any screen: a fast burst of keys ending in
 * Enter. A serial scanner's reads arrive from the kiosk agent as `cccd_scanned` in the
 * device's Socket.IO room, as do `print_status` reports of this kiosk's printer.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("kiosk-config").textContent);
  var OFFICE = config.office.code;
  var OPTS = config.options;
  var API = "/api/v1/offices/" + encodeURIComponent(OFFICE);
  var TOKEN_KEY = "luot.kiosk.token." + OFFICE;
  var ARM_MS = 450;          // a new screen ignores taps this long
  var TOAST_MS = 7000;
  var PRINT_WAIT_MS = 20000; // no print report by then: say so
  var REFRESH_MS = 60000;    // waiting counts on the start screen

  var STRINGS = {
    vi: {
      lang_toggle: "English",
      choose_service: "Mời chọn lĩnh vực",
      choose_service_hint: "Chạm vào lĩnh vực bạn cần làm thủ tục",
      prev_page: "Trang trước",
      next_page: "Trang sau",
      page_of: "Trang {n}/{total}",
      other_services: "Lĩnh vực khác",
      continued: "(tiếp)",
      no_services: "Hiện chưa có lĩnh vực nào nhận hồ sơ. Vui lòng hỏi cán bộ hướng dẫn.",
      waiting_none: "Không có người chờ",
      waiting_n: "{n} người đang chờ",
      eta_n: "khoảng {n} phút",
      your_service: "Lĩnh vực",
      priority_q: "Bạn có thuộc diện ưu tiên không?",
      priority_hint: "Chạm vào nhóm của bạn. Nếu không thuộc nhóm nào, chọn “Không ưu tiên”.",
      suggested: "Dành cho bạn",
      back: "Quay lại",
      no_priority: "Không ưu tiên",
      no_priority_sub: "Tiếp tục lấy số",
      issuing: "Đang lấy số…",
      issuing_hint: "Vui lòng chờ trong giây lát",
      your_number: "Số thứ tự của bạn",
      ahead: "Số người trước bạn",
      ahead_none: "Không có ai",
      ahead_n: "{n} người",
      wait: "Thời gian chờ dự kiến",
      wait_none: "Sắp đến lượt",
      wait_n: "Khoảng {n} phút",
      priority_ticket: "Ưu tiên: {name}",
      qr_caption: "Quét mã bằng điện thoại để theo dõi lượt của bạn",
      print_none: "Máy này không in vé — vui lòng nhớ số của bạn hoặc chụp ảnh màn hình.",
      print_pending: "Đang in vé…",
      print_printed: "Đã in vé. Mời bạn nhận vé.",
      print_failed:
        "Máy in đang gặp sự cố — vui lòng nhớ số của bạn hoặc chụp ảnh màn hình.",
      print_unknown:
        "Nếu không nhận được vé in, vui lòng nhớ số của bạn hoặc chụp ảnh màn hình.",
      countdown: "Màn hình tự quay về sau {n} giây",
      done: "Xong",
      retry: "Thử lại",
      home: "Về đầu",
      retry_network_title: "Không kết nối được máy chủ",
      retry_timeout_title: "Máy chủ phản hồi chậm",
      retry_server_title: "Hệ thống đang bận",
      retry_message:
        "Chưa lấy được số. Vui lòng chạm “Thử lại”. Nếu vẫn không được, xin báo cán bộ hướng dẫn.",
      retry_maybe: "Nếu máy đã in vé cho bạn, bạn không cần lấy số lại.",
      hours_title: "Ngoài giờ làm việc",
      hours_message:
        "Bộ phận một cửa hiện không nhận hồ sơ. Vui lòng quay lại trong giờ làm việc.",
      closed_title: "Lĩnh vực này hiện chưa nhận hồ sơ",
      closed_message:
        "Có thể đang ngoài giờ làm việc hoặc lĩnh vực tạm ngừng. Vui lòng hỏi cán bộ hướng dẫn.",
      device_title: "Máy lấy số chưa được cấp quyền",
      device_message: "Vui lòng báo cán bộ hướng dẫn.",
      scan_expired_title: "Thông tin thẻ căn cước đã hết hạn",
      scan_expired_message: "Vui lòng quét lại thẻ, hoặc lấy số không cần thẻ.",
      refused_title: "Không lấy được số",
      refused_message: "Vui lòng hỏi cán bộ hướng dẫn.",
      server_says: "Hệ thống báo: {message}",
      hello_name: "Xin chào {name}",
      hello: "Xin chào quý khách",
      greet_elderly: "Quý khách từ {age} tuổi trở lên được ưu tiên. Mời chọn lĩnh vực.",
      greet_ok: "Đã đọc thẻ căn cước. Mời chọn lĩnh vực.",
      scan_failed: "Không đọc được thẻ. Vui lòng quét lại.",
      scan_offline: "Không kết nối được máy chủ. Vui lòng quét lại sau.",
      scan_wait: "Vui lòng chờ lấy số xong rồi quét thẻ.",
    },
    en: {
      lang_toggle: "Tiếng Việt",
      choose_service: "Please choose a service",
      choose_service_hint: "Touch the service you came for",
      prev_page: "Previous",
      next_page: "Next",
      page_of: "Page {n} of {total}",
      other_services: "Other services",
      continued: "(continued)",
      no_services: "No service is taking tickets right now. Please ask a staff member.",
      waiting_none: "Nobody waiting",
      waiting_n: "{n} waiting",
      eta_n: "about {n} min",
      your_service: "Service",
      priority_q: "Do you have priority?",
      priority_hint: "Touch your group. If none applies, choose “No priority”.",
      suggested: "For you",
      back: "Back",
      no_priority: "No priority",
      no_priority_sub: "Continue",
      issuing: "Getting your number…",
      issuing_hint: "Please wait a moment",
      your_number: "Your number",
      ahead: "People ahead of you",
      ahead_none: "Nobody",
      ahead_n: "{n}",
      wait: "Estimated wait",
      wait_none: "Very soon",
      wait_n: "About {n} minutes",
      priority_ticket: "Priority: {name}",
      qr_caption: "Scan with your phone to follow your turn",
      print_none: "This kiosk does not print — please remember your number or take a photo.",
      print_pending: "Printing your ticket…",
      print_printed: "Your ticket is printed. Please take it.",
      print_failed:
        "The printer has a problem — please remember your number or take a photo of the screen.",
      print_unknown:
        "If no ticket comes out, please remember your number or take a photo of the screen.",
      countdown: "Returning to the start in {n} s",
      done: "Done",
      retry: "Try again",
      home: "Start over",
      retry_network_title: "Cannot reach the server",
      retry_timeout_title: "The server is slow to answer",
      retry_server_title: "The system is busy",
      retry_message:
        "You have no number yet. Please touch “Try again”. If it still fails, ask a staff member.",
      retry_maybe: "If a ticket was printed for you, you do not need another one.",
      hours_title: "Outside opening hours",
      hours_message: "The office is not taking tickets now. Please come back during opening hours.",
      closed_title: "This service is not taking tickets now",
      closed_message:
        "It may be outside opening hours or the service is paused. Please ask a staff member.",
      device_title: "This kiosk is not authorised",
      device_message: "Please tell a staff member.",
      scan_expired_title: "The ID card reading has expired",
      scan_expired_message: "Please scan your card again, or take a number without it.",
      refused_title: "Could not get a number",
      refused_message: "Please ask a staff member.",
      server_says: "The system says: {message}",
      hello_name: "Hello, {name}",
      hello: "Hello",
      greet_elderly: "You are {age} or over and have priority. Please choose a service.",
      greet_ok: "Your ID card was read. Please choose a service.",
      scan_failed: "Could not read the card. Please scan again.",
      scan_offline: "Cannot reach the server. Please scan again later.",
      scan_wait: "Please wait for your number, then scan your card.",
    },
  };

  var state = {
    lang: "vi",
    screen: "start",
    services: config.services || [],
    classes: config.priority_classes || [],
    pages: [],
    page: 0,
    perPage: null,
    service: null,
    citizen: null,    // {name, elderly, age, threshold, token}
    intent: null,     // {service, priority, citizen, key}: what the citizen asked for
    inflight: null,   // the one ticket request on its way, if any
    retryKind: null,
    refused: null,    // {kind, message}
    ticket: null,
    printStatus: {},  // print job id → status, from print_status (may beat the answer)
    printState: "none",
    locked: false,
    remaining: 0,
    lastTouch: Date.now(),
    token: null,
    device: null,
    socket: null,
  };

  var el = function (id) { return document.getElementById(id); };
  var root = el("kiosk");
  var timers = { arm: null, countdown: null, print: null, toast: null, request: null };

  // ------------------------------------------------------------------ text

  function t(key, params) {
    var text = (STRINGS[state.lang] && STRINGS[state.lang][key]) || STRINGS.vi[key] || key;
    if (params) {
      Object.keys(params).forEach(function (name) {
        text = text.split("{" + name + "}").join(String(params[name]));
      });
    }
    return text;
  }

  function named(item) {
    // Fields and classes carry name (vi) and name_en (may be empty).
    if (state.lang === "en" && item.name_en) return item.name_en;
    return item.name;
  }

  function applyLang() {
    document.documentElement.lang = state.lang;
    root.querySelectorAll("[data-t]").forEach(function (node) {
      node.textContent = t(node.getAttribute("data-t"));
    });
    el("k-lang").setAttribute("lang", state.lang === "vi" ? "en" : "vi");
    renderGreeting();
    if (state.screen === "start") fitServices();
    else state.perPage = null;
    if (state.screen === "priority") renderPriority();
    if (state.screen === "ticket") renderTicket();
    if (state.screen === "retry") renderRetry();
    if (state.screen === "refused") renderRefused();
  }

  // ------------------------------------------------------------------ screens and taps

  function buttons() {
    return root.querySelectorAll("button");
  }

  function setLocked(locked) {
    state.locked = locked;
    buttons().forEach(function (b) { b.disabled = locked; });
  }

  function show(screen) {
    state.screen = screen;
    root.setAttribute("data-screen", screen);
    root.querySelectorAll(".k-screen").forEach(function (section) {
      section.hidden = section.id !== "screen-" + screen;
    });
    el("k-greeting").hidden = !(state.citizen && (screen === "start" || screen === "priority"));
    // Whatever the finger was on is gone: ignore taps until the new screen is settled.
    clearTimeout(timers.arm);
    setLocked(true);
    if (screen !== "busy") {
      timers.arm = setTimeout(function () {
        if (state.screen === screen) setLocked(false);
      }, ARM_MS);
    }
    if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
  }

  function button(className, onTap) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "k-btn " + className;
    b.disabled = state.locked;
    tap(b, onTap);
    return b;
  }

  function tap(node, onTap) {
    node.addEventListener("click", function (event) {
      event.preventDefault();
      if (node.blur) node.blur(); // a scanner's Enter or Space must never press it again
      if (state.locked || node.disabled) return;
      touch();
      onTap(event);
    });
  }

  function touch() {
    state.lastTouch = Date.now();
  }

  // ------------------------------------------------------------------ start: fields, paged

  function groups() {
    var services = state.services;
    if (!OPTS.groups || !OPTS.groups.length) return [{ title: null, services: services }];
    var byCode = {};
    services.forEach(function (s) { byCode[s.code] = s; });
    var used = {};
    var result = [];
    OPTS.groups.forEach(function (g) {
      var items = g.services
        .map(function (code) { return byCode[code]; })
        .filter(function (s) { return s && !used[s.code]; });
      items.forEach(function (s) { used[s.code] = true; });
      if (items.length) result.push({ title: g.title, title_en: g.title_en, services: items });
    });
    var rest = services.filter(function (s) { return !used[s.code]; });
    if (rest.length) {
      result.push({ title: result.length ? "other" : null, other: true, services: rest });
    }
    return result;
  }

  function paginate(perPage) {
    // A group starts a new page when it does not fit the rest of this one; a group larger
    // than a page is split, and its later parts say "(tiếp)".
    var pages = [];
    var page = [];
    var count = 0;
    groups().forEach(function (g) {
      var items = g.services;
      var first = true;
      while (items.length) {
        if (count > 0 && items.length > perPage - count) {
          pages.push(page);
          page = [];
          count = 0;
        }
        var take = items.slice(0, perPage - count);
        page.push({ group: g, continued: !first, services: take });
        count += take.length;
        items = items.slice(take.length);
        first = false;
        if (count >= perPage) {
          pages.push(page);
          page = [];
          count = 0;
        }
      }
    });
    if (page.length) pages.push(page);
    return pages;
  }

  function groupTitle(group) {
    if (group.other) return t("other_services");
    if (state.lang === "en" && group.title_en) return group.title_en;
    return group.title;
  }

  function serviceMeta(s) {
    var parts = [s.waiting ? t("waiting_n", { n: s.waiting }) : t("waiting_none")];
    if (s.waiting && s.eta_minutes) parts.push(t("eta_n", { n: s.eta_minutes }));
    return parts.join(" · ");
  }

  function renderPage() {
    var box = el("k-services");
    box.textContent = "";
    var page = state.pages[state.page] || [];
    page.forEach(function (part) {
      var block = document.createElement("div");
      block.className = "k-group";
      var title = groupTitle(part.group);
      if (title) {
        var h = document.createElement("h2");
        h.className = "k-group-title";
        h.textContent = title + (part.continued ? " " + t("continued") : "");
        block.appendChild(h);
      }
      var grid = document.createElement("div");
      grid.className = "k-grid";
      part.services.forEach(function (s) {
        var b = button("k-service", function () { chooseService(s.code); });
        b.setAttribute("data-code", s.code);
        var name = document.createElement("span");
        name.className = "k-service-name";
        name.textContent = named(s);
        var meta = document.createElement("span");
        meta.className = "k-service-meta";
        meta.textContent = serviceMeta(s);
        b.appendChild(name);
        b.appendChild(meta);
        grid.appendChild(b);
      });
      block.appendChild(grid);
      box.appendChild(block);
    });
    var many = state.pages.length > 1;
    el("k-pager").hidden = !many;
    el("k-page-of").textContent = t("page_of", { n: state.page + 1, total: state.pages.length });
    el("k-prev").disabled = state.locked || state.page === 0;
    el("k-next").disabled = state.locked || state.page >= state.pages.length - 1;
    el("k-prev").classList.toggle("k-invisible", state.page === 0);
    el("k-next").classList.toggle("k-invisible", state.page >= state.pages.length - 1);
    el("k-no-services").hidden = state.services.length > 0;
  }

  function overflows() {
    var box = el("k-services");
    return box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;
  }

  function fitServices() {
    // As many buttons per page as the settings allow and the screen holds, never scrolling.
    if (state.screen !== "start") {
      state.perPage = null;
      return;
    }
    var most = OPTS.services_per_page || 12;
    var per = Math.max(1, Math.min(most, state.services.length || 1));
    for (;;) {
      state.pages = paginate(per);
      var fits = true;
      for (var i = 0; i < state.pages.length && fits; i++) {
        state.page = i;
        renderPage();
        fits = !overflows();
      }
      if (fits || per === 1) break;
      per -= 1;
    }
    state.perPage = per;
    state.page = Math.min(state.wantedPage || 0, state.pages.length - 1);
    renderPage();
  }

  function goPage(delta) {
    var next = state.page + delta;
    if (next < 0 || next >= state.pages.length) return;
    state.page = next;
    state.wantedPage = next;
    renderPage();
    // A double tap on "Trang sau" must not skip a page.
    setLocked(true);
    clearTimeout(timers.arm);
    timers.arm = setTimeout(function () {
      if (state.screen === "start") {
        setLocked(false);
        renderPage();
      }
    }, ARM_MS);
  }

  function sameCodes(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) {
      if (a[i].code !== b[i].code || named(a[i]) !== named(b[i])) return false;
    }
    return true;
  }

  function updateServices(services) {
    var same = sameCodes(services, state.services);
    state.services = services;
    if (state.screen !== "start") return;
    if (!same || state.perPage === null) {
      fitServices();
      return;
    }
    // Only the counts changed: update in place, so no button moves under a finger.
    services.forEach(function (s) {
      var b = el("k-services").querySelector('[data-code="' + CSS.escape(s.code) + '"]');
      if (b) b.querySelector(".k-service-meta").textContent = serviceMeta(s);
    });
  }

  function refreshCatalog() {
    getJson(API + "/services", 5000).then(function (r) {
      if (r.status === 200 && Array.isArray(r.data)) updateServices(r.data);
    }, function () { /* keep what we have */ });
    getJson(API + "/priority-classes", 5000).then(function (r) {
      if (r.status === 200 && Array.isArray(r.data)) state.classes = r.data;
    }, function () {});
  }

  function goStart(options) {
    options = options || {};
    if (state.inflight && !state.inflight.settled) abandon(state.inflight);
    state.intent = null;
    state.service = null;
    state.ticket = null;
    state.refused = null;
    state.retryKind = null;
    clearInterval(timers.countdown);
    clearTimeout(timers.print);
    if (!options.keepCitizen) state.citizen = null;
    if (options.fresh) {
      state.lang = "vi";
      state.wantedPage = 0;
    }
    show("start");
    applyLang();
    refreshCatalog();
  }

  function chooseService(code) {
    var service = state.services.filter(function (s) { return s.code === code; })[0];
    if (!service || state.inflight) return;
    state.service = service;
    if (OPTS.ask_priority && state.classes.length) {
      show("priority");
      renderPriority();
    } else {
      issue(null);
    }
  }

  // ------------------------------------------------------------------ priority

  function renderPriority() {
    if (!state.service) return;
    el("k-chosen-service").textContent = named(state.service);
    var box = el("k-classes");
    box.textContent = "";
    var suggested = state.citizen && state.citizen.elderly ? OPTS.elderly_class : null;
    var classes = state.classes.slice();
    classes.sort(function (a, b) {
      return (b.code === suggested) - (a.code === suggested);
    });
    box.classList.toggle("k-classes-many", classes.length > 7);
    classes.forEach(function (c) {
      var isSuggested = c.code === suggested;
      var b = button("k-class" + (isSuggested ? " k-suggested" : ""), function () {
        issue(c.code);
      });
      b.setAttribute("data-code", c.code);
      if (isSuggested) {
        b.setAttribute("aria-pressed", "true");
        var badge = document.createElement("span");
        badge.className = "k-badge";
        badge.textContent = t("suggested");
        b.appendChild(badge);
      }
      var name = document.createElement("span");
      name.className = "k-class-name";
      name.textContent = named(c);
      b.appendChild(name);
      box.appendChild(b);
    });
    el("k-no-priority").classList.toggle("k-primary", !suggested);
    el("k-no-priority").classList.toggle("k-secondary", !!suggested);
    fitClasses();
  }

  function fitClasses() {
    // Never scroll: tighter buttons, then a third column, until every class shows.
    var section = el("screen-priority");
    var box = el("k-classes");
    var steps = ["k-compact", "k-classes-3"];
    steps.forEach(function (name) { section.classList.remove(name); });
    for (var i = 0; i < steps.length; i++) {
      if (box.scrollHeight <= box.clientHeight + 1) return;
      section.classList.add(steps[i]);
    }
  }

  // ------------------------------------------------------------------ issuing

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (x) {
      return ("0" + x.toString(16)).slice(-2);
    }).join("");
  }

  function issue(priority) {
    // The guard: one ticket per tap, whatever the fingers do.
    if (state.inflight || !state.service || state.screen === "busy") return;
    state.intent = {
      service: state.service.code,
      priority: priority,
      citizen: state.citizen ? state.citizen.token : null,
      key: newKey(),
    };
    send(state.intent);
  }

  function send(intent) {
    var controller = window.AbortController ? new AbortController() : null;
    var attempt = { intent: intent, settled: false, abandoned: false, controller: controller };
    state.inflight = attempt;
    show("busy");
    var headers = { "Idempotency-Key": intent.key };
    attempt.promise = sendJson("POST", API + "/tickets", {
      service: intent.service,
      priority: intent.priority,
      citizen: intent.citizen,
    }, headers, controller && controller.signal);
    attempt.promise.then(function (r) {
      settle(attempt);
      if (attempt.abandoned || state.intent !== intent) return;
      answered(r);
    }, function () {
      settle(attempt);
      if (attempt.abandoned || state.intent !== intent) return;
      showRetry("network");
    });
    watch(attempt);
  }

  function settle(attempt) {
    attempt.settled = true;
    clearTimeout(timers.request);
    if (state.inflight === attempt) state.inflight = null;
  }

  function watch(attempt) {
    clearTimeout(timers.request);
    timers.request = setTimeout(function () {
      // Slow, not failed: the request stays on its way (it may yet give the ticket).
      if (!attempt.settled && state.screen === "busy") showRetry("timeout");
    }, OPTS.request_timeout_seconds * 1000);
  }

  function abandon(attempt) {
    attempt.abandoned = true;
    if (attempt.controller) attempt.controller.abort();
    settle(attempt);
  }

  function answered(r) {
    if (r.status === 201 && r.data && r.data.code) {
      showTicket(r.data);
      return;
    }
    // 429: this kiosk (or address) asked too often; a retry in a moment is the answer.
    if (r.status >= 500 || r.status === 0 || r.status === 429) {
      showRetry("server");
      return;
    }
    var data = r.data || {};
    var kind = "refused";
    if (data.error === "closed") kind = "hours";
    else if (r.status === 409) kind = "closed";
    else if (r.status === 401 || r.status === 403) kind = "device";
    else if (data.fields && data.fields.citizen) {
      kind = "scan_expired";
      state.citizen = null;
    }
    if (r.status === 409 || r.status === 404) refreshCatalog();
    showRefused(kind, data.message || "");
  }

  function retry() {
    var intent = state.intent;
    if (!intent) {
      goStart({});
      return;
    }
    var pending = state.inflight;
    if (pending && !pending.settled && pending.intent === intent) {
      // The first request may still succeed: wait for it rather than send a second one.
      show("busy");
      watch(pending);
      return;
    }
    send(intent);
  }

  // ------------------------------------------------------------------ result screens

  function showTicket(ticket) {
    state.ticket = ticket;
    state.citizen = null;
    state.intent = null;
    var job = ticket.print_job;
    if (!job) state.printState = "none";
    else state.printState = state.printStatus[job.id] || job.status || "pending";
    show("ticket");
    renderTicket();
    el("k-qr").src = "/kiosk/qr.svg?data=" + encodeURIComponent(ticket.track_url);
    clearTimeout(timers.print);
    if (job && !isFinal(state.printState)) {
      timers.print = setTimeout(function () {
        if (state.ticket === ticket && !isFinal(state.printState)) setPrintState("unknown");
      }, PRINT_WAIT_MS);
    }
    startCountdown(OPTS.return_seconds);
  }

  function isFinal(status) {
    return status === "printed" || status === "failed" || status === "unknown";
  }

  function renderTicket() {
    var ticket = state.ticket;
    if (!ticket) return;
    el("k-number").textContent = ticket.code;
    el("k-ticket-service").textContent = ticket.service ? named(ticket.service) : "";
    var cls = ticket.priority && state.classes.filter(function (c) {
      return c.code === ticket.priority;
    })[0];
    el("k-ticket-priority").hidden = !ticket.priority;
    el("k-ticket-priority").textContent = ticket.priority
      ? t("priority_ticket", { name: cls ? named(cls) : ticket.priority }) : "";
    el("k-ahead").textContent = ticket.ahead ? t("ahead_n", { n: ticket.ahead }) : t("ahead_none");
    el("k-eta").textContent = ticket.eta_minutes
      ? t("wait_n", { n: ticket.eta_minutes }) : t("wait_none");
    renderPrint();
    renderCountdown();
  }

  function renderPrint() {
    var line = el("k-print");
    var status = state.printState;
    var key = {
      none: "print_none", pending: "print_pending", printing: "print_pending",
      printed: "print_printed", failed: "print_failed", unknown: "print_unknown",
    }[status] || "print_pending";
    line.setAttribute("data-state", status === "printing" ? "pending" : status);
    line.textContent = t(key);
  }

  function setPrintState(status) {
    var before = state.printState;
    state.printState = status;
    renderPrint();
    if ((status === "failed" || status === "unknown") && before !== status) {
      // Time to remember the number or take a photo.
      state.remaining = Math.max(state.remaining, OPTS.return_seconds);
      renderCountdown();
    }
  }

  function onPrintStatus(report) {
    if (!report || report.id == null) return;
    state.printStatus[report.id] = report.status;
    var ids = Object.keys(state.printStatus);
    if (ids.length > 50) delete state.printStatus[ids[0]];
    var job = state.ticket && state.ticket.print_job;
    if (state.screen === "ticket" && job && job.id === report.id) setPrintState(report.status);
  }

  function startCountdown(seconds) {
    clearInterval(timers.countdown);
    state.remaining = seconds;
    renderCountdown();
    timers.countdown = setInterval(function () {
      state.remaining -= 1;
      if (state.remaining <= 0) {
        goStart({ fresh: true });
        return;
      }
      renderCountdown();
    }, 1000);
  }

  function renderCountdown() {
    el("k-countdown").textContent = t("countdown", { n: Math.max(0, state.remaining) });
  }

  function showRetry(kind) {
    state.retryKind = kind;
    show("retry");
    renderRetry();
  }

  function renderRetry() {
    el("k-retry-title").textContent = t("retry_" + state.retryKind + "_title");
    el("k-retry-message").textContent = t("retry_message");
    el("k-retry-maybe").hidden = state.retryKind !== "timeout";
  }

  function showRefused(kind, message) {
    state.refused = { kind: kind, message: message };
    show("refused");
    renderRefused();
  }

  function renderRefused() {
    var r = state.refused;
    if (!r) return;
    el("k-refused-title").textContent = t(r.kind + "_title");
    el("k-refused-message").textContent = t(r.kind + "_message");
    el("k-refused-server").textContent = r.message ? t("server_says", { message: r.message }) : "";
    el("k-refused-server").hidden = !r.message;
  }

  // ------------------------------------------------------------------ CCCD scans

  function renderGreeting() {
    var c = state.citizen;
    el("k-greeting").hidden = !(c && (state.screen === "start" || state.screen === "priority"));
    if (!c) return;
    el("k-greeting-hello").textContent = c.name ? t("hello_name", { name: c.name }) : t("hello");
    var elderly = c.elderly && state.classes.some(function (k) {
      return k.code === OPTS.elderly_class;
    });
    el("k-greeting-note").textContent = elderly
      ? t("greet_elderly", { age: c.threshold || config.office.elderly_age })
      : t("greet_ok");
    el("k-greeting").classList.toggle("k-greeting-elderly", !!elderly);
  }

  function onScanned(data) {
    if (!data) return;
    if (data.ok === false || !data.citizen) {
      toast(state.lang === "en" ? data.message || t("scan_failed")
        : data.message_vi || t("scan_failed"), "error");
      return;
    }
    if (state.screen === "busy") {
      toast(t("scan_wait"), "error");
      return;
    }
    touch();
    var citizen = {
      name: data.name || null,
      elderly: !!data.elderly,
      age: data.age,
      threshold: data.elderly_age,
      token: data.citizen,
    };
    if (state.screen === "start" || state.screen === "priority") {
      state.citizen = citizen;
      renderGreeting();
      if (state.screen === "priority") renderPriority();
      else fitServices();
    } else {
      // A new citizen at a screen left by the previous one.
      state.citizen = citizen;
      goStart({ keepCitizen: true, fresh: true });
    }
  }

  function submitScan(payload) {
    if (state.scanning) return;
    state.scanning = true;
    sendJson("POST", "/kiosk/" + encodeURIComponent(OFFICE) + "/scan", { payload: payload },
      {}, null, 8000)
      .then(function (r) {
        if (r.data && typeof r.data.ok === "boolean") onScanned(r.data);
        else toast(t("scan_failed"), "error");
      }, function () {
        toast(t("scan_offline"), "error");
      })
      .then(function () { state.scanning = false; });
  }

  // A scanner types much faster than any person: on average within scan_key_gap_ms per key.
  // The average, not every gap, so a hiccup of a busy kiosk PC mid-burst (200 ms and more
  // seen under load) does not split a scan; only a pause longer than PAUSE_MS starts a new
  // burst. Nobody types on a kiosk, so a long PAUSE_MS costs nothing.
  var PAUSE_MS = Math.max(1000, 10 * OPTS.scan_key_gap_ms);
  var burst = { chars: [], first: 0, last: 0 };

  function onKeyDown(event) {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    var key = event.key;
    if (key === "Shift" || key === "CapsLock" || key === "Dead" || key === "Process") return;
    var now = event.timeStamp || performance.now();
    var paused = now - burst.last > PAUSE_MS;
    burst.last = now;
    if (key === "Enter") {
      event.preventDefault();
      var text = burst.chars.join("").trim();
      var keys = burst.chars.length;
      var quick = keys > 1 && (now - burst.first) / keys <= OPTS.scan_key_gap_ms;
      burst.chars = [];
      if (!paused && quick && text.length >= OPTS.scan_min_chars) submitScan(text);
      return;
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: "anything but ASCII" is the point
    if (key.length !== 1 && !/^[^\x00-\x7f]+$/.test(key)) {
      burst.chars = [];
      return;
    }
    // Nobody types on this page: keys never press a focused button.
    event.preventDefault();
    if (paused || !burst.chars.length) {
      burst.chars = [];
      burst.first = now;
    }
    if (burst.chars.length < 2000) burst.chars.push(key);
  }

  function onKeyUp(event) {
    if (event.key === "Enter" || event.key === " ") event.preventDefault();
  }

  // ------------------------------------------------------------------ toast

  function toast(message, kind) {
    var box = el("k-toast");
    box.textContent = message;
    box.setAttribute("data-kind", kind || "info");
    box.hidden = false;
    clearTimeout(timers.toast);
    timers.toast = setTimeout(function () { box.hidden = true; }, TOAST_MS);
  }

  // ------------------------------------------------------------------ network

  function withTimeout(promise, ms, controller) {
    if (!ms) return promise;
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () {
        if (controller) controller.abort();
        reject(new Error("timeout"));
      }, ms);
      promise.then(function (v) { clearTimeout(timer); resolve(v); },
        function (e) { clearTimeout(timer); reject(e); });
    });
  }

  function sendJson(method, url, body, headers, signal, timeoutMs) {
    var controller = null;
    if (!signal && timeoutMs && window.AbortController) {
      controller = new AbortController();
      signal = controller.signal;
    }
    var h = { Accept: "application/json" };
    if (body !== undefined && body !== null) h["Content-Type"] = "application/json";
    if (state.token) h.Authorization = "Bearer " + state.token;
    Object.keys(headers || {}).forEach(function (k) { h[k] = headers[k]; });
    var p = fetch(url, {
      method: method,
      headers: h,
      body: body !== undefined && body !== null ? JSON.stringify(body) : undefined,
      cache: "no-store",
      credentials: "same-origin",
      signal: signal || undefined,
    }).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch { data = null; }
        return { status: response.status, data: data };
      });
    });
    return withTimeout(p, timeoutMs, controller);
  }

  function getJson(url, timeoutMs) {
    return sendJson("GET", url, null, {}, null, timeoutMs);
  }

  // ------------------------------------------------------------------ device token and room

  function connectDevice() {
    if (!state.token) return;
    getJson("/api/v1/devices/me", 8000).then(function (r) {
      if (r.status === 200 && r.data && r.data.id) {
        state.device = r.data;
        openSocket();
      } else if (r.status === 401) {
        // Revoked or mistyped: issue without it (no printing) rather than not at all.
        console.warn("kiosk: the device token was refused; printing is off");
        try { localStorage.removeItem(TOKEN_KEY); } catch {}
        state.token = null;
      } else {
        setTimeout(connectDevice, 10000);
      }
    }, function () {
      setTimeout(connectDevice, 10000);
    });
  }

  function openSocket() {
    if (!window.io || state.socket) return;
    var socket = window.io({ auth: { token: state.token } });
    state.socket = socket;
    socket.on("connect", function () {
      // Also after every reconnect: rooms do not survive a dropped connection.
      state.joined = false;
      socket.emit("join", { device: state.device.id }, function (ack) {
        state.joined = !!(ack && ack.ok);
        if (!state.joined) console.warn("kiosk: could not join the device room", ack);
      });
    });
    socket.on("disconnect", function () { state.joined = false; });
    socket.on("cccd_scanned", onScanned);
    socket.on("print_status", onPrintStatus);
  }

  // ------------------------------------------------------------------ idle and setup

  function idleCheck() {
    var idle = Date.now() - state.lastTouch > OPTS.idle_seconds * 1000;
    if (!idle) return;
    var s = state.screen;
    var dirty = s === "priority" || s === "retry" || s === "refused" ||
      (s === "start" && (state.page !== 0 || state.citizen || state.lang !== "vi"));
    if (dirty) goStart({ fresh: true });
    else if (s === "start" && Date.now() - (state.lastRefresh || 0) > REFRESH_MS) {
      state.lastRefresh = Date.now();
      refreshCatalog();
    }
  }

  function guardTouchscreen() {
    document.addEventListener("contextmenu", function (e) { e.preventDefault(); });
    document.addEventListener("dragstart", function (e) { e.preventDefault(); });
    document.addEventListener("selectstart", function (e) { e.preventDefault(); });
    document.addEventListener("touchmove", function (e) {
      if (e.touches && e.touches.length > 1) e.preventDefault(); // no pinch zoom
    }, { passive: false });
    document.addEventListener("gesturestart", function (e) { e.preventDefault(); });
    document.addEventListener("pointerdown", touch, true);
    document.addEventListener("keydown", onKeyDown, true);
    document.addEventListener("keyup", onKeyUp, true);
  }

  function init() {
    state.token = Luot.deviceKey(TOKEN_KEY);
    guardTouchscreen();
    tap(el("k-lang"), function () {
      state.lang = state.lang === "vi" ? "en" : "vi";
      applyLang();
    });
    tap(el("k-prev"), function () { goPage(-1); });
    tap(el("k-next"), function () { goPage(1); });
    tap(el("k-priority-back"), function () { goStart({ keepCitizen: true }); });
    tap(el("k-no-priority"), function () { issue(null); });
    tap(el("k-done"), function () { goStart({ fresh: true }); });
    tap(el("k-retry"), retry);
    tap(el("k-retry-home"), function () { goStart({ fresh: true }); });
    tap(el("k-refused-home"), function () { goStart({ keepCitizen: true }); });
    var refit = function () {
      if (state.screen === "start") fitServices();
      if (state.screen === "priority") fitClasses();
    };
    window.addEventListener("resize", refit);
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(refit);
    state.lastRefresh = Date.now();
    setInterval(idleCheck, 1000);
    show("start");
    applyLang();
    root.setAttribute("data-ready", "true");
    connectDevice();
  }

  // For tests and the curious: what the page is doing, without personal data.
  window.luotKiosk = {
    state: function () {
      return {
        screen: state.screen, page: state.page, pages: state.pages.length,
        perPage: state.perPage, lang: state.lang, inflight: !!state.inflight,
        device: state.device ? state.device.id : null, printState: state.printState,
        citizen: !!state.citizen, joined: !!state.joined,
      };
    },
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
