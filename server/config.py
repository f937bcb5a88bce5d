"""Configuration: safe defaults for a two-counter commune PC, overridden by the environment.

Order: these defaults, then `luot.cfg` in the instance folder, then the environment
(`DATABASE_URL`, `REDIS_URL` and every `LUOT_*` variable: the environment wins), then the
test mapping. Every setting is named the same in both places, `LUOT_<NAME>` for the
attribute `<NAME>` below, and read the same way: a value that reads as JSON is taken as such
(`5`, `true`, `["10.0.0.0/8"]`), anything else as text, as Flask's `from_prefixed_env`
does. `luot.cfg` holds `LUOT_NAME=value` lines, like an environment file. A bad line or
value stops the start with one line naming the file and line (or the variable) and what is
wrong (`SettingsError`); docs/SETTINGS.md lists every setting.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

from printer.policy import DEFAULT_DEVICES, DEFAULT_NETWORKS, DEFAULT_SCHEMES, DEFAULT_TCP_PORTS

PREFIX = "LUOT_"
CONFIG_FILE = "luot.cfg"
# Read without the prefix too, as the issues name them (`DATABASE_URL=… luot serve`).
UNPREFIXED = ("DATABASE_URL", "REDIS_URL")
# Variables read from the environment alone, never from luot.cfg: why, for the refusal.
ENVIRONMENT_ONLY = {
    "LUOT_INSTANCE_PATH": "it says where luot.cfg is: set it in the environment",
    "LUOT_DEVICE_TOKEN": "it is the kiosk agent's (luot kiosk-agent), not the server's",
}


class SettingsError(Exception):
    """A setting Lượt cannot use: one line, naming where it came from and what is wrong."""


ROOT = Path(__file__).resolve().parent.parent


def instance_folder() -> Path:
    """The instance folder: LUOT_INSTANCE_PATH (environment only: it says where luot.cfg
    is), or `instance/` in the checkout."""
    return Path(os.environ.get("LUOT_INSTANCE_PATH") or ROOT / "instance").resolve()


class Config:
    # Database: empty means SQLite in the instance folder (see server/db.py).
    DATABASE_URL = ""
    # Redis for Socket.IO fan-out between processes; empty means one process, no queue.
    REDIS_URL = ""
    # Redis pub/sub channel; processes of one installation must share it.
    SOCKETIO_CHANNEL = "luot"
    # Per server process: Socket.IO sessions one client address (an IPv6 /64) may hold
    # (0: no cap); a commune's screens, kiosks, counters and the citizens' phones on the
    # office's Wi-Fi may all come from one address behind its router. And events one
    # socket may send in so many seconds (0: no limit); past it each is refused unanswered
    # by its work (a join gets no snapshot), and a socket that keeps on is disconnected.
    SOCKETIO_MAX_PER_ADDRESS = 200
    SOCKETIO_EVENTS = 60
    SOCKETIO_EVENTS_SECONDS = 10.0
    # "threading" for the dev server and tests; `luot serve` switches to "gevent".
    ASYNC_MODE = "threading"
    SECRET_KEY = ""
    # `luot serve`'s log level (DEBUG, INFO, WARNING, ERROR); `--quiet` drops its access lines.
    LOG_LEVEL = "INFO"
    # Seconds over which snapshot refreshes are coalesced; 0 sends them with each change.
    SNAPSHOT_DELAY = 0.1
    # `luot serve`: seconds a connection may wait for the first byte of a request (new or
    # kept alive), and from that byte for the request line and headers to arrive (the body
    # gets as long again plus a second per 16 KB). Once a request is whole, it is not timed:
    # Socket.IO long-polls and WebSockets stay open (server/ops/http_handler.py).
    HTTP_IDLE_TIMEOUT = 20.0
    HTTP_REQUEST_TIMEOUT = 20.0
    # Upper bound for any request body; tickets and actions are tiny JSON documents.
    MAX_CONTENT_LENGTH = 64 * 1024
    # Offices issue to their registered kiosks and staff; one may open issuing to anyone
    # (settings "issuing": "open"), unless this forbids it for the whole server.
    REQUIRE_DEVICE_TOKEN_FOR_ISSUE = False
    # Rate limits (Flask-Limiter syntax, ";" between limits), counted per device or user
    # behind a token or session, else per client address. Storage: memory, or Redis when
    # REDIS_URL is set (falling back to memory while Redis is away).
    RATELIMIT_ENABLED = True
    RATELIMIT_DEFAULT = "1200 per minute"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_KEY_PREFIX = "luot"
    # Where the counts live; empty: REDIS_URL, else memory (server/web/rate_limits.py).
    RATELIMIT_STORAGE_URI = ""
    # Issuing: an anonymous client (only where an office opens issuing) and a registered
    # kiosk or an officer. A kiosk serves a citizen every 10 s or so at the very most.
    ISSUE_LIMIT_ANONYMOUS = "10 per minute;100 per hour"
    ISSUE_LIMIT_TRUSTED = "60 per minute;1500 per hour"
    SCAN_LIMIT = "30 per minute"
    # Booking, changing and cancelling appointments on the public page (one count for the
    # three), per client address:
    # a person books a few times at most; a script hoarding slots is stopped here too.
    BOOKING_LIMIT = "10 per minute;40 per hour"
    # The same per network (an IPv4 /24, an IPv6 /64), so one host with many addresses is
    # one client; wider than one address's, since a NAT (an office building, a mobile
    # carrier's) puts many people behind one network.
    BOOKING_NETWORK_LIMIT = "30 per minute;200 per hour"
    # Asking for a phone code (where an office verifies phones), per address; each phone
    # also gets at most 3 an hour and its daily cap of messages.
    PHONE_CODE_LIMIT = "3 per 10 minutes;10 per day"
    # The booking form's proof-of-work when an office is under pressure: PBKDF2 iterations
    # per try (about 256 tries to solve: a second or two of a phone's time, and of a
    # script's for every booking), and how long a challenge stays good (seconds).
    BOOKING_CHALLENGE_COST = 20000
    BOOKING_CHALLENGE_SECONDS = 1200
    SIGN_IN_LIMIT = "10 per minute;100 per hour"
    # How many reverse proxies (nginx) stand in front and set X-Forwarded-For: 0 means the
    # client's address is the connection's; set 1 behind one nginx.
    TRUSTED_PROXIES = 0
    # Which other forwarding headers those proxies set and are believed (X-Forwarded-Proto,
    # -Host, -Port, -Prefix; comma-separated or a JSON list). None by default: a client's own
    # would otherwise pass through a proxy that does not set them.
    TRUSTED_PROXY_HEADERS = ()
    # Where those proxies connect from (addresses or networks): forwarding headers from any
    # other peer are ignored. Loopback: nginx on the box, as deploy/ installs it.
    TRUSTED_PROXY_ADDRESSES = ("127.0.0.1", "::1")
    # The hosts this server answers to (names, addresses, ".domain" for every name under
    # it); empty: what can only be this box (the address a connection came in on, its host
    # name, loopback) and the host of PUBLIC_BASE_URL (server/web/hosts.py).
    TRUSTED_HOSTS = ()
    # The address citizens' phones reach this box at: every link in a message (SMS, Zalo)
    # and, where set, in QR codes and track URLs. Empty: messages go without links, and QR
    # codes name the (trusted) host a request came to.
    PUBLIC_BASE_URL = ""
    # Minutes one service takes when a field has no recent history yet.
    DEFAULT_SERVICE_MINUTES = 5.0
    # How many recent finished tickets feed the service-time estimate.
    ETA_SAMPLE_SIZE = 20
    # Seconds to wait for a printer before recording it as failed.
    PRINT_TIMEOUT = 5.0
    # Seconds after which an unprinted ticket is given up (printed late, it would reach the
    # next citizen); officers can reprint.
    PRINT_DEADLINE = 60.0
    # Which printer URLs this server accepts (whoever configures a kiosk, and again when
    # printing): comma-separated or a JSON list. Schemes; device paths (globs, one path
    # component each) for file:// and serial://; networks and ports tcp:// may reach.
    PRINTER_SCHEMES = DEFAULT_SCHEMES
    PRINTER_DEVICES = DEFAULT_DEVICES
    PRINTER_NETWORKS = DEFAULT_NETWORKS
    PRINTER_TCP_PORTS = DEFAULT_TCP_PORTS
    # Messages to citizens' phones (an office chooses its channel: settings.messages.channel).
    # The SMS gateway speaks eSMS.vn's JSON API; SMS_TYPE 2 is its customer-care brandname.
    SMS_URL = "https://rest.esms.vn"
    SMS_API_KEY = ""
    SMS_SECRET_KEY = ""
    SMS_BRANDNAME = ""
    SMS_TYPE = "2"
    # Zalo ZNS (an Official Account's access token; templates approved by Zalo, by id).
    ZNS_URL = "https://business.openapi.zalo.me"
    ZNS_ACCESS_TOKEN = ""
    # Seconds to wait for a gateway; a send that took longer is retried with the same id.
    MESSAGE_TIMEOUT = 10.0
    # Sends begun before a message counts as failed; the wait between them doubles from
    # MESSAGE_RETRY_SECONDS up to MESSAGE_RETRY_MAX_SECONDS.
    MESSAGE_MAX_ATTEMPTS = 8
    MESSAGE_RETRY_SECONDS = 30.0
    MESSAGE_RETRY_MAX_SECONDS = 3600.0
    # A worker's claim on a message: past it (the worker died mid-send) another takes it.
    MESSAGE_CLAIM_SECONDS = 60.0
    # Seconds between looks for due messages (a new message wakes the worker at once).
    MESSAGE_POLL_SECONDS = 5.0
    # A messages channel counts as a fault (/healthz, the overview) when this many messages
    # failed in the last hour, or are this many minutes overdue.
    MESSAGE_FAULT_FAILURES = 5
    MESSAGE_FAULT_OVERDUE_MINUTES = 15.0
    # /metrics (Prometheus) answers on loopback, and elsewhere to this bearer token.
    METRICS_TOKEN = ""
    # The most messages one phone is written in 24 hours, whatever an office allows
    # (settings.messages.per_phone_per_day, default 10): past it they are kept as skipped.
    MESSAGES_PER_PHONE_MAX = 20
    # Health (/healthz, the manager's overview): a fault below this much free disk (MB)
    # where the database and the instance folder live.
    MIN_FREE_DISK_MB = 200
    # Seconds between a process's heartbeats (its health checks, written to the database);
    # a process on another host unheard of for four heartbeats counts as gone.
    HEARTBEAT_SECONDS = 5.0
    # While Redis is down, seconds between fresh snapshots to this process's own screens.
    RESYNC_SECONDS = 1.5
    # Officer sessions.
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    # Seconds between re-checks of every open socket's session or token (revoked ones are
    # closed; the process that revoked closes its own at once).
    SOCKET_RECHECK_SECONDS = 2.0
    # CSRF tokens live as long as the session (an officer's page stays open all day).
    WTF_CSRF_TIME_LIMIT = None
    JSON_SORT_KEYS = False

    # Seconds between passes that roll up settled days for long reports (0: never; reports
    # then read such days ticket by ticket, slowly).
    REPORT_ROLLUP_SECONDS = 600.0
    # A province. On a centre's box: how often it tells the province how it stands (and
    # pushes what is new: a new entry is pushed at once), the longest wait between tries
    # while the province is out of reach, and entries per push. On the provincial server:
    # the largest push it takes (bytes as sent, and unzipped), and after how long without
    # contact a centre's figures count as stale.
    PROVINCE_PUSH_SECONDS = 5.0
    PROVINCE_RETRY_MAX_SECONDS = 10.0
    PROVINCE_PUSH_ENTRIES = 500
    PROVINCE_TIMEOUT = 30.0
    # A pusher sends at most 4 MB of entries (server/province/pusher.py, PUSH_JSON_BYTES;
    # more only when one entry alone is larger): twice that, and no more, since a push is
    # unzipped and parsed whole (a 59.6 MB one once took 21 s and 1.1 GB).
    PROVINCE_PUSH_MAX_BYTES = 8 * 1024 * 1024
    PROVINCE_PUSH_MAX_JSON = 8 * 1024 * 1024
    PROVINCE_STALE_SECONDS = 30.0

    API_TITLE = "Lượt API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


def env_overrides(environ: Mapping[str, str] | None = None) -> dict[str, object]:
    """The two unprefixed URLs the issues name, so `DATABASE_URL=… luot serve` just works."""
    environ = os.environ if environ is None else environ
    return {key: environ[key] for key in UNPREFIXED if environ.get(key)}


def load(
    config: MutableMapping[str, Any],
    instance_path: str | Path,
    environ: Mapping[str, str] | None = None,
) -> None:
    """`luot.cfg` from the instance folder, then the environment, into `config` (which holds
    the defaults: Flask's and `Config`'s, what each value is checked against)."""
    environ = os.environ if environ is None else environ
    path = Path(instance_path) / CONFIG_FILE
    for name, (value, line) in read_file(path, config).items():
        config[name] = setting(name, value, config, f"{path}:{line}: {PREFIX}{name}")
    for name, value in env_overrides(environ).items():
        config[name] = setting(name, value, config, f"environment variable {name}")
    for variable in sorted(environ):
        if not variable.startswith(PREFIX):
            continue
        name = variable.removeprefix(PREFIX)
        where = f"environment variable {variable}"
        if "__" in name:
            _nested(config, name.split("__"), _parse(environ[variable]))
        else:
            config[name] = setting(name, environ[variable], config, where)


def read_file(path: Path, known: Mapping[str, Any]) -> dict[str, tuple[str, int]]:
    """`luot.cfg`'s settings: name (without the prefix) → (raw value, line number). Blank
    lines and `#` comments are skipped, `export ` is allowed before a name, spaces around
    `=` are ignored and one pair of quotes around a value is removed (nothing else is
    unescaped: the value is what the environment would hold)."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise SettingsError(f"{path}: cannot be read ({exc.strerror})") from None
    found: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        where = f"{path}:{number}"
        name, equals, raw = stripped.removeprefix("export ").partition("=")
        name, raw = name.strip(), raw.strip()
        if not equals or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise SettingsError(
                f"{where}: {_short(stripped)!r} is not a setting: write LUOT_NAME=value"
            )
        if not name.startswith(PREFIX):
            meant = name.upper() if name.upper().startswith(PREFIX) else PREFIX + name.upper()
            raise SettingsError(
                f"{where}: {name} has no {PREFIX} prefix: settings here are named as in the "
                f"environment (write {meant}={_short(raw)})"
            )
        if name in ENVIRONMENT_ONLY:
            raise SettingsError(f"{where}: {name} cannot be set here: {ENVIRONMENT_ONLY[name]}")
        bare = name.removeprefix(PREFIX)
        if bare not in known:
            raise SettingsError(f"{where}: {name} is not a setting of Lượt{_guess(bare, known)}")
        if bare in found:
            raise SettingsError(f"{where}: {name} is set twice (line {found[bare][1]} too)")
        if raw[:1] in ("'", '"'):
            if len(raw) < 2 or raw[-1] != raw[0]:
                raise SettingsError(f"{where}: {name}: the quote {raw[0]} is not closed")
            raw = raw[1:-1]
        found[bare] = (raw, number)
    return found


