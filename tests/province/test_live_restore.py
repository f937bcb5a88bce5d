"""Restores in a province, with real `luot serve` processes and the commands BACKUP.md
gives: a centre restored from a backup taken five tickets ago, a copy restored beside the
live centre for a test, and the province itself restored. Each ends with the province
holding every row the centre holds, nothing skipped (engine to engine: test_restore.py)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from server.db import Database
from server.engine import Engine
from server.models import Ticket
from tests.factories import make_office
from tests.live_server import LiveServer, free_port
from tests.province.copies import assert_same_copy
from tests.province.test_live import count, luot, wait_for

pytestmark = pytest.mark.slow
FAST = {"LUOT_PROVINCE_PUSH_SECONDS": "0.5", "LUOT_PROVINCE_RETRY_MAX_SECONDS": "1"}


class Box:
    """One installation: its instance folder, database and (when started) server."""

    def __init__(self, instance: Path, url: str, **env: str) -> None:
        self.instance, self.url, self.env = instance, url, env
        self.port = free_port()  # kept across restarts: centres know the province by it
        self.server: LiveServer | None = None

    def start(self) -> LiveServer:
        self.server = LiveServer(self.url, self.instance, self.port, **self.env)
        self.server.start()
        return self.server

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def luot(self, *args: str):
        # The instance folder's own secret key (as an installation has), not the test key.
        done = luot(self.instance, self.url, *args, LUOT_SECRET_KEY="")
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done

    def issue(self, n: int, service: str = "A") -> None:
        url = f"{self.server.url}/api/v1/offices/T1/tickets"
        for _ in range(n):
            requests.post(url, json={"service": service}, timeout=10).raise_for_status()

    def backup(self, folder: Path) -> Path:
        self.luot("backup", "--output", str(folder))
        return max(folder.glob("luot-backup-*.tar.gz"))


def centre_box(tmp_path: Path, sqlite_template: Path, name: str = "centre") -> Box:
    folder = tmp_path / name
    folder.mkdir()
    shutil.copyfile(sqlite_template, folder / "luot.db")
    url = f"sqlite:///{folder / 'luot.db'}"
    db = Database(url)
    make_office(db)
    db.dispose()
    return Box(folder, url, LUOT_SECRET_KEY="", **FAST)


def joined(province: Box, centre: Box) -> None:
    invited = province.luot("province", "add-centre", "XA1", "--url", province.server.url)
    command = invited.stdout.splitlines()[-1].split()
    centre.luot(*command[1:])


def tickets(url: str) -> int:
    db = Database(url)
    try:
        return count(db)
    finally:
        db.dispose()


def same_copy(centre: Box, province: Box) -> None:
    centre_db, province_db = Database(centre.url), Database(province.url)
    try:
        assert_same_copy(centre_db, province_db, "XA1")
    finally:
        centre_db.dispose()
        province_db.dispose()


def settled(centre: Box, province: Box) -> bool:
    """The province holds what the centre holds, and the centre knows it."""
    db = Database(centre.url)
    try:
        link = Engine(db).link()
    finally:
        db.dispose()
    return (
        link["unsent"] == 0
        and not (link["resync"] and not link["resync"]["done"])
        and tickets(province.url) == tickets(centre.url)
    )


def resync_of(province: Box) -> dict | None:
    db = Database(province.url)
    try:
        return Engine(db).centres()[0]["resync"]
    finally:
        db.dispose()


def test_a_centre_restored_from_a_backup_five_tickets_ago_loses_nothing_at_the_province(
    database_url, sqlite_template, tmp_path
):
    province = Box(tmp_path / "province", database_url)
    centre = centre_box(tmp_path, sqlite_template)
    try:
        province.start()
        centre.start()
        joined(province, centre)
        centre.issue(10)
        wait_for(lambda: tickets(database_url) == 10, what="10 tickets at the province")
        archive = centre.backup(tmp_path / "backups")
        centre.issue(5, "B")
        wait_for(lambda: tickets(database_url) == 15, what="15 tickets at the province")

        # The centre's disk is replaced: BACKUP.md's restore, then the box works on.
        centre.stop()
        restored = centre.luot("restore", str(archive), "--yes")
        assert "luot province resume" in restored.stdout
        centre.start()
        centre.issue(3)
        time.sleep(2)  # four beats: a held box sends nothing
        assert tickets(database_url) == 15
        status = centre.luot("province", "status").stdout
        assert "Held: restored from a backup" in status

        began = time.monotonic()
        centre.luot("province", "resume")
        wait_for(lambda: settled(centre, province), what="the province as the centre")
        caught_up = time.monotonic() - began
        same_copy(centre, province)
        assert tickets(centre.url) == 13
        resync = resync_of(province)
        assert resync["state"] == "done" and resync["dropped"]["ticket"] == 5, resync
        listed = province.luot("province", "centres").stdout
        assert "lag 0 entries" in listed

        centre.issue(8)  # reusing no number: every one arrives
        wait_for(lambda: settled(centre, province), what="the next tickets")
        same_copy(centre, province)
        print(f"caught up {caught_up:.2f} s after `luot province resume` began")
    finally:
        centre.stop()
        province.stop()


def test_a_copy_restored_beside_the_live_centre_starts_and_pushes_nothing(
    database_url, sqlite_template, tmp_path
):
    province = Box(tmp_path / "province", database_url)
    centre = centre_box(tmp_path, sqlite_template)
    copy = Box(tmp_path / "test-restore", "", LUOT_SECRET_KEY="", **FAST)
    copy.url = f"sqlite:///{copy.instance / 'luot.db'}"
    try:
        province.start()
        centre.start()
        joined(province, centre)
        centre.issue(4)
        wait_for(lambda: settled(centre, province), what="4 tickets at the province")
        archive = centre.backup(tmp_path / "backups")

        # BACKUP.md's "test a restore", on the same machine as the live server.
        copy.instance.mkdir()
        copy.luot("restore", str(archive), "--yes")
        copy.start()  # it starts: the live server's heartbeat did not come with it
        copy.issue(6, "B")
        centre.issue(2)
        wait_for(lambda: settled(centre, province), what="the live centre's 2 tickets")
        time.sleep(2)  # four of the copy's beats
        assert tickets(database_url) == 6 == tickets(centre.url)
        assert tickets(copy.url) == 10
        same_copy(centre, province)
        with Database(database_url).read() as session:
            assert session.scalar(select(func.count()).select_from(Ticket)) == 6
    finally:
        copy.stop()
        centre.stop()
        province.stop()


def test_a_province_restored_from_its_backup_gets_everything_back_from_idle_centres(
    scratch, sqlite_template, tmp_path
):
    province = Box(tmp_path / "province", scratch("province"))
    centre = centre_box(tmp_path, sqlite_template)
    try:
        province.luot("init-db")
        province.start()
        centre.start()
        joined(province, centre)
        centre.issue(5)
        wait_for(lambda: settled(centre, province), what="5 tickets at the province")
        archive = province.backup(tmp_path / "province-backups")
        centre.issue(7, "B")
        wait_for(lambda: settled(centre, province), what="12 tickets at the province")

        province.stop()
        province.luot("restore", str(archive), "--yes")
        assert tickets(province.url) == 5
        province.start()
        # The centre writes nothing more; its beats alone bring the province back.
        wait_for(lambda: settled(centre, province), what="the province caught up")
        same_copy(centre, province)
    finally:
        centre.stop()
        province.stop()
