"""CSV and XLSX files of the report figures and of the raw ticket log.

Headings are Vietnamese with diacritics (what superiors ask for), or English when asked,
from the vocabulary; CSV is UTF-8 with a BOM, by default with the ";" and decimal comma
that Excel set to Vietnamese expects (`plain`: "," and "."); shares are percentages;
times are in the office's local time; durations in minutes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ..i18n import label, t


class Share(float):
    """A fraction (0.853) that a file shows as a percentage (85,3 %), not as 0.853."""


def _share(value: float | None) -> Share | None:
    return None if value is None else Share(value)


# CSV as each kind of spreadsheet expects it: Excel set to Vietnamese (Windows' list
# separator ";" and decimal comma; a comma-separated file opens there as one column), or
# the comma and decimal point of most other tools.
CSV_STYLES = {"excel-vi": (";", ","), "plain": (",", ".")}

# Column headings: keys of the vocabulary (server/i18n/staff_words.py, `export.*`).
FIGURE_COLUMNS = (
    "issued",
    "served",
    "no_show",
    "cancelled",
    "transferred",
    "wait_mean",
    "wait_median",
    "wait_p90",
    "wait_max",
    "service_mean",
    "service_median",
    "service_p90",
    "service_max",
    "within_target",
    "rated",
)
LOG_COLUMNS = (
    "office",
    "day",
    "code",
    "service",
    "priority",
    "channel",
    "status",
    "issued_at",
    "first_call",
    "started",
    "finished",
    "wait",
    "service_time",
    "eta",
    "counter",
    "officer",
    "transferred",
    "dossier",
    "rating",
)


def headings(columns: Iterable[str], lang: str = "vi") -> list[str]:
    """The columns' headings in `lang` (Vietnamese, what superiors ask for, by default)."""
    return [t("export." + column, lang) for column in columns]


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def figure_rows(result: dict[str, Any], lang: str = "vi") -> Iterator[list[Any]]:
    """The figures as table rows (headings first), with rating columns per level."""
    levels = result["rating_levels"]
    first = label("group", result["group"], lang, default=t("group.any", lang))
    yield [first, *headings(FIGURE_COLUMNS, lang), *[level["label"] for level in levels]]
    rows = list(result["rows"])
    if result["group"] != "total" and result["total"]:
        rows.append({**result["total"], "label": t("group.grand_total", lang)})
    for row in rows:
        wait, service = row["wait"] or {}, row["service"] or {}
        yield [
            row["label"] if row["label"] is not None else t("group.none", lang),
            row["issued"],
            row["served"],
            row["no_show"],
            row["cancelled"],
            row["transferred"],
            *[_minutes(wait.get(k)) for k in ("mean", "median", "p90", "max")],
            *[_minutes(service.get(k)) for k in ("mean", "median", "p90", "max")],
            _share(row["within_target"]),
            row["rated"],
            *[row["ratings"].get(level["key"], 0) for level in levels],
        ]


APPOINTMENT_COLUMNS = (
    "appt_booked",
    "cancelled",
    "appt_arrived",
    "served",
    "appt_missed",
    "appt_on_time",
    "appt_punctuality",
    "appt_lateness",
)


def appointment_rows(result: dict[str, Any], lang: str = "vi") -> Iterator[list[Any]]:
    """The appointment figures (server/reports/appointments.py) as table rows."""
    first = label("group", result["group"], lang, default=t("group.any", lang))
    yield [first, *headings(APPOINTMENT_COLUMNS, lang)]
    rows = list(result["rows"])
    if result["group"] != "total" and result["total"]:
        rows.append({**result["total"], "label": t("group.grand_total", lang)})
    for row in rows:
        yield [
            row["label"] if row["label"] is not None else t("group.none", lang),
            row["booked"],
            row["cancelled"],
            row["arrived"],
            row["served"],
            row["missed"],
            row["on_time"],
            _share(row["punctuality"]),
            row["lateness_minutes"],
        ]


def log_rows(rows: Iterable[Any], lang: str = "vi") -> Iterator[list[Any]]:
    """The raw ticket log as table rows (headings first), local times."""
    yield headings(LOG_COLUMNS, lang)
    for row in rows:
        zone = ZoneInfo(row.timezone)

        def local(moment, zone=zone):
            if moment is None:
                return None
            return moment.replace(tzinfo=dt.UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")

        yield [
            row.office,
            row.day.isoformat() if hasattr(row.day, "isoformat") else row.day,
            row.code,
            row.service,
            row.priority or "",
            row.channel,
            label("ticket_status", row.status, lang),
            local(row.issued_at),
            local(row.first_call),
            local(row.started),
            local(row.finished),
            _minutes(row.wait_seconds),
            _minutes(row.service_seconds),
            row.eta_at_issue,
            row.counter,
            row.officer or "",
            t("export.yes", lang) if row.transferred else "",
            row.dossier_code or "",
            row.rating or "",
        ]


# A cell starting with one of these is a formula to Excel or LibreOffice (and "=HYPERLINK"
# in a field or officer name would be a live link in the manager's spreadsheet).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: Any) -> Any:
    """Text that a spreadsheet takes as a formula, made plain text with a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_value(value: Any, decimal: str) -> Any:
    if value is None:
        return ""
    if isinstance(value, Share):
        return f"{value * 100:.1f}".replace(".", decimal) + "%"
    if isinstance(value, float):
        return repr(value).replace(".", decimal)
    return neutral(value)


def to_csv(rows: Iterable[list[Any]], style: str = "excel-vi") -> bytes:
    """UTF-8 with a BOM (Excel then reads the diacritics), separator and decimal mark by
    `style` (CSV_STYLES); shares as percentages."""
    separator, decimal = CSV_STYLES[style]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator)
    for row in rows:
        writer.writerow([_csv_value(value, decimal) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(sheets: dict[str, Iterable[list[Any]]]) -> bytes:
    """One worksheet per entry, streamed (write-only), the heading row in bold."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title[:31])
        sheet.freeze_panes = "A2"
        for index, row in enumerate(rows):
            sheet.append([_cell(sheet, value, bold if index == 0 else None) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet, value: Any, font: Font | None) -> Any:
    """Text a spreadsheet would read as a formula is stored as text (openpyxl would write
    "=..." as a formula); everything else as it is, cheaply."""
    risky = isinstance(value, str) and value.startswith(FORMULA_STARTS)
    share = isinstance(value, Share)
    if not risky and font is None and not share:
        return value
    cell = WriteOnlyCell(sheet, value=float(value) if share else value)
    if share:
        cell.number_format = "0.0%"
    if risky:
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell
