"""The manager's reports page in headless Chromium against a live server: tables, charts
drawn by Chart.js, the district view, and the export downloads.

History: the last few days are played through an engine in this process with a clock of
its own (so waits and service times are realistic), and today's tickets go through the
live server's REST API, rating included.
"""

from __future__ import annotations

import csv
import datetime as dt
import heapq
import io
import random
import re
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from server.db import Database
from server.engine import Engine, credentials
from server.models import Office
from tests.browser.test_overview import CONSOLE, VIETNAMESE, api, sign_in
from tests.factories import FakeClock, make_office, make_token

pytestmark = pytest.mark.browser

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
CHARTS = ("hours", "waits", "counters", "officers", "ratings")
# Tickets issued per local hour of a day: a morning peak, a lunch lull, an afternoon bump.
PER_HOUR = {7: 3, 8: 6, 9: 7, 10: 5, 11: 2, 13: 3, 14: 5, 15: 4, 16: 2}


def officers(db: Database) -> dict[int, int]:
    """Counter number → the user id of the officer who works there."""
    with db.write() as session:
        lan = credentials.create_user(
            session, "lan", "officer", ["T1"], "pw-lan", full_name="Nguyễn Thị Lan"
        )
        minh = credentials.create_user(
            session, "minh", "officer", ["T1"], "pw-minh", full_name="Trần Văn Minh"
        )
        session.flush()
        return {1: lan.id, 2: minh.id}


