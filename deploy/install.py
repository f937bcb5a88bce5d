#!/usr/bin/env python3
"""Put a Debian box into service as a Lượt centre, province, kiosk or screen; or take it out.

    sudo deploy/install.sh centre   [--host 192.168.1.10] [--processes N] [--cert F --key F]
                                    [--office CODE --office-name NAME --field HT:Hộ tịch …]
    sudo deploy/install.sh province [--host hcc.tinh.gov.vn] [--processes N] [--cert F --key F]
    sudo deploy/install.sh kiosk    --url 'https://192.168.1.10/kiosk/XA-MAU?key=…'
                                    [--printer usb://04b8:0202] [--scanner /dev/ttyACM0] [--ca F]
    sudo deploy/install.sh screen   --url 'https://192.168.1.10/display/XA-MAU?key=…' [--ca F]
    sudo deploy/install.sh uninstall [--purge]

One script, standard library only, because it runs before Lượt's own environment exists:
Debian packages, the system user, the code in /opt/luot with its virtualenv, data in
/var/lib/luot (0700), settings in /etc/luot/luot.env, systemd units (one server process per
core on 127.0.0.1, a migration step before them, the backup timer), journald limits, nginx
with TLS, and for kiosks and screens Chromium in kiosk mode from boot. Run it again at any
time: it finishes a failed install, changes only what differs, and from a newer checkout
upgrades (stops the servers, `luot upgrade`, starts them). `--root DIR` writes everything
under DIR and runs neither apt, systemctl nor the services: what CI checks.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import ipaddress
import os
import shlex
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from urllib.parse import parse_qs, urlsplit

SOURCE = Path(__file__).resolve().parent.parent
TEMPLATES = SOURCE / "deploy" / "templates"

CODE = Path("/opt/luot")
DATA = Path("/var/lib/luot")
ETC = Path("/etc/luot")
ENV_FILE = ETC / "luot.env"
TLS = ETC / "tls"
BACKUPS = Path("/var/backups/luot")
UNITS = Path("/etc/systemd/system")
NGINX_SITE = Path("/etc/nginx/sites-available/luot")
NGINX_ENABLED = Path("/etc/nginx/sites-enabled/luot")
NGINX_DEFAULT = Path("/etc/nginx/sites-enabled/default")
JOURNALD = Path("/etc/systemd/journald.conf.d/luot.conf")
WRAPPER = Path("/usr/local/bin/luot")
KIOSK_HOME = Path("/var/lib/luot-kiosk")
KIOSK_ENV = ETC / "kiosk.env"
AGENT_ENV = ETC / "kiosk-agent.env"
KIOSK_LAUNCHER = Path("/usr/local/lib/luot/kiosk-session")
UDEV_RULE = Path("/etc/udev/rules.d/60-luot-printer.rules")
FIRST_PORT = 5001
# What nginx tells the processes: Host with its port, the scheme, the client's own address
# (never what the client says it is), and no other forwarding header a client sent.
PROXY_HEADERS = (
    ("Host", "$http_host"),
    ("X-Forwarded-For", "$remote_addr"),
    ("X-Forwarded-Proto", "$scheme"),
    ("X-Real-IP", "$remote_addr"),
    ("X-Forwarded-Host", '""'),
    ("X-Forwarded-Port", '""'),
    ("X-Forwarded-Prefix", '""'),
    ("Forwarded", '""'),
)
# What a checkout holds that is not code (a release archive has no git to ask).
NOT_CODE = {".git", ".venv", "node_modules", "instance", ".pytest_cache", "tests"}
USER = "luot"
KIOSK_USER = "luot-kiosk"

PACKAGES = {
    "centre": ["python3-venv", "npm", "nginx-light", "openssl", "sqlite3", "git"],
    "province": [
        "python3-venv",
        "npm",
        "nginx-light",
        "openssl",
        "git",
        "postgresql",
        "postgresql-client",
        "redis-server",
    ],
    "kiosk": ["python3-venv", "chromium", "cage", "fonts-noto-core", "git"],
    "screen": ["chromium", "cage", "fonts-noto-core"],
}
SERVER_UNITS = ("luot-migrate.service", "luot.target", "luot-backup.service", "luot-backup.timer")
DEVICE_UNITS = ("luot-kiosk.service", "luot-kiosk-agent.service")


class InstallError(Exception):
    """The install cannot go on; the message says why and what to do."""


@dataclass
class Box:
    """Where things go (under `root` for a scratch install) and what was done."""

    root: Path
    scratch: bool
    log: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def path(self, target: Path) -> Path:
        return self.root / target.relative_to("/")

    def say(self, line: str) -> None:
        self.log.append(line)
        print(line, flush=True)

    # -- files

    def directory(self, target: Path, mode: int, owner: str = "root", group: str = "") -> None:
        where = self.path(target)
        made = not where.is_dir()
        where.mkdir(parents=True, exist_ok=True)
        self._own(where, mode, owner, group or owner)
        if made:
            self.say(f"made {target}/ ({mode:04o} {owner})")

    def write(
        self, target: Path, text: str, mode: int = 0o644, owner: str = "root", group: str = ""
    ) -> bool:
        """Write `text` when it differs; True when the file changed."""
        where = self.path(target)
        where.parent.mkdir(parents=True, exist_ok=True)
        old = where.read_text(encoding="utf-8") if where.is_file() else None
        if old != text:
            temp = where.with_name(f".{where.name}.new")
            temp.write_text(text, encoding="utf-8")
            self._own(temp, mode, owner, group or owner)
            os.replace(temp, where)
            self.say(f"{'wrote' if old is None else 'updated'} {target}")
        else:
            self._own(where, mode, owner, group or owner)
        return old != text

    def link(self, target: Path, points_to: Path) -> None:
        where = self.path(target)
        if where.is_symlink() and Path(os.readlink(where)) == points_to:
            return
        where.parent.mkdir(parents=True, exist_ok=True)
        where.unlink(missing_ok=True)
        where.symlink_to(points_to)
        self.say(f"linked {target} → {points_to}")

    def remove(self, target: Path) -> None:
        where = self.path(target)
        if where.is_symlink() or where.is_file():
            where.unlink()
            self.say(f"removed {target}")
        elif where.is_dir():
            shutil.rmtree(where)
            self.say(f"removed {target}/")

    def _own(self, where: Path, mode: int, owner: str, group: str) -> None:
        os.chmod(where, mode)
        if os.geteuid() == 0:
            os.chown(where, self.uid(owner), self.gid(group))

    def uid(self, name: str) -> int:
        return 0 if name == "root" else int(self._entry("passwd", name)[2])

    def gid(self, name: str) -> int:
        return 0 if name == "root" else int(self._entry("group", name)[2])

    def _entry(self, table: str, name: str) -> list[str]:
        accounts = self.path(Path("/etc") / table)
        lines = accounts.read_text().splitlines() if accounts.exists() else []
        for line in lines:
            parts = line.split(":")
            if parts[0] == name:
                return parts
        raise InstallError(f"no {table} entry for {name} under {self.root}")

    # -- commands

    def run(self, *argv: str | Path, always: bool = False, **kwargs) -> str:
        """Run a command; in a scratch install only those marked `always` run (the code,
        its virtualenv, the certificate), the rest are listed as what would run."""
        words = [str(word) for word in argv]
        if self.scratch and not always:
            self.skipped.append(shlex.join(words))
            return ""
        try:
            done = subprocess.run(words, check=True, capture_output=True, text=True, **kwargs)
        except FileNotFoundError as exc:
            raise InstallError(f"{words[0]} is not installed ({exc.strerror}).") from exc
        except subprocess.CalledProcessError as exc:
            output = (exc.stderr or exc.stdout or "").strip().splitlines()
            raise InstallError(
                f"`{shlex.join(words)}` failed (exit {exc.returncode}): "
                f"{output[-1] if output else 'no output'}"
            ) from exc
        return done.stdout


def render(name: str, **values: object) -> str:
    return Template((TEMPLATES / name).read_text(encoding="utf-8")).substitute(
        {key: str(value) for key, value in values.items()}
    )


# -- the parts of an install


def packages(box: Box, role: str, processes: int) -> None:
    wanted = list(PACKAGES[role])
    if role == "centre" and processes > 1:
        wanted.append("redis-server")  # several processes share their events through it
    box.run("apt-get", "update", "-q")
    box.run(
        "apt-get",
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
        *wanted,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def system_user(box: Box, name: str, home: Path, groups: tuple[str, ...] = ()) -> None:
    if box.scratch:
        _scratch_accounts(box)
    try:
        box.uid(name)
        return
    except InstallError:
        pass
    root = ["--root", str(box.root)] if box.scratch else []
    for group in groups:
        try:
            box.gid(group)
        except InstallError:
            box.run("groupadd", *root, "--system", group, always=True)
    box.run(
        "useradd",
        *root,
        "--system",
        "--user-group",
        "--home-dir",
        home,
        "--shell",
        "/usr/sbin/nologin",
        *(["--groups", ",".join(groups)] if groups else []),
        name,
        always=True,
    )
    box.say(f"made the system user {name}")


def _scratch_accounts(box: Box) -> None:
    """A scratch root gets the account files useradd --root needs."""
    etc = box.path(Path("/etc"))
    etc.mkdir(parents=True, exist_ok=True)
    seeds = {
        "passwd": "root:x:0:0:root:/root:/bin/sh\n",
        "group": "root:x:0:\nlp:x:7:\ndialout:x:20:\naudio:x:29:\nvideo:x:44:\n",
        "shadow": "root:*:19000:0:99999:7:::\n",
        "gshadow": "root:*::\nlp:*::\ndialout:*::\naudio:*::\nvideo:*::\n",
    }
    for name, text in seeds.items():
        if not (etc / name).exists():
            (etc / name).write_text(text)
            os.chmod(etc / name, 0o640 if "shadow" in name else 0o644)


def code(box: Box, *, with_browser_files: bool = True) -> None:
    """The code in /opt/luot: this checkout's tracked files, then its virtualenv from the
    lock file and, for a server, the browser libraries (npm ci, copied into static/)."""
    target = box.path(CODE)
    if target.resolve() != SOURCE:
        tracked = subprocess.run(
            ["git", "-C", str(SOURCE), "ls-files", "-z", "--cached", "--others"]
            + ["--exclude-standard"],
            capture_output=True,
            check=False,
        )
        names = (
            tracked.stdout.decode().split("\0")
            if tracked.returncode == 0
            else [
                str(p.relative_to(SOURCE))
                for p in SOURCE.rglob("*")
                if p.is_file() and p.relative_to(SOURCE).parts[0] not in NOT_CODE
            ]
        )
        copied = 0
        for name in filter(None, names):
            source, copy = SOURCE / name, target / name
            if not source.is_file():
                continue
            if copy.is_file() and copy.read_bytes() == source.read_bytes():
                continue
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
            copied += 1
        if copied:
            box.say(f"copied {copied} files of the code into {CODE}")
    venv = target / ".venv"
    if not (venv / "bin" / "python").exists():
        box.run(sys.executable, "-m", "venv", venv, always=True)
    box.run(
        venv / "bin" / "pip", "install", "-q", "-r", target / "requirements/lock.txt", always=True
    )
    box.run(venv / "bin" / "pip", "install", "-q", "--no-deps", "-e", target, always=True)
    if with_browser_files:
        box.run("npm", "ci", "--no-audit", "--no-fund", always=True, cwd=target)
        box.run(venv / "bin" / "python", target / "deploy/copy_vendor.py", always=True)
    for path in [target, *target.rglob("*")]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode & 0o7777
        if mode & 0o044 != 0o044 or (path.is_dir() and mode & 0o011 != 0o011):
            os.chmod(path, mode | 0o044 | (0o011 if path.is_dir() else 0))


def certificate(box: Box, host: str, cert: str | None, key: str | None) -> tuple[Path, Path]:
    """The TLS certificate nginx serves: the one given, or one made on the box (for its
    address, 825 days; kiosks and phones trust it once)."""
    box.directory(TLS, 0o750, "root", "root")
    crt_path, key_path = TLS / "luot.crt", TLS / "luot.key"
    if cert and key:
        box.write(crt_path, Path(cert).read_text(), 0o644)
        box.write(key_path, Path(key).read_text(), 0o600)
    elif not box.path(key_path).exists():
        name = _san(host)
        box.run(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "825",
            "-subj",
            f"/CN={host}",
            "-addext",
            f"subjectAltName={name}",
            "-keyout",
            box.path(key_path),
            "-out",
            box.path(crt_path),
            always=True,
        )
        os.chmod(box.path(key_path), 0o600)
        os.chmod(box.path(crt_path), 0o644)
        box.say(f"made a certificate for {host} in {crt_path}")
    return crt_path, key_path


def _san(host: str) -> str:
    try:
        ipaddress.ip_address(host)
        return f"IP:{host}"
    except ValueError:
        return f"DNS:{host}"


def settings(box: Box, role: str, host: str, processes: int, https_port: int) -> None:
    """/etc/luot/luot.env, written once: afterwards it is the operator's."""
    if box.path(ENV_FILE).exists():
        box.say(f"kept {ENV_FILE} (yours to edit; docs/SETTINGS.md)")
        return
    base = f"https://{host}" + ("" if https_port == 443 else f":{https_port}")
    lines = [
        "# Lượt's settings for this box (docs/SETTINGS.md). The services and /usr/local/bin/luot",
        "# read this file; after a change: systemctl restart luot.target",
        f"LUOT_INSTANCE_PATH={DATA}",
        f"LUOT_PUBLIC_BASE_URL={base}",
        "# nginx on this box sets X-Forwarded-For and X-Forwarded-Proto (TLS ends there).",
        "LUOT_TRUSTED_PROXIES=1",
        "LUOT_TRUSTED_PROXY_HEADERS=X-Forwarded-Proto",
        "# Other names the box is reached by (the base's host is trusted already):",
        "# LUOT_TRUSTED_HOSTS=luot.xa-mau.gov.vn,192.168.1.10",
    ]
    if role == "province":
        lines.append("DATABASE_URL=postgresql:///luot?host=/var/run/postgresql")
    if role == "province" or processes > 1:
        lines += ["REDIS_URL=redis://127.0.0.1:6379/0", "LUOT_SOCKETIO_CHANNEL=luot"]
    box.write(ENV_FILE, "\n".join(lines) + "\n", 0o640, "root", USER)


