"""Fixtures: a fresh database per test (SQLite file, or PostgreSQL when
`LUOT_TEST_DATABASE_URL` is set), the app, clients, a recording publisher, live servers.

A missing service (PostgreSQL, Redis, Chromium) skips with its reason, and fails under
`CI=true`, where every service must be there.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

# Cheap password hashes in tests (and in the servers they start): set before import.
os.environ.setdefault("LUOT_FAST_PASSWORD_HASH", "1")

import pytest  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from server import create_app, current  # noqa: E402
from server.db import Database, normalise_url  # noqa: E402
from server.engine import Engine, Event  # noqa: E402
from server.models import Base  # noqa: E402
from server.ops.migrate import upgrade  # noqa: E402
from tests.factories import FakeClock, bearer, make_office, make_token  # noqa: E402
from tests.fake_printer import ANY_PORT, LOOPBACK_NETWORKS  # noqa: E402
from tests.live_server import LiveServer, free_port  # noqa: E402

PG_URL = os.environ.get("LUOT_TEST_DATABASE_URL", "")
IN_CI = os.environ.get("CI", "").lower() == "true"


def missing_service(reason: str) -> None:
    """Skip with the reason, or fail when CI promises the service is there."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items) -> None:
    """Long tests (a raised timeout mark, e.g. the schemathesis run, or marked `slow`) start
    first, so under xdist they run beside the rest instead of alone at the end of the pass.

    The PostgreSQL pass runs only tests whose SQL can differ by database: those in
    `DIALECT_FOLDERS`, or marked `dialect`, that use the database (`database_url`, directly
    or through any fixture). Pages, printing, sockets and the CLI reach the database through
    the engine and the API, which that pass covers; they ran in the SQLite pass."""

    def long(item) -> bool:
        mark = item.get_closest_marker("timeout")
        raised = bool(mark and mark.args and mark.args[0] > 120)
        return raised or item.get_closest_marker("slow") is not None

    if PG_URL:
        without = [item for item in items if not runs_on_postgresql(item)]
        if without:
            config.hook.pytest_deselected(items=without)
            items[:] = [item for item in items if runs_on_postgresql(item)]
    items.sort(key=lambda item: not long(item))
    worker = getattr(config, "workerinput", {})
    workers = worker.get("workercount", 0)
    if workers > 1 and worker.get("dist") == "worksteal":
        items[:] = long_first_in_each_share(items, [long(item) for item in items], workers)


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: unknown under -p no:xdist
def pytest_configure_node(node) -> None:
    """pytest-xdist, in the controller: tell each worker how tests are dealt (a worker's own
    `--dist` reads "no"), for the order of `pytest_collection_modifyitems`."""
    node.workerinput["dist"] = node.config.option.dist


def long_first_in_each_share(items: list, long: list[bool], workers: int) -> list:
    """The order for `--dist worksteal` (`make test`), which gives each worker one run of
    consecutive tests to start with (`len(pending) // workers_left` each, in worker order)
    and lets an idle worker take the back half of the longest queue: the long tests dealt
    round each worker's run by module, each run starting with its own, so no worker has
    them all and none waits behind another's. Every worker computes the same order from
    the same count.
    (`--dist load` deals its first quarter round-robin: the long tests first is enough.)"""
    shares, left = [], len(items)
    for worker in range(workers):
        shares.append(left // (workers - worker))
        left -= shares[-1]
    runs: list[list] = [[] for _ in range(workers)]
    # A module's long tests stay together, so a module-scoped fixture (the install's
    # virtualenv, 40 s) is made once and not once per worker; the largest modules first.
    by_module: dict = {}
    for item, is_long in zip(items, long, strict=True):
        if is_long:
            by_module.setdefault(item.path, []).append(item)
    for group in sorted(by_module.values(), key=len, reverse=True):
        min(runs, key=len).extend(group)
    rest = iter([item for item, is_long in zip(items, long, strict=True) if not is_long])
    for run, share in zip(runs, shares, strict=True):
        run.extend(next(rest) for _ in range(max(0, share - len(run))))
    runs[-1].extend(rest)  # only when the long tests outnumber a share
    return [item for run in runs for item in run]


# Folders whose every database test runs on PostgreSQL too: the engine's statements, the API
# over them, the province's sync, several processes on one database, the messages outbox.
DIALECT_FOLDERS = ("engine", "api", "province", "multiproc", "messaging", "schemathesis")


def runs_on_postgresql(item) -> bool:
    """Whether the PostgreSQL pass runs this test (see `pytest_collection_modifyitems`)."""
    if "database_url" not in item.fixturenames:
        return False
    folder = item.path.relative_to(Path(__file__).parent).parts[0]
    return folder in DIALECT_FOLDERS or item.get_closest_marker("dialect") is not None


def pytest_report_header(config) -> str:
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (file per test)'}"


def worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database (`test_gw0`, ...),
    created on first use, so workers never truncate each other's tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    from sqlalchemy.engine import make_url

    base = make_url(normalise_url(url))
    name = f"{base.database}_{worker}"
    admin = Database(base.render_as_string(hide_password=False))
    try:
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> str:
    """A migrated database: a SQLite file to copy per test, or the PostgreSQL URL."""
    if PG_URL:
        try:
            db = Database(worker_database(PG_URL))
            with db.engine.connect() as conn:
                conn.execute(text("select 1"))
        except Exception as exc:  # noqa: BLE001 - any connection failure means "not there"
            missing_service(f"PostgreSQL at {PG_URL} is not reachable ({exc.__class__.__name__})")
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade(db)
        db.dispose()
        return db.url
    path = tmp_path_factory.mktemp("template") / "luot.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    db.dispose()
    return str(path)


# Every sequence of the schema back to 1, as a new database has them.
RESTART_SEQUENCES = text(
    "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
    "WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace"
)


@pytest.fixture(scope="session")
def emptied(database_template: str) -> Iterator[Callable[[], None]]:
    """On PostgreSQL, `emptied()` deletes every row of the worker's database and restarts
    its sequences: DELETE of the few rows a test leaves takes milliseconds where one
    TRUNCATE of every table took about half a second."""
    db = Database(database_template) if PG_URL else None

    def empty() -> None:
        with db.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
            conn.execute(RESTART_SEQUENCES)
        # No idle connection left open: restores refuse a database others are connected to.
        db.engine.dispose()

    yield empty
    if db is not None:
        db.dispose()


@pytest.fixture
def database_url(database_template: str, tmp_path: Path, emptied) -> str:
    """This test's own empty (but migrated) database."""
    if PG_URL:
        emptied()
        return database_template
    target = tmp_path / "luot.db"
    shutil.copyfile(database_template, target)
    return f"sqlite:///{target}"


def test_config(database_url: str, instance: Path) -> dict:
    """The configuration every test app starts from."""
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test",
        "REDIS_URL": "",
        "SNAPSHOT_DELAY": 0,
        # Tests issue tickets as fast as they can; rate limits have their own tests.
        "RATELIMIT_ENABLED": False,
        # The fake printers listen on loopback, on random ports: allowed on purpose here,
        # refused by the defaults (tests/printing/test_printer_policy.py).
        "PRINTER_NETWORKS": LOOPBACK_NETWORKS,
        "PRINTER_TCP_PORTS": ANY_PORT,
    }


