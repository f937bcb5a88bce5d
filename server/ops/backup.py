"""Backups: the database and the secret key in one archive, and putting both back.

The secret key keys citizens' ID hashes and signs sessions: a database restored without it
opens, but recognises no returning citizen. So one archive holds both, with a manifest
(versions, schema revision, a checksum per member) that restore checks before it changes
anything. SQLite is copied with its online backup API: one consistent snapshot while the
server goes on writing (WAL). PostgreSQL is dumped with `pg_dump` in its custom format.

An archive appears under its final name only once complete and on disk (written under a
temporary name, fsynced, renamed). Plain functions, no Flask: the CLI passes the
configuration in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, delete, make_url, text
from sqlalchemy.exc import SQLAlchemyError

from ..db import Database, normalise_url
from .folders import private_folder
from .migrate import MigrationError

FORMAT = "luot-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SECRET = "secret_key"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# luot-backup-20261123-010203Z.tar.gz (UTC), with -2, -3 ... when a second one is made in
# the same second. `--keep` touches nothing else.
NAME = re.compile(r"luot-backup-([0-9]{8}-[0-9]{6})Z(?:-([0-9]+))?\.tar\.gz", re.ASCII)
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Installation:
    """What a backup is taken of and a restore writes to: the server's own configuration."""

    database_url: str
    instance: Path
    secret_key: str


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    manifest: dict[str, Any]
    removed: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Restored:
    manifest: dict[str, Any]
    revision: str
    kept: tuple[Path, ...] = ()
    notes: tuple[str, ...] = ()


def database_kind(url: str) -> str:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return "sqlite"
    if url.startswith("postgresql"):
        return "postgresql"
    raise BackupError(f"Backups handle SQLite and PostgreSQL, not {url.split(':', 1)[0]}.")


def luot_version() -> str:
    try:
        return metadata.version("luot")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- backup ---------------------------------------------------------------------------


def create_backup(
    installation: Installation,
    output: Path,
    keep: int | None = None,
    now: dt.datetime | None = None,
) -> Backup:
    """Write one archive into `output`; with `keep`, then remove all but the newest `keep`."""
    kind = database_kind(installation.database_url)
    if keep is not None and keep < 1:
        raise BackupError("Keep at least one backup.")
    if not installation.secret_key:
        raise BackupError("No secret key is configured: start Lượt once, or set SECRET_KEY.")
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    output = Path(output)
    try:
        private_folder(output)
        staging = Path(tempfile.mkdtemp(prefix=".luot-backup-", dir=output))
    except OSError as exc:
        raise BackupError(f"Cannot write backups in {output}: {_why(exc)}.") from exc
    try:
        member = DATABASE_MEMBER[kind]
        if kind == "sqlite":
            revision = _copy_sqlite(sqlite_path(installation.database_url), staging / member)
        else:
            revision = _dump_postgresql(installation.database_url, staging / member)
        _write_private(staging / SECRET, installation.secret_key.encode())
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "luot_version": luot_version(),
            "alembic_revision": revision,
            "database": kind,
            "created_at": now.isoformat().replace("+00:00", "Z"),
            "secret_key_source": _secret_source(installation),
            "members": {name: _describe(staging / name) for name in (SECRET, member)},
        }
        path = _write_archive(output, now, manifest, staging)
        size = path.stat().st_size
    except OSError as exc:
        raise BackupError(f"Could not write the backup in {output}: {_why(exc)}.") from exc
    except sqlite3.Error as exc:
        raise BackupError(f"Could not copy the SQLite database: {exc}.") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    removed = _prune(output, keep, path) if keep else ()
    return Backup(path, size, manifest, removed)


