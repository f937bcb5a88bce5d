/*
 * live.js — keep a page live over Socket.IO: one connection per page (per credentials),
 * any number of rooms on it.
 *
 * A room says what to do with its snapshot; this joins it, and after every reconnect
 * joins again and hands over the fresh snapshot, so the page is exactly right again
 * without a reload. It needs /static/vendor/socket.io.min.js loaded first (the global
 * `io`); without it, or while the socket is down, a room can poll a JSON URL instead.
 *
 *   const sub = live({
 *     room: {office: "XA-MAU"},          // sent with "join" (see docs/API.md)
 *     auth: {token: "…"},                // optional: officer or device token; rooms with
 *                                        // the same auth share one connection
 *     onSnapshot(snapshot, info) {},     // the join snapshot, each newer queue_changed
 *                                        // for this room, and poll results; info.source
 *                                        // is "join", "update" or "poll"
 *     on: {ticket_called(data) {}, …},   // any other event by name
 *     onState(state, detail) {},         // "connecting" | "online" | "offline" |
 *                                        // "polling" | "refused" (join said no)
 *     statusElement: el,                 // optional: shown with labels[state] unless online
 *     labels: {offline: "…", polling: "…"},
 *     poll: {url, every: ms, after: ms,  // optional fallback while the socket is down
 *            toSnapshot(json) {}, onMissing(status) {}},
 *   });
 *   sub.state; sub.socket; sub.version; sub.rejoin(); sub.close();
 *
 * The page's state is mirrored on <html data-live="…"> for CSS and tests ("refused" if
 * any room was refused). Snapshots are routed by room (`snapshot.room`, or the office or
 * counter a queue_changed describes); queue_changed older (by `version`) than the snapshot
 * already applied is dropped. Other events go to every room that asked for them.
 */

const RECONNECT_MS = 500;
const RECONNECT_MAX_MS = 3000;
const JOIN_TIMEOUT_MS = 8000;

const connections = new Map();

function roomName(room) {
  const kind = Object.keys(room || {})[0];
  return kind ? kind + ":" + room[kind] : "";
}

/** Which room a queue_changed snapshot belongs to: a counter's, else an office's. */
function snapshotRoom(data) {
  if (data.room) return data.room;
  if (data.counter && data.counter.id != null && !Array.isArray(data.counters)) {
    return "counter:" + data.counter.id;
  }
  if (data.office && data.office.code) return "office:" + data.office.code;
  return "";
}

function mirror() {
  let state = "";
  for (const conn of connections.values()) {
    for (const sub of conn.subs) {
      if (sub.state === "refused") state = "refused";
      else if (!state) state = sub.state;
    }
  }
  if (state) document.documentElement.dataset.live = state;
}

function createConnection(auth) {
  const conn = {socket: null, connected: false, downSince: Date.now(), subs: new Set()};

  conn.joinAll = function () {
    for (const sub of conn.subs) sub.join();
  };

  conn.down = function (detail) {
    conn.connected = false;
    if (conn.downSince === null) conn.downSince = Date.now();
    for (const sub of conn.subs) sub.socketDown(detail);
  };

  function start() {
    if (typeof window.io !== "function") {
      conn.down({reason: "no socket.io client"});
      return;
    }
    const socket = window.io({
      auth: auth || undefined,
      reconnection: true,
      reconnectionDelay: RECONNECT_MS,
      reconnectionDelayMax: RECONNECT_MAX_MS,
    });
    conn.socket = socket;
    socket.on("connect", function () {
      conn.connected = true;
      conn.joinAll();
    });
    socket.on("disconnect", function (reason) {
      conn.down({reason: reason});
      // The server closed us on purpose (e.g. restarting): the client does not retry.
      if (reason === "io server disconnect" && conn.subs.size) {
        setTimeout(function () {
          if (conn.subs.size) socket.connect();
        }, RECONNECT_MS);
      }
    });
    socket.on("connect_error", function (error) {
      conn.down({reason: String(error)});
      // A refused connection (bad token) is not retried by the client itself.
      if (!socket.active && conn.subs.size) {
        setTimeout(function () {
          if (conn.subs.size) socket.connect();
        }, RECONNECT_MAX_MS);
      }
    });
    socket.on("snapshot", function (data) {
      conn.route(data, "join");
    });
    socket.on("queue_changed", function (data) {
      conn.route(data, "update");
    });
  }

  conn.route = function (data, source) {
    if (!data || typeof data !== "object") return;
    const room = snapshotRoom(data);
    const subs = [...conn.subs];
    const matching = subs.filter(function (sub) {
      return sub.room === room;
    });
    for (const sub of matching.length || subs.length !== 1 ? matching : subs) {
      sub.apply(data, source);
    }
  };

  conn.listen = function (name) {
    if (!conn.socket || conn.socket.hasListeners(name)) return;
    conn.socket.on(name, function (data) {
      for (const sub of conn.subs) {
        if (sub.on[name]) sub.on[name](data);
      }
    });
  };

  conn.remove = function (sub) {
    conn.subs.delete(sub);
    if (!conn.subs.size && conn.socket) {
      conn.socket.disconnect();
      connections.delete(conn.key);
    }
  };

  start();
  return conn;
}

