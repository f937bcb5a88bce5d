/*
 * dates.js — the booking pages' dates, from the office wall times the API gives
 * ("2026-11-30T09:00:00+07:00"): read as text, never through the phone's own time zone.
 */

import {t} from "../lib/i18n.js";

function parts(isoDay) {
  const [year, month, day] = isoDay.slice(0, 10).split("-").map(Number);
  return {year, month, day};
}

function pad(n) {
  return String(n).padStart(2, "0");
}

/** "Thứ Hai" for "2026-11-30". */
export function weekday(isoDay) {
  const {year, month, day} = parts(isoDay);
  return t("booking.weekday_" + new Date(Date.UTC(year, month - 1, day)).getUTCDay());
}

/** "30/11" for "2026-11-30". */
export function shortDate(isoDay) {
  const {month, day} = parts(isoDay);
  return pad(day) + "/" + pad(month);
}

/** "30/11/2026". */
export function longDate(isoDay) {
  const {year} = parts(isoDay);
  return shortDate(isoDay) + "/" + year;
}

/** "09:00" of "2026-11-30T09:00:00+07:00". */
export function clock(iso) {
  return iso.slice(11, 16);
}

/** "Thứ Hai, 30/11/2026, 09:00–09:30" (the same as server/booking/views.py writes). */
export function whenText(start, end) {
  return weekday(start) + ", " + longDate(start) + ", " + clock(start) + "–" + clock(end);
}

/** The day after "2026-11-30": "2026-12-01". */
export function nextDay(isoDay) {
  const {year, month, day} = parts(isoDay);
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return next.getUTCFullYear() + "-" + pad(next.getUTCMonth() + 1) + "-" + pad(next.getUTCDate());
}
