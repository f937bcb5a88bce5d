"""The outbox, the worker and a real gateway on loopback: every message delivered exactly
once, through failures, timeouts, dead workers, racing workers and restarts."""

from __future__ import annotations

import json
import threading

import pytest

from server import current
from server.engine import citizen_messages
from server.models import Appointment, OutboxMessage
from tests.messaging.conftest import all_messages, enqueue_booked, make_appointment, set_channel


def book(db, office, count: int) -> list[int]:
    """`count` booked messages, each to its own phone (one phone has a daily cap)."""
    phones = [f"09123456{i:02d}" for i in range(count)]
    return [enqueue_booked(db, make_appointment(db, office, phone=phone)) for phone in phones]


def statuses(db) -> list[str]:
    return [message.status for message in all_messages(db)]


def test_delivered_once_through_failures_timeouts_and_recovery(db, office, worker, gateway, clock):
    book(db, office, 3)
    set_channel(db, "T1", "zns")
    book(db, office, 2)

    for mode in ("fail", "timeout", "busy"):
        gateway.mode = mode
        assert worker.run_once() == 5
        assert statuses(db) == ["pending"] * 5
        clock.advance(hours=1)  # past any backoff
    gateway.mode = "ok"
    assert worker.run_once() == 5

    messages = all_messages(db)
    assert [m.status for m in messages] == ["sent"] * 5
    # The timeout pass delivered them (the answer came too late); the retries were the
    # same requests, so nothing reached a phone twice.
    assert len(gateway.delivered) == 5
    assert set(gateway.delivered) == {m.ref for m in messages}
    assert all(gateway.requests[m.ref] == 4 for m in messages)
    for message in messages:
        assert message.provider_id == gateway.delivered[message.ref]["id"]
        assert message.delivery == "accepted" and message.attempts == 4
        assert message.last_error is None
    assert [m.channel for m in messages] == ["sms"] * 3 + ["zns"] * 2


def test_retries_back_off_and_record_the_fault(db, office, worker, gateway, clock):
    (message_id,) = book(db, office, 1)
    gateway.mode = "fail"
    worker.run_once()
    (message,) = all_messages(db)
    assert message.status == "pending" and message.attempts == 1
    assert "HTTP 500" in message.last_error
    assert (message.next_attempt_at - clock()).total_seconds() == 30
    assert worker.state()["last_error"].startswith(f"message {message_id}")
    # Not due yet: nothing sent.
    clock.advance(seconds=29)
    assert worker.run_once() == 0
    clock.advance(seconds=1)
    assert worker.run_once() == 1
    (message,) = all_messages(db)
    assert (message.next_attempt_at - clock()).total_seconds() == 60  # doubled
    assert worker.backoff(10).total_seconds() == 600  # capped


def test_fails_after_the_attempts_limit(db, office, worker, gateway, clock):
    book(db, office, 1)
    gateway.mode = "busy"
    for _ in range(6):
        assert worker.run_once() == 1
        clock.advance(hours=1)
    assert worker.run_once() == 0
    (message,) = all_messages(db)
    assert message.status == "failed" and message.attempts == 6
    assert "CodeResult 99" in message.last_error and "gave up after 6" in message.last_error
    assert gateway.delivered == {}


def test_a_permanent_refusal_fails_at_once(db, office, worker, gateway):
    book(db, office, 1)
    gateway.mode = "refuse"
    worker.run_once()
    (message,) = all_messages(db)
    assert message.status == "failed" and message.attempts == 1
    assert "789" in message.last_error and "Phone number invalid" in message.last_error


def test_a_worker_killed_mid_send_is_finished_by_another_without_a_second_delivery(
    messaging_app, db, office, gateway, clock
):
    book(db, office, 1)
    first, second = messaging_app("a"), messaging_app("b")
    dead = current.messages(first)
    # Worker A claims and sends, and dies before it records the outcome.
    with db.write() as session:
        message = citizen_messages.claim(session, clock(), dead.lease)
        session.expunge(message)
    assert dead.gateways["sms"].send(message).status == "sent"
    assert len(gateway.delivered) == 1

    survivor = current.messages(second)
    assert survivor.run_once() == 0  # A's claim still holds
    clock.advance(seconds=61)
    assert survivor.run_once() == 1
    (message,) = all_messages(db)
    assert message.status == "sent" and message.attempts == 2
    assert gateway.requests[message.ref] == 2 and len(gateway.delivered) == 1
    assert message.provider_id == gateway.delivered[message.ref]["id"]


