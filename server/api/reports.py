"""Reports and the live overview, for managers: figures as JSON, CSV or XLSX files."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
from flask import Response, abort
from flask_smorest import Blueprint
from marshmallow import validate

from .. import current, reports
from ..engine.rules.documents import Count, Integer
from ..i18n import LANGS, english, t, template
from ..reports import appointments as appointment_reports
from ..reports import exports
from ..reports.overview import office_overview
from ..web.auth import check_office, check_role, guarded
from .common import current_engine

blp = Blueprint("reports", __name__, description="Reports, exports, live overview")
SECURED = [{"bearerAuth": []}]
MANAGERS = ("manager",)


MAX_LISTED_OFFICES = reports.MAX_LISTED_OFFICES


class ReportQuery(ma.Schema):
    office = ma.fields.List(
        ma.fields.String(validate=validate.Length(1, 32)),
        validate=Count(1, MAX_LISTED_OFFICES, error=template("office_count")),
        metadata={
            "description": f"the offices' codes (repeat `office`; at most "
            f"{MAX_LISTED_OFFICES}); or `all=true` instead"
        },
    )
    every = ma.fields.Boolean(
        load_default=False,
        data_key="all",
        metadata={
            "description": "every office the caller may see, however many, instead of "
            "`office`: for an admin every office of the server (on a provincial server "
            "the copies of every centre's offices too), for a manager their own offices"
        },
    )
    start = ma.fields.Date(required=True, data_key="from")
    end = ma.fields.Date(required=True, data_key="to")
    group = ma.fields.String(load_default="service", validate=validate.OneOf(reports.GROUPS))
    also = ma.fields.List(
        ma.fields.String(validate=validate.OneOf(reports.GROUPS)),
        load_default=list,
        metadata={"description": "more groupings, answered under `also` from the same pass"},
    )
    top = Integer(
        load_default=None,
        validate=validate.Range(1, 100),
        metadata={
            "description": "also answer `top_rows`: the N groups with the most tickets and "
            'one row (`key` "others", `members`) for the rest, for charts'
        },
    )

    @ma.validates_schema
    def _offices_or_all(self, data: dict, **_: object) -> None:
        if data["every"] and data.get("office"):
            raise ma.ValidationError(english("office_and_all"), "office")
        if not data["every"] and not data.get("office"):
            raise ma.ValidationError(english("office_or_all"), "office")


class ExportQuery(ReportQuery):
    class Meta:
        exclude = ("top",)  # a file has every row

    format = ma.fields.String(load_default="xlsx", validate=validate.OneOf(("xlsx", "csv")))
    kind = ma.fields.String(
        load_default="figures", validate=validate.OneOf(("figures", "log", "appointments"))
    )
    lang = ma.fields.String(
        load_default="vi",
        validate=validate.OneOf(LANGS),
        metadata={"description": "the headings' language"},
    )
    csv = ma.fields.String(
        load_default="excel-vi",
        validate=validate.OneOf(tuple(exports.CSV_STYLES)),
        metadata={
            "description": "a CSV's separator and decimal mark: excel-vi (';' and ',', what "
            "Excel set to Vietnamese opens as columns) or plain (',' and '.')"
        },
    )


def _scope(query: dict, session) -> reports.Scope:
    """The offices asked for, each one the caller's to see (else 403/404 first), and the
    period."""
    if query["every"]:
        principal = check_role(*MANAGERS)
        within = None if principal.role == "admin" else principal.office_ids
    else:
        engine = current_engine()
        for code in query["office"]:
            check_office(engine.office_id(code), MANAGERS)
    if query["end"] < query["start"]:
        abort(422, description=english("period_reversed"))
    if query["end"] - query["start"] > dt.timedelta(days=3 * 366):
        abort(422, description=english("period_long"))
    if not query["every"]:
        return reports.scope(session, query["office"], query["start"], query["end"])
    try:
        return reports.scope_all(session, query["start"], query["end"], within)
    except LookupError:
        abort(404, description=english("no_offices"))


def _file_name(query: dict) -> str:
    """`bao-cao-XA-MAU-…`; for all offices, or more than three, not every code."""
    codes = query.get("office") or []
    if query["every"]:
        offices = "tat-ca"
    elif len(codes) > 3:
        offices = f"{len(codes)}-don-vi"
    else:
        offices = "-".join(codes)
    return f"bao-cao-{offices}-{query['start']}-{query['end']}"


def _manager(**_: object) -> None:
    check_role(*MANAGERS)


@blp.route("/reports")
@guarded(_manager)
@blp.doc(security=SECURED)
@blp.arguments(ReportQuery, location="query")
@blp.response(200)
def report(query: dict):
    """Figures for offices and a period, grouped by office, field, counter, officer, day or
    hour: counts, waiting and service times (mean, median, p90, max), ratings.

    The offices are named (`office`, repeated, at most 100) or all of them (`all=true`):
    every office the caller may see, which on a provincial server is every centre's.
    Periods over 92 days read the day rollups (`approximate`: medians and p90 from
    histograms)."""
    now = current_engine().clock()
    with current.database().read() as session:
        where = _scope(query, session)
        result = reports.report(
            session, where, query["group"], tuple(query["also"]), query.get("top"), now=now
        )
        result["appointments"] = appointment_reports.figures(session, where, query["group"], now)
        return result


@blp.route("/reports/export")
@guarded(_manager)
@blp.doc(security=SECURED)
@blp.arguments(ExportQuery, location="query")
@blp.response(
    200,
    description="An XLSX or CSV file",
    content_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
)
@blp.alt_response(200, description="A CSV file", content_type="text/csv", success=True)
def export(query: dict):
    """The figures or the raw ticket log as a CSV or XLSX file (Vietnamese headings, or
    English with `lang=en`)."""
    name = _file_name(query)
    with current.database().read() as session:
        where = _scope(query, session)
        if query["kind"] == "log":
            rows = list(exports.log_rows(reports.ticket_log(session, where), query["lang"]))
            name += "-nhat-ky"
        elif query["kind"] == "appointments":
            now = current_engine().clock()
            result = appointment_reports.figures(session, where, query["group"], now)
            rows = list(exports.appointment_rows(result, query["lang"]))
            name += "-lich-hen"
        else:
            now = current_engine().clock()
            result = reports.report(session, where, query["group"], now=now)
            rows = list(exports.figure_rows(result, query["lang"]))
    if query["format"] == "csv":
        body, mime = exports.to_csv(rows, query["csv"]), "text/csv; charset=utf-8"
    else:
        sheet = t(f"export.sheet_{query['kind']}", query["lang"])
        body = exports.to_xlsx({sheet: rows})
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body,
        mimetype=mime,
        headers={"Content-Disposition": f'attachment; filename="{name}.{query["format"]}"'},
    )


@blp.route("/offices/<office>/overview")
@blp.doc(security=SECURED)
@blp.response(200)
def overview(office: str):
    """Right now: waiting per field, longest wait, counters and officers on them, served
    today, devices with a printer fault or offline, and `health`: the server's own faults
    (database, disk, Redis, processes that cannot share events), in Vietnamese."""
    engine = current_engine()
    check_office(engine.office_id(office))
    return {**office_overview(engine, office), "health": current.health().report()}