def play_history(db: Database, office: dict, days: list[dt.date], seed: int = 6) -> int:
    """A few busy days at office T1: arrivals by the hour, two counters serving in turn
    (counter 1: fields A and B, counter 2: B), a few no-shows, most citizens rating.

    A small simulation decides who is called when; the engine then performs every step in
    time order with its clock set to that moment. Returns the number of tickets issued.
    """
    rng = random.Random(seed)
    clock = FakeClock(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    # Nobody watches this engine's rooms: no snapshots to build after each step.
    engine = Engine(db, clock=clock, defer_refresh=lambda refresh: None)
    staff = officers(db)
    counters = office["counters"]
    actions: list[tuple[dt.datetime, int, str, dict]] = []
    order = 0

    def at(moment: dt.datetime, what: str, **data) -> None:
        nonlocal order
        order += 1
        heapq.heappush(actions, (moment, order, what, data))

    issued = 0
    for day in days:
        opening = dt.datetime.combine(day, dt.time(7), ZONE).astimezone(dt.UTC)
        for number in (1, 2):
            at(opening - dt.timedelta(minutes=5), "open", counter=number)
        arrivals = sorted(
            dt.datetime.combine(day, dt.time(hour), ZONE).astimezone(dt.UTC)
            + dt.timedelta(seconds=rng.randrange(3600))
            for hour, count in PER_HOUR.items()
            for _ in range(count)
        )
        free = {1: opening, 2: opening}
        for ticket, arrival in enumerate(arrivals):
            service = "A" if rng.random() < 0.4 else "B"
            number = 1 if service == "A" else min((1, 2), key=lambda n: free[n])
            called = max(arrival, free[number]) + dt.timedelta(seconds=rng.randrange(20, 90))
            key = f"{day}-{ticket}"
            at(arrival, "issue", key=key, service=service)
            at(called, "call", key=key, counter=number)
            if rng.random() < 0.07:
                at(called + dt.timedelta(minutes=1), "recall", key=key)
                done = called + dt.timedelta(minutes=2)
                at(done, "no_show", key=key, counter=number)
            else:
                minutes = max(1.5, rng.gauss(6 if service == "A" else 9, 2.5))
                started = called + dt.timedelta(seconds=40)
                done = started + dt.timedelta(minutes=minutes)
                at(started, "start", key=key, counter=number)
                at(done, "finish", key=key, counter=number)
                if rng.random() < 0.75:
                    level = rng.choices(["very_satisfied", "satisfied", "unsatisfied"], [6, 3, 1])[
                        0
                    ]
                    at(done + dt.timedelta(seconds=30), "rate", key=key, level=level)
            free[number] = done
            issued += 1

    tickets: dict[str, dict] = {}
    while actions:
        moment, _order, what, data = heapq.heappop(actions)
        clock.now = moment
        user = staff.get(data.get("counter"))
        if what == "open":
            engine.set_counter_state(counters[data["counter"]], "open", user_id=user)
        elif what == "issue":
            tickets[data["key"]] = engine.issue("T1", data["service"])
        elif what == "call":
            engine.call_ticket(counters[data["counter"]], tickets[data["key"]]["id"], user)
        elif what == "rate":
            engine.rate(tickets[data["key"]]["token"], data["level"], channel="tablet")
        else:
            getattr(engine, what)(tickets[data["key"]]["id"], user)
    for number in (1, 2):
        engine.set_counter_state(counters[number], "closed", user_id=staff[number])
    return issued


def today_through_the_api(base: str, office: dict, officer: str) -> None:
    """Three tickets today: two served (one rated), one still waiting."""
    counter = office["counters"][1]
    api(base, "POST", f"/counters/{counter}/open", officer)
    first = api(base, "POST", "/offices/T1/tickets", service="A")
    api(base, "POST", "/offices/T1/tickets", service="B")
    api(base, "POST", "/offices/T1/tickets", service="B")
    for _ in range(2):
        called = api(base, "POST", f"/counters/{counter}/next", officer)["ticket"]
        api(base, "POST", f"/tickets/{called['id']}/start", officer)
        api(base, "POST", f"/tickets/{called['id']}/finish", officer)
    api(base, "POST", f"/tickets/{first['token']}/rating", level="satisfied")


@pytest.fixture
def history(demo_site, database_url):
    today = dt.datetime.now(ZONE).date()
    days = [today - dt.timedelta(days=n) for n in range(4, 0, -1)]
    db = Database(database_url)
    try:
        issued = play_history(db, demo_site["office"], days)
        make_office(
            db, code="T2", name="Trung tâm Phục vụ hành chính công xã Hai", district="Huyện Thử"
        )
        make_token(db, "boss", role="manager", offices=("T1", "T2"))
    finally:
        db.dispose()
    today_through_the_api(demo_site["url"], demo_site["office"], demo_site["token"])
    return {"from": days[0], "to": today, "issued": issued + 3}


def open_reports(new_page, base: str, query: str) -> Page:
    page = new_page(*CONSOLE, **VIETNAMESE)
    sign_in(page, base, "boss", "/admin/reports" + query)
    ready(page)
    return page


def ready(page: Page, loads: int | None = None) -> None:
    root = page.locator("#reports")
    expect(root).to_have_attribute("data-ready", "true")
    if loads is not None:
        expect(root).to_have_attribute("data-loads", str(loads))
    expect(root).to_have_attribute("data-loading", "false")


def drawn(page: Page, name: str) -> dict:
    """What Chart.js drew on one canvas: its type, labels and datasets."""
    return page.evaluate(
        """name => {
          const chart = Chart.getChart(document.getElementById("chart-" + name));
          if (!chart) return null;
          return {type: chart.config.type, labels: chart.data.labels,
                  datasets: chart.data.datasets.map(d => ({label: d.label, data: d.data})),
                  width: chart.width, height: chart.height};
        }""",
        name,
    )


def test_the_reports_page_draws_its_table_and_charts(demo_site, history, new_page, screenshot):
    base = demo_site["url"]
    period = f"?office=T1&from={history['from']}&to={history['to']}&group=service"
    page = open_reports(new_page, base, period)

    # The table: one row per field, the totals in the footer.
    rows = page.locator("#figures tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("th")).to_have_text("Hộ tịch")
    expect(rows.nth(1).locator("th")).to_have_text("Đất đai")
    total = page.locator("#figures tfoot tr")
    expect(total.locator("th")).to_have_text("Tổng cộng")
    expect(total.locator("td").first).to_have_text(str(history["issued"]))
    expect(page.locator("#sum-issued")).to_have_text(str(history["issued"]))
    heading = page.locator("#figures thead tr").nth(1).locator("th")
    expect(heading).to_contain_text(
        [
            "Cấp",
            "Phục vụ",
            "Vắng mặt",
            "Đã hủy",
            "Chuyển",
            "TB",
            "Trung vị",
            "P90",
            "Lâu nhất",
            "TB",
            "Trung vị",
            "P90",
            "Lâu nhất",
            "Số lượt",
            "Rất hài lòng",
            "Hài lòng",
            "Không hài lòng",
        ]
    )
    expect(page.locator("#estimate-line")).to_contain_text(
        re.compile(r"Dự kiến chờ lệch trung bình [\d,]+ phút; \d+\s?% trong ±5 phút")
    )
    expect(page.locator("#busiest-line")).to_contain_text("Giờ cao điểm: 9h–10h")

    # The charts: every canvas has a Chart.js chart with the data asked for.
    for name in CHARTS:
        chart = drawn(page, name)
        assert chart is not None, name
        assert chart["type"] == "bar" and chart["width"] > 200 and chart["height"] > 100, chart
    hours = drawn(page, "hours")
    assert {"7h", "12h", "16h"} <= set(hours["labels"])  # the lunch lull is shown too
    assert sum(hours["datasets"][0]["data"]) == history["issued"]
    assert drawn(page, "waits")["labels"] == ["Hộ tịch", "Đất đai"]
    assert set(drawn(page, "counters")["labels"]) == {"Quầy 1", "Quầy 2"}
    assert set(drawn(page, "officers")["labels"]) >= {"Nguyễn Thị Lan", "Trần Văn Minh"}
    ratings = drawn(page, "ratings")
    assert [d["label"] for d in ratings["datasets"]] == [
        "Rất hài lòng",
        "Hài lòng",
        "Không hài lòng",
    ]
    assert len(ratings["labels"]) == 5  # four days of history and today
    screenshot(page, "reports-top")
    page.locator(".rp-charts").scroll_into_view_if_needed()
    page.evaluate("document.querySelector('.rp-charts').scrollIntoView()")
    screenshot(page, "reports-charts")
    screenshot(page, "reports-full", full_page=True)

    # Another grouping: the table follows, the URL remembers it.
    page.click("#groups [data-group=officer]")
    ready(page, loads=2)
    expect(page.locator("#figures thead th").first).to_have_text("Cán bộ")
    expect(page.locator("#figures tbody th")).to_contain_text(["Nguyễn Thị Lan", "Trần Văn Minh"])
    assert "group=officer" in page.url


def test_exports_download_the_figures_and_the_log(demo_site, history, new_page):
    base = demo_site["url"]
    page = open_reports(new_page, base, f"?office=T1&from={history['from']}&to={history['to']}")
    with page.expect_download() as info:
        page.click("#export-figures-xlsx")
    download = info.value
    assert re.fullmatch(r"bao-cao-T1-[\d-]+\.xlsx", download.suggested_filename)
    sheet = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes())).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:3] == ("Lĩnh vực", "Số phiếu đã cấp", "Đã phục vụ")
    assert [row[0] for row in table[1:]] == ["Hộ tịch", "Đất đai", "Tổng cộng"]
    assert table[-1][1] == history["issued"]

    with page.expect_download() as info:
        page.click("#export-log-csv")
    download = info.value
    assert download.suggested_filename.endswith("-nhat-ky.csv")
    # The default CSV is what Excel set to Vietnamese opens in columns: ";" between cells.
    log_text = download.path().read_text(encoding="utf-8-sig")
    log = list(csv.reader(io.StringIO(log_text), delimiter=";"))
    assert log[0][:3] == ["Đơn vị", "Ngày", "Số thứ tự"]
    assert len(log) == 1 + history["issued"]

    with page.expect_download() as info:
        page.click("#export-figures-csv")
    text = info.value.path().read_text(encoding="utf-8-sig")
    assert list(csv.reader(io.StringIO(text), delimiter=";"))[-1][0] == "Tổng cộng"
    with page.expect_download() as info:
        page.click("#export-log-xlsx")
    assert info.value.suggested_filename.endswith("-nhat-ky.xlsx")