def database(box: Box) -> None:
    """A province's PostgreSQL: a role and a database named luot, reached over the local
    socket with peer authentication (no password to keep)."""
    as_postgres = ("runuser", "-u", "postgres", "--")
    exists = box.run(*as_postgres, "psql", "-tAc", "SELECT 1 FROM pg_roles WHERE rolname = 'luot'")
    if exists.strip() != "1":
        box.run(*as_postgres, "createuser", USER)
    exists = box.run(
        *as_postgres, "psql", "-tAc", "SELECT 1 FROM pg_database WHERE datname = 'luot'"
    )
    if exists.strip() != "1":
        box.run(*as_postgres, "createdb", "--owner", USER, "luot")


def server_ports(processes: int) -> list[int]:
    return [FIRST_PORT + n for n in range(processes)]


def units(box: Box, role: str, processes: int) -> list[str]:
    ports = server_ports(processes)
    instances = [f"luot@{port}.service" for port in ports]
    after = (
        "postgresql.service redis-server.service"
        if role == "province"
        else ("redis-server.service" if processes > 1 else "")
    )
    common = {"env_file": ENV_FILE, "code": CODE, "after": after, "backups": BACKUPS}
    box.write(UNITS / "luot@.service", render("luot@.service", **common))
    box.write(UNITS / "luot-migrate.service", render("luot-migrate.service", **common))
    box.write(UNITS / "luot.target", render("luot.target", instances=" ".join(instances)))
    box.write(UNITS / "luot-backup.service", render("luot-backup.service", **common))
    box.write(UNITS / "luot-backup.timer", render("luot-backup.timer"))
    # The instances of a smaller box than before (fewer cores) are no longer wanted.
    for stale in box.path(UNITS / "luot.target.wants").glob("luot@*.service"):
        if stale.name not in instances:
            box.remove(UNITS / "luot.target.wants" / stale.name)
    for instance in instances:
        box.link(UNITS / "luot.target.wants" / instance, UNITS / "luot@.service")
    box.link(UNITS / "multi-user.target.wants" / "luot.target", UNITS / "luot.target")
    box.link(UNITS / "timers.target.wants" / "luot-backup.timer", UNITS / "luot-backup.timer")
    box.write(JOURNALD, render("journald.conf", journal_max="1G" if role == "province" else "300M"))
    box.write(WRAPPER, render("luot.sh", env_file=ENV_FILE, code=CODE), 0o755)
    return instances


