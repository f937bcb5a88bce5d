"""The `luot` console script as an installer meets it: set up, add people, serve.

Run as real processes sharing one configuration (instance folder and DATABASE_URL), so a
token made on the command line is proven to work against the running server.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests import server_zygote as zygote
from tests.factories import bearer
from tests.live_server import LUOT, LiveServer, free_port

pytestmark = pytest.mark.slow  # long: started first (tests/conftest.py)


def luot(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return zygote.run([LUOT, *args], env=env, timeout=timeout)


def test_serve_refuses_a_database_that_was_never_set_up(tmp_path: Path):
    server = LiveServer("", tmp_path, free_port())  # SQLite in the instance folder
    refused = luot(server.env, "serve", "--port", str(server.port))
    assert refused.returncode == 1
    assert "luot init-db" in refused.stderr
    assert luot(server.env, "init-db").returncode == 0
    server.start()
    try:
        assert requests.get(server.url + "/healthz", timeout=5).json()["ok"] is True
    finally:
        server.stop()


def test_a_token_from_the_command_line_works_against_the_running_server(
    database_url: str, tmp_path: Path
):
    server = LiveServer(database_url, tmp_path / "instance", free_port())
    env = server.env
    assert luot(env, "init-db").returncode == 0
    seeded = luot(env, "seed-demo")
    assert seeded.returncode == 0, seeded.stderr
    added = luot(
        env, "user", "add", "lan", "--role", "officer", "--office", "XA-MAU", "--name", "Lê Thị Lan"
    )
    assert added.returncode == 0, added.stderr
    assert re.search(r"Password: \S{8,}", added.stdout)
    again = luot(env, "user", "add", "lan", "--office", "XA-MAU", "--password", "x" * 12)
    assert again.returncode == 1 and "lan" in again.stderr
    made = luot(env, "token", "create", "lan")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert luot(env, "token", "create", "nobody").returncode == 1

    server.start()
    try:
        queue = requests.get(f"{server.url}/api/v1/offices/XA-MAU/queue", timeout=10).json()
        counter = queue["counters"][0]["id"]
        opened = requests.post(
            f"{server.url}/api/v1/counters/{counter}/open", headers=bearer(token), timeout=10
        )
        assert opened.status_code == 200, opened.text
        forged = requests.post(
            f"{server.url}/api/v1/counters/{counter}/pause", headers=bearer(token + "x"), timeout=10
        )
        assert forged.status_code == 401
    finally:
        server.stop()


def test_demo_prints_the_urls_and_serves_them(database_url: str, tmp_path: Path):
    port = free_port()
    env = LiveServer(database_url, tmp_path, port).env
    demo = subprocess.Popen(
        [LUOT, "demo", "--port", str(port)],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("Serving on" in x for x in lines):
            line = demo.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        printed = "".join(lines)
        urls = re.findall(r"http://127\.0\.0\.1:\d+/\S*", printed)
        for page in (
            "/kiosk/XA-MAU",
            "/display/XA-MAU",
            "/counter",
            "/admin",
            "/admin/overview",
            "/admin/reports",
        ):
            assert f"http://127.0.0.1:{port}{page}" in urls, printed
        for url in urls:
            if url.endswith(":" + str(port)) or "/api/" in url:
                continue
            answer = requests.get(url, timeout=10, allow_redirects=True)
            assert answer.status_code == 200, (url, answer.status_code)
    finally:
        demo.terminate()
        demo.wait(10)
        demo.stdout.close()


def test_tokens_are_listed_and_revoked_from_the_command_line(database_url: str, tmp_path: Path):
    server = LiveServer(database_url, tmp_path / "instance", free_port())
    env = server.env
    assert luot(env, "init-db").returncode == 0
    assert luot(env, "seed-demo").returncode == 0
    token = luot(env, "token", "create", "canbo1", "--label", "laptop").stdout.strip()
    listed = luot(env, "token", "list", "canbo1")
    assert listed.returncode == 0, listed.stderr
    (line,) = [row for row in listed.stdout.splitlines() if "laptop" in row]
    assert "canbo1" in line and line.rstrip().endswith("active")
    token_id = line.split()[0]
    assert luot(env, "token", "list", "nobody").returncode == 1

    server.start()
    try:
        me = f"{server.url}/api/v1/me"
        assert requests.get(me, headers=bearer(token), timeout=10).status_code == 200
        revoked = luot(env, "token", "revoke", token_id)
        assert revoked.returncode == 0 and "revoked" in revoked.stdout
        assert requests.get(me, headers=bearer(token), timeout=10).status_code == 401
        assert "revoked" in luot(env, "token", "list", "canbo1").stdout
        assert luot(env, "token", "revoke", "999999").returncode == 1
    finally:
        server.stop()


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made as the README says."""
    cert, key = folder / "luot.crt", folder / "luot.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def test_serve_speaks_https_with_a_certificate_and_refuses_a_wrong_one(
    database_url: str, tmp_path: Path
):
    cert, key = _certificate(tmp_path)
    server = LiveServer(database_url, tmp_path / "instance", free_port())
    assert luot(server.env, "init-db").returncode == 0
    wrong = luot(
        server.env, "serve", "--port", str(server.port), "--cert", str(key), "--key", str(key)
    )
    assert wrong.returncode == 1 and "Cannot use" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    missing = luot(server.env, "serve", "--cert", str(tmp_path / "none.crt"), "--key", str(key))
    assert missing.returncode == 1 and "No such certificate or key file" in missing.stderr
    alone = luot(server.env, "serve", "--cert", str(cert))
    assert alone.returncode == 2 and "--cert and --key go together" in alone.stderr

    process = subprocess.Popen(
        [
            LUOT,
            "serve",
            "--port",
            str(server.port),
            "--quiet",
            "--cert",
            str(cert),
            "--key",
            str(key),
        ],
        env=server.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"https://127.0.0.1:{server.port}/healthz"
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = requests.get(url, verify=str(cert), timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.1)
        assert answer.status_code == 200 and answer.json()["ok"] is True
        with pytest.raises(requests.ConnectionError):
            requests.get(url.replace("https", "http"), timeout=2)
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert f"Serving on https://127.0.0.1:{server.port}" in output
