"""Issue 15's acceptance on real separate hosts: two centre boxes and a provincial server,
each in its own network namespace, each its own `luot serve` (the province: two processes
on PostgreSQL with Redis, one per centre). The centres' links to the province are cut while
each centre issues and serves 500 tickets, then restored. The province must end with
exactly the centres' data, the same report figures, and a current overview within 30 s.

Needs root (`ip netns`) and PostgreSQL; skipped with the reason elsewhere, a failure under
CI=true. PostgreSQL and Redis are reached by their Unix sockets, which every namespace
shares with the machine; all HTTP goes over the test's own veth links."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import text
from sqlalchemy.engine import make_url

from server import reports
from server.db import Database
from server.engine import Engine
from server.ops.migrate import upgrade
from tests.conftest import missing_service
from tests.factories import bearer, make_office, make_token
from tests.live_server import LUOT, LiveServer, _die_with_parent
from tests.province.copies import assert_same_copy
from tests.province.hosts import Hosts, namespaces_available

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

PG_SOCKET = "/var/run/postgresql"
TICKETS = 500
PORT = 8100


@pytest.fixture
def hosts():
    why = namespaces_available()
    if why:
        missing_service(why)
    made = Hosts()
    yield made
    made.remove()


@pytest.fixture
def province_database():
    """A PostgreSQL database of this test's own: (its URL over TCP for the test, over the
    Unix socket for the province's processes)."""
    base = make_url(
        os.environ.get("LUOT_TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test"
    )
    name = f"luot_hosts_{os.getpid()}"
    admin = Database(base.render_as_string(hide_password=False))
    try:
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "not there"
        admin.dispose()
        missing_service(f"PostgreSQL is not reachable ({exc.__class__.__name__})")
    if not Path(PG_SOCKET).exists():
        admin.dispose()
        missing_service(f"PostgreSQL's Unix socket folder {PG_SOCKET} is missing")
    tcp = base.set(database=name).render_as_string(hide_password=False)
    user = base.username or "postgres"
    socket_url = f"postgresql://{user}@/{name}?host={PG_SOCKET}"
    db = Database(tcp)
    upgrade(db)
    db.dispose()
    yield tcp, socket_url
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def redis_socket(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        missing_service("redis-server is not installed")
    path = tmp_path / "redis.sock"
    process = subprocess.Popen(
        [
            server,
            "--port",
            "0",
            "--unixsocket",
            str(path),
            "--unixsocketperm",
            "700",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    deadline = time.monotonic() + 10
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"unix://{path}"
    process.kill()
    process.wait()


def luot_in(ns: str, instance: Path, database_url: str, *args: str) -> str:
    result = subprocess.run(
        ["ip", "netns", "exec", ns, LUOT, *args],
        env={**os.environ, "LUOT_INSTANCE_PATH": str(instance), "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def work(base: str, office: str, counters: list[int], officer: dict, done: list) -> None:
    """Issue TICKETS tickets and serve every one at two counters the way offices with
    `start_on_call` do (each "next" finishes the citizen served and calls the next); rate
    one in three."""
    http = requests.Session()
    api = f"{base}/api/v1"
    for counter in counters:
        http.post(f"{api}/counters/{counter}/open", headers=officer, timeout=20).raise_for_status()
    tokens = {}
    for n in range(TICKETS):
        body = {"service": "B" if n % 3 else "A", "priority": "elderly" if n % 25 == 0 else None}
        issued = http.post(f"{api}/offices/{office}/tickets", json=body, timeout=20)
        issued.raise_for_status()
        tokens[issued.json()["code"]] = issued.json()["token"]
    serving = dict.fromkeys(counters)
    finished = 0
    while True:
        called_any = False
        for counter in counters:
            answer = http.post(f"{api}/counters/{counter}/next", headers=officer, timeout=20)
            answer.raise_for_status()
            if serving[counter] is not None:  # this "next" finished it
                finished += 1
                if finished % 3 == 1:
                    level = "unsatisfied" if finished % 9 == 1 else "very_satisfied"
                    http.post(
                        f"{api}/tickets/{tokens[serving[counter]['code']]}/rating",
                        json={"level": level},
                        timeout=20,
                    ).raise_for_status()
            serving[counter] = answer.json()["ticket"]
            called_any |= serving[counter] is not None
        if not called_any:
            break
    assert finished == TICKETS
    done.append(office)


def same_reports(centre_db: Database, province_db: Database, office: str, centre: str) -> dict:
    """The centre's report of its office and the province's, equal in every figure; an
    officer is named at the province with the centre's code before the name."""
    figures = []
    day = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    for db in (centre_db, province_db):
        with db.read() as session:
            scope = reports.scope(session, [office], day - dt.timedelta(days=1), day)
            result = reports.report(session, scope, "counter", also=("service", "officer"))
        figures.append(json.loads(json.dumps(result, default=str)))
    for here, there in zip(
        figures[0]["also"]["officer"]["rows"], figures[1]["also"]["officer"]["rows"], strict=True
    ):
        assert there["label"] == f"{centre}/{here['label']}"
        there["label"] = here["label"]
    # Rows of offices, fields, counters and officers are keyed by each server's own ids.
    # Times in seconds may differ in their last rounded digit: the centre's SQLite counts
    # them from julianday() (about 50 µs apart at today's dates), PostgreSQL exactly.
    for result in figures:
        for grouped in (result, *result["also"].values()):
            for row in grouped["rows"]:
                row["key"] = row["label"]
    for one, other in zip(_times(figures[0]), _times(figures[1]), strict=True):
        # One step of the last digit: 1.3 - 1.2 is 0.10000000000000009 in floats.
        assert round(abs(one[1] - other[1]), 9) <= 0.1 and one[0] == other[0], (one, other)
        other[2][other[0]] = one[1]
    assert figures[0] == figures[1]
    return figures[0]["total"]


def _times(result: dict):
    """(name, value, the dict holding it) for every time figure of a report, in order."""
    for grouped in (result, *result["also"].values()):
        for row in [grouped["total"], *grouped["rows"]]:
            for measure in ("wait", "service"):
                for name, value in (row[measure] or {}).items():
                    if name != "count":
                        yield name, value, row[measure]


def test_centres_keep_working_through_a_cut_link_and_the_province_ends_exact(
    hosts, province_database, redis_socket, sqlite_template, tmp_path
):
    province_tcp, province_socket = province_database
    province_db = Database(province_tcp)
    admin = bearer(make_token(province_db, "tinh", role="admin", offices=()))
    province_ns, province_ip = hosts.host("prov")
    provinces = []
    for n in (1, 2):
        server = LiveServer(
            province_socket,
            tmp_path / f"province{n}",
            PORT + n,
            netns=province_ns,
            address=province_ip,
            REDIS_URL=redis_socket,
            LUOT_SECRET_KEY="province",
            LUOT_PROVINCE_STALE_SECONDS="10",
        )
        provinces.append(server)

    centres = []
    for n in (1, 2):
        ns, ip = hosts.host(f"c{n}")
        wire, _here, there = hosts.link(ns, province_ns, f"w{n}")
        folder = tmp_path / f"centre{n}"
        folder.mkdir()
        shutil.copyfile(sqlite_template, folder / "luot.db")
        url = f"sqlite:///{folder / 'luot.db'}"
        db = Database(url)
        office = make_office(
            db,
            code=f"X{n}",
            name=f"Trung tâm xã Số {n}",
            settings={"issuing": "open", "counters_per_officer": 2, "start_on_call": True},
        )
        officer = bearer(make_token(db, f"canbo{n}", offices=(f"X{n}",)))
        server = LiveServer(
            url,
            folder,
            PORT,
            netns=ns,
            address=ip,
            LUOT_PROVINCE_PUSH_SECONDS="1",
            LUOT_PROVINCE_RETRY_MAX_SECONDS="5",
        )
        centres.append(
            {
                "n": n,
                "ns": ns,
                "wire": wire,
                "province": f"http://{there}:{PORT + n}",
                "db": db,
                "url": url,
                "folder": folder,
                "server": server,
                "office": office,
                "officer": officer,
            }
        )
    try:
        for server in provinces:
            server.start()
        for centre in centres:
            centre["server"].start()
            invite = luot_in(
                province_ns,
                tmp_path / "province1",
                province_socket,
                "province",
                "add-centre",
                f"XA{centre['n']}",
            )
            code = invite.split()[-1]
            luot_in(
                centre["ns"],
                centre["folder"],
                centre["url"],
                "province",
                "join",
                centre["province"],
                code,
            )

        # Joined and pushing; then every link to the province is cut.
        def joined() -> bool:
            shown = requests.get(
                f"{provinces[0].url}/api/v1/province/centres", headers=admin, timeout=10
            ).json()
            return len(shown) == 2 and all(not c["stale"] and c["offices"] for c in shown)

        wait(joined, 30, "both centres seen at the province")
        for centre in centres:
            hosts.cut(centre["ns"], centre["wire"])

        done: list[str] = []
        workers = [
            threading.Thread(
                target=work,
                args=(
                    c["server"].url,
                    c["office"]["code"],
                    list(c["office"]["counters"].values()),
                    c["officer"],
                    done,
                ),
            )
            for c in centres
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert sorted(done) == ["X1", "X2"]
        for centre in centres:
            link = Engine(centre["db"]).link()
            assert link["unsent"] > TICKETS and "out of reach" in (link["last_error"] or "")

        def stale() -> bool:
            shown = requests.get(
                f"{provinces[1].url}/api/v1/province/centres", headers=admin, timeout=10
            ).json()
            return len(shown) == 2 and all(c["stale"] for c in shown)

        # The overview says so while cut (once LUOT_PROVINCE_STALE_SECONDS have passed
        # without a push: the work may take less).
        wait(stale, 30, "both centres shown stale while cut")

        # Restored: the overview is current again, then everything has arrived.
        for centre in centres:
            hosts.restore(centre["ns"], centre["wire"])
        restored = time.monotonic()

        def current() -> bool:
            shown = {
                c["code"]: c
                for c in requests.get(
                    f"{provinces[0].url}/api/v1/province/centres", headers=admin, timeout=10
                ).json()
            }
            for centre in centres:
                mine = shown[f"XA{centre['n']}"]
                office = mine["offices"][0] if mine["offices"] else {}
                if mine["stale"] or office.get("served_today") != TICKETS:
                    return False
                if office.get("waiting") != 0 or office.get("open_counters") != 2:
                    return False
            return True

        wait(current, 30, "the overview current again")
        overview_seconds = time.monotonic() - restored

        def caught_up() -> bool:
            return all(Engine(c["db"]).link()["unsent"] == 0 for c in centres)

        wait(caught_up, 120, "every entry at the province")
        caught_up_seconds = time.monotonic() - restored

        for centre in centres:
            counted = assert_same_copy(centre["db"], province_db, f"XA{centre['n']}")
            assert counted["ticket"] == TICKETS
            assert counted["rating"] == len(range(0, TICKETS, 3))
            total = same_reports(
                centre["db"], province_db, centre["office"]["code"], f"XA{centre['n']}"
            )
            assert total["issued"] == TICKETS and total["served"] == TICKETS
        print(
            f"\noverview current {overview_seconds:.1f} s after the links came back; "
            f"everything received after {caught_up_seconds:.1f} s"
        )
    finally:
        for centre in centres:
            centre["server"].stop()
            centre["db"].dispose()
        for server in provinces:
            server.stop()
        province_db.dispose()


def wait(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (requests.RequestException, KeyError, ValueError):
            pass
        time.sleep(0.25)
    raise AssertionError(f"not within {seconds} s: {what}")
