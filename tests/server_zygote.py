"""`luot` for the tests, forked from a process that has already loaded what `luot` loads:
about 1.1 s of CPU saved on each of the several hundred servers and commands a `make test`
starts.

Two zygotes per test process, each on a Unix socket: one for `luot serve`, patched with
gevent first as `server/entry.py` does, and one for the other commands, unpatched. Each
imports the third-party modules and our own (`server`, `printer`; about 0.5 s of CPU a
child no longer spends). What of that reads the environment when it loads is put right in
each child once its environment is set: prometheus_client picks how it keeps values from
PROMETHEUS_MULTIPROC_DIR on import (`_values_as_the_environment_says`), and
`server/accounts.py` picks its password hasher from LUOT_FAST_PASSWORD_HASH, so a zygote
serves only requests with the value it was started with (`Zygote.get`).

A request is one JSON line (argv, env, working folder, umask, files for the standard
streams); the zygote answers with the child's pid, and later, on the same connection, with
its exit code. `Forked` gives tests what they use of `subprocess.Popen`, `run` what they use
of `subprocess.run`. LUOT_TEST_FORK_SERVERS=0 starts plain processes instead.
"""

from __future__ import annotations

import contextlib
import io
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
SERVE, COMMAND = "serve", "command"

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
# Our own packages, every module (the migrations' scripts are Alembic's to load).
OURS = ("server", "printer")
SKIPPED = (".migrations",)
# The setting `server/accounts.py` reads when it loads.
AT_IMPORT = "LUOT_FAST_PASSWORD_HASH"


def _die_with_parent() -> None:
    """Linux: SIGTERM when the parent dies, so no zygote or server outlives its tests."""
    import ctypes

    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _send(conn: socket.socket, message: dict) -> None:
    with contextlib.suppress(OSError):
        conn.sendall(json.dumps(message).encode() + b"\n")


def _read_line(conn: socket.socket, data: bytes = b"") -> tuple[bytes, bytes]:
    """The next line, and what came after it in the same reads (a child that exits at once
    has its exit code sent right behind its pid)."""
    while b"\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data, b""
        data += chunk
    line, _, rest = data.partition(b"\n")
    return line + b"\n", rest


def _child(request: dict, keep_closed: list[socket.socket]) -> None:
    """In the forked child: become the requested `luot` command, and never return."""
    code = 1
    try:
        for sock in keep_closed:
            sock.close()
        _die_with_parent()
        if "gevent" in sys.modules:
            import gevent

            gevent.reinit()
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        os.umask(request["umask"])
        for fd, (path, flags) in enumerate(
            (
                (request["stdin"], os.O_RDONLY),
                (request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_APPEND),
                (request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_APPEND),
            )
        ):
            opened = os.open(path, flags, 0o600)
            os.dup2(opened, fd)
            os.close(opened)
        sys.argv = request["argv"]
        _values_as_the_environment_says()
        from server import entry

        metrics_folder = entry._metrics_folder

        def folder_then_values() -> None:
            metrics_folder()
            _values_as_the_environment_says()

        entry._metrics_folder = folder_then_values
        entry.main()
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


def _values_as_the_environment_says() -> None:
    """prometheus_client chose its value class when the zygote loaded it; choose again with
    this child's PROMETHEUS_MULTIPROC_DIR (instruments look the class up when made)."""
    from prometheus_client import values

    values.ValueClass = values.get_value_class()


def _preload_ours() -> None:
    import importlib
    import pkgutil

    for package in OURS:
        module = importlib.import_module(package)
        for found in pkgutil.walk_packages(module.__path__, package + "."):
            if not any(part in found.name for part in SKIPPED):
                importlib.import_module(found.name)
    # The mappers' relationships, which SQLAlchemy would work out at each child's first query.
    from sqlalchemy.orm import configure_mappers

    configure_mappers()


