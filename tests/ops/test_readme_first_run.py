"""README "Running it for real", run as written on an empty box: the shell block is read
from README.md (not copied here), each command runs as an installer would type it, and the
result is then used from outside over HTTP: the kiosk issues a ticket with its device token,
the waiting-room board loads, the officer signs in and calls the ticket at a counter, the
admin reaches /admin.

Only these change: `.venv/bin/` becomes this interpreter's bin folder, the instance folder
comes from LUOT_INSTANCE_PATH (a temporary folder; on PostgreSQL, DATABASE_URL names an
empty database), and `luot serve` takes a free port.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from server.config import ROOT
from tests.factories import bearer
from tests.live_server import _die_with_parent, free_port
from tests.ops.conftest import installation

pytestmark = pytest.mark.slow  # long: started first (tests/conftest.py)

HEADING = "## Running it for real"
BIN = str(Path(sys.executable).parent) + "/"


def readme_commands(readme: str) -> list[str]:
    """The commands of the first `sh` block under HEADING, continuation lines joined,
    comment lines left out."""
    assert HEADING + "\n" in readme, f"README.md has no {HEADING!r} section"
    section = readme.split(HEADING + "\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"^```sh\n(.*?)^```", section, re.S | re.M)
    assert block, f"no ```sh block under {HEADING!r}"
    lines = block.group(1).replace("\\\n", " ").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def as_run_here(command: str) -> str:
    assert command.startswith(".venv/bin/"), command
    return command.replace(".venv/bin/", BIN)


def luot_args(command: str) -> list[str]:
    """What the shell passes to `luot`, for reading the command (not for running it)."""
    return shlex.split(command, comments=True)[1:]


def sign_in(base: str, username: str, password: str) -> tuple[requests.Session, str]:
    """A browser's way in: the form with its CSRF token; returns the session and the CSRF
    token its API calls send."""
    http = requests.Session()

    def csrf() -> str:
        page = http.get(f"{base}/login", timeout=10).text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    form = {"username": username, "password": password, "csrf_token": csrf()}
    answer = http.post(f"{base}/login", data=form, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, (username, answer.status_code, answer.text[:500])
    return http, csrf()


def test_the_readme_first_run_ends_with_a_kiosk_a_board_and_a_counter_working(
    database_url: str, scratch, tmp_path: Path
):
    commands = readme_commands((ROOT / "README.md").read_text("utf-8"))
    *setup, serve = commands
    assert luot_args(serve)[0] == "serve", "the block ends by serving"
    port = free_port()
    serve, replaced = re.subn(r"--port \d+", f"--port {port}", serve)
    assert replaced == 1, "the serve command names its port"

    # SQLite as the README leaves it (a file in the instance folder); on PostgreSQL an
    # empty database of this run's own.
    empty = scratch("readme") if database_url.startswith("postgresql") else ""
    env = installation(tmp_path / "instance", empty)
    assert not (tmp_path / "instance").exists()

    users: dict[str, tuple[str, str]] = {}  # name: (role, password)
    devices: dict[str, str] = {}  # kind: the path to open on it, with its token
    for command in setup:
        done = subprocess.run(
            ["bash", "-c", as_run_here(command)],
            env=env,
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        args = luot_args(command)
        if args[:2] == ["user", "add"]:
            role = re.search(r"^User \S+ \((\w+)\) added\.$", done.stdout, re.M).group(1)
            password = re.search(r"^Password: (\S+)$", done.stdout, re.M)
            assert password, f"{command}: no password given nor printed"
            users[args[2]] = (role, password.group(1))
        if args[:2] == ["device", "add"]:
            kind = re.search(r"^Device \d+ \((\w+)\) added", done.stdout, re.M).group(1)
            url = re.search(r"^Open on it: (\S+)$", done.stdout, re.M).group(1)
            parts = urlsplit(url)
            devices[kind] = f"{parts.path}?{parts.query}"

    officers = [name for name, (role, _) in users.items() if role == "officer"]
    admins = [name for name, (role, _) in users.items() if role == "admin"]
    assert officers and admins, f"the block adds an admin and an officer: {users}"
    assert {"kiosk", "display"} <= set(devices), f"the block registers both: {devices}"

    server = subprocess.Popen(
        ["bash", "-c", "exec " + as_run_here(serve)],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_die_with_parent,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, server)
        work_a_ticket_through(base, users, devices, officers[0], admins[0])
    finally:
        server.terminate()
        log = server.communicate(timeout=15)[0]
    assert "Traceback" not in log, log[-3000:]


def wait_until_serving(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()[0][-3000:]
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.1)
    pytest.fail(f"the README's serve command did not answer in {timeout} s")


def work_a_ticket_through(base: str, users: dict, devices: dict, officer: str, admin: str) -> None:
    api = f"{base}/api/v1"
    kiosk_path = devices["kiosk"]
    office = kiosk_path.split("/")[2].split("?")[0]
    kiosk_token = re.search(r"[?&]key=([^&]+)", kiosk_path).group(1)

    # The kiosk: its page opens with its key, and it issues a ticket with its token; an
    # anonymous client may not (the office issues to registered kiosks only).
    page = requests.get(base + kiosk_path, timeout=10)
    assert page.status_code == 200 and f"/kiosk/{office}" in page.url
    me = requests.get(f"{api}/devices/me", headers=bearer(kiosk_token), timeout=10).json()
    assert (me["kind"], me["office"]) == ("kiosk", office)
    services = requests.get(f"{api}/offices/{office}/services", timeout=10).json()
    assert services, "the office has a field to take a number for"
    field = services[0]["code"]
    tickets = f"{api}/offices/{office}/tickets"
    anonymous = requests.post(tickets, json={"service": field}, timeout=10)
    assert anonymous.status_code in (401, 403), anonymous.text
    issued = requests.post(
        tickets, json={"service": field}, headers=bearer(kiosk_token), timeout=10
    )
    assert issued.status_code == 201, issued.text
    ticket = issued.json()

    # The waiting-room board: its page, and the snapshot it shows, with the ticket waiting.
    board = requests.get(base + devices["display"], timeout=10)
    assert board.status_code == 200 and f"/display/{office}" in board.url
    queue = requests.get(f"{api}/offices/{office}/queue", timeout=10).json()
    assert queue["waiting_total"] == 1

    # The officer signs in with the password the block gave, opens a counter serving the
    # field and calls: the kiosk's ticket comes up there, and the board shows it.
    http, csrf = sign_in(base, officer, users[officer][1])
    assert http.get(f"{api}/me", timeout=10).json()["role"] == "officer"
    serving = [c for c in queue["counters"] if field in c["services"]]
    assert serving, f"no counter serves {field}: {queue['counters']}"
    counter = serving[0]
    headers = {"X-CSRFToken": csrf}
    opened = http.post(f"{api}/counters/{counter['id']}/open", headers=headers, timeout=10)
    assert opened.status_code == 200, opened.text
    called = http.post(f"{api}/counters/{counter['id']}/next", headers=headers, timeout=10)
    assert called.status_code == 200, called.text
    assert called.json()["ticket"]["code"] == ticket["code"]
    queue = requests.get(f"{api}/offices/{office}/queue", timeout=10).json()
    shown = next(c for c in queue["counters"] if c["id"] == counter["id"])
    assert shown["current"]["code"] == ticket["code"] and queue["waiting_total"] == 0

    # The admin signs in and reaches the administration.
    http, _csrf = sign_in(base, admin, users[admin][1])
    assert http.get(f"{api}/me", timeout=10).json()["role"] == "admin"
    assert http.get(f"{base}/admin", timeout=10).status_code == 200
