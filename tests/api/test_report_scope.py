"""Reports of every office (`all=true`, `luot report --all`, the exports): a province of 150
offices is one report, its figures those of the offices' own reports summed; a manager's
"all" is their offices; a list of offices named one by one stays capped, and its refusal
counts offices (not characters) in Vietnamese. Both databases."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import func, select, update

from server import reports
from server.engine.catalog import create_office
from server.models import Centre, Office, Rating, Ticket, TicketEvent
from server.reports import days as report_days
from tests.factories import SMALL_OFFICE, bearer, make_office, make_token

DAY = "2026-11-23"  # the test clock's Monday
OFFICES = 150
PER_OFFICE = ("issued", "served", "no_show", "cancelled", "transferred", "rated", "ratings")


def office_day(engine, clock, office: dict, n: int) -> None:
    """Office number `n`'s day through the engine: 1 to 3 tickets, waits and services of
    lengths that vary by office, a no-show in some, ratings in others."""
    code, counter = office["code"], office["counters"][1]
    engine.set_counter_state(counter, "open")
    tickets = [engine.issue(code, "A" if k % 2 == 0 else "B") for k in range(1 + n % 3)]
    for k, ticket in enumerate(tickets[:-1] if n % 4 else tickets):
        clock.advance(seconds=30 + (n * 37 + k * 11) % 600)
        called = engine.call_next(counter)
        if n % 5 == 0 and k == 0:
            engine.no_show(called["id"])
            continue
        engine.start(called["id"])
        clock.advance(seconds=60 + (n * 53) % 900)
        engine.finish(called["id"])
        if (n + k) % 3:
            engine.rate(ticket["token"], ("very_satisfied", "satisfied", "unsatisfied")[n % 3])


def recorded_day(session, office, n: int, opening: dt.datetime) -> None:
    """What `office_day` makes, written straight into the tables (150 offices' days through
    the engine are 1,500 commits): tickets with their events and ratings."""
    services = [service.id for service in office.services]
    counter = office.counters[0].id
    count = 1 + n % 3
    for k in range(count):
        issued = opening + dt.timedelta(minutes=2 * k)
        ticket = Ticket(
            office_id=office.id,
            service_id=services[k % 2],
            issued_service_id=services[k % 2],
            service_day=dt.date.fromisoformat(DAY),
            seq=k + 1,
            number=k + 1,
            code=f"A{k + 1:03d}",
            token=f"t-{n}-{k}",
            status="waiting",
            queued_at=issued,
            issued_at=issued,
        )
        session.add(ticket)
        session.flush()
        events = [("issued", issued, None)]
        if k < count - 1 or n % 4 == 0:
            called = issued + dt.timedelta(seconds=30 + (n * 37 + k * 11) % 600)
            events.append(("called", called, counter))
            if n % 5 == 0 and k == 0:
                ticket.status = "no_show"
                events.append(("no_show", called + dt.timedelta(minutes=1), counter))
            else:
                started = called + dt.timedelta(seconds=20)
                finished = started + dt.timedelta(seconds=60 + (n * 53) % 900)
                ticket.status = "done"
                events += [("started", started, counter), ("finished", finished, counter)]
                if (n + k) % 3:
                    level = ("very_satisfied", "satisfied", "unsatisfied")[n % 3]
                    session.add(
                        Rating(
                            ticket_id=ticket.id,
                            office_id=office.id,
                            counter_id=counter,
                            level=level,
                            score=1.0,
                            created_at=finished,
                        )
                    )
        for kind, at, by in events:
            session.add(
                TicketEvent(
                    ticket_id=ticket.id,
                    office_id=office.id,
                    service_id=ticket.service_id,
                    kind=kind,
                    at=at,
                    counter_id=by,
                )
            )


@pytest.fixture
def province(engine, office, clock):
    """150 offices with a day each (a tenth of them in another time zone), the last 40 of
    them copies of a centre's offices, as a provincial server holds them."""
    codes = [f"P{n:03d}" for n in range(1, OFFICES + 1)]
    engine.add_centre("25396", "Xã Bình Minh")
    with engine.db.write() as session:
        centre = session.scalar(select(Centre.id).where(Centre.code == "25396"))
        for n, code in enumerate(codes):
            zone = "Asia/Tokyo" if n % 10 == 0 else "Asia/Ho_Chi_Minh"
            document = {**SMALL_OFFICE, "code": code, "name": f"Xã số {n}", "timezone": zone}
            made = create_office(session, document, clock())
            session.flush()
            recorded_day(session, made, n, clock() + dt.timedelta(seconds=n))
        session.execute(update(Office).where(Office.code.in_(codes[-40:])).values(centre_id=centre))
    return ["T1", *codes]


