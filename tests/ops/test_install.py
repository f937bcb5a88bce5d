"""deploy/install.sh in a scratch root (`--root DIR`: no apt, no systemctl): what it
writes for a centre and a kiosk, with the modes and owners it promises, units that
`systemd-analyze verify` accepts and whose commands exist, a second run that changes
nothing, and an uninstall that keeps the data unless told to purge."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from server.config import ROOT

# Long (the centre's install makes a virtualenv): started first, and given the time.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
INSTALL = ROOT / "deploy" / "install.sh"
SYSTEMD_UNITS = Path("/usr/lib/systemd/system")


def install(root: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(INSTALL), *args, "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def owner(root: Path, path: Path) -> tuple[str, str, int]:
    """(user, group, mode) of a file in the scratch root, named as its own /etc says."""
    info = (root / path.relative_to("/")).lstat()

    def name(table: str, number: int) -> str:
        for line in (root / "etc" / table).read_text().splitlines():
            parts = line.split(":")
            if int(parts[2]) == number:
                return parts[0]
        return str(number)

    return name("passwd", info.st_uid), name("group", info.st_gid), stat.S_IMODE(info.st_mode)


def verify(root: Path, unit: str) -> None:
    """systemd's own check, inside the root (its stock units copied in for the targets)."""
    stock = root / "usr/lib/systemd/system"
    if not stock.exists():
        shutil.copytree(SYSTEMD_UNITS, stock, symlinks=True)
    done = subprocess.run(
        ["systemd-analyze", "verify", f"--root={root}", unit], capture_output=True, text=True
    )
    assert done.returncode == 0 and not done.stderr.strip(), (unit, done.stderr)


def commands(root: Path, unit_file: Path) -> list[str]:
    return [
        line.split("=", 1)[1].lstrip("-+!@:").split()[0]
        for line in unit_file.read_text().splitlines()
        if re.match(r"Exec(Start|StartPre|Stop)=", line)
    ]


@pytest.fixture(scope="module")
def centre(tmp_path_factory) -> tuple[Path, str]:
    if os.geteuid() != 0 or not shutil.which("systemd-analyze") or not shutil.which("npm"):
        pytest.skip("needs root, systemd-analyze and npm (as CI has)")
    root = tmp_path_factory.mktemp("box")
    done = install(root, "centre", "--host", "10.0.0.5", "--processes", "2")
    return root, done.stdout