def nginx(
    box: Box, host: str, ports: list[int], crt: Path, key: Path, http: int, https: int
) -> None:
    upstream = "\n".join(f"    server 127.0.0.1:{port} max_fails=0;" for port in ports)
    headers = "\n".join(
        f"        proxy_set_header {name} {value};" for name, value in PROXY_HEADERS
    )
    names = " ".join(dict.fromkeys([host, "localhost", "_"]))
    box.write(
        NGINX_SITE,
        render(
            "nginx-luot.conf",
            upstream=upstream,
            proxy_headers=headers,
            server_names=names,
            cert=crt,
            key=key,
            http_port=http,
            https_port=https,
            https_suffix="" if https == 443 else f":{https}",
        ),
    )
    box.link(NGINX_ENABLED, NGINX_SITE)
    if box.path(NGINX_DEFAULT).is_symlink():  # Debian's welcome page on port 80
        box.remove(NGINX_DEFAULT)


def device(box: Box, role: str, args: argparse.Namespace) -> None:
    """A kiosk or a waiting-room screen: Chromium in kiosk mode on the device's page from
    boot, and for a kiosk with a printer or scanner of its own, the kiosk agent."""
    url = urlsplit(args.url or "")
    if url.scheme not in ("http", "https") or not url.hostname:
        raise InstallError(
            "--url must be the device's page, e.g. https://192.168.1.10/kiosk/XA-MAU?key=…"
        )
    system_user(box, KIOSK_USER, KIOSK_HOME, ("video", "audio", "lp", "dialout"))
    box.directory(KIOSK_HOME, 0o700, KIOSK_USER)
    flags = []
    if args.ca:
        flags.append(f"--ignore-certificate-errors-spki-list={_spki(Path(args.ca))}")
        box.write(ETC / "centre.crt", Path(args.ca).read_text(), 0o644)
    box.write(
        KIOSK_ENV,
        f"LUOT_DEVICE_URL={shlex.quote(args.url)}\n"
        f"LUOT_CHROMIUM_FLAGS={shlex.quote(' '.join(flags))}\n",
        0o640,
        "root",
        KIOSK_USER,
    )
    box.write(
        KIOSK_LAUNCHER,
        render("kiosk-session.sh", kiosk_env=KIOSK_ENV, kiosk_home=KIOSK_HOME),
        0o755,
    )
    box.write(
        UNITS / "luot-kiosk.service",
        render("luot-kiosk.service", role=role, launcher=KIOSK_LAUNCHER),
    )
    box.link(UNITS / "graphical.target.wants" / "luot-kiosk.service", UNITS / "luot-kiosk.service")
    box.run("systemctl", "set-default", "graphical.target")
    if role != "kiosk" or not (args.printer or args.scanner):
        return
    token = parse_qs(url.query).get("key", [""])[0]
    if not token:
        raise InstallError("The kiosk's --url has no ?key=…: the agent needs the device token.")
    server = f"{url.scheme}://{url.netloc}"
    lines = [
        f"LUOT_SERVER={server}",
        f"LUOT_DEVICE_TOKEN={token}",
        f"LUOT_PRINTER={args.printer or 'dummy:'}",
    ]
    if args.ca:
        lines += [
            f"REQUESTS_CA_BUNDLE={ETC / 'centre.crt'}",
            f"WEBSOCKET_CLIENT_CA_BUNDLE={ETC / 'centre.crt'}",
        ]
    box.write(AGENT_ENV, "\n".join(lines) + "\n", 0o640, "root", KIOSK_USER)
    scanner = f"--scanner {args.scanner}" if args.scanner else ""
    box.write(
        UNITS / "luot-kiosk-agent.service",
        render("luot-kiosk-agent.service", agent_env=AGENT_ENV, code=CODE, scanner_option=scanner),
    )
    box.link(
        UNITS / "multi-user.target.wants" / "luot-kiosk-agent.service",
        UNITS / "luot-kiosk-agent.service",
    )
    if args.printer and args.printer.startswith("usb://"):
        vid, _, pid = args.printer[len("usb://") :].partition(":")
        box.write(UDEV_RULE, render("60-luot-printer.rules", vid=vid.lower(), pid=pid.lower()))
        box.run("udevadm", "control", "--reload-rules")
        box.run("udevadm", "trigger", "--subsystem-match=usb")


