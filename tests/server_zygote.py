"""`luot serve` for the tests, forked from a process that has already loaded what a server
loads: about 1.1 s of CPU saved on each of the several hundred servers a `make test` starts.

The zygote patches with gevent first and then imports the third-party modules, as
`server/entry.py` does; our own modules load in each forked child, after its environment is
set, because they read settings when they load (and prometheus_client picks where it keeps
values from PROMETHEUS_MULTIPROC_DIR on import, so it is not loaded ahead either).

One zygote per test process, on a Unix socket. A request is one JSON line (argv, env, log);
the zygote answers with the child's pid, and later, on the same connection, with its exit
code. `Forked` gives tests what they use of `subprocess.Popen`. LUOT_TEST_FORK_SERVERS=0
starts every server with a plain `Popen` instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import ClassVar

ENABLED = os.environ.get("LUOT_TEST_FORK_SERVERS", "1") != "0"

# What `luot serve` imports from others, in the order the entry point meets them.
PRELOAD = (
    "gevent.pywsgi",
    "flask",
    "werkzeug",
    "jinja2",
    "click",
    "flask_socketio",
    "socketio",
    "engineio",
    "sqlalchemy",
    "sqlalchemy.orm",
    "alembic.config",
    "alembic.script",
    "alembic.runtime.migration",
    "alembic.runtime.environment",
    "alembic.operations",
    "flask_smorest",
    "marshmallow",
    "apispec",
    "flask_login",
    "flask_wtf",
    "flask_limiter",
    "redis",
    "requests",
    "PIL.Image",
    "qrcode",
    "argon2",
    "altcha",
)


def _die_with_parent() -> None:
    """Linux: SIGTERM when the parent dies, so no zygote or server outlives its tests."""
    import ctypes

    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _send(conn: socket.socket, message: dict) -> None:
    with contextlib.suppress(OSError):
        conn.sendall(json.dumps(message).encode() + b"\n")


def _read_line(conn: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _child(request: dict, keep_closed: list[socket.socket]) -> None:
    """In the forked child: become the requested `luot serve`, and never return."""
    code = 1
    try:
        for sock in keep_closed:
            sock.close()
        _die_with_parent()
        import gevent

        gevent.reinit()
        os.environ.clear()
        os.environ.update(request["env"])
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        sys.argv = request["argv"]
        from server.entry import main

        main()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:  # noqa: BLE001 - said in the server's log, then exit 1
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def zygote(path: str) -> None:
    """The zygote's loop: fork a server per request, tell each requester its exit."""
    _die_with_parent()
    from gevent import monkey

    monkey.patch_all()
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    # The loop itself runs on the unpatched calls: it never starts gevent's hub, so each
    # child begins with a clean one (gevent.reinit) and nothing of the zygote runs in it.
    fork = monkey.get_original("os", "fork")
    waitpid = monkey.get_original("os", "waitpid")
    wait_readable = monkey.get_original("select", "select")
    plain_socket = monkey.get_original("socket", "socket")
    listener = plain_socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    children: dict[int, socket.socket] = {}
    while True:
        ready, _, _ = wait_readable([listener], [], [], 0.05)
        if ready:
            conn, _ = listener.accept()
            request = json.loads(_read_line(conn))
            sys.stdout.flush()
            sys.stderr.flush()
            pid = fork()
            if pid == 0:
                _child(request, [listener, conn, *children.values()])
            children[pid] = conn
            _send(conn, {"pid": pid})
        while children:
            pid, status = waitpid(-1, os.WNOHANG)
            if not pid:
                break
            conn = children.pop(pid, None)
            if conn is not None:
                _send(conn, {"exit": os.waitstatus_to_exitcode(status)})
                conn.close()


class Forked:
    """What tests use of `subprocess.Popen`, for a server the zygote forked."""

    def __init__(self, args: list[str], conn: socket.socket, pid: int) -> None:
        self.args = args
        self.pid = pid
        self.returncode: int | None = None
        self._conn = conn

    def _collect(self, timeout: float | None) -> bool:
        if self.returncode is not None:
            return True
        ready, _, _ = select.select([self._conn], [], [], timeout)
        if not ready:
            return False
        line = _read_line(self._conn)
        self._conn.close()
        # No answer means the zygote itself is gone, and the server with it (PDEATHSIG).
        self.returncode = json.loads(line)["exit"] if line else -signal.SIGTERM
        return True

    def poll(self) -> int | None:
        self._collect(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if not self._collect(timeout):
            raise subprocess.TimeoutExpired(self.args, timeout)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Zygote:
    """The test process's zygote, started on first use."""

    current: ClassVar[Zygote | None] = None

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="luot-zygote-")
        self.path = os.path.join(self.folder, "socket")
        self.log = Path(self.folder) / "zygote.log"
        root = Path(__file__).resolve().parents[1]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.server_zygote", self.path],
                cwd=root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        deadline = time.monotonic() + 60
        while not os.path.exists(self.path):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server zygote did not start:\n{self.log.read_text()}")
            time.sleep(0.02)

    @classmethod
    def get(cls) -> Zygote:
        if cls.current is None or cls.current.process.poll() is not None:
            cls.current = cls()
        return cls.current

    def spawn(self, argv: list[str], env: dict[str, str], log: Path) -> Forked:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        for _ in range(100):
            try:
                conn.connect(self.path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                time.sleep(0.02)  # bound but not yet listening
        _send(conn, {"argv": argv, "env": env, "log": str(log)})
        answer = _read_line(conn)
        if not answer:
            raise RuntimeError(f"the server zygote did not fork:\n{self.log.read_text()}")
        return Forked(argv, conn, json.loads(answer)["pid"])


if __name__ == "__main__":
    zygote(sys.argv[1])