@pytest.fixture
def make_app(database_url: str, tmp_path: Path):
    """Build more apps on this test's database, with overrides (each disposed after)."""
    made = []

    def make(name: str = "instance", **overrides):
        app = create_app({**test_config(database_url, tmp_path / name), **overrides})
        made.append(app)
        return app

    yield make
    for app in made:
        # A print still settling would write into the next test's emptied database.
        current.print_queue(app).drain(10)
        current.database(app).dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def manager(engine, office) -> dict[str, str]:
    """Bearer headers of a manager of the small office."""
    return bearer(make_token(engine.db, "boss", role="manager"))


@pytest.fixture
def admin(engine, office) -> dict[str, str]:
    """Bearer headers of an admin (of every office)."""
    return bearer(make_token(engine.db, "root", role="admin", offices=()))


@pytest.fixture
def gateway():
    """A fake SMS/Zalo gateway on loopback (tests/messaging/gateway.py)."""
    from tests.messaging.gateway import Gateway

    server = Gateway()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of the test's own on a free port, that the test may kill."""
    from tests.redis_server import REDIS_SERVER, RedisServer

    if REDIS_SERVER is None:
        missing_service("redis-server is not installed")
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.kill()


@pytest.fixture
def engine(app) -> Engine:
    return current.engine(app)


@pytest.fixture
def clock(engine: Engine) -> FakeClock:
    """Engine time under the test's control: 2026-11-23 08:00 in Hà Nội."""
    fake = FakeClock(dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC))
    engine.clock = fake
    return fake


@pytest.fixture
def events(engine: Engine) -> list[Event]:
    """Every event the engine publishes (still forwarded to Socket.IO), with the snapshots
    of every room, also those nobody is in (which a test app otherwise skips)."""
    recorded: list[Event] = []
    forward = engine.publish
    engine.transactions.present_rooms = None

    def publish(event: Event) -> None:
        recorded.append(event)
        forward(event)

    engine.publish = publish
    return recorded


@pytest.fixture
def office(engine: Engine):
    """A small office: fields A (A001…) and B (1001…), counters 1 (A, B) and 2 (B)."""
    return make_office(engine.db)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(autouse=True)
def no_server_outlives_its_test():
    """Stop the `luot serve` processes a test started and left running (a second server that
    failed to start, say): on PostgreSQL the next test of the worker shares the database,
    and a leftover server holding it makes every later one refuse to start."""
    before = set(LiveServer.running)
    yield
    for server in LiveServer.running - before:
        server.stop()


@pytest.fixture
def live_server(database_url: str, tmp_path: Path):
    """`luot serve` in its own process on a free port, sharing this test's database."""
    server = LiveServer(database_url, tmp_path / "live", free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("LUOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        missing_service(f"Redis at {url} is not reachable ({exc.__class__.__name__})")
    return url


@pytest.fixture
def pg_tools() -> None:
    """On PostgreSQL, pg_dump and pg_restore must be there."""
    if PG_URL and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        missing_service("pg_dump / pg_restore are not installed (postgresql-client)")


@pytest.fixture
def scratch(database_url: str, tmp_path: Path, pg_tools) -> Iterator[Callable[[str], str]]:
    """`scratch(name)`: the URL of a new empty database of this run's kind."""
    made: list[str] = []
    base = make_url(database_url)

    def admin(statement: str) -> None:
        db = Database(base.set(database="postgres").render_as_string(hide_password=False))
        try:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(statement))
        finally:
            db.dispose()

    def make(name: str) -> str:
        if not database_url.startswith("postgresql"):
            folder = tmp_path / f"db-{name}"
            folder.mkdir()
            return f"sqlite:///{folder / 'luot.db'}"
        database = f"{base.database}_{name}"
        admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin(f'CREATE DATABASE "{database}"')
        made.append(database)
        return base.set(database=database).render_as_string(hide_password=False)

    yield make
    for database in made:
        admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
