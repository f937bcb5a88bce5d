"""Reports over the API and the CLI: JSON figures, CSV and XLSX files, the live overview."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from server.reports.exports import Share, to_csv, to_xlsx
from tests.factories import bearer, make_token

PERIOD = {"office": "T1", "from": "2026-11-23", "to": "2026-11-23"}


@pytest.fixture
def served(engine, office, clock):
    """Two tickets of field A: one served (waited 4 min, served 6), one waiting."""
    counter = office["counters"][1]
    engine.set_counter_state(counter, "open")
    first = engine.issue("T1", "A")
    clock.advance(minutes=4)
    engine.call_next(counter)
    engine.start(first["id"])
    clock.advance(minutes=6)
    engine.finish(first["id"])
    engine.issue("T1", "A")
    return first


def test_report_json(client, manager, served):
    result = client.get(
        "/api/v1/reports", query_string={**PERIOD, "group": "service"}, headers=manager
    ).get_json()
    (row,) = result["rows"]
    assert (row["label"], row["issued"], row["served"]) == ("Hộ tịch", 2, 1)
    assert row["wait"]["mean"] == 240.0 and row["service"]["mean"] == 360.0


@pytest.mark.parametrize("top", ["0", "101", "many"])
def test_a_chart_cut_outside_one_to_a_hundred_is_refused(client, manager, served, top):
    response = client.get(
        "/api/v1/reports", query_string={**PERIOD, "group": "counter", "top": top}, headers=manager
    )
    assert response.status_code == 422, response.get_json()


def test_a_chart_cut_leaves_groupings_that_fit_whole(client, manager, served):
    result = client.get(
        "/api/v1/reports",
        query_string={**PERIOD, "group": "service", "also": "counter", "top": "1"},
        headers=manager,
    ).get_json()
    assert "top_rows" not in result  # one field: nothing to cut
    # Counter 1 served the first ticket; the second waits at no counter (key None).
    assert "top_rows" not in result["also"]["counter"]


def test_xlsx_export_has_vietnamese_headings_and_rows(client, manager, served):
    response = client.get(
        "/api/v1/reports/export", query_string={**PERIOD, "format": "xlsx"}, headers=manager
    )
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Lĩnh vực", "Số phiếu đã cấp", "Đã phục vụ", "Vắng mặt")
    assert "Rất hài lòng" in rows[0]
    assert rows[1][:3] == ("Hộ tịch", 2, 1)
    assert rows[1][6] == 4.0  # mean wait, minutes
    assert rows[-1][0] == "Tổng cộng"


def test_csv_log_export(client, manager, served):
    response = client.get(
        "/api/v1/reports/export",
        query_string={**PERIOD, "format": "csv", "kind": "log"},
        headers=manager,
    )
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Đơn vị", "Ngày", "Số thứ tự", "Lĩnh vực"]
    assert [r[2] for r in rows[1:]] == ["A001", "A002"]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Trạng thái"] == "Hoàn thành" and first["Thời gian chờ (phút)"] == "4,0"
    assert first["Giờ lấy số"] == "2026-11-23 08:00:00"  # local time


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"office": "T1", "from": "2026-11-30", "to": "2026-11-01"}, 422),
        ({"office": "T1", "from": "23/11/2026", "to": "2026-11-30"}, 422),
        ({"office": "NOPE", "from": "2026-11-01", "to": "2026-11-30"}, 404),
        ({"office": "T1", "from": "2026-11-01", "to": "2026-11-30", "group": "colour"}, 422),
    ],
)
def test_bad_report_queries(client, manager, query, status):
    assert client.get("/api/v1/reports", query_string=query, headers=manager).status_code == status


def test_reports_are_for_managers(client, engine, office):
    officer = bearer(make_token(engine.db, "officer1"))
    assert client.get("/api/v1/reports", query_string=PERIOD, headers=officer).status_code == 403
    assert client.get("/api/v1/reports", query_string=PERIOD).status_code == 401


def test_cli_report(runner, served, tmp_path):
    out = tmp_path / "report.xlsx"
    result = runner.invoke(
        args=[
            "report",
            "--office",
            "T1",
            "--from",
            "2026-11-23",
            "--to",
            "2026-11-23",
            "--format",
            "xlsx",
            "--output",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Số liệu", "Nhật ký phiếu"]
    log = list(book["Nhật ký phiếu"].iter_rows(values_only=True))
    assert [row[2] for row in log[1:]] == ["A001", "A002"]
    csv_out = tmp_path / "r.csv"
    result = runner.invoke(
        args=[
            "report",
            "--office",
            "T1",
            "--from",
            "2026-11-23",
            "--to",
            "2026-11-23",
            "--format",
            "csv",
            "--output",
            str(csv_out),
        ]
    )
    assert result.exit_code == 0 and "Lĩnh vực" in csv_out.read_text("utf-8-sig")


def test_cli_report_writes_only_where_it_is_told(runner, served, tmp_path, monkeypatch):
    """Without --output CSV goes to standard output and XLSX is refused: nothing lands in
    the folder the command runs in (a checkout, say)."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    monkeypatch.chdir(checkout)
    period = ["report", "--office", "T1", "--from", "2026-11-23", "--to", "2026-11-23"]
    as_csv = runner.invoke(args=[*period, "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    assert "Lĩnh vực" in as_csv.stdout_bytes.decode("utf-8-sig")
    logged = runner.invoke(args=[*period, "--format", "csv", "--log"])
    rows = list(csv.reader(io.StringIO(logged.stdout_bytes.decode("utf-8-sig")), delimiter=";"))
    assert [row[2] for row in rows[1:]] == ["A001", "A002"]
    refused = runner.invoke(args=period)
    assert refused.exit_code == 2 and "XLSX needs --output" in refused.output
    piped = runner.invoke(args=[*period, "-o", "-"])
    assert piped.exit_code == 0
    book = openpyxl.load_workbook(io.BytesIO(piped.stdout_bytes))
    assert book.sheetnames == ["Số liệu", "Nhật ký phiếu"]
    assert list(checkout.iterdir()) == []

    written = runner.invoke(args=[*period, "-o", str(checkout / "out" / "r.xlsx")])
    assert written.exit_code == 1 and "Cannot write" in written.output
    assert "Traceback" not in written.output


def test_overview(client, manager, engine, served, clock):
    from server.engine import credentials

    with engine.db.write() as session:
        device = credentials.create_device(session, "T1", "display", "TV sảnh")
        device_id = device.id
    engine.device_presence([device_id], True)
    clock.advance(minutes=3)
    view = client.get("/api/v1/offices/T1/overview", headers=manager).get_json()
    (a,) = [s for s in view["services"] if s["code"] == "A"]
    assert (a["waiting"], a["served_today"], a["longest_wait_seconds"]) == (1, 1, 180)
    assert view["open_counters"] == 1 and view["served_today"] == 1
    (tv,) = view["devices"]
    assert tv["online"] is False and tv["fault"]  # not seen for 3 minutes
    engine.device_presence([device_id], None)
    (tv,) = client.get("/api/v1/offices/T1/overview", headers=manager).get_json()["devices"]
    assert tv["online"] and not tv["fault"]
    assert dt.datetime.fromisoformat(tv["last_seen_at"].replace("Z", "+00:00")) == clock.now


def test_the_overview_sums_up_todays_appointments(client, manager, engine, office, clock):
    week = {d: [["07:30", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    rules = {"enabled": True, "capacity": {"A": 5}, "min_notice_minutes": 0}
    engine.update_office("T1", {"settings": {"hours": week, "appointments": rules}})
    day = dt.datetime(2026, 11, 23)  # the clock's Monday, 08:00 in Hà Nội
    early = engine.book("T1", "A", day.replace(hour=8), "An", "0912345678")
    came = engine.book("T1", "A", day.replace(hour=8, minute=30), "Bình", "0912345679")
    later = [
        engine.book("T1", "A", day.replace(hour=hour), name, phone)
        for hour, name, phone in ((9, "Chi", "0912345680"), (10, "Dũng", "0912345681"))
    ]
    gone = engine.book("T1", "A", day.replace(hour=11), "Em", "0912345682")
    engine.cancel_appointment(gone["token"])
    engine.book("T1", "A", day.replace(hour=9) + dt.timedelta(days=1), "Giang", "0912345683")
    engine.check_in("T1", code=came["code"])
    clock.advance(minutes=45)  # 08:45: the 08:00 slot is over, nobody came
    view = client.get("/api/v1/offices/T1/overview", headers=manager).get_json()
    summary = view["appointments"]
    assert {k: summary[k] for k in ("booked", "checked_in", "attended", "missed")} == {
        "booked": 4,  # the cancelled one and tomorrow's are not counted
        "checked_in": 1,
        "attended": 0,
        "missed": 1,
    }
    assert [(a["code"], a["time"], a["name"]) for a in summary["upcoming"]] == [
        (later[0]["code"], "09:00", "Chi"),
        (later[1]["code"], "10:00", "Dũng"),
    ]
    assert early["code"] not in {a["code"] for a in summary["upcoming"]}
    assert "phone" not in summary["upcoming"][0]


def test_csv_opens_as_columns_in_excel_set_to_vietnamese(client, manager, served):
    """Issue 25: ';' between columns and a decimal comma by default (Vietnamese Excel's
    list separator and decimal mark); `csv=plain` gives ',' and '.' for other tools."""
    query = {**PERIOD, "format": "csv", "kind": "log"}
    response = client.get("/api/v1/reports/export", query_string=query, headers=manager)
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff") and not text.startswith("\ufeffsep=")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert dict(zip(rows[0], rows[1], strict=True))["Thời gian chờ (phút)"] == "4,0"
    plain = client.get(
        "/api/v1/reports/export", query_string={**query, "csv": "plain"}, headers=manager
    )
    rows = list(csv.reader(io.StringIO(plain.data.decode("utf-8-sig"))))
    assert dict(zip(rows[0], rows[1], strict=True))["Thời gian chờ (phút)"] == "4.0"
    bad = client.get(
        "/api/v1/reports/export", query_string={**query, "csv": "tab"}, headers=manager
    )
    assert bad.status_code == 422


def test_shares_are_percentages_in_both_files():
    rows = [["Lĩnh vực", "Tỷ lệ", "Phút"], ["Hộ tịch", Share(0.853), 4.5], ["Đất đai", None, 2]]
    assert to_csv(rows).decode("utf-8-sig").splitlines() == [
        "Lĩnh vực;Tỷ lệ;Phút",
        "Hộ tịch;85,3%;4,5",
        "Đất đai;;2",
    ]
    assert to_csv(rows, "plain").decode("utf-8-sig").splitlines()[1] == "Hộ tịch,85.3%,4.5"
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx({"Số liệu": rows}))).active
    assert sheet["B2"].number_format == "0.0%" and sheet["B2"].value == 0.853
