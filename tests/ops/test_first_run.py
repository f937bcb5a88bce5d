"""What a first-time installer meets before anything serves: `luot --help`, the Makefile's
port and its apt calls, the README's defaults."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from server import factory, wiring
from server.config import ROOT
from tests.live_server import LUOT
from tests.ops.conftest import installation, luot

pytestmark = pytest.mark.slow  # long: started first (tests/conftest.py)

OUR_COMMANDS = {
    "backup",
    "demo",
    "device",
    "init-db",
    "kiosk-agent",
    "office",
    "printer",
    "province",
    "report",
    "restore",
    "seed-demo",
    "serve",
    "ticket-preview",
    "token",
    "upgrade",
    "user",
}

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="no make")


def test_luot_help_lists_only_its_own_commands():
    shown = subprocess.run([LUOT, "--help"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    options, commands = shown.stdout.split("Commands:")
    listed = {line.split()[0] for line in commands.splitlines() if line.strip()}
    assert listed == OUR_COMMANDS
    for flask_own in ("--env-file", "--app", "--debug"):
        assert flask_own not in options
    gone = subprocess.run([LUOT, "openapi", "print"], capture_output=True, text=True, timeout=60)
    assert gone.returncode == 2 and "No such command 'openapi'" in gone.stderr


def test_commands_on_a_database_never_set_up_say_so_in_one_line(tmp_path):
    env = installation(tmp_path / "instance")
    for args in (
        ["office", "create", "XA-MAU", "--name", "Xã Mẫu", "--field", "HT:Hộ tịch"],
        ["office", "import", "-"],
        ["office", "list"],
        ["user", "add", "lan", "--office", "XA-MAU"],
        ["user", "passwd", "lan", "--generate"],
        ["token", "list"],
        ["device", "add", "Kiosk", "--office", "XA-MAU"],
        ["device", "revoke", "1"],
        ["report", "--office", "XA-MAU", "--from", "2026-11-01", "--to", "2026-11-30"]
        + ["--format", "csv"],
    ):
        refused = luot(env, *args)
        assert refused.returncode == 1, (args, refused.stderr)
        assert refused.stderr.endswith("run `luot init-db` first.\n"), refused.stderr
        assert "Traceback" not in refused.stderr and len(refused.stderr.splitlines()) == 1


def make(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in (env or os.environ).items() if key != "PORT"}
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@needs_make
def test_make_demo_takes_a_port():
    assert ".venv/bin/luot demo --port 5001" in make("-n", "demo", "PORT=5001").stdout
    assert ".venv/bin/luot demo --port 5000" in make("-n", "demo").stdout


FAKE_APT = """#!/bin/sh
echo "$*" >> "{log}"
case "$*" in
  *update*)
    tries=$(cat "{state}" 2>/dev/null || echo 0)
    echo $((tries + 1)) > "{state}"
    if [ "$tries" -lt {busy} ]; then
      echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 1 (apt-get)"
      exit 100
    fi
    [ -z "{broken}" ] || {{ echo "E: The repository is broken"; exit 100; }}
    ;;
esac
exit 0
"""


def fake_apt(tmp_path: Path, busy: int = 0, broken: bool = False) -> tuple[dict, Path]:
    """An `apt-get` on PATH that logs its arguments; `update` finds the lists lock held
    `busy` times first."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    script = bin_dir / "apt-get"
    script.write_text(
        FAKE_APT.format(
            log=log, state=tmp_path / "tries", busy=busy, broken="yes" if broken else ""
        )
    )
    script.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    return env, log


@needs_make
def test_chromium_present_means_no_apt(tmp_path):
    env, log = fake_apt(tmp_path)
    done = make("chromium", "SUDO=", f"LUOT_CHROMIUM={shutil.which('sh')}", env=env)
    assert done.returncode == 0, done.stderr
    assert not log.exists()


@needs_make
def test_chromium_install_waits_while_another_apt_holds_the_lock(tmp_path):
    env, log = fake_apt(tmp_path, busy=2)
    missing = tmp_path / "no-chromium"
    done = make("chromium", "SUDO=", f"LUOT_CHROMIUM={missing}", "APT_LOCK_WAIT=30", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("Another apt is running; waiting for it") == 2
    calls = log.read_text().splitlines()
    lock = "-o DPkg::Lock::Timeout=30"
    assert calls == [f"{lock} update"] * 3 + [f"{lock} install -y chromium"]


@needs_make
def test_chromium_install_stops_on_an_apt_failure_that_is_not_the_lock(tmp_path):
    env, log = fake_apt(tmp_path, broken=True)
    done = make("chromium", "SUDO=", f"LUOT_CHROMIUM={tmp_path / 'none'}", env=env)
    assert done.returncode != 0
    assert "The repository is broken" in done.stderr
    assert "install" not in log.read_text()


def test_readme_states_the_instance_folder_the_code_uses(monkeypatch, tmp_path):
    """The factory's default is the checkout's instance/ (beside server/), not the folder
    the command runs in; the README says so."""

    class Built(Exception):
        pass

    def flask(_name, instance_path, **_options):
        raise Built(instance_path)

    monkeypatch.setattr(wiring, "LuotFlask", flask)
    monkeypatch.delenv("LUOT_INSTANCE_PATH", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(Built) as built:
        factory.create_app()
    checkout = Path(__file__).resolve().parents[2]
    assert built.value.args[0] == str(checkout / "instance")

    readme = (checkout / "README.md").read_text("utf-8")
    (row,) = [line for line in readme.splitlines() if line.startswith("| `LUOT_INSTANCE_PATH`")]
    default = row.split("|")[2]
    assert "`instance/` in the checkout" in default and "./instance" not in default
