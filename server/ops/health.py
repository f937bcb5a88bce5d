"""Health: can this process write to its database, is there disk left, is Redis there, and
does no other process share the database without a way to share events with it.

`Health.check()` is what `/healthz` answers and what the manager's overview shows. It is
deep (a real write, a disk query, a Redis PING) and cached for `cache_seconds`, so load
balancers and benchmarks polling it cost one write per process per second or two. Each
write is this process's heartbeat row (`ServerProcess`), which is also how processes find
each other: `luot serve` refuses to start beside a live process when either has no Redis,
and `monitor()` (run by `luot serve`) notices one that appears later and reports every
change of faults through a callback, for the staff rooms.

A process is live if, on this host (same hostname, boot and PID namespace), its pid still
runs the same process; on another host, if its heartbeat is recent. So `kill -9` never
blocks a restart on the same host, and a clean shutdown deletes its own row.

Knows neither Flask nor Socket.IO; Redis is imported only when a URL is configured.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from ..db import LOCK_WAIT_OPTION, WRITE_OPTION, Database, Unavailable, unavailable
from ..engine import utcnow
from ..models import ServerProcess

log = logging.getLogger(__name__)
TABLE = ServerProcess.__table__
MB = 1024 * 1024


def _read(path: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


def _pid_stat(pid: int) -> tuple[str, str] | None:
    """(state, start time in clock ticks) from /proc, or None where there is no /proc."""
    stat = _read(f"/proc/{pid}/stat")
    if not stat:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[0], fields[19]


@dataclass(frozen=True)
class Identity:
    """Who this process is, as other processes will judge whether it still runs."""

    host: str
    host_key: str
    pid: int
    pid_start: str

    @classmethod
    def current(cls) -> Identity:
        host = socket.gethostname()
        try:
            namespace = str(os.stat("/proc/self/ns/pid").st_ino)
        except OSError:
            namespace = ""
        boot = _read("/proc/sys/kernel/random/boot_id")
        key = hashlib.sha256(f"{host}\0{boot}\0{namespace}".encode()).hexdigest()[:32]
        pid = os.getpid()
        stat = _pid_stat(pid)
        return cls(host, key, pid, stat[1] if stat else "")


def pid_runs(pid: int, start: str) -> bool:
    """Whether `pid` is still the process that started at `start` (not a zombie, not reused)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    stat = _pid_stat(pid)
    if stat is None:
        return True
    state, started = stat
    return state != "Z" and (not start or started == start)


def alive(row: Any, me: Identity, now: dt.datetime, stale_after: dt.timedelta) -> bool:
    # Only POSIX: elsewhere os.kill(pid, 0) is no harmless probe.
    if row.host_key == me.host_key and os.name == "posix":
        return pid_runs(row.pid, row.pid_start)
    return now - row.seen_at < stale_after


def disk_paths(db: Database, instance: Path) -> list[Path]:
    """Where free disk matters: the SQLite file's folder and the instance folder."""
    paths = [instance]
    name = db.engine.url.database
    if db.is_sqlite and name and name != ":memory:":
        paths.insert(0, Path(name).resolve().parent)
    return paths


def describe(row: Any) -> str:
    """A process as an operator can find it: pid, host, since when."""
    return f"pid {row.pid} on {row.host}, serving since {row.started_at:%Y-%m-%d %H:%M:%S} UTC"