def _spki(cert: Path) -> str:
    """The certificate's public-key hash, as Chromium's --ignore-certificate-errors-spki-list
    takes it: the box's own certificate is trusted, and no other."""
    der = subprocess.run(
        ["openssl", "x509", "-in", str(cert), "-pubkey", "-noout"], capture_output=True, check=True
    ).stdout
    spki = subprocess.run(
        ["openssl", "pkey", "-pubin", "-outform", "der"], input=der, capture_output=True, check=True
    ).stdout
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


def start_servers(box: Box, instances: list[str], role: str) -> None:
    """systemd takes the new units; the servers stop, the database is brought up to the
    code (a failure stops here, saying so), and everything starts. Without a running
    systemd (a chroot, an image being built) the database is brought up here and the
    services start at the next boot."""
    if not box.scratch and not Path("/run/systemd/system").is_dir():
        box.run(str(WRAPPER), "upgrade", "--keep", "3")
        box.say("systemd is not running here: the services start at the next boot.")
        return
    box.run("systemctl", "daemon-reload")
    box.run("systemctl", "restart", "systemd-journald")
    if role == "province":
        box.run("systemctl", "enable", "--now", "postgresql", "redis-server")
    elif len(instances) > 1:
        box.run("systemctl", "enable", "--now", "redis-server")
    box.run("systemctl", "stop", "luot.target", "luot-migrate.service")
    try:
        box.run("systemctl", "start", "luot-migrate.service")
    except InstallError as exc:
        raise InstallError(
            f"{exc}\nThe database was not brought up to the code; the servers stay stopped. "
            "Why: systemctl status luot-migrate; journalctl -u luot-migrate"
        ) from exc
    box.run("systemctl", "enable", "--now", "luot.target", "luot-backup.timer")
    box.run("nginx", "-t")
    box.run("systemctl", "enable", "nginx")
    box.run("systemctl", "reload-or-restart", "nginx")