def test_the_district_view_compares_its_communes(
    demo_site, history, new_page, database_url, screenshot
):
    base = demo_site["url"]
    db = Database(database_url)
    with db.write() as session:
        session.execute(update(Office).where(Office.code == "T1").values(district="Huyện Thử"))
    db.dispose()
    asked: list = []
    page = new_page(*CONSOLE, **VIETNAMESE)
    page.on("request", lambda r: asked.append(r.url) if "/api/v1/reports?" in r.url else None)
    sign_in(page, base, "boss", "/admin/reports")
    ready(page)
    # Defaults: all the manager's offices, this month, one row per office. "Tất cả đơn vị"
    # asks for all=true (a province's 150 centres in one question), never a list of codes.
    expect(page.locator("#presets [data-preset=month]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#groups [data-group=office]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#all-offices")).to_be_checked()
    expect(page.locator("#summary-title")).to_contain_text("Tất cả đơn vị (2)")
    expect(page.locator("#figures tbody tr")).to_have_count(2)
    assert "all=true" in asked[-1] and "office=" not in asked[-1]
    assert "all=true" in page.url
    assert "all=true" in page.locator("#export-log-xlsx").get_attribute("href")
    asked.clear()
    loads = int(page.locator("#reports").get_attribute("data-loads"))
    # Three changes in a row are one question, and the page says at once it is loading.
    page.select_option("#district", "Huyện Thử")
    expect(page.locator("#loading")).to_be_visible()
    expect(page.locator("#reports")).to_have_attribute("data-loading", "true")
    page.click("#presets [data-preset=week]")
    page.fill("#from", str(history["from"]))
    page.dispatch_event("#from", "change")
    ready(page, loads + 1)
    expect(page.locator("#loading")).to_be_hidden()
    assert len(asked) < 3, asked  # one, unless the machine is slower than the 400 ms batch
    expect(page.locator("#presets [aria-pressed=true]")).to_have_count(0)
    rows = page.locator("#figures tbody th")
    # The communes side by side, told apart by the end of their names.
    expect(rows).to_have_text(["xã Thử", "xã Hai"])
    expect(rows.nth(1)).to_have_attribute("title", "Trung tâm Phục vụ hành chính công xã Hai")
    expect(page.locator("#summary-title")).to_contain_text("Huyện Thử (2 đơn vị)")
    assert drawn(page, "waits")["labels"] == ["xã Thử"]  # xã Hai: nobody waited
    expect(page.locator("#figures tbody tr").nth(1).locator("td").first).to_have_text("0")
    assert "office=T1&office=T2" in page.url and "group=office" in page.url
    expect(page.locator("#all-offices")).not_to_be_checked()
    link = page.locator("#export-figures-xlsx").get_attribute("href")
    assert "office=T1&office=T2" in link and "group=office" in link
    screenshot(page, "reports-district")

    # A period the wrong way round is refused in the page, and the links are disabled.
    page.fill("#to", str(history["from"] - dt.timedelta(days=1)))
    page.dispatch_event("#to", "change")
    expect(page.locator("#error")).to_have_text("Ngày kết thúc đứng trước ngày bắt đầu.")
    expect(page.locator("#export-log-csv")).to_have_attribute("aria-disabled", "true")

    # Back to every office, by the choice itself.
    page.fill("#to", str(history["to"]))
    page.dispatch_event("#to", "change")
    ready(page)
    expect(page.locator("#error")).to_be_hidden()
    loads = int(page.locator("#reports").get_attribute("data-loads"))
    page.check("#all-offices")
    ready(page, loads + 1)
    expect(page.locator("#summary-title")).to_contain_text("Tất cả đơn vị (2)")
    assert "all=true" in asked[-1] and "office=" not in asked[-1]