def zygote(path: str, kind: str) -> None:
    """The zygote's loop: fork a child per request, tell each requester its exit."""
    _die_with_parent()
    import importlib

    fork, waitpid, wait_readable, plain_socket = os.fork, os.waitpid, select.select, socket.socket
    if kind == SERVE:
        from gevent import monkey

        monkey.patch_all()
        # The loop itself runs on the unpatched calls: it never starts gevent's hub, so
        # each child begins with a clean one (gevent.reinit) and nothing of the zygote's.
        fork = monkey.get_original("os", "fork")
        waitpid = monkey.get_original("os", "waitpid")
        wait_readable = monkey.get_original("select", "select")
        plain_socket = monkey.get_original("socket", "socket")
    for name in PRELOAD:
        importlib.import_module(name)
    _preload_ours()
    listener = plain_socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    children: dict[int, socket.socket] = {}
    while True:
        ready, _, _ = wait_readable([listener], [], [], 0.05)
        if ready:
            conn, _ = listener.accept()
            request = json.loads(_read_line(conn)[0])
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

    def __init__(self, args: list[str], conn: socket.socket, pid: int, early: bytes = b"") -> None:
        self.args = args
        self.pid = pid
        self.returncode: int | None = None
        self._conn = conn
        self._early = early  # the exit line, when it came with the pid

    def _collect(self, timeout: float | None) -> bool:
        if self.returncode is not None:
            return True
        if not self._early:
            ready, _, _ = select.select([self._conn], [], [], timeout)
            if not ready:
                return False
        line, _ = _read_line(self._conn, self._early)
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
    """One of the test process's zygotes (`SERVE` or `COMMAND`), started on first use."""

    current: ClassVar[dict[tuple[str, str | None], Zygote]] = {}

    def __init__(self, kind: str, at_import: str | None) -> None:
        self.folder = tempfile.mkdtemp(prefix="luot-zygote-")
        self.path = os.path.join(self.folder, "socket")
        self.log = Path(self.folder) / "zygote.log"
        root = Path(__file__).resolve().parents[1]
        env = {k: v for k, v in os.environ.items() if k != AT_IMPORT}
        if at_import is not None:
            env[AT_IMPORT] = at_import
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.server_zygote", self.path, kind],
                cwd=root,
                env=env,
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
    def get(cls, kind: str, env: dict[str, str]) -> Zygote:
        """The zygote of `kind` loaded with `env`'s value of what our modules read on load."""
        key = (kind, env.get(AT_IMPORT))
        running = cls.current.get(key)
        if running is None or running.process.poll() is not None:
            running = cls.current[key] = cls(*key)
        return running

    def spawn(
        self,
        argv: list[str],
        env: dict[str, str],
        *,
        stdout: Path,
        stderr: Path,
        stdin: str = os.devnull,
        cwd: str | None = None,
    ) -> Forked:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        for _ in range(100):
            try:
                conn.connect(self.path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                time.sleep(0.02)  # bound but not yet listening
        umask = os.umask(0o077)
        os.umask(umask)
        request = {
            "argv": argv,
            "env": env,
            "cwd": cwd or os.getcwd(),
            "umask": umask,
            "stdin": stdin,
            "stdout": str(stdout),
            "stderr": str(stderr),
        }
        _send(conn, request)
        answer, early = _read_line(conn)
        if not answer:
            raise RuntimeError(f"the zygote did not fork:\n{self.log.read_text()}")
        return Forked(argv, conn, json.loads(answer)["pid"], early)


def serve(argv: list[str], env: dict[str, str], log: Path) -> Forked:
    """`luot serve …` forked, its output appended to `log`."""
    return Zygote.get(SERVE, env).spawn(argv, env, stdout=log, stderr=log)


def run(
    argv: list[str],
    *,
    env: dict[str, str] | None = None,
    input: str | None = None,  # noqa: A002 - subprocess.run's name
    timeout: float | None = None,
    cwd: str | None = None,
) -> subprocess.CompletedProcess:
    """`subprocess.run(argv, capture_output=True, text=True, …)` for a `luot` command other
    than `serve` and `demo` (those patch with gevent first): forked when enabled."""
    env = dict(os.environ if env is None else env)
    if not ENABLED or argv[1:2] in (["serve"], ["demo"]):
        return subprocess.run(
            argv,
            env=env,
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=cwd,
        )
    with tempfile.TemporaryDirectory(prefix="luot-run-") as folder:
        streams = Path(folder)
        stdin = os.devnull
        if input is not None:
            stdin = str(streams / "stdin")
            Path(stdin).write_text(input, "utf-8")
        child = Zygote.get(COMMAND, env).spawn(
            ["luot", *argv[1:]],
            env,
            stdin=stdin,
            stdout=streams / "stdout",
            stderr=streams / "stderr",
            cwd=cwd,
        )
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            raise
        out, err = (_text(streams / name) for name in ("stdout", "stderr"))
    return subprocess.CompletedProcess(argv, child.returncode, out, err)


def _text(path: Path) -> str:
    """A stream as `text=True` reads it (UTF-8 here, universal newlines)."""
    if not path.exists():
        return ""
    return io.TextIOWrapper(io.BytesIO(path.read_bytes()), encoding="utf-8").read()


if __name__ == "__main__":
    zygote(sys.argv[1], sys.argv[2])