def setting(name: str, raw: str, defaults: Mapping[str, Any], where: str) -> Any:
    """The value of `raw` (JSON, else text), checked against the kind of the default: a
    number where a number is expected, true or false for a switch, text for text. Lists
    (the printer policy's) are checked where they are read, naming the variable too."""
    value = _parse(raw)
    default = defaults.get(name)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise SettingsError(f"{where}={_short(raw)!r}: write true or false")
    elif isinstance(default, int | float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SettingsError(f"{where}={_short(raw)!r}: a number is expected")
        if isinstance(default, int) and not float(value).is_integer():
            raise SettingsError(f"{where}={_short(raw)!r}: a whole number is expected")
        value = type(default)(value)
    elif isinstance(default, str):
        if isinstance(value, dict | list):
            raise SettingsError(f"{where}: text is expected, not JSON {type(value).__name__}")
        if not isinstance(value, str):
            value = raw  # "2", "12345": text that happens to read as a number
    return value


def _parse(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _nested(config: MutableMapping[str, Any], parts: list[str], value: Any) -> None:
    """`LUOT_A__B=…` sets config["A"]["B"], as Flask's `from_prefixed_env` does."""
    *path, tail = parts
    current = config
    for part in path:
        current = current.setdefault(part, {})
    current[tail] = value


def _guess(name: str, known: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(name.upper(), [k for k in known if k.isupper()], n=1)
    return f" (did you mean {PREFIX}{close[0]}?)" if close else " (docs/SETTINGS.md lists them)"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
