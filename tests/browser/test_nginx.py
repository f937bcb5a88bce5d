"""The nginx configuration deploy/install.sh writes, run for real (Debian's nginx-light) on
test ports with TLS in front of two `luot serve` processes sharing Redis: a board opened
through it over https goes live and shows a call made by the other process; a client's own
X-Forwarded-For does not get it past the limits; the processes answer only on loopback."""

from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import urllib3
from playwright.sync_api import expect

from server.config import ROOT
from server.db import Database
from tests.conftest import missing_service
from tests.factories import bearer, make_office, make_token
from tests.live_server import LiveServer, free_port, outside_address
from tests.redis_server import RedisServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NGINX = "/usr/sbin/nginx"


def installer():
    spec = importlib.util.spec_from_file_location("luot_install", ROOT / "deploy/install.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def certificate(folder: Path) -> tuple[Path, Path]:
    crt, key = folder / "test.crt", folder / "test.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(crt)],
        check=True,
        capture_output=True,
    )
    return crt, key


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


@pytest.fixture
def behind_nginx(tmp_path, sqlite_file):
    if not Path(NGINX).exists():
        missing_service(f"nginx not found at {NGINX} (apt-get install nginx-light)")
    if not shutil.which("openssl"):
        missing_service("openssl is not installed")
    install = installer()
    crt, key = certificate(tmp_path)
    ports = [free_port(), free_port()]
    http, https = free_port(), free_port()
    box = install.Box(tmp_path / "root", scratch=True)
    install.nginx(box, "localhost", ports, crt, key, http, https)
    site = box.path(install.NGINX_SITE)
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    conf = prefix / "nginx.conf"
    temps = "\n".join(f"    {name}_temp_path {prefix / name};" for name in ("client_body", "proxy"))
    conf.write_text(
        f"pid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'} warn;\n"
        "events {}\n"
        f"http {{\n    access_log off;\n{temps}\n    include {site};\n}}\n"
    )
    checked = subprocess.run([NGINX, "-t", "-c", str(conf), "-p", str(prefix)], capture_output=True)
    assert checked.returncode == 0, checked.stderr.decode()
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    db_url = sqlite_file
    db = Database(db_url)
    office = make_office(db)  # issuing open to anyone, as the spoofing check needs
    officer = bearer(make_token(db, "canbo1"))
    db.dispose()
    env = {
        "REDIS_URL": redis.url,
        "LUOT_TRUSTED_PROXIES": "1",
        "LUOT_TRUSTED_PROXY_HEADERS": "X-Forwarded-Proto",
        "LUOT_PUBLIC_BASE_URL": f"https://localhost:{https}",
        "LUOT_RATELIMIT_ENABLED": "true",
    }
    servers = [LiveServer(db_url, tmp_path / f"p{n}", port, **env) for n, port in enumerate(ports)]
    proxy = None
    try:
        for server in servers:
            server.start()
        proxy = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(prefix), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(https)
        yield {
            "url": f"https://localhost:{https}",
            "http": http,
            "https": https,
            "servers": servers,
            "office": office,
            "officer": officer,
        }
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait(timeout=10)
        for server in servers:
            server.stop()
        redis.kill()


@pytest.fixture
def sqlite_file(database_template, tmp_path) -> str:
    """Both processes on one SQLite file (Redis carries their events)."""
    target = tmp_path / "luot.db"
    shutil.copyfile(database_template, target)
    return f"sqlite:///{target}"


def test_a_board_through_nginx_over_https_goes_live_and_hears_the_other_process(
    behind_nginx, new_page
):
    site = behind_nginx
    page = new_page(1280, 720, ignore_https_errors=True)
    page.goto(f"{site['url']}/display/T1")
    expect(page.locator("#board")).to_have_attribute("data-live", "online", timeout=15_000)

    # One call through each process, straight to it: whichever holds the board's socket,
    # the other one's call reaches the board through Redis.
    first, second = site["servers"]
    counters = site["office"]["counters"]
    codes = []
    for server, number in ((first, 1), (second, 2)):
        counter = counters[number]
        requests.post(
            f"{server.url}/api/v1/counters/{counter}/open", headers=site["officer"], timeout=10
        ).raise_for_status()
        issued = requests.post(
            f"{server.url}/api/v1/offices/T1/tickets",
            json={"service": "B"},
            headers=site["officer"],
            timeout=10,
        )
        issued.raise_for_status()
        codes.append(issued.json()["code"])
        called = requests.post(
            f"{server.url}/api/v1/counters/{counter}/next", headers=site["officer"], timeout=10
        )
        called.raise_for_status()
        # The panel shows a call once the voice says it: after the one before.
        expect(page.locator("#hero-code")).to_have_text(
            called.json()["ticket"]["code"], timeout=30_000
        )
    expect(page.locator("#recent-list")).to_contain_text(codes[0])

    # Plain http answers with the way to https, Host and port kept.
    redirect = requests.get(
        f"http://localhost:{site['http']}/display/T1", allow_redirects=False, timeout=10
    )
    assert redirect.status_code == 301
    assert redirect.headers["Location"] == f"{site['url']}/display/T1"


def test_a_spoofed_forwarded_for_does_not_pass_the_limits(behind_nginx):
    site = behind_nginx
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    statuses = []
    for n in range(13):
        answer = requests.post(
            f"{site['url']}/api/v1/offices/T1/tickets",
            json={"service": "A"},
            headers={"X-Forwarded-For": f"203.0.113.{n}", "X-Real-IP": f"198.51.100.{n}"},
            verify=False,
            timeout=10,
        )
        statuses.append(answer.status_code)
    # Anonymous issuing allows 10 a minute from one address: nginx's, whatever they say.
    assert statuses.count(201) == 10 and statuses.count(429) == 3, statuses


def test_the_processes_answer_only_on_loopback(behind_nginx):
    site = behind_nginx
    address = outside_address()
    if address is None:
        pytest.skip("this machine has no address but loopback")
    for server in site["servers"]:
        with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
            probe.connect((address, server.port))
    with socket.create_connection((address, site["https"]), timeout=5):
        pass  # nginx answers on the box's address