def _copy_sqlite(source: Path, target: Path) -> str:
    """One backup step copies every page under one read transaction: a consistent snapshot,
    and in WAL mode the server's writers do not wait for it."""
    if not source.is_file():
        raise BackupError(f"No database at {source}: nothing to back up (run `luot init-db`?).")
    _write_private(target, b"")
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            check, revision = _inspect_sqlite(dst)
        finally:
            dst.close()
    finally:
        src.close()
    if check != "ok":
        raise BackupError(f"The database at {source} fails SQLite's check ({check}).")
    if revision is None:
        raise BackupError(f"The database at {source} is not set up (run `luot init-db`).")
    return revision


def _inspect_sqlite(conn: sqlite3.Connection) -> tuple[str, str | None]:
    """SQLite's quick check and the schema revision Alembic recorded."""
    check = conn.execute("PRAGMA quick_check").fetchone()[0]
    try:
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.OperationalError:
        rows = []
    return check, ",".join(sorted(r[0] for r in rows)) or None


def _dump_postgresql(url: str, target: Path) -> str:
    """`pg_dump` of a snapshot exported from our own transaction, so the revision in the
    manifest is the one in the dump even if a migration runs meanwhile."""
    pg_dump = _tool("pg_dump")
    conninfo, env = _libpq(url)
    _write_private(target, b"")
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                revision = None
                if conn.execute(text("SELECT to_regclass('alembic_version')")).scalar():
                    rows = conn.execute(text("SELECT version_num FROM alembic_version"))
                    revision = ",".join(sorted(r[0] for r in rows)) or None
                if revision is None:
                    raise BackupError("The PostgreSQL database is not set up (run `luot init-db`).")
                _run(
                    [
                        pg_dump,
                        "--format=custom",
                        "--compress=0",
                        f"--snapshot={snapshot}",
                        f"--file={target}",
                        f"--dbname={conninfo}",
                    ],
                    env,
                )
    except SQLAlchemyError as exc:
        raise BackupError(f"Cannot read the PostgreSQL database: {exc.__cause__ or exc}") from exc
    finally:
        db.dispose()
    return revision


