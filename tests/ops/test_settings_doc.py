"""docs/SETTINGS.md names every setting the code reads, and nothing else: each attribute of
`Config` as `LUOT_<NAME>`, the variables read straight from the environment (found by
scanning the source), and the Makefile's and the test suite's own. README and the other
documents name no variable that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

from server.config import UNPREFIXED, Config

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "docs" / "SETTINGS.md"

# Attributes of Config that are not the operator's to set, so not in the table:
NOT_SETTINGS = {
    # flask-smorest's description of the API itself
    "API_TITLE",
    "API_VERSION",
    "OPENAPI_VERSION",
    "OPENAPI_URL_PREFIX",
    "OPENAPI_JSON_PATH",
    # Flask's JSON and Flask-WTF's CSRF behaviour the pages are written for
    "JSON_SORT_KEYS",
    "WTF_CSRF_TIME_LIMIT",
    # off only weakens the session cookie (scripts could read it)
    "SESSION_COOKIE_HTTPONLY",
    # set by `luot` itself: gevent for serve and demo (server/entry.py), threads otherwise
    "ASYNC_MODE",
}
# Variables read from the environment that are no one's to set in production:
NOT_DOCUMENTED = {
    # cheap password hashes, for the test suite's speed (server/engine/credentials.py)
    "LUOT_FAST_PASSWORD_HASH",
}
# Names the documents may show that are not settings of Lượt:
EXAMPLES = {
    "LUOT_NAME",  # the form of a luot.cfg line
    "LUOT_PRIN_TIMEOUT",  # SETTINGS.md's misspelt name, refused
    # Flask's own settings, which luot.cfg and the environment take by their names
    *(f"LUOT_{name}" for name in Flask.default_config),
}
# `LUOT_NAME` as a string in Python source, or any LUOT_ word in a Makefile or unit file.
LITERAL = re.compile(r"""["'](LUOT_[A-Z0-9_]*[A-Z0-9])["']""")
WORD = re.compile(r"\b(LUOT_[A-Z0-9_]*[A-Z0-9])\b")
# What the tests and benchmarks read: os.environ.get("LUOT_…"), os.environ["LUOT_…"], getenv.
READ = re.compile(r"""(?:environ\.get\(|environ\[|getenv\()\s*["'](LUOT_[A-Z0-9_]+)["']""")


def documented() -> set[str]:
    """The variables the tables of docs/SETTINGS.md list (first column)."""
    rows = re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", SETTINGS.read_text("utf-8"), re.M)
    assert len(rows) == len(set(rows)), "a variable is listed twice"
    return set(rows)


def read_by_the_code() -> dict[str, str]:
    """Every variable the code reads → where one read is found."""
    found: dict[str, str] = {}
    for name in vars(Config):
        if name.isupper() and name not in NOT_SETTINGS:
            found[f"LUOT_{name}"] = "server/config.py Config"
    for name in UNPREFIXED:
        found[name] = "server/config.py UNPREFIXED"
    for package in ("server", "kiosk", "display", "printer"):
        for path in (ROOT / package).rglob("*.py"):
            for name in LITERAL.findall(path.read_text("utf-8")):
                found.setdefault(name, str(path.relative_to(ROOT)))
    for path in [ROOT / "Makefile", *(ROOT / "deploy").iterdir()]:
        if path.is_file() and path.suffix != ".py":
            for name in WORD.findall(path.read_text("utf-8")):
                found.setdefault(name, str(path.relative_to(ROOT)))
    for folder in ("tests", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            for name in READ.findall(path.read_text("utf-8")):
                found.setdefault(name, str(path.relative_to(ROOT)))
    hidden = NOT_DOCUMENTED | {f"LUOT_{name}" for name in NOT_SETTINGS}
    return {name: where for name, where in found.items() if name not in hidden}


def test_every_setting_is_documented_and_every_documented_one_exists():
    code = read_by_the_code()
    table = documented()
    assert {name: code[name] for name in sorted(set(code) - table)} == {}, (
        "read by the code, missing from docs/SETTINGS.md"
    )
    assert sorted(table - set(code)) == [], "in docs/SETTINGS.md, read by no code"
    # The scan finds what it should: a Config attribute, a direct read, a test knob.
    assert {"LUOT_SOCKETIO_CHANNEL", "LUOT_INSTANCE_PATH", "LUOT_DEVICE_TOKEN"} <= set(code)
    assert {"LUOT_PRINTER_NETWORKS", "LUOT_CHROMIUM", "LUOT_TEST_DATABASE_URL"} <= set(code)


def test_the_documents_name_only_settings_that_exist():
    table = documented() | NOT_DOCUMENTED | EXAMPLES
    for path in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        named = set(WORD.findall(path.read_text("utf-8")))
        assert sorted(named - table) == [], path.name


def test_readme_points_to_the_whole_table():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "docs/SETTINGS.md" in readme
    assert "`LUOT_SOCKETIO_CHANNEL`" in readme