def test_a_centre_gets_its_user_folders_settings_and_certificate(centre):
    root, said = centre
    assert owner(root, Path("/var/lib/luot")) == ("luot", "luot", 0o700)
    assert owner(root, Path("/var/backups/luot")) == ("luot", "luot", 0o700)
    assert owner(root, Path("/etc/luot")) == ("root", "luot", 0o750)
    assert owner(root, Path("/etc/luot/luot.env")) == ("root", "luot", 0o640)
    assert owner(root, Path("/etc/luot/tls/luot.key")) == ("root", "root", 0o600)
    assert owner(root, Path("/usr/local/bin/luot"))[2] == 0o755
    settings = (root / "etc/luot/luot.env").read_text()
    assert "LUOT_INSTANCE_PATH=/var/lib/luot" in settings
    assert "LUOT_PUBLIC_BASE_URL=https://10.0.0.5" in settings
    assert "REDIS_URL=redis://127.0.0.1:6379/0" in settings  # two processes share events
    certificate = subprocess.run(
        ["openssl", "x509", "-in", str(root / "etc/luot/tls/luot.crt"), "-noout", "-text"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "IP Address:10.0.0.5" in certificate
    assert "https://10.0.0.5/login" in said
    assert "apt-get install -y -q --no-install-recommends" in said and "redis-server" in said


def test_the_units_pass_systemd_and_every_command_exists(centre):
    root, _said = centre
    units = root / "etc/systemd/system"
    wanted = sorted(p.name for p in (units / "luot.target.wants").iterdir())
    assert wanted == ["luot@5001.service", "luot@5002.service"]
    for unit in ("luot@5001.service", "luot@5002.service", "luot-migrate.service"):
        verify(root, unit)
    for unit in ("luot.target", "luot-backup.service", "luot-backup.timer"):
        verify(root, unit)
    for unit_file in units.glob("luot*.service"):
        for command in commands(root, unit_file):
            assert os.access(root / command.lstrip("/"), os.X_OK), (unit_file.name, command)
    server = (units / "luot@.service").read_text()
    assert "--host 127.0.0.1 --port %i" in server  # behind nginx only
    assert "Requires=luot-migrate.service" in server and "RestartPreventExitStatus=1" in server
    assert "EnvironmentFile=/etc/luot/luot.env" in server
    # The wrapper runs the installed code with the servers' settings.
    wrapper = (root / "usr/local/bin/luot").read_text()
    assert ". /etc/luot/luot.env" in wrapper and "runuser -u luot" in wrapper
    luot = root / "opt/luot/.venv/bin/luot"
    shown = subprocess.run([str(luot), "--help"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "upgrade" in shown.stdout


def test_nginx_gets_one_upstream_per_process_and_drops_forwarding_headers(centre):
    root, _said = centre
    site = (root / "etc/nginx/sites-available/luot").read_text()
    assert site.count("server 127.0.0.1:5001") == 2 and "127.0.0.1:5002" in site
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in site
    assert "proxy_set_header Host $http_host;" in site
    assert 'proxy_set_header X-Forwarded-Host "";' in site
    assert "ssl_certificate /etc/luot/tls/luot.crt;" in site
    assert os.readlink(root / "etc/nginx/sites-enabled/luot") == "/etc/nginx/sites-available/luot"


def test_a_second_run_changes_nothing(centre):
    root, _said = centre
    again = install(root, "centre", "--host", "10.0.0.5", "--processes", "2")
    changed = [
        line
        for line in again.stdout.splitlines()
        if line.startswith(("wrote", "updated", "made", "copied", "linked", "removed"))
    ]
    assert changed == [], changed
    assert "kept /etc/luot/luot.env" in again.stdout


def test_a_kiosk_boots_into_chromium_and_runs_its_agent(centre, tmp_path):
    root, _said = centre
    url = "https://10.0.0.5/kiosk/XA-MAU?key=dev_abc123"
    ca = root / "etc/luot/tls/luot.crt"
    install(
        root,
        "kiosk",
        "--url",
        url,
        "--printer",
        "usb://04B8:0202",
        "--scanner",
        "/dev/ttyACM0",
        "--ca",
        str(ca),
    )
    units = root / "etc/systemd/system"
    for unit in ("luot-kiosk.service", "luot-kiosk-agent.service"):
        verify(root, unit)
    assert owner(root, Path("/var/lib/luot-kiosk")) == ("luot-kiosk", "luot-kiosk", 0o700)
    groups = (root / "etc/group").read_text()
    for group in ("video", "audio", "lp", "dialout"):
        assert re.search(rf"^{group}:.*luot-kiosk", groups, re.M), group
    agent = (root / "etc/luot/kiosk-agent.env").read_text()
    assert "LUOT_DEVICE_TOKEN=dev_abc123" in agent and "LUOT_SERVER=https://10.0.0.5" in agent
    assert owner(root, Path("/etc/luot/kiosk-agent.env")) == ("root", "luot-kiosk", 0o640)
    session = (root / "usr/local/lib/luot/kiosk-session").read_text()
    assert "/usr/bin/cage" in session and "--kiosk" in session
    screen = (root / "etc/luot/kiosk.env").read_text()
    assert "--ignore-certificate-errors-spki-list=" in screen and url in screen
    rule = (root / "etc/udev/rules.d/60-luot-printer.rules").read_text()
    assert 'ATTR{idVendor}=="04b8", ATTR{idProduct}=="0202"' in rule
    assert "Restart=always" in (units / "luot-kiosk.service").read_text()


def test_uninstall_keeps_the_data_unless_purged(centre, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(centre[0], root, symlinks=True)
    install(root, "uninstall")
    assert not (root / "etc/systemd/system/luot@.service").exists()
    assert not (root / "etc/nginx/sites-enabled/luot").exists()
    assert (root / "var/lib/luot").is_dir() and (root / "etc/luot/luot.env").exists()
    install(root, "uninstall", "--purge")
    assert not (root / "var/lib/luot").exists() and not (root / "etc/luot").exists()


def test_a_province_gets_postgresql_redis_and_units_after_them(tmp_path):
    """What differs for a province, without building its code again."""
    if os.geteuid() != 0:
        pytest.skip("useradd --root needs root (as CI has)")
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("luot_install", ROOT / "deploy/install.py")
    install_py = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = install_py
    spec.loader.exec_module(install_py)
    box = install_py.Box(tmp_path, scratch=True)
    install_py.system_user(box, "luot", Path("/var/lib/luot"))
    box.directory(Path("/etc/luot"), 0o750, "root", "luot")
    install_py.settings(box, "province", "hcc.tinh.example.vn", 2, 443)
    install_py.units(box, "province", 2)
    install_py.packages(box, "province", 2)
    install_py.database(box)
    settings = (tmp_path / "etc/luot/luot.env").read_text()
    assert "DATABASE_URL=postgresql:///luot?host=/var/run/postgresql" in settings
    assert "REDIS_URL=redis://127.0.0.1:6379/0" in settings
    assert "LUOT_PUBLIC_BASE_URL=https://hcc.tinh.example.vn" in settings
    server = (tmp_path / "etc/systemd/system/luot@.service").read_text()
    assert "After=luot-migrate.service network-online.target postgresql.service" in server
    skipped = " | ".join(box.skipped)
    assert "postgresql" in skipped and "redis-server" in skipped
    assert "createdb --owner luot luot" in skipped
