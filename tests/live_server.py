"""Real server processes for tests that need the network: Socket.IO clients, browsers,
several processes on one database."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import ClassVar

import requests

from tests import server_zygote as zygote
from tests.fake_printer import LOOPBACK_ENV

LUOT = str(Path(sys.executable).with_name("luot"))


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM if the test process dies (killed, timed out), so a
    crashed run never leaves servers behind."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def outside_address() -> str | None:
    """A non-loopback IPv4 address of this machine (the route out; nothing is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """`luot serve` as a child process; `start()` returns once /healthz answers.

    `running` holds every server started and not yet stopped, so that the suite can stop
    what a test left behind (tests/conftest.py)."""

    running: ClassVar[set[LiveServer]] = set()

    def __init__(
        self,
        database_url: str,
        instance: Path,
        port: int,
        *,
        netns: str | None = None,
        address: str = "127.0.0.1",
        listen: str | None = None,
        **env: str,
    ) -> None:
        """With `netns`, the server runs in that network namespace on all its addresses,
        and the test reaches it at `address` (tests/province/hosts.py); `listen` is the
        address it listens on otherwise (127.0.0.1)."""
        self.port = port
        self.netns = netns
        self.listen = listen or ("0.0.0.0" if netns else "127.0.0.1")
        self.url = f"http://{address}:{port}"
        self.instance = instance
        self.env = {
            **os.environ,
            "LUOT_INSTANCE_PATH": str(instance),
            "DATABASE_URL": database_url,
            "LUOT_SECRET_KEY": "test",
            "REDIS_URL": "",
            "LUOT_RATELIMIT_ENABLED": "false",
            # The fake printers listen on loopback, on random ports: allowed on purpose.
            **LOOPBACK_ENV,
            **env,
        }
        self.process: subprocess.Popen | zygote.Forked | None = None
        self.log = instance / "server.log"

    def start(self, timeout: float = 30.0) -> None:
        self.instance.mkdir(parents=True, exist_ok=True)
        command = [LUOT, "serve", "--host", self.listen, "--port", str(self.port), "--quiet"]
        if zygote.ENABLED and not self.netns:
            self.process = zygote.serve(command, self.env, self.log)
        else:
            with open(self.log, "ab") as log:
                inside = ["ip", "netns", "exec", self.netns] if self.netns else []
                self.process = subprocess.Popen(
                    [*inside, *command],
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    preexec_fn=_die_with_parent if sys.platform == "linux" else None,
                )
        LiveServer.running.add(self)
        try:
            self._wait_until_healthy(timeout)
        except BaseException:
            # A server that never became healthy must not outlive the test: left running,
            # it stays registered as serving the database and later servers refuse to start.
            self.stop()
            raise

    def _wait_until_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log.read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or slow to answer on a loaded machine
            time.sleep(0.05)
        raise RuntimeError(f"server did not answer in {timeout}s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        LiveServer.running.discard(self)