def test_period_presets_and_an_empty_report(demo_site, new_page, database_url):
    make_token(Database(database_url), "boss", role="manager")
    page = open_reports(new_page, demo_site["url"], "")
    today = dt.date.fromisoformat(
        page.evaluate("JSON.parse(document.getElementById('luot-page').textContent).today")
    )
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    expected = {
        "today": (today, today),
        "week": (today - dt.timedelta(days=today.weekday()), today),
        "month": (today.replace(day=1), today),
        "last_month": (last_month_end.replace(day=1), last_month_end),
        "year": (today.replace(month=1, day=1), today),
    }
    for loads, (preset, (start, end)) in enumerate(expected.items(), start=2):
        page.click(f"#presets [data-preset={preset}]")
        ready(page, loads=loads)
        expect(page.locator("#from")).to_have_value(str(start))
        expect(page.locator("#to")).to_have_value(str(end))
        assert f"preset={preset}" in page.url and "from=" not in page.url

    # Nothing happened this year yet: an empty table, charts say so, nothing breaks.
    expect(page.locator("#figures tbody")).to_have_text(
        "Không có phiếu nào trong khoảng thời gian này."
    )
    expect(page.locator("#sum-issued")).to_have_text("0")
    expect(page.locator(".rp-chart[data-empty=true]")).to_have_count(len(CHARTS))
    assert page.evaluate("Chart.getChart(document.getElementById('chart-hours'))") is None
    expect(page.locator("#estimate-line")).to_contain_text("chưa có phiếu nào được gọi")

    # The preset survives a reload (it is in the URL), and is recomputed from today.
    page.reload()
    ready(page)
    expect(page.locator("#presets [data-preset=year]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#from")).to_have_value(str(expected["year"][0]))


