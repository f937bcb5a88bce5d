"""The floor: the least a ticket can cost on this stack, to measure Lượt against.

A bare Flask app on `luot serve`'s server (gevent's WSGI server, monkey-patched first,
TCP_NODELAY) and Lượt's own database settings (`server.db.Database`: SQLite in WAL with
synchronous=FULL and `BEGIN IMMEDIATE`, or the same PostgreSQL pool). Its one route takes
the field's next number with one upsert (`… ON CONFLICT … RETURNING`), inserts the ticket
and its event row, commits, and answers JSON of the same kind as Lượt's: no checks, no
place in line, no audit, no snapshot, no rate limits. Fields are looked up once, at start.

    .venv/bin/python bench/floor.py DATABASE_URL PORT     (bench_core.py starts it)
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import datetime as dt  # noqa: E402
import secrets  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from flask import Flask, jsonify, request  # noqa: E402
from gevent.pywsgi import WSGIServer  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.db import Database  # noqa: E402
from server.models import Office, Service, Ticket, TicketEvent  # noqa: E402

# One statement, the day's first included: two first tickets at once cannot both insert
# (PostgreSQL has no database lock to queue them, as SQLite's BEGIN IMMEDIATE does).
NEXT = text(
    "INSERT INTO service_day_counters (service_id, day, last_seq) VALUES (:service, :day, 1) "
    "ON CONFLICT (service_id, day) DO UPDATE SET last_seq = service_day_counters.last_seq + 1 "
    "RETURNING last_seq"
)
TICKETS = Ticket.__table__
EVENTS = TicketEvent.__table__


def floor_app(db: Database) -> Flask:
    with db.read() as session:
        rows = session.execute(
            select(Office.code, Service.code, Service.id, Service.office_id, Service.prefix).join(
                Service, Service.office_id == Office.id
            )
        ).all()
    fields = {
        (office, code): (ident, office_id, prefix)
        for office, code, ident, office_id, prefix in rows
    }
    app = Flask("floor")

    @app.post("/floor/offices/<office>/tickets")
    def issue(office: str):
        service_id, office_id, prefix = fields[(office, request.get_json()["service"])]
        now = dt.datetime.now(dt.UTC)
        day = now.date()
        with db.write() as session:
            conn = session.connection()
            seq = conn.execute(NEXT, {"service": service_id, "day": day}).scalar_one()
            code = f"{prefix}{seq:03d}"
            token = secrets.token_urlsafe(16)
            ticket_id = conn.execute(
                insert(TICKETS).returning(TICKETS.c.id),
                {
                    "office_id": office_id,
                    "service_id": service_id,
                    "issued_service_id": service_id,
                    "service_day": day,
                    "seq": seq,
                    "number": seq,
                    "code": code,
                    "token": token,
                    "channel": "kiosk",
                    "status": "waiting",
                    "queued_at": now,
                    "issued_at": now,
                    "recall_count": 0,
                },
            ).scalar()
            conn.execute(
                insert(EVENTS),
                {
                    "ticket_id": ticket_id,
                    "office_id": office_id,
                    "service_id": service_id,
                    "kind": "issued",
                    "at": now,
                },
            )
        body = {"id": ticket_id, "code": code, "token": token, "status": "waiting"}
        return jsonify({**body, "issued_at": now.isoformat(), "service": {"id": service_id}}), 201

    @app.get("/healthz")
    def health():
        return {"ok": True}

    return app


def main() -> None:
    url, port = sys.argv[1], int(sys.argv[2])
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(1024)
    # As `luot serve` does (server/ops/serving.py): no Nagle wait for the delayed ACK.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    WSGIServer(listener, floor_app(Database(url)), log=None).serve_forever()


if __name__ == "__main__":
    main()
