"""The permission matrix: every endpoint and Socket.IO action against every kind of caller.

Callers: anonymous, a kiosk, a display, an officer of the office, an officer of another
office, a manager of the office, an admin. A refused call answers 401/403 and changes
nothing; an allowed one is never refused for who the caller is.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.engine import credentials
from server.extensions import socketio
from server.models import (
    ApiToken,
    Appointment,
    AuditEntry,
    Counter,
    CounterEvent,
    Device,
    Office,
    OutboxMessage,
    PrintJob,
    PriorityClass,
    Rating,
    Service,
    Ticket,
    TicketEvent,
    User,
)
from tests.factories import bearer, make_office, make_token

CALLERS = ("anonymous", "kiosk", "display", "officer", "stranger", "manager", "admin")
STAFF = {"officer", "manager", "admin"}
MANAGERS = {"manager", "admin"}
EVERYONE = set(CALLERS)


@pytest.fixture
def world(engine, office):
    """Office T1 (with a waiting, a called and a finished ticket) and T2, and every caller."""
    make_office(engine.db, code="T2", counters=[])
    tokens = {
        "officer": make_token(engine.db, "officer1"),
        "stranger": make_token(engine.db, "officer2", offices=("T2",)),
        "manager": make_token(engine.db, "manager1", role="manager"),
        "admin": make_token(engine.db, "admin1", role="admin", offices=()),
    }
    with engine.db.write() as session:
        for kind in ("kiosk", "display"):
            device = credentials.create_device(session, "T1", kind, kind, None)
            tokens[kind] = credentials.create_token(session, device, kind)
    counters = office["counters"]
    engine.set_counter_state(counters[1], "open")
    finished = engine.issue("T1", "A")
    engine.call_next(counters[1])
    engine.start(finished["id"])
    engine.finish(finished["id"])
    called = engine.issue("T1", "A")
    engine.call_next(counters[1])
    waiting = engine.issue("T1", "B")
    with engine.db.read() as session:
        device_id = session.scalar(select(Device.id).where(Device.kind == "kiosk"))
        user_id = session.scalar(select(User.id).where(User.username == "officer1"))
    return {
        "headers": {name: bearer(token) for name, token in tokens.items()} | {"anonymous": {}},
        "tokens": tokens,
        "c1": counters[1],
        "c2": counters[2],
        "waiting": waiting,
        "called": called,
        "finished": finished,
        "device": device_id,
        "user": user_id,
    }


def fingerprint(engine) -> tuple:
    """Everything a refused call must leave as it was."""
    models = (
        Ticket,
        TicketEvent,
        CounterEvent,
        AuditEntry,
        Rating,
        PrintJob,
        Device,
        User,
        Service,
        Counter,
        PriorityClass,
        Office,
        ApiToken,
        Appointment,
        OutboxMessage,
    )
    with engine.db.read() as session:
        counts = tuple(session.scalar(select(func.count()).select_from(m)) for m in models)
        states = tuple(session.execute(select(Ticket.id, Ticket.status).order_by(Ticket.id)))
        counters = tuple(session.execute(select(Counter.id, Counter.state).order_by(Counter.id)))
        settings = tuple(session.scalars(select(Office.settings).order_by(Office.id)))
        names = tuple(session.scalars(select(Service.name).order_by(Service.id)))
    return counts, states, counters, settings, names


# (method, url, body, callers allowed)
ENDPOINTS = [
    ("get", "/api/v1/offices", None, EVERYONE),
    ("get", "/api/v1/offices/T1/services", None, EVERYONE),
    ("get", "/api/v1/offices/T1/queue", None, EVERYONE),
    ("get", "/api/v1/offices/T1/rating-scale", None, EVERYONE),
    ("post", "/api/v1/offices/T1/tickets", {"service": "A"}, EVERYONE - {"stranger"}),
    ("get", "/api/v1/tickets/{waiting_token}", None, EVERYONE),
    ("get", "/api/v1/counters/{c1}", None, STAFF),
    ("post", "/api/v1/counters/{c2}/open", None, STAFF),
    ("post", "/api/v1/counters/{c1}/pause", None, STAFF),
    ("post", "/api/v1/counters/{c2}/close", None, STAFF),
    ("post", "/api/v1/counters/{c1}/next", None, STAFF),
    ("post", "/api/v1/counters/{c1}/call", {"ticket": "{waiting_id}"}, STAFF),
    ("post", "/api/v1/tickets/{called_id}/recall", None, STAFF),
    ("post", "/api/v1/tickets/{called_id}/start", None, STAFF),
    ("post", "/api/v1/tickets/{called_id}/hold", None, STAFF),
    ("post", "/api/v1/tickets/{waiting_id}/cancel", None, STAFF),
    ("post", "/api/v1/tickets/{waiting_id}/transfer", {"service": "A"}, STAFF),
    ("post", "/api/v1/tickets/{waiting_id}/dossier", {"note": "x"}, STAFF),
    ("post", "/api/v1/tickets/{finished_id}/reprint", {"device": "{device}"}, STAFF),
    ("post", "/api/v1/tickets/{finished_token}/rating", {"level": "satisfied"}, EVERYONE),
    ("get", "/api/v1/offices/T1/devices", None, STAFF),
    ("get", "/api/v1/devices/me", None, {"kiosk", "display"}),
    ("get", "/api/v1/me", None, EVERYONE - {"anonymous"}),
    ("get", "/api/v1/offices/T1/config", None, MANAGERS),
    ("put", "/api/v1/offices/T1/config", {"code": "T1", "name": "Đổi tên"}, MANAGERS),
    ("patch", "/api/v1/offices/T1", {"settings": {"notice": "Xin chào"}}, MANAGERS),
    ("post", "/api/v1/offices/T1/services", {"code": "Z", "name": "Mới"}, MANAGERS),
    ("patch", "/api/v1/offices/T1/services/A", {"name": "Hộ tịch mới"}, MANAGERS),
    ("post", "/api/v1/offices/T1/counters", {"number": 9, "services": ["A"]}, MANAGERS),
    ("patch", "/api/v1/counters/{c2}", {"name": "Quầy hai"}, MANAGERS),
    ("put", "/api/v1/offices/T1/priority-classes/veteran", {"name": "Cựu chiến binh"}, MANAGERS),
    ("post", "/api/v1/offices/T1/devices", {"kind": "display", "name": "TV 2"}, MANAGERS),
    ("patch", "/api/v1/devices/{device}", {"name": "Kiosk sảnh"}, MANAGERS),
    ("post", "/api/v1/devices/{device}/token", None, MANAGERS),
    ("get", "/api/v1/offices/T1/audit", None, MANAGERS),
    ("post", "/api/v1/offices", {"code": "T7", "name": "Mới"}, {"admin"}),
    # A manager: their own office's users (and officers only to add or change).
    ("get", "/api/v1/users", None, MANAGERS),
    (
        "post",
        "/api/v1/users",
        {"username": "new1", "role": "officer", "offices": ["T1"], "password": "long-enough"},
        MANAGERS,
    ),
    ("patch", "/api/v1/users/{user}", {"full_name": "Lan"}, MANAGERS),
    ("get", "/api/v1/offices/T1/booking", None, EVERYONE),
    ("get", "/api/v1/offices/T1/appointments", None, STAFF),
    ("post", "/api/v1/offices/T1/check-in", {"code": "XXXXXX"}, EVERYONE - {"stranger"}),
    (
        "post",
        "/api/v1/tickets/{waiting_id}/return-appointment",
        {"start": "2026-12-03T09:00"},
        STAFF,
    ),
    ("post", "/api/v1/offices/T1/appointments/1/result-ready", None, STAFF),
]


def fill(value, world):
    values = {
        "c1": world["c1"],
        "c2": world["c2"],
        "device": world["device"],
        "user": world["user"],
        "waiting_id": world["waiting"]["id"],
        "waiting_token": world["waiting"]["token"],
        "called_id": world["called"]["id"],
        "finished_id": world["finished"]["id"],
        "finished_token": world["finished"]["token"],
    }
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in values:
            return values[value[1:-1]]
        return value.format(**values)
    if isinstance(value, dict):
        return {key: fill(item, world) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, world) for item in value]
    return value


@pytest.mark.parametrize(
    ("method", "url", "body", "allowed"),
    ENDPOINTS,
    ids=[f"{m.upper()} {u}" for m, u, _b, _a in ENDPOINTS],
)
def test_endpoint_against_every_caller(client, engine, world, method, url, body, allowed):
    url, body = fill(url, world), fill(body, world)
    refused = [c for c in CALLERS if c not in allowed]
    for caller in refused:
        before = fingerprint(engine)
        response = getattr(client, method)(url, json=body, headers=world["headers"][caller])
        assert response.status_code in (401, 403), (caller, response.get_json())
        assert fingerprint(engine) == before, caller
    for caller in [c for c in CALLERS if c in allowed]:
        response = getattr(client, method)(url, json=body, headers=world["headers"][caller])
        assert response.status_code not in (401, 403), (caller, response.get_json())


# Socket.IO: (event, data, callers allowed to get "ok")
SOCKET_ACTIONS = [
    ("join", {"office": "T1"}, EVERYONE),
    ("join", {"ticket": "{waiting_token}"}, EVERYONE),
    ("join", {"counter": "{c1}"}, STAFF),
    ("join", {"staff": "T1"}, STAFF),
    ("join", {"device": "{device}"}, {"kiosk"}),
    ("join", {"rating": "{c1}"}, STAFF),
    ("pending_prints", {}, {"kiosk"}),
    ("claim_print", {"job": 1}, set()),  # no job is waiting: nobody gets one
    ("print_result", {"job": 1, "ok": True}, set()),
]


@pytest.mark.parametrize(
    ("event", "data", "allowed"), SOCKET_ACTIONS, ids=[f"{e} {d}" for e, d, _a in SOCKET_ACTIONS]
)
def test_socket_action_against_every_caller(app, client, engine, world, event, data, allowed):
    data = fill(data, world)
    for caller in CALLERS:
        token = world["tokens"].get(caller)
        sio = socketio.test_client(
            app, flask_test_client=client, auth={"token": token} if token else None
        )
        try:
            before = fingerprint(engine)
            ack = sio.emit(event, data, callback=True)
            if caller in allowed:
                assert ack["ok"], (caller, ack)
            else:
                assert not ack["ok"], caller
                assert fingerprint(engine) == before, caller
                assert not [m for m in sio.get_received() if m["name"] == "snapshot"], caller
        finally:
            sio.disconnect()