# ---------------------------------------------------------------- issue 25, point 7

A4_WIDTH = 703  # CSS px between the print margins: 210 mm less 2 × 12 mm (reports.css @page)

FIT = """(selector) => {
  const table = document.querySelector(selector);
  const box = table.closest(".rp-table-wrap, .mg-card");
  const edge = box.getBoundingClientRect();
  const cells = [...table.querySelectorAll("th, td")];
  return {
    box: box.clientWidth, table: table.getBoundingClientRect().width,
    page: document.documentElement.scrollWidth, viewport: window.innerWidth,
    clipped: cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent),
    outside: cells.filter((c) => {
      const r = c.getBoundingClientRect();
      return r.right > edge.right + 1 || r.left < edge.left - 1;
    }).map((c) => c.textContent),
  };
}"""


def test_the_figures_fit_1366_pixels_and_the_summary_an_a4_page(
    demo_site, history, new_page, screenshot
):
    from tests.browser.axe import describe, severe_violations

    base = demo_site["url"]
    period = f"?office=T1&from={history['from']}&to={history['to']}&group=service"
    page = open_reports(new_page, base, period)
    # At 1366 × 768 the whole table, ratings included, fits its card: nothing to scroll.
    for group in ("service", "officer", "counter"):
        if group != "service":
            page.click(f"#groups [data-group={group}]")
            expect(page.locator("#reports")).to_have_attribute("data-loading", "false")
            expect(page.locator("#figures thead th").first).not_to_have_text("Lĩnh vực")
        fit = page.evaluate(FIT, "#figures")
        assert fit["table"] <= fit["box"] + 1, (group, fit)
        assert fit["clipped"] == [] and fit["outside"] == [], (group, fit)
        assert fit["page"] <= fit["viewport"], (group, fit)
    rating = page.locator("#figures thead th", has_text="Không hài lòng")
    expect(rating).to_be_in_viewport()
    severe = severe_violations(page)
    assert not severe, describe(severe)
    page.evaluate("document.querySelector('#figures').scrollIntoView()")
    screenshot(page, "issue25-reports-1366")

    # Narrower (or a longer scale): the table scrolls in its own box, its first column stays.
    page.set_viewport_size({"width": 1024, "height": 768})
    page.evaluate("document.querySelector('.rp-table-wrap').scrollLeft = 10000")
    first = page.locator("#figures tbody tr").first.locator("th")
    wrap = page.locator(".rp-table-wrap").bounding_box()
    assert page.evaluate("document.querySelector('.rp-table-wrap').scrollLeft") > 0
    assert abs(first.bounding_box()["x"] - wrap["x"]) <= 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    page.set_viewport_size({"width": 1366, "height": 768})

    # The printed summary: within an A4 portrait page's width, every column whole.
    page.click("#groups [data-group=officer]")
    expect(page.locator("#reports")).to_have_attribute("data-loading", "false")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_WIDTH, "height": 1000})
    expect(page.locator("#print-summary")).to_be_visible()
    fit = page.evaluate(FIT, "#summary-table")
    assert fit["table"] <= fit["box"] + 1, fit
    assert fit["clipped"] == [] and fit["outside"] == [], fit
    assert fit["page"] <= A4_WIDTH, fit
    screenshot(page, "issue25-reports-print-a4", full_page=True)
    from tests.browser.test_reports_scale import pdf_pages

    pdf = page.pdf(format="A4", print_background=True)
    assert pdf_pages(pdf) == 1
    page.emulate_media(media="screen")


