"""Issue 10's findings, tried again from outside against a real `luot serve`.

Starts `luot serve` on a fresh SQLite database with production settings (rate limits on,
the real argon2 cost, the default printer policy), seeds a demo office (issuing open) and a
kiosk-only office, and drives it over HTTP as an attacker and a clumsy manager would. Prints
one line per probe: what was tried, how many times, and what came back.

    .venv/bin/python bench/probe_hardening.py
"""

from __future__ import annotations

import collections
import csv
import io
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.db import Database  # noqa: E402
from server.engine import Engine  # noqa: E402
from server.engine import credentials as accounts  # noqa: E402
from server.ops.demo import seed_demo
from server.ops.migrate import upgrade  # noqa: E402
from tests.factories import make_office  # noqa: E402
from tests.live_server import LiveServer, free_port  # noqa: E402

ROWS: list[tuple[str, str, str]] = []
DEFAULT_POLICY = {
    "LUOT_PRINTER_NETWORKS": "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7",
    "LUOT_PRINTER_TCP_PORTS": "9100-9109",
}


class _From(HTTPAdapter):
    """Requests from one loopback address (127.0.0.N): each probe is its own client, so one
    probe's rate limit does not answer for the next."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(n: int) -> requests.Session:
    session = requests.Session()
    adapter = _From(f"127.0.0.{n}")
    session.mount("http://", adapter)
    return session


def row(point: str, tried: str, result: str) -> None:
    ROWS.append((point, tried, result))
    print(f"{point:>4}  {tried:<62}  {result}", flush=True)


def counts(statuses: list[int]) -> str:
    return ", ".join(f"{n}×{code}" for code, n in sorted(collections.Counter(statuses).items()))


def setup(workdir: Path) -> tuple[LiveServer, dict]:
    url = f"sqlite:///{workdir / 'probe.db'}"
    db = Database(url)
    upgrade(db)
    seed_demo(Engine(db))
    with db.write() as session:
        admin = accounts.create_user(session, "probe-admin", "admin", [], "mat-khau-dai-1")
        manager = accounts.create_user(
            session, "probe-boss", "manager", ["XA-MAU"], "mat-khau-dai-2"
        )
        tokens = {
            "admin": accounts.create_token(session, admin, "probe"),
            "manager": accounts.create_token(session, manager, "probe"),
        }
        kiosk = accounts.create_device(session, "XA-MAU", "kiosk", "Máy sảnh 2", "dummy:")
        tokens["kiosk"] = accounts.create_token(session, kiosk, "probe")
        tokens["kiosk_id"] = kiosk.id
    db.dispose()
    make_office(Database(url), code="KIOSK-ONLY", settings={})
    server = LiveServer(
        url,
        workdir / "instance",
        free_port(),
        LUOT_RATELIMIT_ENABLED="true",
        LUOT_FAST_PASSWORD_HASH="0",
        **DEFAULT_POLICY,
    )
    server.start()
    return server, tokens


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def probe_printer_urls(api: str, tokens: dict, workdir: Path) -> None:
    target = workdir / "victim.txt"
    urls = [
        f"file://{target}",
        "file:///dev/usb/lp/../../etc/passwd",
        "tcp://127.0.0.1:6379",
        "tcp://169.254.169.254:9100",
        "tcp://8.8.8.8:9100",
        "tcp://192.168.1.50:22",
        "serial:///dev/ttyS0",
        "lpt1:",
    ]
    statuses = []
    for who in ("manager", "admin"):
        for url in urls:
            statuses.append(
                requests.patch(
                    f"{api}/devices/{tokens['kiosk_id']}",
                    headers=auth(tokens[who]),
                    json={"printer_url": url},
                    timeout=10,
                ).status_code
            )
    kept = requests.get(
        f"{api}/offices/XA-MAU/devices", headers=auth(tokens["manager"]), timeout=10
    ).json()
    printer = next(d["printer_url"] for d in kept if d["id"] == tokens["kiosk_id"])
    row(
        "1",
        f"{len(urls)} printer URLs × manager, admin",
        f"{counts(statuses)}; "
        f"URL kept {printer!r}; {target.name} {'exists' if target.exists() else 'not created'}",
    )


def probe_flood(api: str, tokens: dict) -> None:
    results: list[int] = []
    lock = threading.Lock()

    def flood(_: int) -> None:
        session = client(20)
        for _ in range(250):
            status = session.post(
                f"{api}/offices/XA-MAU/tickets", json={"service": "HT"}, timeout=10
            ).status_code
            with lock:
                results.append(status)

    started = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(flood, range(4)))
    took = time.perf_counter() - started
    kiosk = requests.post(
        f"{api}/offices/XA-MAU/tickets",
        json={"service": "HT"},
        headers=auth(tokens["kiosk"]),
        timeout=10,
    ).status_code
    row(
        "2",
        "4 threads × 250 anonymous tickets, demo office (open)",
        f"{counts(results)} in {took:.1f} s; the kiosk then: {kiosk}",
    )
    stranger = client(21)
    closed = [
        stranger.post(
            f"{api}/offices/KIOSK-ONLY/tickets", json={"service": "A"}, timeout=10
        ).status_code
        for _ in range(5)
    ]
    row("2", "5 anonymous tickets, office in the default (kiosk) mode", counts(closed))
    sources = requests.get(
        f"{api}/offices/XA-MAU/sources", headers=auth(tokens["manager"]), timeout=10
    ).json()
    flood_source = sources[0]
    cancelled = requests.post(
        f"{api}/offices/XA-MAU/sources/cancel",
        headers=auth(tokens["manager"]),
        json={"source": flood_source["source"]},
        timeout=10,
    ).json()
    row(
        "2",
        "manager cancels the flooding source in one action",
        f"{flood_source['label']}: {cancelled['cancelled']} of {flood_source['issued']} cancelled",
    )


def probe_validation(api: str, tokens: dict) -> None:
    manager, admin = auth(tokens["manager"]), auth(tokens["admin"])
    config = requests.get(f"{api}/offices/XA-MAU/config", headers=manager, timeout=10).json()
    statuses = []
    for zone in ("Mars/Olympus", "", ".exe", "../../etc/passwd"):
        statuses.append(
            requests.patch(
                f"{api}/offices/XA-MAU", headers=manager, json={"timezone": zone}, timeout=10
            ).status_code
        )
        statuses.append(
            requests.put(
                f"{api}/offices/XA-MAU/config",
                headers=manager,
                json={**config, "timezone": zone},
                timeout=10,
            ).status_code
        )
        statuses.append(
            requests.post(
                f"{api}/offices",
                headers=admin,
                timeout=10,
                json={"code": "Z1", "name": "Z", "timezone": zone},
            ).status_code
        )
    bodies = [
        ("post", "/offices", {"code": "Z2", "name": "Z", "elderly_age": 0}),
        ("post", "/offices", {"code": "A/B", "name": "Z"}),
        ("post", "/offices", {"code": "../../x", "name": "Z"}),
        ("post", "/offices", {"code": "Z3", "name": "Z", "services": [{}]}),
        ("put", "/offices/XA-MAU/config", {**config, "code": "OTHER"}),
        ("put", "/offices/XA-MAU/config", {"code": "XA-MAU", "timezone": "UTC"}),
        ("put", "/offices/XA-MAU/config", {**config, "services": [{}]}),
    ]
    for method, path, body in bodies:
        statuses.append(
            requests.request(method, api + path, headers=admin, json=body, timeout=10).status_code
        )
    after = requests.get(f"{api}/offices/XA-MAU/config", headers=manager, timeout=10).json()
    active = sum(s["active"] for s in after["services"])
    queue = requests.get(f"{api}/offices/XA-MAU/queue", timeout=10).status_code
    row(
        "3",
        f"{len(statuses)} bad settings (zones, codes, ages, documents)",
        f"{counts(statuses)}; fields still active {active}/6; queue {queue}",
    )
    overlap = requests.post(
        f"{api}/offices/XA-MAU/services",
        headers=manager,
        timeout=10,
        json={
            "code": "HT2",
            "name": "Trùng",
            "number_start": 1001,
            "number_end": 1999,
            "digits": 4,
        },
    )
    row("4", 'a field "" 1001–1999 beside Hộ tịch 1001–1999', str(overlap.status_code))


def probe_printer_faults() -> None:
    import printer
    from tests.fake_printer import (
        COVER_OPEN,
        LOOPBACK_POLICY,
        PAPER_OUT,
        ClosingPrinter,
        FakePrinter,
        ResettingPrinter,
        StuckPrinter,
    )

    modes = {
        "never reads (4 KiB buffer)": StuckPrinter(rcvbuf=4096),
        "never reads (default buffer)": StuckPrinter(),
        "resets the connection": ResettingPrinter(),
        "closes after 200 bytes": ClosingPrinter(after=200),
        "paper out": FakePrinter(status=PAPER_OUT),
        "cover open": FakePrinter(status=COVER_OPEN),
        "healthy": FakePrinter(),
    }
    for name, fake in modes.items():
        fake.start()
        try:
            printer.print_sample(fake.url, 80, timeout=2, policy=LOOPBACK_POLICY)
            result = "printed"
        except printer.PrinterError as exc:
            result = f"failed: {type(exc).__name__}"
        finally:
            fake.stop()
        row("5", f"printer that {name}" if name != "healthy" else "healthy printer", result)


def probe_sessions(base: str, api: str, tokens: dict) -> None:
    import re

    session = requests.Session()
    page = session.get(f"{base}/login", timeout=10).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    session.post(
        f"{base}/login",
        data={"username": "probe-boss", "password": "mat-khau-dai-2", "csrf_token": csrf},
        timeout=10,
        allow_redirects=False,
    )
    cookie = session.cookies.get("session")
    csrf = re.search(
        r'name="csrf_token" value="([^"]+)"', session.get(f"{base}/counter", timeout=10).text
    )
    session.post(
        f"{base}/logout",
        data={"csrf_token": csrf.group(1) if csrf else ""},
        timeout=10,
        allow_redirects=False,
    )
    replay = requests.get(f"{api}/me", cookies={"session": cookie}, timeout=10).status_code
    counter = requests.get(
        f"{base}/counter", cookies={"session": cookie}, timeout=10, allow_redirects=False
    ).status_code
    row(
        "6",
        "old session cookie after /logout: /api/v1/me, /counter",
        f"{replay}, {counter} (redirect to sign-in)",
    )
    users = requests.get(f"{api}/users", headers=auth(tokens["admin"]), timeout=10).json()
    boss = next(u for u in users if u["username"] == "probe-boss")
    requests.patch(
        f"{api}/users/{boss['id']}",
        headers=auth(tokens["admin"]),
        timeout=10,
        json={"password": "mat-khau-moi-dai"},
    )
    after = requests.get(f"{api}/me", headers=auth(tokens["manager"]), timeout=10).status_code
    row("6", "manager's bearer token after a password change", str(after))


def probe_idempotency(api: str, tokens: dict) -> None:
    key = {"Idempotency-Key": "probe-key-00000001"}
    first = requests.post(
        f"{api}/offices/XA-MAU/tickets",
        json={"service": "HT"},
        headers={**auth(tokens["kiosk"]), **key},
        timeout=10,
    ).json()
    stranger = client(30)
    other = stranger.post(
        f"{api}/offices/XA-MAU/tickets", json={"service": "DD"}, headers=key, timeout=10
    )
    same_body = stranger.post(
        f"{api}/offices/XA-MAU/tickets", json={"service": "HT"}, headers=key, timeout=10
    )
    again = requests.post(
        f"{api}/offices/XA-MAU/tickets",
        json={"service": "DD"},
        headers={**auth(tokens["kiosk"]), **key},
        timeout=10,
    )
    leaked = same_body.ok and same_body.json().get("token") == first["token"]
    row(
        "7",
        "kiosk's key reused anonymously: other body, then the kiosk's body",
        f"{other.status_code} (a ticket of its own) / {same_body.status_code} "
        f"({'the kiosk ticket leaked' if leaked else 'key now bound to the first body'}); "
        f"the kiosk itself with another body: {again.status_code}",
    )


def probe_bad_input(base: str, api: str, tokens: dict) -> None:
    admin = {**auth(tokens["admin"]), "Content-Type": "application/json"}
    tries = [
        ("post", f"{api}/counters/{2**63}/next", None),
        ("get", f"{api}/counters/{2**64}", None),
        ("post", f"{api}/counters/1/call", json.dumps({"ticket": 2**63})),
        ("post", f"{api}/offices/XA-MAU/tickets", '{"service": "\\ud800"}'),
        ("patch", f"{api}/offices/XA-MAU", '{"name": "\\ud800"}'),
        ("post", f"{api}/counters/1/call", '{"ticket": ' + "9" * 5000 + "}"),
        ("put", f"{api}/offices/XA-MAU/config", '{"code": "XA-MAU"}'),
        ("get", f"{api}/offices/XA%00MAU/queue", None),
        ("post", f"{base}/kiosk/XA-MAU/scan", "{not json"),
        ("get", f"{api}/offices/{'x' * 5000}/queue", None),
        ("post", f"{api}/offices/XA-MAU/tickets", "x" * 70_000),
    ]
    statuses = [
        requests.request(m, u, data=d, headers=admin, timeout=10).status_code for m, u, d in tries
    ]
    jsons = 0
    for m, u, d in tries:
        response = requests.request(m, u, data=d, headers=admin, timeout=10)
        jsons += response.headers.get("Content-Type", "").startswith("application/json")
    row(
        "8",
        f"{len(tries)} bad inputs (ids ≥ 2^63, surrogates, 5,000 digits, ...)",
        f"{counts(statuses)}; {jsons}/{len(tries)} in the JSON error shape",
    )
    import socketio

    client = socketio.Client(reconnection=False)
    client.connect(base, transports=["websocket"], wait_timeout=10)
    acks = [
        client.call("join", room, timeout=5)
        for room in ({"counter": 10**30}, {"counter": 1e30}, {"office": "\ud800"})
    ]
    client.disconnect()
    row(
        "8",
        "Socket.IO join {counter: 10**30}, {counter: 1e30}, {office: lone surrogate}",
        ", ".join(ack.get("error", "?") for ack in acks),
    )


def probe_sign_in(base: str) -> None:
    import re

    def attempt(username: str, address: int) -> tuple[int, float]:
        session = client(address)
        page = session.get(f"{base}/login", timeout=10).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        started = time.perf_counter()
        status = session.post(
            f"{base}/login",
            data={"username": username, "password": "x", "csrf_token": csrf},
            timeout=30,
            allow_redirects=False,
        ).status_code
        return status, (time.perf_counter() - started) * 1000

    real = [attempt("probe-admin", 40 + n)[1] for n in range(8)]
    unknown = [attempt(f"nobody-{n}", 50 + n)[1] for n in range(8)]
    row(
        "9",
        "sign-in with a wrong password, real vs unknown user (8 each)",
        f"median {statistics.median(real):.0f} ms vs {statistics.median(unknown):.0f} ms",
    )
    statuses = [attempt(f"guess-{n}", 60)[0] for n in range(40)]
    row("9", "40 user names tried from one address", counts(statuses))
    lockout = [attempt("probe-admin", 61)[0] for _ in range(8)]
    elsewhere = attempt_right(base, "probe-admin", "mat-khau-dai-1", client(62))
    row(
        "9",
        "8 wrong passwords for the admin from one address, then the admin from another",
        f"{counts(lockout)}; admin signs in: {elsewhere}",
    )


def attempt_right(base: str, username: str, password: str, session: requests.Session) -> int:
    import re

    page = session.get(f"{base}/login", timeout=10).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return session.post(
        f"{base}/login",
        data={"username": username, "password": password, "csrf_token": csrf},
        timeout=30,
        allow_redirects=False,
    ).status_code


def probe_headers(base: str, tokens: dict) -> None:
    wanted = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options")
    pages = ["/", "/login", "/kiosk/XA-MAU", "/display/XA-MAU", "/display/counter/1"]
    missing = 0
    no_store = 0
    for page in pages:
        response = requests.get(base + page, timeout=10)
        missing += sum(name not in response.headers for name in wanted)
        no_store += response.headers.get("Cache-Control") == "no-store"
    export = requests.get(
        f"{base}/api/v1/reports/export",
        headers=auth(tokens["admin"]),
        params={"office": "XA-MAU", "from": "2026-01-01", "to": "2026-12-31", "format": "csv"},
        timeout=30,
    )
    row(
        "10",
        f"{len(pages)} pages and a CSV export: security headers",
        f"{missing} missing; no-store on {no_store}/{len(pages)} pages and "
        f"{'the export' if export.headers.get('Cache-Control') == 'no-store' else 'not export'}",
    )


def probe_formulas(api: str, tokens: dict) -> None:
    manager = auth(tokens["admin"])
    evil = '=HYPERLINK("http://evil.example","x")'
    requests.patch(
        f"{api}/offices/XA-MAU/services/HT", headers=manager, json={"name": evil}, timeout=10
    )
    params = {"office": "XA-MAU", "from": "2026-01-01", "to": "2026-12-31", "kind": "log"}
    text = requests.get(
        f"{api}/reports/export", headers=manager, params={**params, "format": "csv"}, timeout=30
    ).content.decode()
    cells = [c for r in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in r]
    live = sum(c.startswith(("=", "+", "-", "@")) for c in cells)
    xlsx = requests.get(
        f"{api}/reports/export", headers=manager, params={**params, "format": "xlsx"}, timeout=30
    ).content
    with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
        formulas = sum(
            book.read(n).count(b"<f>") for n in book.namelist() if n.startswith("xl/worksheets/")
        )
    row(
        "11",
        f"a field named {evil[:20]}…, CSV and XLSX log",
        f"{live} live CSV cells, {formulas} XLSX formulas",
    )


def probe_health_and_backup(base: str, server: LiveServer) -> None:
    health = requests.get(f"{base}/healthz", timeout=10)
    row("12", "GET /healthz", f"{health.status_code} {sorted(health.json()['checks'])}")
    import subprocess

    from tests.live_server import LUOT

    # A fresh installation as an IT person makes it: instance folder and key from the app.
    fresh = server.instance.parent / "fresh"
    env = {key: value for key, value in server.env.items() if key != "LUOT_SECRET_KEY"}
    env.update(LUOT_INSTANCE_PATH=str(fresh), DATABASE_URL="")
    subprocess.run([LUOT, "init-db"], env=env, capture_output=True, timeout=120, check=True)
    out = fresh / "backups"
    done = subprocess.run(
        [LUOT, "backup", "--output", str(out)], env=env, capture_output=True, text=True, timeout=120
    )
    archive = next(out.glob("luot-backup-*.tar.gz"), None)

    def mode(path: Path) -> str:
        return oct(path.stat().st_mode & 0o777) if path.exists() else "missing"

    row(
        "13",
        "fresh install, then luot backup",
        f"exit {done.returncode}; archive "
        f"{mode(archive) if archive else '-'}, secret key {mode(fresh / 'secret_key')}, "
        f"database {mode(fresh / 'luot.db')}, instance {mode(fresh)}",
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        server, tokens = setup(workdir)
        base, api = server.url, server.url + "/api/v1"
        try:
            probe_printer_urls(api, tokens, workdir)
            probe_flood(api, tokens)
            probe_validation(api, tokens)
            probe_printer_faults()
            probe_sessions(base, api, tokens)
            probe_idempotency(api, tokens)
            probe_bad_input(base, api, tokens)
            probe_sign_in(base)
            probe_headers(base, tokens)
            probe_formulas(api, tokens)
            probe_health_and_backup(base, server)
        finally:
            server.stop()
            errors = server.log.read_text().count("Traceback")
            print(f"\nserver log: {errors} tracebacks")


if __name__ == "__main__":
    os.environ.pop("LUOT_FAST_PASSWORD_HASH", None)
    main()