def first_office(box: Box, args: argparse.Namespace) -> list[str]:
    """With --office: the office, its first admin and its kiosk and display, as README's
    first run does; the lines to print."""
    if not args.office or box.scratch:
        return []
    luot = [str(WRAPPER)]
    try:
        box.run(*luot, "office", "export", args.office)
        shown = [f"Office {args.office} exists already; left as it is."]
    except InstallError:
        fields = [item for field in args.field for item in ("--field", field)]
        box.run(
            *luot,
            "office",
            "create",
            args.office,
            "--name",
            args.office_name or args.office,
            *fields,
            "--counters",
            str(args.counters),
        )
        shown = [f"Office {args.office} created."]
        made = box.run(
            *luot, "user", "add", "quantri", "--role", "admin", "--name", "Quản trị viên"
        )
        shown += [line for line in made.splitlines() if line.strip()]
        base = _base(args.host, args.https_port)
        for name, kind in (("Máy lấy số", "kiosk"), ("TV phòng chờ", "display")):
            added = box.run(
                *luot,
                "device",
                "add",
                name,
                "--office",
                args.office,
                "--kind",
                kind,
                "--base-url",
                base,
            )
            shown += [
                f"{kind}: {line}" for line in added.splitlines() if line.startswith("Open on it")
            ]
    return shown


