"""`luot kiosk-agent`: runs on the kiosk PC for a printer or scanner attached to it.

It connects to the server as the kiosk device (its token), prints the kiosk's tickets on
the local printer and forwards serial (virtual-COM) scanner reads, reconnecting by itself.
Each job is claimed from the server before printing, so a reconnect or a second agent can
never print a ticket twice; a job the printer failed is reported with `ok: false` and the
reason, never sent again. The local printer URL must pass the printer policy (the same
LUOT_PRINTER_* settings as the server's, read from the environment by `luot kiosk-agent`).
Needs no database and no Flask.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
import time
from dataclasses import dataclass

import requests
import socketio

import printer
from printer.policy import PrinterPolicy

log = logging.getLogger("luot.kiosk_agent")
# Seconds between tries while the server is unreachable: doubling from the first to the last.
RETRY_FIRST = 2.0
RETRY_MAX = 30.0


class AgentError(Exception):
    """What retrying cannot mend (the token refused, not a Lượt server, a bad address): the
    agent stops and says so in one line."""


class Unreachable(Exception):
    """The server cannot be asked now (down, no route, failing): the agent tries again."""


def _reason(exc: requests.RequestException) -> str:
    """The operating system's words for a failed connection, not urllib3's nested repr."""
    if isinstance(exc, requests.Timeout):
        return "no answer in time"
    found = re.findall(r"\[Errno -?\d+\] ([^'\")]+)", str(exc))
    if found:
        return found[-1].strip()
    if "Failed to resolve" in str(exc):
        return "unknown host name"
    return type(exc).__name__


@dataclass
class AgentConfig:
    server: str
    token: str
    printer_url: str
    scanner: str | None = None
    baudrate: int = 9600
    print_timeout: float = 5.0
    # None: the default policy (private networks, /dev/usb/lp*, /dev/ttyUSB*, /dev/ttyACM*).
    policy: PrinterPolicy | None = None


class KioskAgent:
    def __init__(self, config: AgentConfig) -> None:
        self.config = config
        self.server = config.server.rstrip("/")
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {config.token}"
        self.device = self._whoami()
        self._scanner: threading.Thread | None = None
        self.printed: list[int] = []
        # Results the server has not acknowledged yet (connection lost): sent on reconnect.
        self._unreported: list[dict] = []
        self._lock = threading.Lock()
        self._printing = threading.Lock()  # one ticket at a time on one printer
        self._stop = threading.Event()
        self.sio = socketio.Client(
            reconnection=True, reconnection_delay=1, reconnection_delay_max=10
        )
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)
        self.sio.on("print_job", self._on_print_job)

    def _whoami(self) -> dict:
        """The kiosk behind the token, waiting for the server while it is unreachable or
        failing (a kiosk PC may boot before the server)."""
        delay = RETRY_FIRST
        while True:
            try:
                return self._ask_whoami()
            except Unreachable as exc:
                log.warning("kiosk-agent: %s; retrying in %g s", exc, delay)
                time.sleep(delay)
                delay = min(delay * 2, RETRY_MAX)

    def _ask_whoami(self) -> dict:
        """One try: the device, AgentError for a lasting refusal, Unreachable else."""
        where = f"the server at {self.server}"
        try:
            response = self.http.get(f"{self.server}/api/v1/devices/me", timeout=10)
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.InvalidSchema,
            requests.exceptions.MissingSchema,
        ) as exc:
            raise AgentError(
                f"{self.server!r} is not a server address (give http://HOST:PORT)"
            ) from exc
        except requests.RequestException as exc:
            raise Unreachable(f"{where} is not reachable ({_reason(exc)})") from exc
        if response.status_code in (401, 403):
            raise AgentError(f"{where} refused the device token ({response.status_code})")
        if response.status_code >= 500:
            raise Unreachable(f"{where} answered {response.status_code}")
        try:
            response.raise_for_status()
            device = response.json()
            kind = device["kind"]
        except (requests.HTTPError, ValueError, KeyError, TypeError) as exc:
            raise AgentError(
                f"{where} is not a Lượt server (GET /api/v1/devices/me: {response.status_code})"
            ) from exc
        if kind != "kiosk":
            kinds = {"display": "waiting-room display", "rating": "rating tablet"}
            raise AgentError(f"the token belongs to a {kinds.get(kind, kind)}, not a kiosk")
        return device

    # -- printing

    def _on_connect(self) -> None:
        # Runs in the client's thread; joining and catching up must not block its loop.
        threading.Thread(target=self._catch_up, daemon=True).start()

    def _on_disconnect(self, *_reason) -> None:
        if not self._stop.is_set():
            log.warning("kiosk-agent: lost the connection to %s; reconnecting", self.server)

    def _call(self, event: str, data: dict) -> dict:
        """An acknowledged message, or {} when the connection dropped meanwhile."""
        try:
            return self.sio.call(event, data, timeout=10) or {}
        except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError) as exc:
            if not self._stop.is_set():
                log.warning("%s not acknowledged: %r", event, exc)
            return {}

    def _catch_up(self) -> None:
        ack = self._call("join", {"device": self.device["id"]})
        if not ack.get("ok"):
            log.error("could not join the device room: %s", ack)
            return
        with self._lock:
            unreported, self._unreported = self._unreported, []
        for result in unreported:
            self._report(result)
        for job_id in self._call("pending_prints", {}).get("jobs", []):
            self.print_job(job_id)

    def _report(self, result: dict) -> None:
        if not self._call("print_result", result).get("ok"):
            with self._lock:
                self._unreported.append(result)

    def _on_print_job(self, data: dict) -> None:
        if data.get("device") == self.device["id"]:
            threading.Thread(target=self.print_job, args=(data["job"],), daemon=True).start()

    def print_job(self, job_id: int) -> None:
        """Claim, print, report. A job already claimed elsewhere is skipped."""
        with self._printing:
            claimed = self._call("claim_print", {"job": job_id})
            if not claimed.get("ok"):
                return
            data = base64.b64decode(claimed["data"])
            try:
                printer.send_bytes(
                    self.config.printer_url,
                    data,
                    timeout=self.config.print_timeout,
                    policy=self.config.policy,
                )
            except (printer.PrinterError, printer.PrinterUrlError, OSError) as exc:
                log.warning("job %s failed: %s", job_id, exc)
                result = {"job": job_id, "ok": False, "error": str(exc)}
            else:
                self.printed.append(job_id)
                result = {"job": job_id, "ok": True, "bytes_sent": len(data)}
            # Still holding the lock: stop() waits for the report, not only the print.
            self._report(result)

    # -- scanning

    def scan_loop(self) -> None:
        """Read lines from the serial scanner and forward each to the server."""
        import serial

        while not self._stop.is_set():
            try:
                with serial.Serial(self.config.scanner, self.config.baudrate, timeout=0.5) as port:
                    buffer = b""
                    while not self._stop.is_set():
                        buffer += port.read(256)
                        *lines, buffer = buffer.replace(b"\r", b"\n").split(b"\n")
                        for line in lines:
                            if line.strip():
                                self.forward_scan(line)
            except (serial.SerialException, OSError) as exc:
                log.warning("scanner %s: %s; retrying", self.config.scanner, exc)
                self._stop.wait(2)

    def forward_scan(self, raw: bytes) -> None:
        payload = raw.decode("utf-8", errors="replace").strip()
        try:
            self.http.post(
                f"{self.server}/kiosk/{self.device['office']}/scan",
                json={"payload": payload, "forward": True},
                timeout=10,
            )
        except requests.RequestException as exc:
            log.warning("could not forward a scan: %s", exc)

    # -- running

    def start(self) -> None:
        if self.config.scanner:
            self._scanner = threading.Thread(target=self.scan_loop, daemon=True)
            self._scanner.start()
        while not self._stop.is_set():
            try:
                self.sio.connect(
                    self.server,
                    auth={"token": self.config.token},
                    transports=["websocket"],
                    wait_timeout=10,
                )
                return
            except socketio.exceptions.ConnectionError as exc:
                log.warning(
                    "kiosk-agent: no live connection to %s (%s); retrying in 3 s", self.server, exc
                )
                self._stop.wait(3)

    def stop(self) -> None:
        self._stop.set()
        with self._printing:  # let a ticket being printed finish and report
            self.sio.disconnect()
        if self._scanner is not None:
            self._scanner.join(5)
        self.http.close()

    def run_forever(self) -> None:
        try:
            self.start()
            while not self._stop.is_set():
                time.sleep(1)
        except KeyboardInterrupt:
            self.stop()
