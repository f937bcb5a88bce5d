/*
 * overview.js — the manager's live overview of one office (/admin/overview).
 *
 * Everything shown comes from GET /api/v1/offices/<code>/overview. The page follows the
 * office room (queue_changed, ticket_issued, ticket_called) and the staff room
 * (print_status, device_status, rating_recorded, appointments_changed, health_changed: the
 * server's own faults, shown as a banner) over one Socket.IO connection (live.js)
 * and refetches the overview when they arrive, at most once per `refresh_ms`; it also
 * refetches every `poll_ms`, so a screen that went silent turns "offline" in time. The
 * "longest wait" clocks tick locally every second between fetches.
 *
 * For tests: <main data-ready="true"> after the first fetch, data-fetches counts fetches,
 * window.luotOverview exposes the state.
 */
import {createApi} from "./lib/api.js";
import {el, readJson} from "./lib/dom.js";
import {label, lang, t} from "./lib/i18n.js";
import {live as follow} from "./lib/live.js";
import {connectionOf, connectionText} from "./lib/presence.js";

(function () {
  "use strict";

  const page = readJson("luot-page", {});
  const api = createApi({base: page.api});
  const root = document.getElementById("overview");
  const picker = document.getElementById("office-pick");
  if (picker) {
    picker.addEventListener("change", function () {
      window.location.search = "?office=" + encodeURIComponent(picker.value);
    });
  }
  const office = page.office;
  if (!office) return;

  // What a counter is doing, in the vocabulary's words (the counter display's too).
  const ACTIVITY = {called: "calling", serving: "serving"};
  const url = page.api + "/offices/" + encodeURIComponent(office.code) + "/overview";
  const zone = office.timezone || "Asia/Ho_Chi_Minh";
  const clockFormat = new Intl.DateTimeFormat("vi-VN", {
    hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: zone,
  });

  const state = {data: null, fetches: 0, receivedAt: 0, inflight: false, lastStart: 0,
                 timer: null, again: false};
  window.luotOverview = state;

  const $ = function (id) { return document.getElementById(id); };

  // ------------------------------------------------------------------ time

  /** A wait in words ("14 phút 12 giây", "1 giờ 5 phút"): "14:12" reads as a time of day. */
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    if (h) return t("admin.overview.hours_minutes", {h, m});
    return m ? t("admin.overview.minutes_seconds", {m, s: s % 60})
      : t("admin.overview.seconds", {s: s % 60});
  }

  /** An element whose text is a wait that keeps growing from `seconds` at fetch time. */
  function clock(node, seconds) {
    if (seconds === null || seconds === undefined) {
      delete node.dataset.since;
      node.textContent = "—";
      return;
    }
    node.dataset.since = String(state.receivedAt - seconds * 1000);
    node.textContent = duration(seconds);
  }

  function tick() {
    const now = Date.now();
    document.querySelectorAll("[data-since]").forEach(function (node) {
      node.textContent = duration((now - Number(node.dataset.since)) / 1000);
    });
  }

  // ------------------------------------------------------------------ fetching

  /** Refetch now if the last fetch started long enough ago, else once, later. */
  function refresh() {
    if (state.inflight) {
      state.again = true;
      return;
    }
    const wait = state.lastStart + page.refresh_ms - Date.now();
    if (wait > 0) {
      if (state.timer === null) {
        state.timer = setTimeout(function () { state.timer = null; refresh(); }, wait);
      }
      return;
    }
    load();
  }

  function load() {
    state.inflight = true;
    state.lastStart = Date.now();
    api.request("GET", url)
      .then(function (result) {
        if (result.status === 401) throw new Error(t("error.unauthorized"));
        if (!result.ok) {
          const body = result.data || {};
          const words = lang() === "en" ? body : body.vi || body;
          throw new Error(words.message || t("error.http", {status: result.status}));
        }
        return result.data;
      })
      .then(function (data) {
        state.receivedAt = Date.now();
        state.data = data;
        state.fetches += 1;
        render(data);
        document.dispatchEvent(new CustomEvent("luot:overview", {detail: data}));
        $("error").hidden = true;
        root.dataset.fetches = String(state.fetches);
        root.dataset.ready = "true";
      })
      .catch(function (error) {
        $("error").textContent = t("admin.overview.load_failed", {message: error.message});
        $("error").hidden = false;
      })
      .then(function () {
        state.inflight = false;
        if (state.again) {
          state.again = false;
          refresh();
        }
      });
  }

  // ------------------------------------------------------------------ rendering

  function render(data) {
    $("waiting-total").textContent = String(data.waiting_total);
    const waits = data.services.filter(function (s) { return s.longest_wait_seconds !== null; });
    clock($("longest-wait"), data.longest_wait_seconds);
    if (waits.length) {
      const worst = waits.reduce(function (a, b) {
        return b.longest_wait_seconds > a.longest_wait_seconds ? b : a;
      });
      $("longest-where").textContent = worst.name;
    } else {
      $("longest-where").textContent = t("admin.overview.nobody_waiting");
    }
    $("tile-longest").dataset.alert = String(data.longest_wait_seconds !== null &&
                                             data.longest_wait_seconds >= 30 * 60);
    $("open-counters").textContent = data.open_counters + "/" + data.counters.length;
    const paused = data.counters.filter(function (c) { return c.state === "paused"; }).length;
    $("counters-note").textContent = paused ? t("admin.overview.paused_n", {n: paused})
      : t("admin.overview.open_of_all");
    $("served-today").textContent = String(data.served_today);
    $("updated").textContent = clockFormat.format(new Date());
    renderFields(data.services);
    renderUnserved(data.unserved || []);
    renderCounters(data.counters);
    renderDevices(data.devices);
    renderCalls(data.recent_calls || []);
    renderAppointments(data.appointments);
    renderHealth(data.health);
  }

  /** The server's faults (database, disk, Redis, processes), already in Vietnamese. */
  function renderHealth(health) {
    const faults = (health && health.faults) || [];
    const list = $("health-faults");
    list.replaceChildren();
    faults.forEach(function (fault) {
      list.append(el("li", {"data-check": fault.check, text: fault.message}));
    });
    $("health").hidden = !faults.length;
    root.dataset.health = faults.length ? "fault" : "ok";
  }

  /** Fields no counter serves: the kiosk leaves them out (or greys them out) and issues
   * none of their tickets, so the manager is told which and where to fix it. */
  function renderUnserved(names) {
    $("unserved").hidden = !names.length;
    $("unserved").textContent = names.length
      ? t("admin.overview.unserved", {names: names.join(", ")})
      : "";
  }

  function renderFields(services) {
    const body = $("fields").tBodies[0];
    body.replaceChildren();
    services.forEach(function (service) {
      const longest = el("td", {class: "num mg-clock"});
      clock(longest, service.longest_wait_seconds);
      body.append(el("tr", {"data-service": service.code}, [
        el("td", {}, [service.name, service.served === false
          ? el("span", {class: "mg-badge-warn", text: t("admin.fields.no_counter")}) : null]),
        el("td", {class: "num mg-strong", text: service.waiting, "data-col": "waiting"}),
        longest,
        el("td", {class: "num", text: service.served_today}),
        el("td", {class: "num", text: service.waiting && service.eta_minutes !== null &&
                  service.eta_minutes !== undefined ? t("admin.overview.eta", {n: service.eta_minutes}) : "—"}),
      ]));
    });
    if (!services.length) {
      body.append(el("tr", {}, [el("td", {colSpan: 5, class: "muted",
                                          text: t("admin.overview.no_fields")})]));
    }
  }

  function renderCounters(counters) {
    const body = $("counters").tBodies[0];
    body.replaceChildren();
    counters.forEach(function (counter) {
      const current = counter.current;
      const ticket = current
        ? el("td", {class: "mg-ticket", "data-col": "current"}, [
          el("strong", {text: current.code}), " ",
          el("span", {class: "muted", text: label("counter_activity", ACTIVITY[current.status] || current.status)}),
        ])
        : el("td", {class: "muted", "data-col": "current", text: "—"});
      body.append(el("tr", {"data-counter": counter.number, "data-state": counter.state}, [
        el("td", {class: "mg-strong", text: counter.name || t("console.counter_n", {number: counter.number})}),
        el("td", {}, [el("span", {class: "mg-pill", "data-state": counter.state,
                                  text: label("counter_state", counter.state)})]),
        el("td", {text: counter.officer || "—", class: counter.officer ? "" : "muted"}),
        ticket,
      ]));
    });
  }

  function deviceStatus(device) {
    const problems = [];
    if (device.printer_status === "error") {
      problems.push(device.printer_error
        ? t("admin.overview.printer_error_is", {error: device.printer_error})
        : t("admin.overview.printer_error"));
    }
    // Connected or not as the devices page words it: the server's one reading.
    if (connectionOf(device) !== "connected") problems.push(connectionText(device, zone));
    if (problems.length) return problems.join(" · ");
    if (device.kind === "kiosk" && device.printer_status === "ok") return t("admin.overview.working_printer_ok");
    return t("admin.overview.working");
  }

  function renderDevices(devices) {
    const body = $("devices").tBodies[0];
    body.replaceChildren();
    // Faults first, so a long list still shows what needs attention at the top.
    const sorted = devices.slice().sort(function (a, b) { return (b.fault - a.fault) || 0; });
    sorted.forEach(function (device) {
      body.append(el("tr", {class: device.fault ? "mg-fault" : "", "data-device": device.id,
                            "data-fault": String(Boolean(device.fault))}, [
        el("td", {class: "mg-strong", text: device.name}),
        el("td", {text: label("device", device.kind)}),
        el("td", {"data-col": "status", "data-connection": connectionOf(device),
                  text: deviceStatus(device)}),
      ]));
    });
    const faults = devices.filter(function (d) { return d.fault; }).length;
    $("fault-count").hidden = !faults;
    $("fault-count").textContent = t("admin.overview.faults_n", {n: faults});
    $("devices").hidden = !devices.length;
    $("devices-empty").hidden = Boolean(devices.length);
  }

  function renderCalls(calls) {
    const list = $("calls");
    list.replaceChildren();
    calls.slice(0, 8).forEach(function (call) {
      list.append(el("li", {}, [
        el("strong", {text: call.code}),
        el("span", {text: " → " + (call.counter.name || t("console.counter_n", {number: call.counter.number}))}),
        el("span", {class: "muted", text: (call.recall ? " (" + t("action.recall") + ") " : " ") +
                    clockFormat.format(new Date(call.at)).slice(0, 5)}),
      ]));
    });
    $("calls-empty").hidden = Boolean(calls.length);
  }

  /** Today's appointments: the figures, and the next few still to come. */
  function renderAppointments(appointments) {
    const figures = appointments || {booked: 0, checked_in: 0, attended: 0, missed: 0, upcoming: []};
    $("appts-booked").textContent = String(figures.booked);
    $("appts-checked-in").textContent = String(figures.checked_in);
    $("appts-attended").textContent = String(figures.attended);
    $("appts-missed").textContent = String(figures.missed);
    const list = $("appts-upcoming");
    list.replaceChildren();
    figures.upcoming.forEach(function (item) {
      list.append(el("li", {"data-code": item.code}, [
        el("strong", {text: item.time}),
        el("span", {text: " " + item.code + " · " + item.service.name +
                    (item.name ? " · " + item.name : "")}),
        item.kind === "return"
          ? el("span", {class: "mg-pill mg-pill-return", text: label("appt_kind", "return")})
          : null,
      ]));
    });
    $("appts-none").hidden = Boolean(figures.upcoming.length);
  }

  // ------------------------------------------------------------------ live

  function showConn(stateName) {
    const conn = $("conn");
    conn.dataset.state = stateName;
    conn.textContent = label("live", stateName);
  }

  function start() {
    load();
    setInterval(tick, 1000);
    setInterval(refresh, page.poll_ms);
    const live = follow({
      room: {office: office.code},
      onSnapshot: function (snapshot, info) {
        // Join snapshots (after every reconnect) and queue_changed both mean "look again";
        // a poll result (socket down) is a whole overview already.
        if (info.source === "poll" && snapshot && snapshot.devices) {
          state.receivedAt = Date.now();
          state.data = snapshot;
          render(snapshot);
          return;
        }
        refresh();
      },
      on: {
        ticket_issued: refresh,
        ticket_called: refresh,
        print_status: refresh,
        device_status: refresh,
        rating_recorded: refresh,
        appointments_changed: refresh,  // the staff room: a booking, check-in, change
        health_changed: function (report) {
          renderHealth(report);
          refresh();  // what this server process sees, with the other processes' faults
        },
      },
      onState: showConn,
      poll: {url: url, every: 15000, after: 5000},
    });
    state.live = live;
    // The staff room (printers, screens, ratings) on the same connection, after every
    // (re)connect; its snapshot arrives as a "snapshot" too and just triggers a refetch.
    if (live.socket) {
      live.socket.on("connect", function () {
        live.socket.emit("join", {staff: office.code}, function (ack) {
          root.dataset.staffRoom = ack && ack.ok ? "joined" : "refused";
        });
      });
    }
  }

  start();
})();
