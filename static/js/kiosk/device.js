/*
 * kiosk/device.js — the kiosk as a registered device: its token (opened once with ?key=),
 * and its Socket.IO room, where a serial scanner's reads (`cccd_scanned`) and this kiosk's
 * printer reports (`print_status`) arrive from the kiosk agent.
 *
 * Without a token, or with one the server refused, the kiosk still issues tickets (no
 * printing) rather than none.
 */

import {forgetDeviceKey} from "../lib/device_key.js";
import {live} from "../lib/live.js";
import {TOKEN_KEY, api, state} from "./context.js";
import {refreshOpening} from "./home.js";
import {onScanned} from "./scan.js";
import {onPrintStatus} from "./ticket.js";

const RETRY_MS = 10000;

/** Ask who this device is, then follow its room; retry while the server is away. */
export function connectDevice() {
  if (!state.token) return;
  api.request("GET", "/api/v1/devices/me", null, {timeout: 8000}).then(function (r) {
    if (r.status === 200 && r.data && r.data.id) {
      state.device = r.data;
      followRoom();
    } else if (r.status === 401) {
      // Revoked or mistyped: issue without it (no printing) rather than not at all.
      console.warn("kiosk: the device token was refused; printing is off");
      forgetDeviceKey(TOKEN_KEY);
      state.token = null;
    } else {
      setTimeout(connectDevice, RETRY_MS);
    }
  });
}

function followRoom() {
  if (state.live) return;
  state.live = live({
    room: {device: state.device.id},
    auth: {token: state.token},
    on: {cccd_scanned: onScanned, print_status: onPrintStatus},
    onState: function (liveState, detail) {
      // Also after every reconnect: rooms do not survive a dropped connection.
      state.joined = liveState === "online";
      // The socket notices a lost server first: check at once rather than at the next poll.
      if (liveState === "offline" || (liveState === "online" && state.offline)) refreshOpening();
      if (liveState === "refused") console.warn("kiosk: could not join the device room", detail);
    },
  });
}
