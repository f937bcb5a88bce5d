"""A centre's journal and the province's copy, engine to engine (the HTTP path and the
pusher: test_live.py; real separate hosts: test_hosts.py).

Each test's centre runs the small office T1 on its own SQLite file; the province runs on
the test's database (both databases in CI)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from server import reports
from server.engine import Citizen
from server.engine.errors import Conflict, Forbidden, Invalid, OutOfOrder
from server.models import Centre, Counter, SyncEntry, Ticket, User
from tests.province.conftest import join, push_all
from tests.province.copies import assert_same_copy

WEEK = {d: [["07:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
DOSSIER = "000.00.23.H26-250715-0001"
NOTE = "ông An, SĐT 0912 345 678"
DAY = dt.date(2026, 11, 23)


def ids_of(engine, model) -> list[int]:
    with engine.db.read() as session:
        return list(session.scalars(select(model.id).order_by(model.id)))


def officer_of(engine) -> int:
    with engine.db.read() as session:
        return session.scalar(select(User.id).where(User.username.like("officer-%")))


def rate(engine, ticket_id: int, level: str = "satisfied") -> None:
    with engine.db.read() as session:
        token = session.scalar(select(Ticket.token).where(Ticket.id == ticket_id))
    engine.rate(token, level, channel="tablet")


def a_day(centre, clock, tickets: int = 12) -> None:
    """A day at the centre touching every kind of row the sync carries: configuration,
    counters opened and paused, a booking checked in, a card scanned, priority, calls,
    a no-show, a transfer, a dossier with a note, a return of results, ratings."""
    centre.update_office(
        "T1",
        {
            "settings": {
                "hours": WEEK,
                "appointments": {
                    "enabled": True,
                    "capacity": {"A": 2},
                    "min_notice_minutes": 0,
                    "early_minutes": 120,
                },
            }
        },
    )
    officer = officer_of(centre)
    counters = ids_of(centre, Counter)
    for counter_id in counters:
        centre.set_counter_state(counter_id, "open", officer)
    booked = centre.book(
        "T1", "A", dt.datetime(2026, 11, 23, 9, 0), "Nguyễn Văn An", "0912345678", consent=True
    )
    centre.check_in("T1", code=booked["code"])
    card = Citizen(name="Trần Thị Bình", id_hash="c" * 64, id_last4="1234")
    centre.issue("T1", "A", citizen=card, source="addr:10.0.0.9", request_key="key-1")
    for n in range(tickets):
        centre.issue("T1", "B" if n % 3 else "A", priority="elderly" if n == 4 else None)
        clock.advance(seconds=40)
    for served in range(tickets + 2):
        clock.advance(seconds=30)
        ticket = centre.call_next(counters[served % 2], officer)
        if ticket is None:
            break
        if served == 2:
            centre.no_show(ticket["id"], officer)
            continue
        if served == 3:
            centre.transfer(ticket["id"], counter_id=counters[1], user_id=officer)
            continue
        centre.start(ticket["id"], officer)
        clock.advance(minutes=3)
        if served == 1:
            centre.attach_dossier(ticket["id"], DOSSIER, note=NOTE, user_id=officer)
            centre.set_return(
                ticket["id"], dt.datetime(2026, 11, 25, 9, 0), phone="0987654321", consent=True
            )
        centre.finish(ticket["id"], officer)
        rate(centre, ticket["id"], "unsatisfied" if served == 5 else "satisfied")
    centre.set_counter_state(counters[1], "paused", officer)
    centre.update_service("T1", "B", {"name": "Đất đai – Môi trường"})
    centre.update_counter(counters[1], {"services": ["A", "B"]})


def test_every_row_reaches_the_province_once_as_the_centre_has_it(province, centre, clock):
    centre.issue("T1", "A")  # before joining: it arrives with the baseline
    centre_id = join(province, centre)
    a_day(centre, clock)
    pushes = push_all(province, centre, centre_id, batch=7)
    assert pushes > 3
    counted = assert_same_copy(centre.db, province.db, "XA1")
    assert counted["ticket"] == 15 and counted["rating"] >= 8 and counted["appointment"] == 2
    assert counted["ticket_event"] > 40 and counted["counter_event"] == 3
    link = centre.link()
    assert link["unsent"] == 0 and link["confirmed"] == link["head"]
    assert province.centres()[0]["received_seq"] == link["head"]


def test_an_entry_sent_again_is_applied_once(province, centre, clock):
    centre_id = join(province, centre)
    a_day(centre, clock, tickets=5)
    entries = json.loads(json.dumps(centre.entries_after(0, 1000)))
    half = len(entries) // 2
    first = province.receive(centre_id, entries[:half])
    # The answer was lost: the centre sends the same and more; then all of it again.
    again = province.receive(centre_id, entries[: half + 3])
    assert again["rows"] == sum(len(e["rows"]) for e in entries[half : half + 3])
    province.receive(centre_id, entries)
    assert province.receive(centre_id, entries)["rows"] == 0
    assert first["received"] == entries[half - 1]["seq"]
    assert_same_copy(centre.db, province.db, "XA1")


def test_a_gap_is_refused_with_what_the_province_holds(province, centre, clock):
    centre_id = join(province, centre)
    a_day(centre, clock, tickets=3)
    entries = json.loads(json.dumps(centre.entries_after(0, 1000)))
    province.receive(centre_id, entries[:2])
    with pytest.raises(OutOfOrder) as refused:
        province.receive(centre_id, entries[3:])
    assert refused.value.details["received"] == entries[1]["seq"]
    with pytest.raises(Invalid, match="missing"):
        province.receive(centre_id, [entries[2], entries[4]])
    assert province.centres()[0]["received_seq"] == entries[1]["seq"]


@pytest.mark.parametrize(
    "damage, words",
    [
        (lambda rows: rows.append(["ticket", {"id": 9999, "office_id": 77}]), "never received"),
        (lambda rows: rows.append(["printer", {"id": 1}]), "known kind"),
        (lambda rows: rows[-1][1].update(status=5), "not text"),
        (lambda rows: rows[-1][1].update(issued_at="2026-11-23 08:00"), "zone"),
        (lambda rows: rows[-1][1].update(password_hash="x"), "unknown columns"),
        (lambda rows: rows[-1][1].update(code="x" * 17), "longer than 16"),
        (lambda rows: rows[-1][1].update(seq=2**40), "size"),
        (lambda rows: rows.append(["ticket", {**rows[-1][1], "id": 5000}]), "cannot be stored"),
    ],
)
def test_a_bad_row_is_refused_and_changes_nothing(province, centre, clock, damage, words):
    centre_id = join(province, centre)
    centre.issue("T1", "A")
    entries = json.loads(json.dumps(centre.entries_after(0, 1000)))
    good = province.receive(centre_id, entries[:1])
    ticket_entry = entries[1]
    ticket_entry["rows"] = [row for row in ticket_entry["rows"] if row[0] == "ticket"]
    damage(ticket_entry["rows"])
    with province.db.read() as session:
        before = session.scalar(select(func.count()).select_from(Ticket))
    with pytest.raises(Invalid, match=words):
        province.receive(centre_id, [ticket_entry])
    with province.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == before
        assert session.scalar(select(Centre.received_seq)) == good["received"]


def test_personal_data_stays_at_the_centre(province, centre, clock):
    centre_id = join(province, centre)
    a_day(centre, clock, tickets=4)
    push_all(province, centre, centre_id)
    # The rows as sent (each entry's digest is hex, where "1234" may occur by chance).
    entries = centre.entries_after(0, 10_000)
    sent = json.dumps([(e["seq"], e["at"], e["rows"]) for e in entries], ensure_ascii=False)
    for private in (
        "Trần Thị Bình",
        "Nguyễn Văn An",
        "0912345678",
        "0987654321",
        "c" * 64,
        "1234",
        "10.0.0.9",
        "key-1",
        "0912 345 678",
    ):
        assert private not in sent, private
    with centre.db.read() as session:
        tokens = list(session.scalars(select(Ticket.token)))
    assert tokens and not any(token in sent for token in tokens)
    with province.db.read() as session:
        copies = session.scalars(select(Ticket)).all()
        assert {t.citizen_name for t in copies} == {None}
        # A copied ticket's token opens nothing: no phone page here has that token.
        assert not set(tokens) & {t.token for t in copies}


def test_the_copy_refuses_every_other_writer(province, centre, clock):
    centre_id = join(province, centre)
    a_day(centre, clock, tickets=3)
    push_all(province, centre, centre_id)
    counter = ids_of(province, Counter)[0]
    for attempt in (
        lambda: province.issue("T1", "A"),
        lambda: province.call_next(counter),
        lambda: province.set_counter_state(counter, "closed"),
        lambda: province.update_office("T1", {"name": "Đổi tên"}),
        lambda: province.create_service("T1", {"code": "Z", "name": "Mới"}),
    ):
        with pytest.raises(Conflict, match="run by its commune centre"):
            attempt()
    officer = province.users()[0]
    assert officer["username"].startswith("XA1/")
    with pytest.raises(Conflict, match="officer of a commune centre"):
        province.update_user(officer["id"], {"active": True})
    with pytest.raises(Conflict, match="officer of a commune centre"):
        province.create_user_token(officer["username"], "try")
    assert_same_copy(centre.db, province.db, "XA1")


def test_an_office_code_of_another_centre_is_refused(province, make_centre, clock):
    first, second = make_centre("one"), make_centre("two")
    one, two = join(province, first, "XA1"), join(province, second, "XA2")
    push_all(province, first, one)
    with pytest.raises(Invalid, match="already used at the province"):
        push_all(province, second, two)
    refused = {c["code"]: c for c in province.centres()}["XA2"]
    assert refused["received_seq"] == 0
    # Renamed at the centre, it goes through.
    assert province.offices()[0]["code"] == "T1"


def test_two_centres_with_their_own_codes_never_mix(province, make_centre, clock):
    first, second = make_centre("one", "X1"), make_centre("two", "X2")
    one, two = join(province, first, "XA1"), join(province, second, "XA2")
    for engine in (first, second):
        for _ in range(5):
            engine.issue(engine.offices()[0]["code"], "A")
    push_all(province, first, one, batch=2)
    push_all(province, second, two, batch=3)
    assert_same_copy(first.db, province.db, "XA1")
    assert_same_copy(second.db, province.db, "XA2")
    assert [o["code"] for o in province.offices()] == ["X1", "X2"]


def test_the_reports_are_the_same_at_the_province(province, centre, clock):
    centre_id = join(province, centre)
    a_day(centre, clock)
    push_all(province, centre, centre_id)
    figures = []
    for engine in (centre, province):
        with engine.db.read() as session:
            scope = reports.scope(session, ["T1"], DAY, DAY)
            result = reports.report(session, scope, "service", also=("counter", "hour"))
        figures.append(json.loads(json.dumps(result, default=str)))
    assert figures[0]["total"]["issued"] == 14
    assert figures[0] == figures[1]


def test_a_join_code_works_once_and_a_revoked_centre_is_refused(province, centre, clock):
    invite = province.add_centre("XA1", "Xã Một")
    granted = province.join(invite["join_code"])
    with pytest.raises(Forbidden):
        province.join(invite["join_code"])
    late = province.add_centre("XA9", "")
    clock.advance(days=8)
    with pytest.raises(Forbidden):
        province.join(late["join_code"])
    centre.join_province("http://p.test", "XA1", granted["token"], granted["received"])
    centre_id = province.centre_for_token(granted["token"])
    centre.issue("T1", "A")
    push_all(province, centre, centre_id)
    province.revoke_centre("XA1")
    assert province.centre_for_token(granted["token"]) is None
    with pytest.raises(Forbidden):
        province.receive(centre_id, [])
    # Invited again, it joins again and takes up where the province stands.
    centre.issue("T1", "A")
    again = province.join(province.add_centre("XA1", "")["join_code"])
    centre.join_province("http://p.test", "XA1", again["token"], again["received"])
    push_all(province, centre, province.centre_for_token(again["token"]))
    assert_same_copy(centre.db, province.db, "XA1")


def test_a_new_box_under_a_known_code_is_refused(province, make_centre, clock):
    old = make_centre("old")
    centre_id = join(province, old)
    old.issue("T1", "A")
    push_all(province, old, centre_id)
    fresh = make_centre("reinstalled")
    granted = province.join(province.add_centre("XA1", "")["join_code"])
    with pytest.raises(Conflict, match="Restore this box from its backup"):
        fresh.join_province("http://p.test", "XA1", granted["token"], granted["received"])
    assert fresh.link() is None


def test_journaling_waits_for_the_join_and_costs_nothing_before(centre, province):
    centre.issue("T1", "A")
    with centre.db.read() as session:
        assert session.scalar(select(func.count()).select_from(SyncEntry)) == 0
    join(province, centre)
    with centre.db.read() as session:
        assert session.scalar(select(func.count()).select_from(SyncEntry)) == 1  # the baseline
    centre.issue("T1", "A")
    with centre.db.read() as session:
        assert session.scalar(select(func.count()).select_from(SyncEntry)) == 2


def test_a_new_office_on_a_centre_is_journaled_from_its_first_row(province, centre, clock):
    centre_id = join(province, centre)
    centre.create_office(
        {
            "code": "T2",
            "name": "Điểm phục vụ thôn Hai",
            "services": [{"code": "A", "name": "Hộ tịch"}],
            "counters": [{"number": 1, "name": "Quầy 1", "services": ["A"]}],
        }
    )
    centre.issue("T2", "A")
    push_all(province, centre, centre_id)
    assert {o["code"] for o in province.offices()} == {"T1", "T2"}
    assert_same_copy(centre.db, province.db, "XA1")
