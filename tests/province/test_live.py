"""A centre and its province as two real `luot serve` processes on loopback, joined with the
two CLI commands, the centre's pusher sending over HTTP (gzip) through a province that
stops and comes back, and a revocation. (On separate hosts with a cut link: test_hosts.py.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest
import requests
from sqlalchemy import func, select

from server.db import Database
from server.models import Ticket
from tests import server_zygote as zygote
from tests.factories import bearer, make_office, make_token
from tests.live_server import LUOT, LiveServer, free_port
from tests.province.copies import assert_same_copy

pytestmark = pytest.mark.slow


def luot(instance, database_url, *args, **env) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "LUOT_INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url,
        **env,
    }
    return zygote.run([LUOT, *args], env=environment, timeout=60)


def wait_for(check, timeout: float = 30.0, what: str = "") -> float:
    """Seconds until `check()` is true."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if check():
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what}")


def count(db: Database, model=Ticket) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_centre_joins_pushes_through_an_outage_and_is_revoked(
    database_url, sqlite_template, tmp_path
):
    centre_url = f"sqlite:///{tmp_path / 'centre' / 'luot.db'}"
    (tmp_path / "centre").mkdir()
    shutil.copyfile(sqlite_template, tmp_path / "centre" / "luot.db")
    centre_db, province_db = Database(centre_url), Database(database_url)
    counter_id = make_office(centre_db)["counters"][1]
    officer = bearer(make_token(centre_db, "canbo1"))
    admin = bearer(make_token(province_db, "tinh", role="admin", offices=()))
    province_port = free_port()
    province_base = f"http://127.0.0.1:{province_port}"
    province = LiveServer(database_url, tmp_path / "province", province_port)
    centre = LiveServer(
        centre_url,
        tmp_path / "centre",
        free_port(),
        LUOT_PROVINCE_PUSH_SECONDS="0.5",
        LUOT_PROVINCE_RETRY_MAX_SECONDS="1",
    )
    try:
        province.start()
        centre.start()
        invited = luot(
            tmp_path / "province",
            database_url,
            "province",
            "add-centre",
            "XA1",
            "--name",
            "Xã Một",
            "--url",
            province_base,
        )
        assert invited.returncode == 0, invited.stderr
        command = invited.stdout.splitlines()[-1].split()
        assert command[:4] == ["luot", "province", "join", province_base]
        joined = luot(tmp_path / "centre", centre_url, *command[1:])
        assert joined.returncode == 0, joined.stderr
        assert "Joined" in joined.stdout
        again = luot(tmp_path / "centre", centre_url, *command[1:])
        assert (
            again.returncode == 1 and "refused" in again.stderr and "Traceback" not in again.stderr
        )

        for _ in range(5):
            assert (
                requests.post(
                    f"{centre.url}/api/v1/offices/T1/tickets", json={"service": "A"}, timeout=10
                ).status_code
                == 201
            )
        wait_for(lambda: count(province_db) == 5, what="5 tickets at the province")
        shown = requests.get(
            f"{province_base}/api/v1/province/centres", headers=admin, timeout=10
        ).json()
        assert shown[0]["state"] == "joined" and shown[0]["offices"][0]["waiting"] == 5

        # The province stops; the centre goes on working and says what it cannot send.
        province.stop()
        requests.post(
            f"{centre.url}/api/v1/counters/{counter_id}/open", headers=officer, timeout=10
        ).raise_for_status()
        for _ in range(20):
            requests.post(
                f"{centre.url}/api/v1/offices/T1/tickets", json={"service": "B"}, timeout=10
            ).raise_for_status()
        for _ in range(8):
            called = requests.post(
                f"{centre.url}/api/v1/counters/{counter_id}/next", headers=officer, timeout=10
            ).json()["ticket"]
            for action in ("start", "finish"):
                requests.post(
                    f"{centre.url}/api/v1/tickets/{called['id']}/{action}",
                    headers=officer,
                    timeout=10,
                ).raise_for_status()
        status = luot(tmp_path / "centre", centre_url, "province", "status")
        assert "out of reach" in status.stdout and "to send" in status.stdout
        assert count(province_db) == 5

        province.start()
        took = wait_for(
            lambda: count(province_db) == 25 and centre_link(centre_db)["unsent"] == 0,
            what="the backlog at the province",
        )
        assert took < 15
        assert_same_copy(centre_db, province_db, "XA1")
        listed = luot(tmp_path / "province", database_url, "province", "centres")
        assert "XA1" in listed.stdout and "lag 0 entries" in listed.stdout

        # Revoked: the next push is refused, the centre says so and keeps its journal.
        assert (
            luot(tmp_path / "province", database_url, "province", "revoke-centre", "XA1").returncode
            == 0
        )
        requests.post(
            f"{centre.url}/api/v1/offices/T1/tickets", json={"service": "A"}, timeout=10
        ).raise_for_status()
        wait_for(lambda: centre_link(centre_db)["state"] == "revoked", what="revoked")
        assert "revoked" in centre_link(centre_db)["last_error"]
        assert centre_link(centre_db)["unsent"] >= 1 and count(province_db) == 25
    finally:
        centre.stop()
        province.stop()
        centre_db.dispose()
        province_db.dispose()


def centre_link(db: Database) -> dict:
    from server.engine import Engine

    return Engine(db).link()


def test_a_large_baseline_goes_in_pushes_the_province_takes(
    database_url, sqlite_template, tmp_path
):
    """A centre with history joins: its baseline entries are big (500 rows each), so one
    push carries only as many as fit; the pusher goes on until the province has all."""
    from server.engine import Engine
    from server.province.pusher import Pusher

    path = tmp_path / "centre.db"
    shutil.copyfile(sqlite_template, path)
    centre_db, province_db = Database(f"sqlite:///{path}"), Database(database_url)
    make_office(centre_db)
    centre = Engine(centre_db)
    for n in range(300):
        centre.issue("T1", "A" if n % 2 else "B")
    province = LiveServer(database_url, tmp_path / "province", free_port())
    try:
        province.start()
        invite = Engine(province_db).add_centre("XA1", "Xã Một")
        granted = requests.post(
            f"{province.url}/api/v1/province/join", json={"code": invite["join_code"]}, timeout=10
        ).json()
        centre.join_province(province.url, "XA1", granted["token"], granted["received"])
        entries = centre.link()["unsent"]
        assert entries >= 2  # 300 tickets and their events, 500 rows an entry
        pusher = Pusher(centre, None, max_bytes=1000)  # smaller than any of them
        pushes = 1
        while pusher.push_once():
            pushes += 1
        assert pushes == entries and centre.link()["unsent"] == 0
        assert count(province_db) == 300
        assert_same_copy(centre_db, province_db, "XA1")
    finally:
        province.stop()
        centre_db.dispose()
        province_db.dispose()
