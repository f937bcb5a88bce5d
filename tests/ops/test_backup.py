"""`luot backup` and `luot restore` as an admin runs them, on SQLite and (in the PostgreSQL
pass) through pg_dump / pg_restore: consistent copies of a serving database, the secret key
kept with it, retention, and archives that must be refused without changing anything."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import io
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tarfile
import threading
from pathlib import Path

import pytest
import requests
from alembic.script import ScriptDirectory
from sqlalchemy import text

from kiosk.cccd import hash_citizen_id
from server import create_app, current
from server.db import Database
from server.engine import Citizen, Engine, credentials
from server.ops import backup
from server.ops.migrate import SCRIPTS, is_current, upgrade
from server.web.citizen_tokens import id_salt
from tests.conftest import PG_URL
from tests.factories import make_office, make_token
from tests.ops.conftest import contents, installation, luot, seeded
from tests.waiting import wait_until

# Long (started first); pg_dump and pg_restore on PostgreSQL.
pytestmark = [pytest.mark.slow, pytest.mark.dialect]

CITIZEN_ID = "001099012345"


def archives(folder: Path) -> list[Path]:
    return sorted(folder.glob("luot-backup-*.tar.gz"))


def make_backup(env: dict[str, str], output: Path) -> Path:
    made = luot(env, "backup", "--output", str(output))
    assert made.returncode == 0, made.stderr
    assert "Backup written: " in made.stdout
    return archives(output)[-1]


def fill(url: str) -> None:
    """An office with users, tokens, served and waiting tickets, counter events."""
    db = Database(url)
    try:
        office = make_office(db)
        make_token(db, "lan", "officer")
        engine = Engine(db)
        engine.set_counter_state(office["counters"][1], "open")
        for service in ("A", "B", "A"):
            engine.issue("T1", service, citizen=Citizen(name="Trần Thị Bình"))
        called = engine.call_next(office["counters"][1])
        engine.start(called["id"])
        engine.finish(called["id"])
    finally:
        db.dispose()


@pytest.fixture
def source(database_url: str, tmp_path: Path, pg_tools) -> dict[str, str]:
    """The installation being backed up: the test's database, its own instance folder."""
    return installation(tmp_path / "source", database_url)


def test_backup_while_the_server_issues_is_a_consistent_snapshot(
    live_server, database_url: str, tmp_path: Path, scratch
):
    db = Database(database_url)
    make_office(db)
    with db.write() as session:
        kiosk = credentials.create_device(session, "T1", "kiosk", "Kiosk 1")
        token = credentials.create_token(session, kiosk, "device:Kiosk 1")
    db.dispose()
    attempts: list[int] = []
    stop = threading.Event()

    def issue() -> None:
        with requests.Session() as http:
            http.headers["Authorization"] = f"Bearer {token}"
            while not stop.is_set() and len(attempts) < 900:
                service = "AB"[len(attempts) % 2]
                answer = http.post(
                    f"{live_server.url}/api/v1/offices/T1/tickets",
                    json={"service": service},
                    timeout=10,
                )
                attempts.append(answer.status_code)

    issuer = threading.Thread(target=issue)
    issuer.start()
    try:
        wait_until(lambda: attempts.count(201) >= 10, 30, "ten tickets issued")
        before = len(attempts)
        output = tmp_path / "backups"
        made = luot(live_server.env, "backup", "--output", str(output))
        during = len(attempts) - before
    finally:
        stop.set()
        issuer.join(30)
    assert made.returncode == 0, made.stderr
    assert during > 0, "the server was not issuing while the backup ran"
    assert set(attempts) <= {201, 429}, sorted(set(attempts))

    target = scratch("restored")
    restored = luot(
        installation(tmp_path / "target", target), "restore", str(archives(output)[0]), "--yes"
    )
    assert restored.returncode == 0, restored.stderr
    copy, now = contents(target), contents(database_url)
    tickets = copy["tickets"]
    assert len(tickets) >= 10
    # Every ticket in the copy is the server's, unchanged; the copy is a moment of the
    # server's life: numbers without gaps, each with its issued event, counters agreeing.
    assert set(tickets) <= set(now["tickets"])
    issued = {(e[1]) for e in copy["ticket_events"] if e[4] == "issued"}
    assert issued == {t[0] for t in tickets}
    by_service: dict[int, list[int]] = {}
    for ticket in tickets:
        by_service.setdefault(ticket[3], []).append(ticket[5])
    last = {row[0]: row[2] for row in copy["service_day_counters"]}
    for service, seqs in by_service.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
        assert last[service] == len(seqs)