def _write_archive(output: Path, now: dt.datetime, manifest: dict, staging: Path) -> Path:
    temp = staging / "archive.partial"
    with os.fdopen(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw:
        with tarfile.open(
            fileobj=raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT
        ) as tar:
            body = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            tar.addfile(_member(MANIFEST, len(body), now), io.BytesIO(body))
            for name in manifest["members"]:
                with open(staging / name, "rb") as handle:
                    tar.addfile(_member(name, os.fstat(handle.fileno()).st_size, now), handle)
        raw.flush()
        os.fsync(raw.fileno())
    stamp = now.strftime("%Y%m%d-%H%M%S")
    final = output / f"luot-backup-{stamp}Z.tar.gz"
    suffix = 1
    while final.exists():
        suffix += 1
        final = output / f"luot-backup-{stamp}Z-{suffix}.tar.gz"
    os.replace(temp, final)
    _fsync_dir(output)
    return final


def _member(name: str, size: int, now: dt.datetime) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(now.timestamp())
    info.mode = 0o600
    return info


def _prune(output: Path, keep: int, newest: Path) -> tuple[Path, ...]:
    """All but the newest `keep` (by the UTC time in their names; the one just written always
    stays, whatever the others' names say)."""
    older = []
    for entry in output.iterdir():
        match = NAME.fullmatch(entry.name)
        if match and entry != newest and entry.is_file() and not entry.is_symlink():
            older.append(((match[1], int(match[2] or 1)), entry))
    older.sort(reverse=True)
    doomed = tuple(path for _, path in older[keep - 1 :])
    for path in doomed:
        try:
            path.unlink()
        except OSError as exc:
            raise BackupError(
                f"The backup {newest} was written, but the old {path.name} could not be "
                f"removed: {_why(exc)}."
            ) from exc
    return doomed


# --- restore --------------------------------------------------------------------------


def restore_backup(
    archive: Path,
    installation: Installation,
    confirm: Callable[[dict[str, Any]], bool] | None = None,
) -> Restored:
    """Check the archive, then put back its database and secret key and migrate to the
    current schema. Nothing is changed unless every check passes and `confirm` agrees."""
    kind = database_kind(installation.database_url)
    parent = sqlite_path(installation.database_url).parent if kind == "sqlite" else None
    try:
        staging = Path(
            tempfile.mkdtemp(prefix=".luot-restore-", dir=parent or installation.instance)
        )
    except OSError as exc:
        raise BackupError(f"Cannot unpack the backup next to the database: {_why(exc)}.") from exc
    try:
        manifest = _unpack(Path(archive), staging, kind)
        secret = (staging / SECRET).read_bytes().decode("utf-8", "replace").strip()
        if not secret:
            raise BackupError(f"{archive} holds an empty secret key: use another backup.")
        file_key = _read_key(installation.instance / SECRET)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        if kind == "sqlite":
            kept = _restore_sqlite(installation, manifest, staging, confirm, stamp)
        else:
            kept = _restore_postgresql(installation, manifest, staging, confirm)
        # The old key is worth keeping only with the old database it belongs to.
        kept += _put_secret(installation.instance / SECRET, secret, stamp if kept else None)
    except OSError as exc:
        raise BackupError(f"Restore failed: {_why(exc)}.") from exc
    except (sqlite3.Error, SQLAlchemyError, MigrationError) as exc:
        raise BackupError(f"Restore failed: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    notes = ()
    if installation.secret_key not in (file_key, secret):
        notes = (
            "SECRET_KEY is set in the configuration (LUOT_SECRET_KEY or luot.cfg) and wins "
            "over the restored instance/secret_key: remove it, or set it to the restored "
            "key, or the backup's citizen ID hashes and sessions will not match.",
        )
    return Restored(manifest, _head(), kept, notes)


def _unpack(archive: Path, staging: Path, kind: str) -> dict[str, Any]:
    """The manifest checked first, then every member against its size and SHA-256, into
    `staging`."""
    with _open_archive(archive) as tar:
        try:  # reading only: any error here is the archive's
            members = {m.name: m for m in tar.getmembers()}
            manifest = json.loads(_read_member(tar, members, MANIFEST, 1 << 16))
            if manifest.get("format") != FORMAT:
                raise ValueError("no Lượt manifest")
            newer = int(manifest.get("format_version", 0)) > FORMAT_VERSION
            expected = {SECRET, DATABASE_MEMBER.get(manifest.get("database"), "?")}
            listed = {
                name: (int(meta["size"]), str(meta["sha256"]))
                for name, meta in manifest["members"].items()
            }
        except (
            tarfile.TarError,
            OSError,
            EOFError,
            zlib.error,
            KeyError,
            TypeError,
            ValueError,
            AttributeError,
        ) as exc:
            raise _unreadable(archive, exc) from exc
        if newer:
            raise BackupError(
                f"{archive} was made by a newer Lượt ({manifest.get('luot_version')}): "
                "upgrade Lượt, then restore. Nothing was changed."
            )
        if set(listed) != expected or set(members) != expected | {MANIFEST}:
            raise _unreadable(archive, "its members are not the ones its manifest names")
        _check_manifest(manifest, kind)
        for name, (size, sha256) in listed.items():
            if not members[name].isreg() or members[name].size != size:
                raise _unreadable(archive, f"{name} is not the size its manifest says")
            if _extract(archive, tar, members[name], staging / name) != sha256:
                raise BackupError(
                    f"{archive} is damaged: {name} does not match its checksum. "
                    "Nothing was changed; restore another copy."
                )
    return manifest


def _open_archive(archive: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(archive, "r:gz")
    except FileNotFoundError as exc:
        raise BackupError(f"No such file: {archive}.") from exc
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise _unreadable(archive, exc) from exc


def _unreadable(archive: Path, why: object) -> BackupError:
    return BackupError(
        f"{archive} is not a complete Lượt backup ({why}). Nothing was changed; "
        "restore another copy."
    )


def _read_member(tar: tarfile.TarFile, members: dict, name: str, limit: int) -> bytes:
    member = members[name]
    if not member.isreg() or member.size > limit:
        raise ValueError(f"{name} is not a small file")
    return tar.extractfile(member).read()


def _extract(archive: Path, tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> str:
    """Errors reading are the archive's fault; errors writing (a full disk) are reported
    as what they are."""
    digest = hashlib.sha256()
    source = tar.extractfile(member)
    with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        while True:
            try:
                chunk = source.read(CHUNK)
            except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
                raise _unreadable(archive, exc) from exc
            if not chunk:
                break
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


def _check_manifest(manifest: dict[str, Any], kind: str) -> None:
    from alembic.script import ScriptDirectory

    from .migrate import SCRIPTS

    if manifest["database"] != kind:
        raise BackupError(
            f"This is a backup of a {_KIND[manifest['database']]} database, and the configured "
            f"database is {_KIND[kind]}: restore into the same kind."
        )
    known = {script.revision for script in ScriptDirectory(str(SCRIPTS)).walk_revisions()}
    revisions = str(manifest.get("alembic_revision") or "").split(",")
    if not set(revisions) <= known:
        raise BackupError(
            f"The backup's schema (revision {manifest.get('alembic_revision')}, from Lượt "
            f"{manifest.get('luot_version')}) is newer than this Lượt ({luot_version()}) "
            "knows: upgrade Lượt first, then restore. Nothing was changed."
        )


_KIND = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _restore_sqlite(
    installation: Installation, manifest: dict, staging: Path, confirm: Callable | None, stamp: str
) -> tuple[Path, ...]:
    """Checked, migrated and synced beside the database, then renamed over it: the database
    is the old one or the restored one, never a mixture."""
    from . import migrate

    target = sqlite_path(installation.database_url)
    staged = staging / DATABASE_MEMBER["sqlite"]
    conn = sqlite3.connect(staged)
    try:
        check, revision = _inspect_sqlite(conn)
    finally:
        conn.close()
    if check != "ok":
        raise BackupError(f"The database in the backup is damaged ({check}); nothing was changed.")
    if revision != manifest["alembic_revision"]:
        raise BackupError(
            f"The database in the backup is at schema {revision}, its manifest says "
            f"{manifest['alembic_revision']}; nothing was changed."
        )
    _refuse_if_open(target)
    if confirm is not None and not confirm(manifest):
        raise BackupError("Restore cancelled; nothing was changed.")
    db = Database(f"sqlite:///{staged}")
    try:
        migrate.upgrade(db)
        _as_restored(db)
    finally:
        db.dispose()
    _fold_wal(staged)
    _refuse_if_open(target)
    kept: tuple[Path, ...] = ()
    if target.exists():
        _adopt(target, staged, mode=True)
        kept = (_keep_aside(target, stamp),)
    else:
        _adopt(target.parent, staged, mode=False)
    os.replace(staged, target)
    _fsync_dir(target.parent)
    return kept


def postgresql_sessions(conn: Connection) -> list[str]:
    """Every other client connected to this PostgreSQL database, described for a person."""
    rows = conn.execute(
        text(
            "SELECT pid, usename, coalesce(nullif(application_name, ''), '?'),"
            " coalesce(host(client_addr), 'local') FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend'"
        )
    ).all()
    return [f"pid {p} ({u}, {a}, {h})" for p, u, a, h in rows]


def sqlite_in_use(path: Path) -> bool:
    """Whether another process has the SQLite database open. In WAL mode every connection
    holds a shared lock on one byte of the -shm file (offset 128, SQLite's "DMS" slot) for
    as long as it is open, and a serving Lượt keeps connections open in its pool; so the
    byte can be locked exclusively only when no other process has the database open."""
    try:
        fd = os.open(f"{path}-shm", os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 128)
    except (BlockingIOError, PermissionError):
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, 128)
        return False
    finally:
        os.close(fd)


def _refuse_if_open(target: Path) -> None:
    if sqlite_in_use(target):
        raise BackupError(
            f"{target} is open in another process: a Lượt server (or another luot command) is "
            "using it. Stop the server first (systemctl stop luot.target), then restore; "
            "nothing was changed."
        )


def _fold_wal(path: Path) -> None:
    """The last connection to close folds the WAL into the file and deletes it; a file
    renamed into place must carry everything itself."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _keep_aside(target: Path, stamp: str) -> Path:
    """The replaced database stays as `luot.db.before-restore-…`. Its WAL is folded in
    first: a stale -wal left beside the restored file would be replayed into it."""
    with contextlib.suppress(sqlite3.DatabaseError):  # a damaged file keeps its WAL aside
        conn = sqlite3.connect(f"{target.resolve().as_uri()}?mode=rw", uri=True)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    aside = target.with_name(f"{target.name}.before-restore-{stamp}")
    try:
        os.link(target, aside)
    except OSError:  # no hard links here (FAT): moved instead, for a moment nothing is there
        os.replace(target, aside)
    wal = Path(f"{target}-wal")
    if wal.exists():
        os.replace(wal, f"{aside}-wal")
    Path(f"{target}-shm").unlink(missing_ok=True)
    return aside


def _restore_postgresql(
    installation: Installation, manifest: dict, staging: Path, confirm: Callable | None
) -> tuple[Path, ...]:
    """`pg_restore --clean` in one transaction. Tables of a newer schema than the backup's,
    which it would not drop, go first: they may point at the tables it replaces."""
    from ..models import Base
    from . import migrate

    pg_restore = _tool("pg_restore")
    conninfo, env = _libpq(installation.database_url)
    dump = staging / DATABASE_MEMBER["postgresql"]
    listing = _run([pg_restore, "--list", str(dump)], env)  # one pg_restore cannot read: refused
    archived = set(re.findall(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ", listing, re.MULTILINE))
    ours = {table.name for table in Base.metadata.tables.values()} | {"alembic_version"}
    db = Database(installation.database_url)
    try:
        with db.engine.connect() as conn:
            others = postgresql_sessions(conn)
        if others:
            raise BackupError(
                f"{len(others)} other session(s) use this database ({'; '.join(others)}): a "
                "Lượt server or another program. Stop the server first (systemctl stop "
                "luot.target), and anything else connected, then restore; nothing was changed."
            )
        if confirm is not None and not confirm(manifest):
            raise BackupError("Restore cancelled; nothing was changed.")
        with db.engine.begin() as conn:
            present = conn.execute(
                text(
                    "SELECT schemaname, tablename FROM pg_tables "
                    "WHERE schemaname = current_schema()"
                )
            ).all()
            newer = [(s, t) for s, t in present if t in ours and (s, t) not in archived]
            quote = conn.dialect.identifier_preparer.quote
            for schema, table in newer:
                conn.execute(text(f"DROP TABLE {quote(schema)}.{quote(table)} CASCADE"))
    except SQLAlchemyError as exc:
        raise BackupError(f"Cannot use the PostgreSQL database: {exc.__cause__ or exc}") from exc
    finally:
        db.dispose()
    try:
        _run(
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={conninfo}",
                str(dump),
            ],
            env,
        )
    except BackupError as exc:
        state = (
            "tables newer than the backup were already dropped: fix the cause and restore again"
            if newer
            else "nothing was changed"
        )
        raise BackupError(f"{exc} ({state}).") from exc
    db = Database(installation.database_url)
    try:
        migrate.upgrade(db)
        _as_restored(db)
    finally:
        db.dispose()
    return ()


def _as_restored(db: Database) -> None:
    """What no longer holds in a restored database: the heartbeats of the processes that
    served it (none serves this one yet; a copy restored beside the live server would take
    them for a second process), and a centre's permission to push: held until `luot
    province resume`, so a test restore never sends as the live centre."""
    from ..engine.centre import mark_restored
    from ..models import ServerProcess

    with db.write() as session:
        session.execute(delete(ServerProcess))
        mark_restored(session, dt.datetime.now(dt.UTC))


def restored_centre(database_url: str) -> str | None:
    """The province a restored database was a centre of, for the note after a restore."""
    from ..engine.journal import linked

    db = Database(database_url)
    try:
        with db.read() as session:
            link = linked(session)
            return f"{link.centre_code} of {link.province_url}" if link is not None else None
    finally:
        db.dispose()


# --- files ----------------------------------------------------------------------------


def _put_secret(path: Path, secret: str, keep_stamp: str | None) -> tuple[Path, ...]:
    """The key goes in whole (temporary name, fsync, rename), mode 0600; with `keep_stamp`,
    a different key it replaces is kept beside it."""
    old = _read_key(path)
    if old == secret:
        return ()
    temp = path.with_name(f".{path.name}.restore-{os.getpid()}")
    temp.unlink(missing_ok=True)
    _write_private(temp, secret.encode())
    _adopt(path if old is not None else path.parent, temp, mode=False)
    kept: tuple[Path, ...] = ()
    if old is not None and keep_stamp:
        aside = path.with_name(f"{path.name}.before-restore-{keep_stamp}")
        _write_private(aside, old.encode())
        kept = (aside,)
    os.replace(temp, path)
    _fsync_dir(path.parent)
    return kept


def _read_key(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        return None


def _secret_source(installation: Installation) -> str:
    if _read_key(installation.instance / SECRET) == installation.secret_key:
        return "instance"
    return "configuration"


def _write_private(path: Path, data: bytes) -> None:
    """Created with mode 0600 (never a moment readable by others), written and synced."""
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _adopt(reference: Path, path: Path, mode: bool) -> None:
    """Give `path` the owner (and with `mode`, the mode) of what it replaces: restored by
    root, files would otherwise be root's, and a server running as its own user could not
    open them."""
    info = reference.stat()
    if os.geteuid() == 0:
        os.chown(path, info.st_uid, info.st_gid)
    if mode:
        os.chmod(path, info.st_mode & 0o7777)


def _describe(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return {"size": path.stat().st_size, "sha256": digest.hexdigest()}


def _fsync_dir(path: Path) -> None:
    """The rename itself must reach the disk; some filesystems cannot sync a folder."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _why(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        reason = "the disk is full"
    else:
        reason = exc.strerror or str(exc)
    return f"{reason} ({exc.filename})" if exc.filename else reason


# --- databases and tools --------------------------------------------------------------


def sqlite_path(url: str) -> Path:
    database = make_url(normalise_url(url)).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("Only a SQLite database in a file can be backed up or restored.")
    return Path(database).absolute()


def _head() -> str:
    from alembic.script import ScriptDirectory

    from .migrate import SCRIPTS

    return ScriptDirectory(str(SCRIPTS)).get_current_head() or ""


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found: install PostgreSQL's client programs (Debian: apt install "
            f"postgresql-client), of the server's major version or newer."
        )
    return found


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL for pg_dump and pg_restore, without the password: that goes in the
    environment, where other users cannot read it (a command line they can)."""
    parsed = make_url(normalise_url(url))
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    bare = URL.create(
        "postgresql", parsed.username, None, parsed.host, parsed.port, parsed.database, parsed.query
    )
    return bare.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> str:
    """Argument list, no shell: nothing in the URL is ever interpreted."""
    name = Path(command[0]).name
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, encoding="utf-8", errors="replace", check=False
        )
    except OSError as exc:
        raise BackupError(f"Cannot run {name}: {_why(exc)}.") from exc
    if done.returncode != 0:
        raise BackupError(f"{name} failed: {done.stderr.strip() or done.returncode}")
    return done.stdout