def test_the_csv_style_is_chosen_on_the_page_and_remembered(
    demo_site, history, new_page, screenshot
):
    base = demo_site["url"]
    page = open_reports(new_page, base, f"?office=T1&from={history['from']}&to={history['to']}")
    excel = page.locator("[name=csv_style][value=excel-vi]")
    plain = page.locator("[name=csv_style][value=plain]")
    expect(excel).to_be_checked()
    expect(page.locator("#csv-style")).to_contain_text("Excel (tiếng Việt)")
    expect(page.locator("#csv-style")).to_contain_text("CSV chuẩn")

    def download(link: str) -> bytes:
        with page.expect_download() as info:
            page.click(link)
        return info.value.path().read_bytes()

    def cells(data: bytes, delimiter: str) -> list[list[str]]:
        assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the diacritics
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))

    # Excel set to Vietnamese: ";" between cells, "," as the decimal mark.
    rows = cells(download("#export-figures-csv"), ";")
    assert rows[0][:2] == ["Lĩnh vực", "Số phiếu đã cấp"] and rows[-1][0] == "Tổng cộng"
    assert len({len(row) for row in rows}) == 1 and len(rows[0]) > 10
    flat = [cell for row in rows[1:] for cell in row]
    assert any(re.fullmatch(r"\d+,\d+", cell) for cell in flat), flat
    assert not any(re.fullmatch(r"\d+\.\d+", cell) for cell in flat), flat
    assert len(cells(download("#export-log-csv"), ";")) == 1 + history["issued"]

    # Plain CSV: "," between cells, "." as the decimal mark; remembered on this computer.
    plain.check()
    assert "csv=plain" in page.get_attribute("#export-figures-csv", "href")
    assert "csv=plain" in page.get_attribute("#export-log-csv", "href")
    assert "csv=" not in page.get_attribute("#export-figures-xlsx", "href")
    rows = cells(download("#export-figures-csv"), ",")
    assert rows[0][:2] == ["Lĩnh vực", "Số phiếu đã cấp"] and rows[-1][0] == "Tổng cộng"
    assert len({len(row) for row in rows}) == 1 and len(rows[0]) > 10
    flat = [cell for row in rows[1:] for cell in row]
    assert any(re.fullmatch(r"\d+\.\d+", cell) for cell in flat), flat
    assert not any(re.fullmatch(r"\d+,\d+", cell) for cell in flat), flat
    log = cells(download("#export-log-csv"), ",")
    assert log[0][:3] == ["Đơn vị", "Ngày", "Số thứ tự"] and len(log) == 1 + history["issued"]
    screenshot(page, "issue25-reports-csv-choice")

    page.reload()
    ready(page)
    expect(plain).to_be_checked()
    assert "csv=plain" in page.get_attribute("#export-figures-csv", "href")
    excel.check()
    assert "csv=excel-vi" in page.get_attribute("#export-figures-csv", "href")
    page.reload()
    ready(page)
    expect(excel).to_be_checked()
