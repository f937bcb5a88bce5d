"""`luot.cfg`: the environment's names and values, and a bad line (or a bad LUOT_* value) is
one line naming the file, the line and the fault, for `luot serve` and every other command;
nothing is created or changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from server import create_app, current
from server.config import SettingsError
from tests.ops.conftest import installation, luot

LINES = {
    "LUOT_PRINT_TIMEOUT": "7",
    "LUOT_SNAPSHOT_DELAY": "0.5",
    "LUOT_REQUIRE_DEVICE_TOKEN_FOR_ISSUE": "true",
    "LUOT_PRINTER_NETWORKS": '["10.9.0.0/16"]',
    "LUOT_PRINTER_TCP_PORTS": "9100",
    "LUOT_SMS_TYPE": "8",
    "LUOT_PUBLIC_BASE_URL": "https://hcc.xa.gov.vn",
    "LUOT_ISSUE_LIMIT_ANONYMOUS": "5 per minute",
}
NAMES = [name.removeprefix("LUOT_") for name in LINES]


@pytest.fixture
def build(database_url: str, tmp_path: Path, monkeypatch):
    """create_app on this test's database with luot.cfg holding `text`, and `environ`."""
    for variable in [*LINES, "LUOT_LOG_LEVEL", "LUOT_PRINT_DEADLINE"]:
        monkeypatch.delenv(variable, raising=False)
    made = []

    def make(text: str | None, name: str = "instance", **environ: str):
        instance = tmp_path / name
        instance.mkdir(exist_ok=True)
        if text is not None:
            (instance / "luot.cfg").write_text(text, "utf-8")
        for variable, value in environ.items():
            monkeypatch.setenv(variable, value)
        app = create_app(
            {"INSTANCE_PATH": str(instance), "DATABASE_URL": database_url, "SECRET_KEY": "x"}
        )
        made.append(app)
        return app

    yield make
    for app in made:
        current.database(app).dispose()


def test_the_file_reads_as_the_environment_does(build):
    """The same lines in luot.cfg and in the environment give the same configuration."""
    written = "\n".join(
        [
            "# the box's own settings",
            "",
            *(f"{name}={value}" for name, value in LINES.items()),
        ]
    )
    from_file = build(written, "file")
    from_environment = build(None, "environment", **LINES)
    for name in NAMES:
        assert from_file.config[name] == from_environment.config[name], name
    assert from_file.config["PRINT_TIMEOUT"] == 7.0 and from_file.config["SMS_TYPE"] == "8"
    assert from_file.config["REQUIRE_DEVICE_TOKEN_FOR_ISSUE"] is True
    assert from_file.config["PRINTER_NETWORKS"] == ["10.9.0.0/16"]
    policy = current.engine(from_file).printer_policy.describe()
    assert "networks 10.9.0.0/16; ports 9100" in policy


def test_quotes_export_and_spaces_as_in_an_environment_file(build):
    app = build(
        'export LUOT_SMS_BRANDNAME="UBND XA #1"\n'
        "LUOT_PUBLIC_BASE_URL = 'https://a.b'\n"
        'LUOT_PRINT_TIMEOUT="9"\n'
        "LUOT_SECRET_KEY=12345\n"
    )
    assert app.config["SMS_BRANDNAME"] == "UBND XA #1"
    assert app.config["PUBLIC_BASE_URL"] == "https://a.b"
    assert app.config["PRINT_TIMEOUT"] == 9.0  # as LUOT_PRINT_TIMEOUT="9" in a shell
    assert app.config["SECRET_KEY"] == "x"  # the test's own mapping comes last


def test_the_environment_wins_over_the_file(build):
    app = build("LUOT_LOG_LEVEL=WARNING\nLUOT_PRINT_DEADLINE=30\n", LUOT_LOG_LEVEL="DEBUG")
    assert app.config["LOG_LEVEL"] == "DEBUG" and app.config["PRINT_DEADLINE"] == 30.0


