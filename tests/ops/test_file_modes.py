"""The instance folder, the database and the secret key are their owner's alone from the moment
they exist, even under a permissive umask; modes an admin chose are left alone."""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from server import create_app, current, wiring
from server.db import Database
from tests.ops.conftest import installation, luot


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """umask 0: whatever is not made private on purpose comes out readable by everyone."""
    old = os.umask(0)
    yield
    os.umask(old)


def test_a_new_installation_is_private_under_any_umask(tmp_path: Path, open_umask):
    instance = tmp_path / "instance"
    env = installation(instance)  # SQLite in the instance folder
    made = luot(env, "init-db", preexec_fn=lambda: os.umask(0))
    assert made.returncode == 0, made.stderr
    assert mode(instance) == 0o700
    assert mode(instance / "secret_key") == 0o600
    assert mode(instance / "luot.db") == 0o600

    db = Database(f"sqlite:///{instance / 'luot.db'}")
    with db.engine.connect() as conn:  # open: SQLite's -wal and -shm exist
        conn.execute(text("SELECT count(*) FROM offices"))
        assert mode(instance / "luot.db-wal") == 0o600
        assert mode(instance / "luot.db-shm") == 0o600
    db.dispose()

    output = tmp_path / "backups"
    backed = luot(env, "backup", "--output", str(output), preexec_fn=lambda: os.umask(0))
    assert backed.returncode == 0, backed.stderr
    [archive] = output.glob("luot-backup-*.tar.gz")
    assert mode(output) == 0o700
    assert mode(archive) == 0o600


def test_every_folder_a_backup_makes_is_private(tmp_path: Path, open_umask):
    """`--output a/b/c` makes a, a/b and a/b/c: all of them its owner's alone (a and a/b
    came out 0755, or 0777 under umask 0); a folder that was there keeps its mode."""
    instance = tmp_path / "instance"
    env = installation(instance)
    assert luot(env, "init-db").returncode == 0
    there = tmp_path / "there"
    there.mkdir(mode=0o755)
    output = there / "a" / "b" / "c"
    backed = luot(env, "backup", "--output", str(output), preexec_fn=lambda: os.umask(0))
    assert backed.returncode == 0, backed.stderr
    assert [mode(folder) for folder in (output.parent.parent, output.parent, output)] == [0o700] * 3
    assert mode(there) == 0o755


def test_a_new_sqlite_file_is_private_wherever_it_is(tmp_path: Path, open_umask):
    path = tmp_path / "elsewhere.db"
    db = Database(f"sqlite:///{path}")
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    db.dispose()
    assert mode(path) == 0o600


def test_modes_the_admin_chose_are_left_alone(tmp_path: Path, caplog):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o750)
    instance.chmod(0o750)
    (instance / "secret_key").write_text("k" * 64)
    (instance / "secret_key").chmod(0o640)
    database = instance / "luot.db"
    database.touch()
    database.chmod(0o640)
    with caplog.at_level(logging.WARNING, logger="server.wiring"):
        app = create_app({"INSTANCE_PATH": str(instance), "REDIS_URL": ""})
        db = current.database(app)
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        db.dispose()
    assert app.config["SECRET_KEY"] == "k" * 64
    assert (mode(instance), mode(instance / "secret_key"), mode(database)) == (0o750, 0o640, 0o640)
    # Readable by its group: the admin's choice, nothing to say.
    assert [r for r in caplog.records if r.name == "server.wiring"] == []


def test_a_secret_key_others_can_read_is_reported(tmp_path: Path, caplog):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "secret_key").write_text("k" * 64)
    (instance / "secret_key").chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="server.wiring"):
        assert wiring._instance_secret(instance) == "k" * 64
    assert mode(instance / "secret_key") == 0o644
    assert "chmod 600" in caplog.text


def test_a_process_that_loses_the_race_to_create_the_key_uses_the_winners(
    tmp_path: Path, monkeypatch
):
    """Two servers starting at once on a new installation must end with one key, or each
    would hash citizens' IDs and sign sessions differently."""
    path = tmp_path / "secret_key"
    real = wiring.secrets.token_hex

    def other_process_wins(n: int) -> str:
        with contextlib.suppress(FileExistsError):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.write(fd, b"the-winners-key")
            os.close(fd)
        return real(n)

    monkeypatch.setattr(wiring.secrets, "token_hex", other_process_wins)
    assert wiring._instance_secret(tmp_path) == "the-winners-key"
    assert path.read_text() == "the-winners-key"
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
