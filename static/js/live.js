/*
 * live.js — keep a page live over Socket.IO, for every Lượt screen.
 *
 * A page says which room it wants and what to do with a snapshot; this file connects,
 * joins, and after every reconnect joins again and hands over the fresh snapshot, so the
 * page is exactly right again without a reload. It needs /static/vendor/socket.io.min.js
 * loaded first (the global `io`); without it, or while the socket is down, it can poll
 * a JSON URL instead.
 *
 *   const live = Luot.live({
 *     room: {office: "XA-MAU"},          // sent with "join" (see docs/API.md)
 *     auth: {token: "…"},                // optional: officer or device token
 *     onSnapshot(snapshot, info) {},     // the join snapshot, each newer queue_changed,
 *                                        // and poll results; info.source is "join",
 *                                        // "update" or "poll"
 *     on: {ticket_called(data) {}, …},   // any other event by name
 *     onState(state, detail) {},         // "connecting" | "online" | "offline" |
 *                                        // "polling" | "refused" (join said no)
 *     statusElement: el,                 // optional: shown with labels[state] unless online
 *     labels: {offline: "…", polling: "…"},
 *     poll: {url, every: ms, after: ms,  // optional fallback while the socket is down
 *            toSnapshot(json) {}, onMissing(status) {}},
 *   });
 *   live.state; live.socket; live.rejoin(); live.close();
 *
 * The state is also mirrored on <html data-live="…"> for CSS and tests. queue_changed
 * messages older (by `version`) than the snapshot already applied are dropped.
 */
(function () {
  "use strict";

  const RECONNECT_MS = 500;
  const RECONNECT_MAX_MS = 3000;
  const JOIN_TIMEOUT_MS = 8000;

  function live(options) {
    const opts = Object.assign({on: {}, labels: {}}, options);
    const handle = {state: "", socket: null, version: null, lastSnapshotAt: null,
                    rejoin: rejoin, close: close};
    let pollTimer = null;
    let downSince = Date.now();
    let closed = false;

    function setState(state, detail) {
      if (handle.state === state) return;
      handle.state = state;
      document.documentElement.dataset.live = state;
      const el = opts.statusElement;
      if (el) {
        const text = opts.labels[state];
        el.hidden = !text || state === "online";
        el.textContent = text || "";
        el.dataset.state = state;
      }
      if (state !== "online" && state !== "polling" && downSince === null) downSince = Date.now();
      if (state === "online") downSince = null;
      if (opts.onState) opts.onState(state, detail);
      schedulePoll();
    }

    function applySnapshot(snapshot, source) {
      if (!snapshot || typeof snapshot !== "object") return;
      const version = typeof snapshot.version === "number" ? snapshot.version : null;
      if (source === "update" && version !== null && handle.version !== null &&
          version < handle.version) {
        return;  // a refresh computed before the snapshot we already show
      }
      if (version !== null) handle.version = version;
      handle.lastSnapshotAt = Date.now();
      if (opts.onSnapshot) opts.onSnapshot(snapshot, {source: source});
    }

    function join() {
      const socket = handle.socket;
      if (!socket || !socket.connected) return;
      socket.timeout(JOIN_TIMEOUT_MS).emit("join", opts.room, function (err, ack) {
        if (closed || socket !== handle.socket) return;
        if (err) {
          if (socket.connected) join();  // no answer: ask again
          return;
        }
        if (ack && ack.ok) {
          setState("online");
        } else {
          setState("refused", ack);
        }
      });
    }

    function rejoin() {
      join();
    }

    // ------------------------------------------------------------ polling fallback

    function schedulePoll() {
      const poll = opts.poll;
      if (!poll || closed || pollTimer !== null || handle.state === "online") return;
      const after = poll.after == null ? 5000 : poll.after;
      const waited = downSince === null ? 0 : Date.now() - downSince;
      // The first poll once the socket has been down `after` ms, then every `every` ms.
      const delay = waited >= after ? poll.every || 10000 : after - waited;
      pollTimer = setTimeout(pollOnce, delay);
    }

    function pollOnce() {
      pollTimer = null;
      if (closed || handle.state === "online") return;
      fetch(opts.poll.url, {cache: "no-store", headers: {Accept: "application/json"}})
        .then(function (response) {
          if (!response.ok) {
            if (response.status === 404 && opts.poll.onMissing) opts.poll.onMissing(404);
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (json) {
          if (handle.state === "online") return;
          const toSnapshot = opts.poll.toSnapshot || function (x) { return x; };
          applySnapshot(toSnapshot(json), "poll");
          setState("polling");
        })
        .catch(function () {
          if (handle.state === "polling") setState("offline");
        })
        .then(schedulePoll);
    }

    // ------------------------------------------------------------ socket

    function connect() {
      if (typeof window.io !== "function") {
        setState("offline", {reason: "no socket.io client"});
        return;
      }
      const socket = window.io({
        auth: opts.auth || undefined,
        reconnection: true,
        reconnectionDelay: RECONNECT_MS,
        reconnectionDelayMax: RECONNECT_MAX_MS,
      });
      handle.socket = socket;
      socket.on("connect", join);
      socket.on("disconnect", function (reason) {
        setState("offline", {reason: reason});
        // The server closed us on purpose (e.g. restarting): the client does not retry.
        if (reason === "io server disconnect" && !closed) {
          setTimeout(function () { if (!closed) socket.connect(); }, RECONNECT_MS);
        }
      });
      socket.on("connect_error", function (error) {
        if (handle.state !== "polling") setState("offline", {reason: String(error)});
        // A refused connection (bad token) is not retried by the client itself.
        if (!socket.active && !closed) {
          setTimeout(function () { if (!closed) socket.connect(); }, RECONNECT_MAX_MS);
        }
      });
      socket.on("snapshot", function (data) { applySnapshot(data, "join"); });
      socket.on("queue_changed", function (data) { applySnapshot(data, "update"); });
      Object.keys(opts.on).forEach(function (name) {
        socket.on(name, function (data) { opts.on[name](data); });
      });
    }

    function close() {
      closed = true;
      if (pollTimer !== null) clearTimeout(pollTimer);
      if (handle.socket) handle.socket.disconnect();
    }

    // A phone that wakes up may hold a socket that died silently: ask for a fresh snapshot.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && handle.socket && handle.socket.connected) {
        join();
      }
    });
    window.addEventListener("offline", function () { setState("offline", {reason: "offline"}); });
    window.addEventListener("online", function () {
      if (handle.socket && handle.socket.connected) join();
    });

    setState("connecting");
    connect();
    return handle;
  }

  window.Luot = window.Luot || {};
  window.Luot.live = live;
})();
