"""Reports and the live overview, for managers: figures as JSON, CSV or XLSX files."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
from flask import Response, abort
from flask_smorest import Blueprint
from marshmallow import validate

from .. import appointment_reports, current, exports, reports
from ..auth import check_office, check_role, guarded
from ..engine.documents import Count
from ..overview import office_overview
from ..vocabulary import LANGS, t
from . import current_engine

blp = Blueprint("reports", __name__, description="Reports, exports, live overview")
SECURED = [{"bearerAuth": []}]
MANAGERS = ("manager",)


class ReportQuery(ma.Schema):
    office = ma.fields.List(
        ma.fields.String(validate=validate.Length(1, 32)),
        required=True,
        validate=Count(1, 100),
    )
    start = ma.fields.Date(required=True, data_key="from")
    end = ma.fields.Date(required=True, data_key="to")
    group = ma.fields.String(load_default="service", validate=validate.OneOf(reports.GROUPS))
    also = ma.fields.List(
        ma.fields.String(validate=validate.OneOf(reports.GROUPS)),
        load_default=list,
        metadata={"description": "more groupings, answered under `also` from the same pass"},
    )
    top = ma.fields.Integer(
        load_default=None,
        validate=validate.Range(1, 100),
        metadata={
            "description": "also answer `top_rows`: the N groups with the most tickets and "
            'one row (`key` "others", `members`) for the rest, for charts'
        },
    )


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


def _scope(query: dict):
    engine = current_engine()
    for code in query["office"]:
        check_office(engine.office_id(code), MANAGERS)
    if query["end"] < query["start"]:
        abort(422, description="The period ends before it starts.")
    if query["end"] - query["start"] > dt.timedelta(days=3 * 366):
        abort(422, description="Ask for at most three years at a time.")
    return query["office"], query["start"], query["end"]


def _manager(**_: object) -> None:
    check_role(*MANAGERS)


@blp.route("/reports")
@guarded(_manager)
@blp.doc(security=SECURED)
@blp.arguments(ReportQuery, location="query")
@blp.response(200)
def report(query: dict):
    """Figures for offices and a period, grouped by office, field, counter, officer, day or
    hour: counts, waiting and service times (mean, median, p90, max), ratings."""
    codes, start, end = _scope(query)
    with current.database().read() as session:
        where = reports.scope(session, codes, start, end)
        result = reports.report(
            session, where, query["group"], tuple(query["also"]), query.get("top")
        )
        now = current_engine().clock()
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
    codes, start, end = _scope(query)
    name = f"bao-cao-{'-'.join(codes)}-{start}-{end}"
    with current.database().read() as session:
        where = reports.scope(session, codes, start, end)
        if query["kind"] == "log":
            rows = list(exports.log_rows(reports.ticket_log(session, where), query["lang"]))
            name += "-nhat-ky"
        elif query["kind"] == "appointments":
            now = current_engine().clock()
            result = appointment_reports.figures(session, where, query["group"], now)
            rows = list(exports.appointment_rows(result, query["lang"]))
            name += "-lich-hen"
        else:
            result = reports.report(session, where, query["group"])
            rows = list(exports.figure_rows(result, query["lang"]))
    if query["format"] == "csv":
        body, mime = exports.to_csv(rows), "text/csv; charset=utf-8"
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
