"""`luot upgrade`: once new code is in place, bring this installation's data up to it.

`make upgrade` installs the code (lock files, browser files) and then runs this: a backup
first, the migrations in one transaction, the file modes a new installation would have.
Migrating under a running server would change tables beneath code that does not know
them, so with migrations to run it refuses while a server uses the database.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..db import Database
from . import backup, migrate

# Before-upgrade backups live apart from the daily ones, so neither `--keep` prunes the
# other's archives.
BACKUP_FOLDER = "backups/before-upgrade"
DEFAULT_KEEP = 3
# Files in the instance folder that hold secrets or the data itself.
PRIVATE_SUFFIXES = (".db", ".db-wal", ".db-shm", ".key", ".cfg", ".env")
PRIVATE_NAMES = ("secret_key",)


# What an operator must know after a migration changed how the box behaves.
NOTES = {
    "42a921e72a89": (
        "Offices now issue tickets only to their registered kiosks and staff unless they "
        "open issuing on purpose; every office that existed keeps issuing to anyone, as "
        'before ("issuing": "open" in its settings). To close it, register the kiosks '
        "(luot device add … --kind kiosk) and change the office's settings in /admin."
    ),
}


class UpgradeError(Exception):
    """The upgrade stopped; the message says what state it left and what to do."""


@dataclass
class Upgraded:
    start: str | None
    end: str
    applied: list[str]
    backup: backup.Backup | None = None
    tightened: list[str] = field(default_factory=list)
    # Seconds the backup and the migrations took.
    backup_seconds: float = 0.0
    migrate_seconds: float = 0.0

    @property
    def notes(self) -> list[str]:
        return [NOTES[step] for step in self.applied if step in NOTES and self.start]


def run(installation: backup.Installation, keep: int = DEFAULT_KEEP) -> Upgraded:
    """Back up, migrate and tighten modes; refuses (changing nothing) while a server runs
    on a database that has migrations to run."""
    db = Database(installation.database_url)
    try:
        start = migrate.current_revision(db)
        steps = migrate.pending(db)
        if steps:
            _refuse_if_served(db, installation)
        made = None
        began = time.monotonic()
        if start is not None and steps:
            folder = installation.instance / BACKUP_FOLDER
            try:
                folder.parent.mkdir(mode=0o700, exist_ok=True)
                made = backup.create_backup(installation, folder, keep)
            except (backup.BackupError, OSError) as exc:
                raise UpgradeError(f"No backup could be taken: {exc} Nothing was changed.") from exc
        backed_up = time.monotonic()
        try:
            migrate.upgrade(db)
        except migrate.MigrationError as exc:
            saved = f" The backup taken before it: {made.path}." if made else ""
            raise UpgradeError(f"{exc}{saved}") from exc
        migrated = time.monotonic()
        end = migrate.current_revision(db) or ""
    finally:
        db.dispose()
    return Upgraded(
        start,
        end,
        steps,
        made,
        tighten_modes(installation),
        backed_up - began,
        migrated - backed_up,
    )


def _refuse_if_served(db: Database, installation: backup.Installation) -> None:
    if db.is_sqlite:
        path = backup.sqlite_path(installation.database_url)
        users = [f"{path} is open in another process"] if backup.sqlite_in_use(path) else []
    else:
        with db.engine.connect() as conn:
            users = backup.postgresql_sessions(conn)
    if users:
        raise UpgradeError(
            f"The database has migrations to run, but a Lượt server (or another program) uses "
            f"it: {'; '.join(users)}. Stop the server first (systemctl stop luot.target), "
            "then run "
            "the upgrade again; nothing was changed."
        )


def tighten_modes(installation: backup.Installation) -> list[str]:
    """The modes a new installation gets (folder 0700, data and secrets 0600), for one
    installed before they were promised; returns what changed."""
    changed: list[str] = []
    instance = installation.instance
    targets: list[tuple[Path, int]] = [(instance, 0o700)]
    if instance.is_dir():
        for path in instance.iterdir():
            if path.is_symlink():
                continue
            if path.is_file() and (
                path.name in PRIVATE_NAMES or path.name.endswith(PRIVATE_SUFFIXES)
            ):
                targets.append((path, 0o600))
        backups = instance / "backups"
        if backups.is_dir() and not backups.is_symlink():
            targets.append((backups, 0o700))
            targets += [(p, 0o600) for p in backups.glob("luot-backup-*.tar.gz")]
    if backup.database_kind(installation.database_url) == "sqlite":
        database = backup.sqlite_path(installation.database_url)
        targets += [(Path(f"{database}{end}"), 0o600) for end in ("", "-wal", "-shm")]
    for path, wanted in targets:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & ~wanted:
            os.chmod(path, mode & wanted)
            changed.append(f"{path} {mode:04o} → {mode & wanted:04o}")
    return changed