def report(client, headers, status: int = 200, **query) -> dict:
    response = client.get("/api/v1/reports", query_string=query, headers=headers)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def figures(row: dict) -> dict:
    """A row's figures without what names it (key, label, office)."""
    return {k: v for k, v in row.items() if k not in ("key", "label", "office")}


@pytest.mark.slow  # 151 reports: started first (tests/conftest.py)
@pytest.mark.timeout(300)  # about a minute on a loaded 2-core machine
def test_all_offices_are_the_sum_of_each_office(client, admin, engine, province, clock):
    everything = report(
        client,
        admin,
        all="true",
        group="office",
        also="hour",
        **{"from": DAY, "to": DAY},
    )
    by_code = {row["office"]: row for row in everything["rows"]}
    assert sorted(by_code) == sorted(province)  # the copies too, T1 (no tickets) as zeros
    totals: dict = {name: 0 for name in PER_OFFICE if name != "ratings"}
    ratings: dict[str, int] = {}
    hours: dict[int, int] = {}
    waits = []
    for code in province:
        own = report(client, admin, office=code, group="hour", **{"from": DAY, "to": DAY})
        if own["total"] is None:
            assert by_code[code]["issued"] == 0
            continue
        assert figures(by_code[code]) == figures(own["total"]), code
        for name in totals:
            totals[name] += own["total"][name]
        for level, n in own["total"]["ratings"].items():
            ratings[level] = ratings.get(level, 0) + n
        for row in own["rows"]:
            hours[row["key"]] = hours.get(row["key"], 0) + row["issued"]
        if own["total"]["wait"]:
            waits.append(own["total"]["wait"])
    total = everything["total"]
    assert {name: total[name] for name in totals} == totals
    assert totals["issued"] == sum(1 + n % 3 for n in range(OFFICES)) and totals["rated"] > 50
    assert total["ratings"] == ratings
    assert {row["key"]: row["issued"] for row in everything["also"]["hour"]["rows"]} == hours
    assert len(hours) > 1  # offices in Tokyo issue at other local hours
    assert total["wait"]["count"] == sum(w["count"] for w in waits)
    assert total["wait"]["max"] == max(w["max"] for w in waits)
    mean = sum(w["mean"] * w["count"] for w in waits) / total["wait"]["count"]
    assert abs(total["wait"]["mean"] - mean) <= 0.1

    # A year of the same: read from day rollups (half the offices' day stored, the others'
    # rolled up live), with the same counts, means and maxima.
    clock.advance(days=10)
    with engine.db.read() as session:
        half = reports.scope(
            session, province[: OFFICES // 2], dt.date(2026, 11, 1), clock().date()
        )
    assert report_days.ensure(engine.db, half, clock()) > 0
    year = report(client, admin, all="true", group="office", **{"from": "2025-11-24", "to": DAY})
    assert year["approximate"] is True
    for rolled, exact in zip(
        [year["total"], *year["rows"]], [total, *everything["rows"]], strict=True
    ):
        for measure in ("wait", "service"):
            for point in ("median", "p90"):
                if exact[measure]:
                    rolled[measure][point] = exact[measure][point]
        assert rolled == exact


def test_all_offices_in_the_exports(client, admin, engine, province):
    period = {"from": DAY, "to": DAY, "group": "office", "format": "csv"}
    response = client.get(
        "/api/v1/reports/export", query_string={**period, "all": "true"}, headers=admin
    )
    assert response.status_code == 200
    assert f'filename="bao-cao-tat-ca-{DAY}-{DAY}.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + len(province) + 1  # headings, one row per office, the total
    log = client.get(
        "/api/v1/reports/export",
        query_string={**period, "all": "true", "kind": "log"},
        headers=admin,
    )
    with engine.db.read() as session:
        tickets = session.scalar(select(func.count()).select_from(Ticket))
    assert (
        len(list(csv.reader(io.StringIO(log.data.decode("utf-8-sig")), delimiter=";")))
        == 1 + tickets
    )


def test_a_managers_all_is_their_offices(client, engine, office, clock):
    made = [office, make_office(engine.db, code="T2"), make_office(engine.db, code="T3")]
    for n, one in enumerate(made):
        office_day(engine, clock, one, n + 1)
    boss = bearer(make_token(engine.db, "boss", role="manager", offices=("T1", "T2")))
    mine = report(client, boss, all="true", group="office", **{"from": DAY, "to": DAY})
    assert [row["office"] for row in mine["rows"]] == ["T1", "T2"]
    named = report(client, boss, office=["T1", "T2"], group="office", **{"from": DAY, "to": DAY})
    assert mine == named
    # T3 is not theirs, named or not; an officer has no reports at all.
    report(client, boss, 403, office=["T1", "T3"], **{"from": DAY, "to": DAY})
    officer = bearer(make_token(engine.db, "canbo", role="officer", offices=("T1",)))
    report(client, officer, 403, all="true", **{"from": DAY, "to": DAY})


def test_all_of_no_office_is_not_found(client, engine):
    root = bearer(make_token(engine.db, "root", role="admin", offices=()))
    body = report(client, root, 404, all="true", **{"from": DAY, "to": DAY})
    assert body["message"] == "There is no office to report on."


@pytest.mark.parametrize(
    ("query", "english", "vietnamese"),
    [
        (
            {"office": [f"X{n}" for n in range(101)]},
            "Name from 1 to 100 offices, or ask for all of them with all=true.",
            "Chọn từ 1 đến 100 đơn vị, hoặc chọn “Tất cả đơn vị”.",
        ),
        (
            {"office": "T1", "all": "true"},
            "Name offices or ask for all=true, not both.",
            "Chọn một số đơn vị hoặc “Tất cả đơn vị”, không chọn cả hai.",
        ),
        (
            {},
            "Name the offices (office=CODE, repeated), or ask for all of them with all=true.",
            "Hãy chọn đơn vị, hoặc chọn “Tất cả đơn vị”.",
        ),
        (
            {"all": "false"},
            "Name the offices (office=CODE, repeated), or ask for all of them with all=true.",
            "Hãy chọn đơn vị, hoặc chọn “Tất cả đơn vị”.",
        ),
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/reports", "/api/v1/reports/export"])
def test_which_offices_is_said_once_and_in_offices(client, admin, path, query, english, vietnamese):
    response = client.get(path, query_string={**query, "from": DAY, "to": DAY}, headers=admin)
    body = response.get_json()
    assert response.status_code == 422, body
    assert body["fields"] == {"office": [english]}
    assert body["vi"]["fields"] == {"office": [vietnamese]}


def test_a_hundred_offices_may_still_be_named(client, admin, engine, office):
    for n in range(99):
        make_office(engine.db, code=f"Q{n:02d}", counters=[])
    codes = ["T1", *(f"Q{n:02d}" for n in range(99))]
    named = report(client, admin, office=codes, group="office", **{"from": DAY, "to": DAY})
    assert len(named["rows"]) == 100


def test_cli_report_of_every_office(runner, engine, office, clock, tmp_path):
    for n, one in enumerate((office, make_office(engine.db, code="T2", name="Xã Hai"))):
        office_day(engine, clock, one, n + 1)
    period = ["--from", DAY, "--to", DAY, "--group", "office", "--format", "csv"]
    every = runner.invoke(args=["report", "--all", *period, "-o", str(tmp_path / "all.csv")])
    assert every.exit_code == 0, every.output
    named = runner.invoke(
        args=["report", "--office", "T1", "--office", "T2", *period, "-o", str(tmp_path / "n.csv")]
    )
    assert named.exit_code == 0, named.output
    rows = list(
        csv.reader(io.StringIO((tmp_path / "all.csv").read_text("utf-8-sig")), delimiter=";")
    )
    assert [row[0] for row in rows[1:]] == [
        "Trung tâm Phục vụ hành chính công xã Thử",
        "Xã Hai",
        "Tổng cộng",
    ]
    assert (tmp_path / "all.csv").read_bytes() == (tmp_path / "n.csv").read_bytes()
    both = runner.invoke(args=["report", "--all", "--office", "T1", *period])
    assert both.exit_code == 2 and "not both" in both.output
    neither = runner.invoke(args=["report", *period])
    assert neither.exit_code == 2 and "--all" in neither.output