@pytest.mark.parametrize(
    ("text", "line", "fault"),
    [
        ("LUOT_PRINT_TIMEOUT=5\nLUOT_PRIN_DEADLINE=5\n", 2, "did you mean LUOT_PRINT_DEADLINE?"),
        ("LUOT_NO_SUCH_THING=1\n", 1, "LUOT_NO_SUCH_THING is not a setting of Lượt"),
        ("# ok\nPRINT_TIMEOUT = 5.0\n", 2, "write LUOT_PRINT_TIMEOUT=5.0"),
        ('SECRET_KEY = "abc"\n', 1, "has no LUOT_ prefix"),
        ("LUOT_PRINT_TIMEOUT 5\n", 1, "is not a setting: write LUOT_NAME=value"),
        ("import os\n", 1, "is not a setting: write LUOT_NAME=value"),
        ("= 1\n", 1, "is not a setting"),
        ('LUOT_SMS_BRANDNAME="UBND\n', 1, 'the quote " is not closed'),
        ("LUOT_PRINT_TIMEOUT=5\nLUOT_PRINT_TIMEOUT=6\n", 2, "set twice (line 1 too)"),
        ("LUOT_INSTANCE_PATH=/srv\n", 1, "says where luot.cfg is"),
        ("LUOT_PRINT_TIMEOUT=soon\n", 1, "LUOT_PRINT_TIMEOUT='soon': a number is expected"),
        ("LUOT_TRUSTED_PROXIES=1.5\n", 1, "a whole number is expected"),
        ("LUOT_RATELIMIT_ENABLED=False\n", 1, "write true or false"),
        ("LUOT_LOG_LEVEL=[1]\n", 1, "text is expected"),
    ],
)
def test_a_bad_line_is_one_error_naming_the_file_and_line(build, tmp_path, text, line, fault):
    with pytest.raises(SettingsError) as refused:
        build(text)
    said = str(refused.value)
    assert said.startswith(f"{tmp_path / 'instance' / 'luot.cfg'}:{line}: ")
    assert fault in said and "\n" not in said
    assert sorted(p.name for p in (tmp_path / "instance").iterdir()) == ["luot.cfg"]


@pytest.mark.parametrize(
    ("variable", "value", "fault"),
    [
        ("LUOT_HEARTBEAT_SECONDS", "often", "LUOT_HEARTBEAT_SECONDS='often': a number"),
        ("LUOT_REQUIRE_DEVICE_TOKEN_FOR_ISSUE", "yes", "write true or false"),
        ("LUOT_PRINTER_NETWORKS", "everything", "LUOT_PRINTER_NETWORKS: 'everything'"),
        ("LUOT_SMS_URL", "ftp://gateway", "LUOT_SMS_URL"),
    ],
)
def test_a_bad_environment_value_is_one_error_naming_it(build, variable, value, fault):
    with pytest.raises(SettingsError, match="^[^\n]*$") as refused:
        build(None, **{variable: value})
    assert fault in str(refused.value)


COMMANDS = [
    ("serve", "--port", "1"),
    ("init-db",),
    ("user", "add", "lan", "--role", "admin", "--password", "pw-12345678"),
    ("report", "--all", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "csv"),
    ("province", "status"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_every_command_stops_with_the_line_not_a_traceback(tmp_path, command):
    """The real `luot` (gevent patched first for serve): one line on stderr, exit 1, and no
    database or secret key made in the instance folder."""
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "luot.cfg").write_text("LUOT_TRUSTED_PROXIES=1\nSECRET_KEY = 'abc'\n")
    done = luot(installation(instance), *command)
    assert done.returncode == 1, done
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"Error: {instance / 'luot.cfg'}:2: SECRET_KEY has no LUOT_ prefix: settings here "
        f"""are named as in the environment (write LUOT_SECRET_KEY='abc')"""
    ]
    assert sorted(p.name for p in instance.iterdir()) == ["luot.cfg"]


def test_a_good_file_serves_the_command(tmp_path):
    """The same installation with the line fixed: `luot init-db` runs, on the file's values."""
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "luot.cfg").write_text("LUOT_TRUSTED_PROXIES=1\nLUOT_SECRET_KEY='abc'\n")
    done = luot(installation(instance), "init-db")
    assert done.returncode == 0, done.stderr
    assert "Database ready" in done.stdout
    assert not (instance / "secret_key").exists()  # LUOT_SECRET_KEY came from the file