def _base(host: str, https_port: int) -> str:
    return f"https://{host}" + ("" if https_port == 443 else f":{https_port}")


def primary_address() -> str:
    """The box's address on the office network (the one its default route leaves by)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET: nothing is sent
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


# -- the roles


def install_server(box: Box, role: str, args: argparse.Namespace) -> None:
    processes = args.processes or os.cpu_count() or 1
    host = args.host or primary_address()
    packages(box, role, processes)
    system_user(box, USER, DATA)
    box.directory(DATA, 0o700, USER)
    box.directory(ETC, 0o750, "root", USER)
    box.directory(BACKUPS, 0o700, USER)
    code(box)
    settings(box, role, host, processes, args.https_port)
    crt, key = certificate(box, host, args.cert, args.key)
    if role == "province":
        database(box)
    instances = units(box, role, processes)
    nginx(box, host, server_ports(processes), crt, key, args.http_port, args.https_port)
    start_servers(box, instances, role)
    shown = first_office(box, args)
    base = _base(host, args.https_port)
    box.say("")
    box.say(f"Lượt ({role}) at {base}: {processes} server processes behind nginx.")
    for line in shown:
        box.say(f"  {line}")
    box.say(f"  Sign-in:   {base}/login        Admin: {base}/admin")
    box.say(f"  Counter:   {base}/counter      Reports: {base}/admin/reports")
    if role == "province":
        box.say(f"  Province:  {base}/admin/province (luot province add-centre CODE)")
    box.say(f"  Kiosks and screens: luot device add … --base-url {base}; then on each PC")
    box.say(f"    sudo deploy/install.sh kiosk|screen --url URL --ca {crt.name} (copied from here)")
    box.say(f"  Trust {crt} once on phones; commands: luot --help (as root: runs as {USER})")


def install_device(box: Box, role: str, args: argparse.Namespace) -> None:
    packages(box, role, 1)
    if role == "kiosk" and (args.printer or args.scanner):
        box.directory(ETC, 0o755)
        code(box, with_browser_files=False)
    device(box, role, args)
    box.run("systemctl", "daemon-reload")
    box.run("systemctl", "enable", "--now", "luot-kiosk.service")
    if role == "kiosk" and (args.printer or args.scanner):
        box.run("systemctl", "enable", "--now", "luot-kiosk-agent.service")
    box.say("")
    box.say(f"This PC opens {args.url.split('?')[0]} in Chromium at boot (tty1), full screen.")


def uninstall(box: Box, args: argparse.Namespace) -> None:
    """Take Lượt out of service: its units, nginx site, wrapper and journald limits go;
    data, settings and backups stay unless --purge."""
    box.run(
        "systemctl",
        "disable",
        "--now",
        "luot.target",
        "luot-backup.timer",
        "luot-kiosk.service",
        "luot-kiosk-agent.service",
    )
    names = [*SERVER_UNITS, "luot@.service", *DEVICE_UNITS]
    for name in names:
        box.remove(UNITS / name)
    for wants in (
        "luot.target.wants",
        "multi-user.target.wants",
        "timers.target.wants",
        "graphical.target.wants",
    ):
        folder = box.path(UNITS / wants)
        if folder.is_dir():
            for link in folder.iterdir():
                if link.name.startswith(("luot", "luot-")):
                    box.remove(UNITS / wants / link.name)
    for path in (NGINX_ENABLED, NGINX_SITE, JOURNALD, WRAPPER, KIOSK_LAUNCHER, UDEV_RULE):
        box.remove(path)
    box.run("systemctl", "daemon-reload")
    box.run("systemctl", "reload", "nginx")
    if args.purge:
        for path in (DATA, ETC, BACKUPS, CODE, KIOSK_HOME):
            box.remove(path)
        box.run("userdel", USER)
        box.run("userdel", KIOSK_USER)
        box.say("Purged: data, settings, backups and code are gone.")
    else:
        box.say(f"Kept {DATA}, {ETC}, {BACKUPS} and {CODE}: --purge removes them.")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="deploy/install.sh", description=__doc__.split("\n\n")[0])
    parser.add_argument("role", choices=("centre", "province", "kiosk", "screen", "uninstall"))
    parser.add_argument("--root", help="write everything under this folder (no apt, no systemctl)")
    parser.add_argument("--host", help="the box's name or address (default: its own address)")
    parser.add_argument("--processes", type=int, help="server processes (default: one per core)")
    parser.add_argument("--cert", help="a certificate for nginx (PEM); default: made on the box")
    parser.add_argument("--key", help="its private key (PEM)")
    parser.add_argument("--http-port", type=int, default=80)
    parser.add_argument("--https-port", type=int, default=443)
    parser.add_argument("--office", help="create this office (with its admin, kiosk and display)")
    parser.add_argument("--office-name", help="the office's name")
    parser.add_argument("--field", action="append", default=[], help="CODE:Name, repeatable")
    parser.add_argument("--counters", type=int, default=2)
    parser.add_argument("--url", help="kiosk or screen: the device page with its ?key=…")
    parser.add_argument("--printer", help="kiosk: its own printer, e.g. usb://04b8:0202")
    parser.add_argument("--scanner", help="kiosk: its serial QR scanner, e.g. /dev/ttyACM0")
    parser.add_argument("--ca", help="kiosk or screen: the centre's certificate, to trust it")
    parser.add_argument("--purge", action="store_true", help="uninstall: data and settings too")
    args = parser.parse_args(argv)
    if bool(args.cert) != bool(args.key):
        parser.error("--cert and --key go together")
    if args.processes is not None and not 1 <= args.processes <= 64:
        parser.error("--processes takes 1 to 64")
    if args.role in ("kiosk", "screen") and not args.url:
        parser.error(f"{args.role} needs --url, the device's page with its ?key=…")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    scratch = args.root is not None
    if not scratch and os.geteuid() != 0:
        print("Run it as root: sudo deploy/install.sh …", file=sys.stderr)
        return 2
    box = Box(Path(args.root or "/").resolve(), scratch)
    box.path(Path("/")).mkdir(parents=True, exist_ok=True)
    try:
        if args.role in ("centre", "province"):
            install_server(box, args.role, args)
        elif args.role in ("kiosk", "screen"):
            install_device(box, args.role, args)
        else:
            uninstall(box, args)
    except InstallError as exc:
        print(f"install: {exc}", file=sys.stderr)
        return 1
    if scratch and box.skipped:
        print(f"\nNot run in a scratch root ({len(box.skipped)} commands):")
        for line in box.skipped:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
