/*
 * presence.js — a device's connection as every staff page words it.
 *
 * The server reads it once (`connection`: "connected" | "lost" | "never", with
 * `last_seen_at`: server/engine/device_presence.py `device_view`) for the devices page, the
 * overview, the staff room and the API alike; pages only put it into words, never work it
 * out again, so no two pages can disagree.
 */
import {t} from "./i18n.js";

const SINCE = {hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit",
               hourCycle: "h23"};

/** "connected", "lost" or "never" (a device of an older server: "never"). */
export function connectionOf(device) {
  const state = device && device.connection;
  return state === "connected" || state === "lost" ? state : "never";
}

/** "Đã kết nối", "Mất kết nối từ 15:02 07/12", "Chưa kết nối lần nào". */
export function connectionText(device, timeZone) {
  const state = connectionOf(device);
  if (state === "lost" && device.last_seen_at) {
    const parts = {};
    const format = new Intl.DateTimeFormat("en-GB",
      Object.assign({timeZone: timeZone || "Asia/Ho_Chi_Minh"}, SINCE));
    for (const part of format.formatToParts(new Date(device.last_seen_at))) {
      parts[part.type] = part.value;
    }
    return t("presence.lost_since", {
      time: parts.hour + ":" + parts.minute, day: parts.day + "/" + parts.month,
    });
  }
  return t("presence." + state);
}