/** The page's connection for `auth` (one socket per credentials). */
export function connection(auth) {
  const key = JSON.stringify(auth || null);
  let conn = connections.get(key);
  if (!conn) {
    conn = createConnection(auth);
    conn.key = key;
    connections.set(key, conn);
  }
  return conn;
}

/** Follow one room (see the top of this file); returns its handle. */
export function live(options) {
  const opts = Object.assign({on: {}, labels: {}}, options);
  const conn = connection(opts.auth);
  const sub = {
    state: "",
    room: roomName(opts.room),
    on: opts.on,
    socket: conn.socket,
    version: null,
    lastSnapshotAt: null,
  };
  let pollTimer = null;
  let closed = false;

  function setState(state, detail) {
    if (sub.state === state) return;
    sub.state = state;
    if (state === "online") conn.downSince = null;
    const node = opts.statusElement;
    if (node) {
      const text = opts.labels[state];
      node.hidden = !text || state === "online";
      node.textContent = text || "";
      node.dataset.state = state;
    }
    mirror();
    if (opts.onState) opts.onState(state, detail);
    schedulePoll();
  }

  sub.apply = function (snapshot, source) {
    const version = typeof snapshot.version === "number" ? snapshot.version : null;
    if (source === "update" && version !== null && sub.version !== null && version < sub.version) {
      return; // a refresh computed before the snapshot we already show
    }
    if (version !== null) sub.version = version;
    sub.lastSnapshotAt = Date.now();
    if (opts.onSnapshot) opts.onSnapshot(snapshot, {source: source});
  };

  sub.join = function () {
    const socket = conn.socket;
    if (closed || !socket || !socket.connected) return;
    socket.timeout(JOIN_TIMEOUT_MS).emit("join", opts.room, function (err, ack) {
      if (closed || socket !== conn.socket) return;
      if (err) {
        if (socket.connected) sub.join(); // no answer: ask again
        return;
      }
      if (ack && ack.ok) setState("online");
      else setState("refused", ack);
    });
  };

  sub.socketDown = function (detail) {
    if (sub.state !== "polling") setState("offline", detail);
  };

  sub.rejoin = sub.join;

  sub.close = function () {
    closed = true;
    if (pollTimer !== null) clearTimeout(pollTimer);
    if (conn.socket && conn.socket.connected) conn.socket.emit("leave", opts.room);
    conn.remove(sub);
  };

  // ------------------------------------------------------------ polling fallback

  function schedulePoll() {
    const poll = opts.poll;
    if (!poll || closed || pollTimer !== null || sub.state === "online") return;
    const after = poll.after == null ? 5000 : poll.after;
    const waited = conn.downSince === null ? 0 : Date.now() - conn.downSince;
    // The first poll once the socket has been down `after` ms, then every `every` ms.
    const delay = waited >= after ? poll.every || 10000 : after - waited;
    pollTimer = setTimeout(pollOnce, delay);
  }

  function pollOnce() {
    pollTimer = null;
    if (closed || sub.state === "online") return;
    fetch(opts.poll.url, {cache: "no-store", headers: {Accept: "application/json"}})
      .then(function (response) {
        if (!response.ok) {
          if (response.status === 404 && opts.poll.onMissing) opts.poll.onMissing(404);
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (json) {
        if (sub.state === "online") return;
        const toSnapshot =
          opts.poll.toSnapshot ||
          function (x) {
            return x;
          };
        const snapshot = toSnapshot(json);
        if (snapshot && typeof snapshot === "object") sub.apply(snapshot, "poll");
        setState("polling");
      })
      .catch(function () {
        if (sub.state === "polling") setState("offline");
      })
      .then(schedulePoll);
  }

  conn.subs.add(sub);
  for (const name of Object.keys(opts.on)) conn.listen(name);
  setState(conn.socket || typeof window.io === "function" ? "connecting" : "offline");
  if (conn.connected) {
    setState("connecting");
    sub.join();
  }
  return sub;
}

// A phone that wakes up may hold a socket that died silently: ask for fresh snapshots.
document.addEventListener("visibilitychange", function () {
  if (document.visibilityState !== "visible") return;
  for (const conn of connections.values()) if (conn.connected) conn.joinAll();
});
window.addEventListener("offline", function () {
  for (const conn of connections.values()) conn.down({reason: "offline"});
});
window.addEventListener("online", function () {
  for (const conn of connections.values()) if (conn.connected) conn.joinAll();
});
