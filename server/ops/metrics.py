"""`/metrics` in Prometheus's text format, with its official client library.

Two kinds of figures. What each process counts as it works (requests by route and status
with their durations, tickets issued and called, sockets connected, its memory) goes
through prometheus_client's multiprocess mode: `luot serve` keeps the values in files under
the instance folder's `metrics/` (`PROMETHEUS_MULTIPROC_DIR`, set by `server/entry.py`
before the library loads), and a scrape answered by any process sums every process's.
What the database knows (people waiting per office, messages pending and failed, print
jobs failed today, each centre's sync lag, health) is read when scraped.

Readable from loopback, or with `Authorization: Bearer <LUOT_METRICS_TOKEN>`.
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import logging
import os
import resource
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, abort, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from .. import current
from ..engine.events import office_room
from ..i18n import english
from ..models import Centre, Office, OutboxMessage, PrintJob, Ticket
from .folders import private_folder

bp = Blueprint("metrics", __name__)
log = logging.getLogger(__name__)
ENVIRON_ROUTE = "luot.route"
OFFICE_ROOM = office_room("")
FOLDER = "PROMETHEUS_MULTIPROC_DIR"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """One app's instruments (kept in its extensions; tests build many apps)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        kept = {"registry": self.registry}
        self.requests = Counter(
            "luot_http_requests",
            "HTTP requests answered, by route template, method and status",
            ["route", "method", "status"],
            **kept,
        )
        self.latency = Histogram(
            "luot_http_request_seconds",
            "Time to answer, by route template",
            ["route"],
            buckets=BUCKETS,
            **kept,
        )
        self.issued = Counter(
            "luot_tickets_issued", "Tickets issued, by office", ["office"], **kept
        )
        self.called = Counter(
            "luot_tickets_called",
            "Tickets called (recalls not counted), by office",
            ["office"],
            **kept,
        )
        self.sockets = Gauge(
            "luot_sockets_connected",
            "Socket.IO connections open (screens, kiosks, consoles, phones)",
            multiprocess_mode="livesum",
            **kept,
        )
        self.memory = Gauge(
            "luot_process_resident_bytes",
            "Peak resident memory of each server process",
            multiprocess_mode="liveall",
            **kept,
        )

    def request(self, route: str, method: str, status: str, seconds: float) -> None:
        self.requests.labels(route, method, status).inc()
        self.latency.labels(route).observe(seconds)

    def event(self, event: Any) -> None:
        """An engine listener: every committed event; counts issues and first calls."""
        if event.name not in ("ticket_issued", "ticket_called"):
            return
        office = next(
            (
                room.removeprefix(OFFICE_ROOM)
                for room in event.rooms
                if room.startswith(OFFICE_ROOM)
            ),
            None,
        )
        if office is None:
            return
        if event.name == "ticket_issued":
            self.issued.labels(office).inc()
        elif not event.payload.get("recall"):
            self.called.labels(office).inc()

    def exposition(self, app: Flask) -> bytes:
        self.memory.set(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
        registry = CollectorRegistry()
        if os.environ.get(FOLDER):
            multiprocess.MultiProcessCollector(registry)
        else:
            registry.register(_Proxy(self.registry))
        registry.register(_FromTheDatabase(app))
        return generate_latest(registry)


class _Proxy:
    """One process's own registry, inside a scrape's (without multiprocess mode)."""

    def __init__(self, inner: CollectorRegistry) -> None:
        self.inner = inner

    def collect(self) -> Iterator[Any]:
        return self.inner.collect()


class _FromTheDatabase:
    """Figures read at scrape time: the same for every process, so never summed."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            yield from self._rows(dt.datetime.now(dt.UTC))
        except SQLAlchemyError:
            log.warning("metrics: the database could not be read", exc_info=True)
        report = current.health(self.app).check()
        up = GaugeMetricFamily(
            "luot_check_ok", "Health checks (1 ok, 0 at fault)", labels=["check"]
        )
        for name, check in report["checks"].items():
            up.add_metric([name], 1 if check.get("ok") else 0)
        yield up

    def _rows(self, now: dt.datetime) -> Iterator[GaugeMetricFamily]:
        waiting = GaugeMetricFamily(
            "luot_waiting", "People waiting now, by office", labels=["office"]
        )
        messages = GaugeMetricFamily(
            "luot_messages", "Messages to citizens by status (outbox)", labels=["status"]
        )
        prints = GaugeMetricFamily(
            "luot_print_jobs_failed_today", "Print jobs that failed since 00:00 UTC"
        )
        lag = GaugeMetricFamily(
            "luot_province_lag_entries",
            "Journal entries a centre wrote, not yet here",
            labels=["centre"],
        )
        lag_seconds = GaugeMetricFamily(
            "luot_province_lag_seconds",
            "Age of a centre's oldest entry not yet here",
            labels=["centre"],
        )
        contact = GaugeMetricFamily(
            "luot_province_seconds_since_contact",
            "Seconds since a centre's last push",
            labels=["centre"],
        )
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        with current.database(self.app).read() as session:
            counts = dict(
                session.execute(
                    select(Ticket.office_id, func.count())
                    .where(Ticket.status == "waiting")
                    .group_by(Ticket.office_id)
                ).all()
            )
            for office_id, code in session.execute(select(Office.id, Office.code)):
                waiting.add_metric([code], counts.get(office_id, 0))
            for status, count in session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ):
                messages.add_metric([status], count)
            failed = session.scalar(
                select(func.count())
                .select_from(PrintJob)
                .where(PrintJob.status == "failed", PrintJob.created_at >= midnight)
            )
            prints.add_metric([], failed or 0)
            for centre in session.scalars(select(Centre).where(Centre.token_hash.is_not(None))):
                behind = max(centre.head_seq - centre.received_seq, 0)
                lag.add_metric([centre.code], behind)
                oldest = centre.oldest_unsent_at
                waited = (now - oldest).total_seconds() if behind and oldest else 0
                lag_seconds.add_metric([centre.code], waited)
                if centre.last_contact_at:
                    since = (now - centre.last_contact_at).total_seconds()
                    contact.add_metric([centre.code], since)
        yield from (waiting, messages, prints, lag, lag_seconds, contact)


def make_folder() -> None:
    """The multiprocess files' folder, private like the instance folder it sits in."""
    folder = os.environ.get(FOLDER)
    if folder:
        private_folder(folder)


def clear_dead(folder: Path) -> None:
    """At a server's start: the values of processes that are gone (a restart, a crash) no
    longer count, so their files go (Prometheus takes a counter's reset in its stride)."""
    for path in folder.glob("*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            multiprocess.mark_process_dead(int(pid), str(folder))
            path.unlink(missing_ok=True)


def _allowed() -> bool:
    token = str(current.settings()["METRICS_TOKEN"] or "")
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.route("/metrics")
def metrics() -> Response:
    """Prometheus's text format; loopback, or the metrics token."""
    if not _allowed():
        abort(403, description=english("metrics_where"))
    from flask import current_app

    body = current.metrics().exposition(current_app._get_current_object())
    return Response(body, content_type=CONTENT_TYPE_LATEST)


class Instrument:
    """WSGI middleware: each request counted by its route template (not its address, so a
    ticket's token never becomes a label) and status, with its time."""

    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        began = time.perf_counter()
        seen: list[str] = []
        # The app sets the route here; a list, because a middleware on the way in may hand
        # the app a copy of `environ` (the copy shares the list).
        route: list[str] = []
        environ[ENVIRON_ROUTE] = route

        def start(status: str, headers: list, exc_info: Any = None) -> Any:
            seen.append(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, start)
        finally:
            path = environ.get("PATH_INFO", "")
            name = (
                route[0] if route else "/socket.io/" if path.startswith("/socket.io") else "other"
            )
            self.metrics.request(
                name,
                environ.get("REQUEST_METHOD", "-"),
                seen[0] if seen else "500",
                time.perf_counter() - began,
            )


def init_app(app: Flask, metrics: Metrics) -> None:
    """The route template of each request, for the access hook to count it by."""

    @app.before_request
    def note_route() -> None:
        noted = request.environ.get(ENVIRON_ROUTE)
        if request.url_rule is not None and isinstance(noted, list):
            noted.append(request.url_rule.rule)

    app.register_blueprint(bp)
    current.engine(app).listen(metrics.event)