class Health:
    """This process's health checks and heartbeat (see the module docstring)."""

    # Seconds a health write may wait for a database lock before it counts as failed.
    write_timeout = 2.0
    # Seconds for the Redis PING.
    redis_timeout = 0.5

    def __init__(
        self,
        db: Database,
        paths: list[Path],
        min_free_mb: float,
        redis_url: str = "",
        queue: str = "",
        heartbeat: float = 5.0,
        cache_seconds: float = 1.5,
        queue_state: Callable[[], dict[str, Any]] | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
        extra: dict[str, Callable[[], dict[str, Any]]] | None = None,
    ) -> None:
        self.db = db
        self.paths = paths
        self.min_free_mb = min_free_mb
        self.redis_url = redis_url
        # What this process shares events through ("" without Redis): processes on one
        # database must all have the same.
        self.queue = queue if redis_url else ""
        self.heartbeat = heartbeat
        self.cache_seconds = cache_seconds
        self.queue_state = queue_state
        self.clock = clock
        # Checks of the application's own (name → `{"ok", ...}`): the messages channel.
        self.extra = dict(extra or {})
        self.me = Identity.current()
        self.serving = False
        self.stopped = False
        self.row_id: int | None = None
        self.started_at = clock()
        self.peers: list[dict[str, Any]] = []
        self._cached: tuple[float, dict[str, Any]] | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._redis = None
        self._reported: tuple | None = None
        self._failure: tuple[float, Unavailable] | None = None

    @property
    def failure_window(self) -> float:
        """Seconds a database failure met by a request keeps `database` failing (two
        heartbeats): a full SQLite file may still take the heartbeat's update in place
        while every insert fails."""
        return 2 * self.heartbeat

    @property
    def stale_after(self) -> dt.timedelta:
        return dt.timedelta(seconds=4 * self.heartbeat)

    # ------------------------------------------------------------------ the checks

    def check(self, max_age: float | None = None) -> dict[str, Any]:
        """`{"ok", "checks": {name: {"ok", ...}}}`, at most `max_age` seconds old
        (default `cache_seconds`). While one check runs, others get the last result."""
        max_age = self.cache_seconds if max_age is None else max_age
        cached = self._cached
        if cached and time.monotonic() - cached[0] <= max_age and not self._failed_since(cached):
            return cached[1]
        if not self._lock.acquire(blocking=cached is None):
            return cached[1]
        try:
            result = self._run()
            self._cached = (time.monotonic(), result)
            return result
        finally:
            self._lock.release()

    def _run(self) -> dict[str, Any]:
        checks: dict[str, dict[str, Any]] = {"disk": self._disk()}
        if self.redis_url:
            checks["redis"] = self._redis_check()
        for name, run in self.extra.items():
            try:
                checks[name] = run()
            except Exception as exc:  # noqa: BLE001 - a check that cannot run is at fault
                checks[name] = {"ok": False, "error": _short(exc)}
        # The heartbeat carries the faults known so far; a failed write is the fault itself.
        previous = self._cached[1]["checks"] if self._cached else {}
        known = {**{k: v for k, v in previous.items() if k == "processes"}, **checks}
        try:
            rows = self._beat(self._faults(known))
        except Exception as exc:  # noqa: BLE001 - any failure to write is the finding
            problem = unavailable(exc)
            checks["database"] = {"ok": False, "error": _short(exc)}
            if problem is not None:
                checks["database"]["kind"] = problem.kind
            checks["processes"] = previous.get(
                "processes", {"ok": True, "count": None, "without_redis": None}
            )
        else:
            checks["database"] = self._met_by_requests() or {"ok": True}
            checks["processes"] = self._processes(rows)
        ordered = {
            name: checks[name]
            for name in ("database", "disk", "redis", "processes", *self.extra)
            if name in checks
        }
        # `serving`: whether this process can serve (what a load balancer asks); the app's
        # own checks (a messages channel) are faults to see and fix, not a reason to stop
        # sending it citizens.
        serving = all(c["ok"] for name, c in ordered.items() if name not in self.extra)
        return {
            "ok": all(c["ok"] for c in ordered.values()),
            "serving": serving,
            "checks": ordered,
        }

    def database_failed(self, problem: Unavailable) -> None:
        """A request met a database that could not take it (server/web/errors.py): `database`
        fails for `failure_window` seconds even where the heartbeat's own write passes. A
        lost connection is not kept: the pool reconnects, and the heartbeat says if not."""
        if problem.kind != "connection":
            self._failure = (time.monotonic(), problem)

    def _failed_since(self, cached: tuple[float, dict[str, Any]]) -> bool:
        """A failure met after `cached` was made, which still says the database is fine."""
        failure = self._failure
        database = cached[1]["checks"].get("database", {})
        return bool(failure and failure[0] > cached[0] and database.get("ok"))

    def _met_by_requests(self) -> dict[str, Any] | None:
        failure = self._failure
        if failure is None or time.monotonic() - failure[0] > self.failure_window:
            return None
        problem = failure[1]
        return {"ok": False, "error": problem.detail, "kind": problem.kind, "seen_by": "requests"}

    def _disk(self) -> dict[str, Any]:
        lowest = None
        for path in self.paths:
            try:
                free = shutil.disk_usage(path).free / MB
            except OSError:
                continue
            if lowest is None or free < lowest[0]:
                lowest = (free, str(path))
        if lowest is None:
            return {"ok": True, "free_mb": None, "min_free_mb": self.min_free_mb}
        free, path = lowest
        return {
            "ok": free >= self.min_free_mb,
            "free_mb": int(free),
            "min_free_mb": self.min_free_mb,
            "path": path,
        }

    def _redis_check(self) -> dict[str, Any]:
        try:
            if self._redis is None:
                import redis
                from redis.backoff import NoBackoff
                from redis.retry import Retry

                self._redis = redis.Redis.from_url(
                    self.redis_url,
                    socket_connect_timeout=self.redis_timeout,
                    socket_timeout=self.redis_timeout,
                    retry=Retry(NoBackoff(), 0),
                )
            self._redis.ping()
        except Exception as exc:  # noqa: BLE001 - unreachable, refused, auth: all "down"
            return {"ok": False, "error": _short(exc)}
        result: dict[str, Any] = {"ok": True}
        state = self.queue_state() if self.queue_state else None
        if state:
            # Reachable, but this process's own publisher or subscriber is not back yet.
            result.update(state)
            result["ok"] = bool(state.get("up", True))
        return result

    def _processes(self, peers: list[Any]) -> dict[str, Any]:
        self.peers = [
            {
                "id": p.id,
                "host": p.host,
                "pid": p.pid,
                "queue": p.queue,
                "serving": p.serving,
                "faults": p.faults or [],
                "describe": describe(p),
            }
            for p in peers
        ]
        serving = [p for p in peers if p.serving]
        split = (
            self.serving
            and bool(serving)
            and any(not self.queue or p.queue != self.queue for p in serving)
        )
        me = int(self.serving)
        return {
            "ok": not split,
            "count": me + len(serving),
            "without_redis": sum(not p.queue for p in serving) + int(me and not self.queue),
        }

    # ------------------------------------------------------------------ the heartbeat

    def _beat(self, faults: list[dict[str, str]], claim: bool = False) -> list[Any]:
        """Write this process's row (a real write, with a short lock wait) and return the
        other live processes' rows; rows of processes that are gone are deleted.

        With `claim`, this process becomes a serving one unless live serving peers make
        that unsafe: then nothing is written and `ConflictingProcesses` is raised.
        """
        now = self.clock()
        # A short wait for the write lock: a busy database is the finding, not a reason to hang.
        options = {WRITE_OPTION: True, LOCK_WAIT_OPTION: self.write_timeout}
        with self.db.engine.connect() as conn, conn.execution_options(**options).begin():
            if not self.db.is_sqlite:
                ms = int(self.write_timeout * 1000)
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = {ms}")
                conn.exec_driver_sql(f"SET LOCAL statement_timeout = {ms * 2}")
                if claim:
                    # One starting process at a time decides on the rows below.
                    conn.exec_driver_sql("LOCK TABLE server_processes IN SHARE ROW EXCLUSIVE MODE")
            peers = self._live_peers(conn, now)
            if claim:
                conflicts = [
                    p for p in peers if p.serving and (not self.queue or p.queue != self.queue)
                ]
                if conflicts:
                    raise ConflictingProcesses(conflicts, bool(self.queue), self.stale_after)
                self.serving = True
            self._write_row(conn, now, faults)
        return peers

    def _live_peers(self, conn: Connection, now: dt.datetime) -> list[Any]:
        rows = conn.execute(select(TABLE).where(TABLE.c.id != (self.row_id or -1))).all()
        gone = [r.id for r in rows if not alive(r, self.me, now, self.stale_after)]
        if gone:
            conn.execute(delete(TABLE).where(TABLE.c.id.in_(gone)))
        return [r for r in rows if r.id not in gone]

    def _write_row(self, conn: Connection, now: dt.datetime, faults: list[dict]) -> None:
        if self.stopped:
            return  # a heartbeat racing the shutdown must not bring the row back
        values = {"seen_at": now, "faults": faults, "serving": self.serving, "queue": self.queue}
        if self.row_id is not None:
            done = conn.execute(update(TABLE).where(TABLE.c.id == self.row_id).values(**values))
            if done.rowcount == 1:
                return
        self.row_id = conn.execute(
            insert(TABLE).values(
                host=self.me.host,
                host_key=self.me.host_key,
                pid=self.me.pid,
                pid_start=self.me.pid_start,
                started_at=self.started_at,
                **values,
            )
        ).inserted_primary_key[0]

    def start_serving(self) -> None:
        """Become a serving process (`luot serve`), or raise `ConflictingProcesses`."""
        self._beat([], claim=True)

    def stop_serving(self) -> None:
        """A clean shutdown: delete this process's row, so nobody waits for it."""
        self.stopped = True
        if self.row_id is None:
            return
        with self.db.write() as session:
            session.execute(delete(TABLE).where(TABLE.c.id == self.row_id))
        self.row_id = None
        self.serving = False

    # ------------------------------------------------------------------ staff and logs

    def report(self, max_age: float | None = None) -> dict[str, Any]:
        """For staff: `{"ok", "faults": [{"check", "message"}]}` in Vietnamese, this
        process's own faults first, then those other live processes reported."""
        result = self.check(max_age)
        faults = self._faults(result["checks"])
        seen = {(f["check"], f["message"]) for f in faults}
        for peer in self.peers:
            for fault in peer["faults"]:
                check, message = str(fault.get("check", "")), str(fault.get("message", ""))
                if (check, message) in seen or (
                    check == "processes" and any(name == "processes" for name, _ in seen)
                ):
                    continue  # the same fault seen from here: say it once
                seen.add((check, message))
                where = f"Máy chủ {peer['host']} (tiến trình {peer['pid']}): "
                faults.append({"check": check, "message": where + message})
        return {"ok": not faults, "faults": faults}

    def _faults(self, checks: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
        faults = []
        for name, check in checks.items():
            if not check.get("ok", True):
                faults.append({"check": name, "message": MESSAGES[name](check)})
        return faults

    def monitor(self, on_change: Callable[[dict[str, Any]], None]) -> None:
        """Heartbeat forever (a background task of `luot serve`): log each change of
        faults once and hand the new report to `on_change`."""
        while True:
            try:
                self.beat(on_change)
            except Exception:
                log.exception("health check failed")
            self._wake.wait(self.heartbeat)
            self._wake.clear()

    def wake(self) -> None:
        """Check now (Redis went away or came back), not at the next heartbeat."""
        self._wake.set()

    def beat(self, on_change: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
        report = self.report(max_age=0)
        own = tuple(sorted(n for n, c in self._cached[1]["checks"].items() if not c["ok"]))
        key = (
            own,
            tuple(sorted((p["id"], f.get("check")) for p in self.peers for f in p["faults"])),
        )
        if key != self._reported:
            previous, self._reported = self._reported, key
            self._log(own, previous)
            if on_change is not None and (previous is not None or report["faults"]):
                on_change(report)
        return report

    def _log(self, own: tuple[str, ...], previous: tuple | None) -> None:
        checks = self._cached[1]["checks"]
        was = set(previous[0]) if previous else set()
        for name in own:
            if name in was:
                continue
            if name == "processes":
                others = "; ".join(
                    p["describe"]
                    for p in self.peers
                    if p["serving"] and (not self.queue or p["queue"] != self.queue)
                )
                log.error(
                    "Another Lượt process serves this database and they cannot share "
                    "events (%s): each display sees only the calls of its own process. "
                    "Set REDIS_URL (the same Redis and LUOT_SOCKETIO_CHANNEL) for every "
                    "process, or run one.",
                    others or "several processes",
                )
            else:
                log.warning("health: %s failing: %s", name, _detail(checks[name]))
        if was and not own:
            log.warning("health: all checks pass again")
        elif was - set(own):
            log.warning("health: %s passing again", ", ".join(sorted(was - set(own))))


class ConflictingProcesses(Exception):
    """Live serving processes this one cannot share events with."""

    def __init__(self, rows: list[Any], has_queue: bool, stale_after: dt.timedelta) -> None:
        self.rows = rows
        others = "; ".join(describe(r) for r in rows)
        if has_queue:
            why = (
                "Another Lượt process serves this database without Redis, or on another "
                f"Socket.IO channel ({others})."
            )
        else:
            why = f"Another Lượt process serves this database ({others})."
        super().__init__(
            f"{why} Several processes on one database must share events through Redis: "
            "set REDIS_URL (and the same LUOT_SOCKETIO_CHANNEL) for every one of them, "
            "or run only one. (A process that was killed counts as gone at once on the same "
            f"host, and {stale_after.total_seconds():.0f} s after its last heartbeat on "
            "another host or container.)"
        )


def _short(exc: BaseException) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{exc.__class__.__name__}: {first}"[:300]


def _detail(check: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in check.items() if k != "ok")


MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "database": lambda c: (
        "Không ghi được vào cơ sở dữ liệu: phiếu mới và lượt gọi có thể không được lưu "
        f"({c.get('error', '')})."
    ),
    "disk": lambda c: (
        f"Ổ đĩa sắp đầy: chỉ còn {c.get('free_mb')} MB trống (cần ít nhất "
        f"{c.get('min_free_mb')} MB). Hãy giải phóng dung lượng hoặc gọi kỹ thuật viên."
    ),
    "redis": lambda c: (
        "Mất kết nối Redis: các máy chủ Lượt tạm thời không chuyển lượt gọi cho nhau; màn hình "
        "vẫn được cập nhật lại từ cơ sở dữ liệu vài giây một lần."
    ),
    "messages": lambda c: " ".join(c.get("problems") or [f"Tin nhắn: {c.get('error', '')}"]),
    "processes": lambda c: (
        f"Có {c.get('count')} tiến trình Lượt cùng dùng một cơ sở dữ liệu mà không chung "
        "Redis: mỗi màn hình chỉ thấy một phần lượt gọi. Đặt REDIS_URL cho mọi tiến trình "
        "hoặc chỉ chạy một tiến trình."
    ),
}