def test_a_late_settle_of_a_claim_taken_over_changes_nothing(db, office, worker, clock):
    book(db, office, 1)
    with db.write() as session:
        first = citizen_messages.claim(session, clock(), worker.lease)
        old_claim = first.claimed_until
    clock.advance(seconds=61)
    with db.write() as session:
        again = citizen_messages.claim(session, clock(), worker.lease)
        assert again is not None and again.claimed_until != old_claim
    with db.write() as session:
        assert not citizen_messages.settle(
            session, first.id, old_claim, clock(), sent=False, error="late"
        )
    assert statuses(db) == ["sending"]


def test_two_workers_racing_never_send_one_message_twice(messaging_app, db, office, gateway, clock):
    book(db, office, 16)
    workers = [current.messages(messaging_app(name)) for name in ("a", "b")]
    barrier = threading.Barrier(2)
    done: list[int] = []

    def run(worker) -> None:
        barrier.wait()
        done.append(worker.run_once())

    threads = [threading.Thread(target=run, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(done) == 16
    messages = all_messages(db)
    assert [m.status for m in messages] == ["sent"] * 16
    assert all(gateway.requests[m.ref] == 1 for m in messages)
    assert len(gateway.delivered) == 16


def test_a_restart_loses_nothing(messaging_app, db, office, gateway, clock):
    book(db, office, 3)
    gateway.mode = "fail"
    assert current.messages(messaging_app("before")).run_once() == 3
    # The process goes away; a new one starts on the same database.
    current.database(messaging_app("gone")).dispose()
    gateway.mode = "ok"
    clock.advance(hours=1)
    after = current.messages(messaging_app("after"))
    assert after.run_once() == 3
    assert statuses(db) == ["sent"] * 3 and len(gateway.delivered) == 3


def test_an_enqueue_rolled_back_with_its_transaction_writes_nothing(db, office):
    appointment_id = make_appointment(db, office)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), db.write() as session:
        appointment = session.get(Appointment, appointment_id)
        assert citizen_messages.for_appointment(
            session, appointment, "booked", {"code": "X"}, appointment.created_at
        )
        raise Boom
    assert all_messages(db) == []


def test_nothing_without_consent_a_phone_or_a_channel(db, office):
    assert enqueue_booked(db, make_appointment(db, office, consent=False)) is None
    assert enqueue_booked(db, make_appointment(db, office, phone=None)) is None
    set_channel(db, "T1", "off")
    assert enqueue_booked(db, make_appointment(db, office)) is None
    assert all_messages(db) == []


def test_the_same_key_is_one_message(db, office):
    appointment_id = make_appointment(db, office)
    assert enqueue_booked(db, appointment_id) == enqueue_booked(db, appointment_id)
    assert len(all_messages(db)) == 1


def test_cancel_pending_leaves_the_message_unsent(db, office, worker, gateway):
    appointment_id = make_appointment(db, office)
    enqueue_booked(db, appointment_id)
    with db.write() as session:
        assert citizen_messages.cancel_pending(session, appointment_id) == 1
    assert worker.run_once() == 0
    assert statuses(db) == ["cancelled"] and gateway.requests == {}


def test_vietnamese_reaches_the_gateway_intact(db, office, worker, gateway):
    enqueue_booked(db, make_appointment(db, office, code="H7K2Q"))
    set_channel(db, "T1", "zns")
    enqueue_booked(db, make_appointment(db, office, code="M3P9Z"))
    worker.run_once()
    sms, zns = all_messages(db)
    text = (
        "UBND xã Thử: Ông/Bà đã đặt lịch Hộ tịch lúc 10:00 ngày 23/11/2026. "
        "Mã lịch hẹn: H7K2Q. Đổi hoặc hủy: https://luot.example/lich-hen/abc"
    )
    assert sms.body == text
    sent = json.loads(gateway.raw[sms.ref].decode("utf-8"))
    assert sent["Content"] == text and sent["IsUnicode"] == "1"
    assert sent["Phone"] == "0912345678" and sent["Brandname"] == "LUOT"
    assert sent["RequestId"] == sms.ref and sent["SmsType"] == "2"
    assert "Nguyễn" not in gateway.raw[sms.ref].decode("utf-8")  # no name
    # ZNS: the approved template by id, its parameters as sent, the phone as 84…
    sent = json.loads(gateway.raw[zns.ref].decode("utf-8"))
    assert sent["template_id"] == "tpl-booked" and sent["phone"] == "84912345678"
    assert sent["tracking_id"] == zns.ref
    assert sent["template_data"]["field"] == "Hộ tịch"
    assert sent["template_data"]["office"] == "UBND xã Thử"


def test_an_empty_link_drops_its_sentence(db, office):
    enqueue_booked(db, make_appointment(db, office, code="Q1"), link="")
    (message,) = all_messages(db)
    assert message.body.endswith("Mã lịch hẹn: Q1.")


def test_a_zns_kind_without_template_id_is_skipped_with_its_reason(db, office, worker, gateway):
    set_channel(db, "T1", "zns")
    appointment_id = make_appointment(db, office)
    with db.write() as session:
        appointment = session.get(Appointment, appointment_id)
        citizen_messages.for_appointment(
            session, appointment, "reminder_day", {"code": "X"}, appointment.created_at
        )
    assert worker.run_once() == 0
    (message,) = all_messages(db)
    assert message.status == "skipped"
    assert "reminder_day" in message.last_error and "zns_templates" in message.last_error
    assert gateway.requests == {}


def test_an_unconfigured_gateway_keeps_the_message_to_retry(messaging_app, db, office, clock):
    bare = current.messages(messaging_app("bare", SMS_API_KEY=""))
    book(db, office, 1)
    assert bare.run_once() == 1
    (message,) = all_messages(db)
    assert message.status == "pending"
    assert "not configured" in message.last_error and "LUOT_SMS_API_KEY" in message.last_error
    assert bare.state()["channels"] == {"sms": False, "zns": True}


@pytest.mark.parametrize(
    ("key", "value", "variable"),
    [("SMS_URL", "ftp://gateway", "LUOT_SMS_URL"), ("ZNS_URL", "not a url", "LUOT_ZNS_URL")],
)
def test_a_bad_gateway_url_stops_the_start(messaging_app, key, value, variable):
    from server.config import SettingsError

    with pytest.raises(SettingsError, match=variable):  # `luot` shows it as one line
        messaging_app("bad", **{key: value})


def test_the_wake_follows_the_commit(db, office, worker, monkeypatch):
    woken: list[bool] = []
    monkeypatch.setattr(worker, "wake", lambda: woken.append(True))
    appointment_id = make_appointment(db, office)
    assert woken == []
    enqueue_booked(db, appointment_id)
    assert woken == [True]
    with pytest.raises(RuntimeError), db.write() as session:
        appointment = session.get(Appointment, appointment_id)
        citizen_messages.for_appointment(
            session, appointment, "changed", {"code": "X"}, appointment.created_at
        )
        raise RuntimeError
    enqueue_booked(db, make_appointment(db, office))
    assert woken == [True, True]
    with db.read() as session:
        assert session.query(OutboxMessage).count() == 2


@pytest.fixture
def elsewhere():
    """A second listener on loopback: where a redirecting gateway points."""
    from tests.messaging.gateway import Gateway

    server = Gateway()
    server.start()
    yield server
    server.stop()


def test_a_gateway_redirect_is_not_followed_and_the_message_waits(
    db, office, worker, gateway, elsewhere, clock
):
    """A 307 would make `requests` post the eSMS keys (and the ZNS token header) to the
    Location: the second listener must receive nothing, the message must wait to retry."""
    book(db, office, 1)
    set_channel(db, "T1", "zns")
    book(db, office, 1)
    gateway.mode, gateway.redirect_to = "redirect", elsewhere.url
    assert worker.run_once() == 2
    assert len(gateway.hits) == 2
    assert elsewhere.hits == []
    messages = all_messages(db)
    assert [m.status for m in messages] == ["pending", "pending"]
    assert all("redirect (HTTP 307), not followed" in m.last_error for m in messages)
    assert all(elsewhere.url not in m.last_error for m in messages)
    assert "HTTP 307" in worker.state()["last_error"]
    # Once the gateway answers itself again, the same messages go out, once each.
    gateway.mode = "ok"
    clock.advance(hours=1)
    assert worker.run_once() == 2
    assert [m.status for m in all_messages(db)] == ["sent", "sent"]
    assert elsewhere.hits == [] and len(gateway.delivered) == 2