def test_restore_into_a_fresh_instance_brings_back_everything_and_the_key(
    source: dict[str, str], database_url: str, tmp_path: Path, scratch
):
    fill(database_url)
    app = create_app(
        {
            "INSTANCE_PATH": source["LUOT_INSTANCE_PATH"],
            "DATABASE_URL": database_url,
            "REDIS_URL": "",
            "SNAPSHOT_DELAY": 0,
        }
    )
    with app.app_context():
        id_hash = hash_citizen_id(CITIZEN_ID, id_salt("T1"))
    current.engine(app).issue(
        "T1", "A", citizen=Citizen(name="Nguyễn Văn An", id_hash=id_hash, id_last4="2345")
    )
    current.database(app).dispose()
    archive = make_backup(source, tmp_path / "backups")

    target_url = scratch("fresh")
    target = installation(tmp_path / "target", target_url)
    fresh = create_app(
        {
            "INSTANCE_PATH": target["LUOT_INSTANCE_PATH"],
            "DATABASE_URL": target_url,
            "REDIS_URL": "",
            "SNAPSHOT_DELAY": 0,
        }
    )
    with fresh.app_context():
        assert hash_citizen_id(CITIZEN_ID, id_salt("T1")) != id_hash  # a new key: no match
    restored = luot(target, "restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stderr

    assert contents(target_url) == contents(database_url)
    key = Path(target["LUOT_INSTANCE_PATH"]) / "secret_key"
    assert key.read_bytes() == (Path(source["LUOT_INSTANCE_PATH"]) / "secret_key").read_bytes()
    assert key.stat().st_mode & 0o777 == 0o600
    again = create_app(
        {
            "INSTANCE_PATH": target["LUOT_INSTANCE_PATH"],
            "DATABASE_URL": target_url,
            "REDIS_URL": "",
            "SNAPSHOT_DELAY": 0,
        }
    )
    db = current.database(again)
    with again.app_context(), db.read() as session:
        stored = session.execute(
            text("SELECT citizen_id_hash FROM tickets WHERE citizen_id_last4 = '2345'")
        ).scalar_one()
        assert hash_citizen_id(CITIZEN_ID, id_salt("T1")) == stored == id_hash
    db.dispose()


def test_restore_over_other_content_gives_exactly_the_backup(
    source: dict[str, str], database_url: str, tmp_path: Path, scratch
):
    fill(database_url)
    archive = make_backup(source, tmp_path / "backups")
    target_url = scratch("other")
    target = installation(tmp_path / "target", target_url)
    seeded(target_url)
    if target_url.startswith("sqlite"):
        # A server killed with -9 leaves its last writes in the WAL; replayed into the
        # restored file, they would bring the old content back.
        path = target_url.removeprefix("sqlite:///")
        script = (
            "import os, sqlite3\n"
            f"c = sqlite3.connect({path!r}, isolation_level=None)\n"
            "c.execute(\"UPDATE users SET full_name = 'stale' \")\n"
            "os._exit(0)\n"
        )
        subprocess.run([sys.executable, "-c", script], check=True)
        assert os.path.getsize(path + "-wal") > 0
    restored = luot(target, "restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert contents(target_url) == contents(database_url)
    if target_url.startswith("sqlite"):
        # The replaced database (its WAL folded in) and its key are kept aside.
        [aside] = Path(target_url.removeprefix("sqlite:///")).parent.glob("luot.db.before-*")
        with contextlib.closing(sqlite3.connect(aside)) as kept:
            assert kept.execute("SELECT DISTINCT full_name FROM users").fetchall() == [("stale",)]
        [key] = Path(target["LUOT_INSTANCE_PATH"]).glob("secret_key.before-restore-*")
        assert key.stat().st_mode & 0o777 == 0o600


def test_an_older_backup_is_migrated_after_restore(tmp_path: Path, scratch):
    old_url = scratch("old")
    first = list(ScriptDirectory(str(SCRIPTS)).walk_revisions())[-1].revision
    db = Database(old_url)
    upgrade(db, first)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO offices (code, name, address, timezone, priority_streak_limit,"
                " transfer_keeps_place, recalls_before_no_show, elderly_age, settings, created_at)"
                " VALUES ('OLD', 'Xã Cũ', '', 'Asia/Ho_Chi_Minh', 3, true, 1, 60, '{}',"
                " '2026-11-23 01:00:00')"
            )
        )
    db.dispose()
    archive = make_backup(installation(tmp_path / "old", old_url), tmp_path / "backups")
    target_url = scratch("new")
    target = installation(tmp_path / "target", target_url)
    seeded(target_url)
    restored = luot(target, "restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stderr
    db = Database(target_url)
    assert is_current(db)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT code, district FROM offices")).all() == [("OLD", "")]
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 0
    db.dispose()


def test_keep_removes_all_but_the_newest_backups(source: dict[str, str], tmp_path: Path):
    output = tmp_path / "backups"
    output.mkdir()
    old = [
        "luot-backup-20250101-000000Z.tar.gz",
        "luot-backup-20250102-000000Z.tar.gz",
        "luot-backup-20250102-000000Z-2.tar.gz",
    ]
    others = ["notes.txt", "luot-backup-latest.tar.gz", "luot-backup-20250101-000000Z.tar.gz.x"]
    for name in old + others:
        (output / name).write_text("x")
    made = luot(source, "backup", "--output", str(output), "--keep", "2")
    assert made.returncode == 0, made.stderr
    new = [p.name for p in archives(output) if p.name not in old + others]
    assert len(new) == 1
    assert sorted(p.name for p in output.iterdir()) == sorted(
        [*others, "luot-backup-20250102-000000Z-2.tar.gz", new[0]]
    )
    assert made.stdout.count("Removed old backup") == 2


def damaged_copies(archive: Path, folder: Path) -> dict[str, Path]:
    """The same backup cut short, with a flipped byte, with a member changed, and a file
    that is no archive at all."""
    body = archive.read_bytes()
    folder.mkdir()
    copies = {"truncated": body[: len(body) // 2], "not an archive": b"hello\n"}
    flipped = bytearray(body)
    flipped[len(body) // 2] ^= 0xFF
    copies["flipped byte"] = bytes(flipped)
    rebuilt = io.BytesIO()
    with tarfile.open(archive, "r:gz") as old, tarfile.open(fileobj=rebuilt, mode="w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()
            if member.name.startswith("database"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            new.addfile(member, io.BytesIO(data))
    copies["changed member"] = rebuilt.getvalue()
    paths = {}
    for name, data in copies.items():
        paths[name] = folder / (name.replace(" ", "-") + ".tar.gz")
        paths[name].write_bytes(data)
    return paths


def test_a_damaged_archive_is_refused_and_changes_nothing(
    source: dict[str, str], database_url: str, tmp_path: Path, scratch
):
    fill(database_url)
    archive = make_backup(source, tmp_path / "backups")
    target_url = scratch("kept")
    target = installation(tmp_path / "target", target_url)
    seeded(target_url)
    key = Path(target["LUOT_INSTANCE_PATH"]) / "secret_key"
    key.parent.mkdir()
    key.write_text("the key of the database in place")
    before, key_before = contents(target_url), key.read_bytes()
    for name, path in damaged_copies(archive, tmp_path / "damaged").items():
        refused = luot(target, "restore", str(path), "--yes")
        assert refused.returncode == 1, name
        assert "Nothing was changed" in refused.stderr, (name, refused.stderr)
        assert "Traceback" not in refused.stderr
        assert contents(target_url) == before, name
        assert key.read_bytes() == key_before, name
    leftovers = [p.name for p in key.parent.iterdir() if p.name.startswith(".luot-restore")]
    assert leftovers == []


def test_restore_refuses_a_backup_of_a_newer_schema(tmp_path: Path, scratch):
    newer_url = scratch("newer")
    newer = installation(tmp_path / "newer", newer_url)
    db = Database(seeded(newer_url))
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff00000000'"))
    db.dispose()
    archive = make_backup(newer, tmp_path / "backups")
    target_url = scratch("older")
    target = installation(tmp_path / "target", target_url)
    seeded(target_url)
    before = contents(target_url)
    refused = luot(target, "restore", str(archive), "--yes")
    assert refused.returncode == 1
    assert "newer than this Lượt" in refused.stderr and "upgrade Lượt first" in refused.stderr
    assert contents(target_url) == before


def test_restore_is_refused_while_a_server_serves_the_database(
    live_server, database_url: str, tmp_path: Path, pg_tools
):
    fill(database_url)
    archive = make_backup(live_server.env, tmp_path / "backups")
    db = Database(database_url)
    with db.write() as session:
        credentials.create_user(session, "later", "admin", [], "pw-later-1234")
    db.dispose()
    before = contents(database_url)
    refused = luot(live_server.env, "restore", str(archive), "--yes")
    assert refused.returncode == 1
    assert "Stop the server" in refused.stderr, refused.stderr
    assert contents(database_url) == before
    assert requests.get(live_server.url + "/healthz", timeout=5).ok

    live_server.stop()
    restored = luot(live_server.env, "restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "later" not in {row[1] for row in contents(database_url)["users"]}


def test_restore_asks_first_and_a_no_changes_nothing(
    source: dict[str, str], database_url: str, tmp_path: Path, scratch
):
    archive = make_backup(source, tmp_path / "backups")
    target_url = scratch("asked")
    target = installation(tmp_path / "target", target_url)
    seeded(target_url)
    before = contents(target_url)
    declined = luot(target, "restore", str(archive), input="n\n")
    assert declined.returncode == 1
    assert "replaces the database" in declined.stdout
    assert contents(target_url) == before


def test_backup_failures_exit_non_zero_and_leave_no_archive(source: dict[str, str], tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    refused = luot(source, "backup", "--output", str(blocker / "backups"))
    assert refused.returncode == 1
    assert "Cannot write backups in" in refused.stderr and "Traceback" not in refused.stderr

    output = tmp_path / "small-disk"
    output.mkdir()

    def small_files() -> None:  # writes past 16 kB fail, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))

    full = luot(source, "backup", "--output", str(output), preexec_fn=small_files)
    assert full.returncode == 1
    assert "Traceback" not in full.stderr and full.stderr.startswith("Error: "), full.stderr
    assert list(output.iterdir()) == []


def test_a_disk_filling_up_while_the_archive_is_written_leaves_nothing(
    database_url: str, tmp_path: Path, monkeypatch, pg_tools
):
    real_open = tarfile.open
    written = []

    class FillsUp(io.RawIOBase):
        def __init__(self, raw) -> None:
            self.raw = raw

        def writable(self) -> bool:
            return True

        def write(self, data) -> int:
            written.append(len(data))
            if sum(written) > 2048:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return self.raw.write(data)

    def failing_open(*args, fileobj=None, **kwargs):
        return real_open(*args, fileobj=FillsUp(fileobj), **kwargs)

    monkeypatch.setattr(backup.tarfile, "open", failing_open)
    output = tmp_path / "backups"
    installed = backup.Installation(database_url, tmp_path, "k" * 64)
    with pytest.raises(backup.BackupError, match="the disk is full"):
        backup.create_backup(installed, output)
    assert written and list(output.iterdir()) == []


def test_postgresql_backup_is_a_pg_dump_restored_by_pg_restore(
    source: dict[str, str], database_url: str, tmp_path: Path, scratch
):
    if not PG_URL:
        pytest.skip("runs in the PostgreSQL pass (LUOT_TEST_DATABASE_URL)")
    fill(database_url)
    archive = make_backup(source, tmp_path / "backups")
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        dump = tar.extractfile("database.pgdump").read()
    assert manifest["database"] == "postgresql" and dump.startswith(b"PGDMP")
    target_url = scratch("pg")
    restored = luot(installation(tmp_path / "target", target_url), "restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert contents(target_url) == contents(database_url)

    no_tools = {**source, "PATH": str(tmp_path / "empty-bin")}
    missing = luot(no_tools, "backup", "--output", str(tmp_path / "more"))
    assert missing.returncode == 1 and "pg_dump was not found" in missing.stderr


def test_the_database_password_never_reaches_a_command_line():
    conninfo, env = backup._libpq("postgresql://luot:s3cr%40t@db.example:5433/luot?sslmode=require")
    assert conninfo == "postgresql://luot@db.example:5433/luot?sslmode=require"
    assert env["PGPASSWORD"] == "s3cr@t"


def test_the_manifest_records_versions_revision_and_checksums(
    source: dict[str, str], tmp_path: Path
):
    archive = make_backup(source, tmp_path / "backups")
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    assert manifest["alembic_revision"] == ScriptDirectory(str(SCRIPTS)).get_current_head()
    assert manifest["luot_version"] == backup.luot_version() != "unknown"
    assert manifest["database"] in ("sqlite", "postgresql")
    assert manifest["created_at"].endswith("Z")
    for name, meta in manifest["members"].items():
        assert hashlib.sha256(members[name]).hexdigest() == meta["sha256"]
    assert members["secret_key"] == (Path(source["LUOT_INSTANCE_PATH"]) / "secret_key").read_bytes()


def test_backups_in_the_same_second_get_names_of_their_own(
    database_url: str, tmp_path: Path, pg_tools
):
    installed = backup.Installation(database_url, tmp_path, "k" * 64)
    now = dt.datetime(2026, 11, 23, 1, 2, 3, tzinfo=dt.UTC)
    output = tmp_path / "backups"
    made = [backup.create_backup(installed, output, keep=2, now=now) for _ in range(3)]
    assert [m.path.name for m in made] == [
        "luot-backup-20261123-010203Z.tar.gz",
        "luot-backup-20261123-010203Z-2.tar.gz",
        "luot-backup-20261123-010203Z-3.tar.gz",
    ]
    assert made[2].removed == (made[0].path,)
    assert archives(output) == [made[1].path, made[2].path]
