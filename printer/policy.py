"""Which printer URLs a server accepts: server configuration, never an office setting.

A printer URL names something the server writes bytes to. Left open, a manager's
``file:///any/path`` overwrites that file with ESC/POS and ``tcp://127.0.0.1:6379`` speaks
to the server's own Redis. The policy says which schemes, device files, networks and ports
a printer may use; it is checked when a URL is configured, again when a job is sent (a URL
stored before an upgrade, or changed in the database, is refused then), and once more at
the moment of opening: symlinks are resolved and names looked up again, so neither a link
nor a DNS answer that changed in between leads anywhere else.

Knows nothing of Flask; the server builds one from its configuration, `luot printer test`
and `luot kiosk-agent` from the same LUOT_PRINTER_* environment variables.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import socket
from collections.abc import Callable, Iterable, Mapping
from fnmatch import fnmatchcase
from typing import Any

from printer.errors import PrinterNotAllowedError, PrinterPolicyError
from printer.urls import (
    AgentTarget,
    CupsTarget,
    DummyTarget,
    FileTarget,
    PrinterTarget,
    SerialTarget,
    TcpTarget,
    UsbTarget,
    parse_printer_url,
)

SCHEMES = ("tcp", "usb", "serial", "file", "cups", "agent", "dummy")
DEFAULT_SCHEMES = SCHEMES
DEFAULT_DEVICES = ("/dev/usb/lp*", "/dev/ttyUSB*", "/dev/ttyACM*")
# Private ranges only: never loopback, link-local (169.254/16 holds cloud metadata) or 0.0.0.0.
DEFAULT_NETWORKS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
DEFAULT_TCP_PORTS = ("9100-9109",)
CUPS_PORT = 631

# Setting name → environment variable, for messages and `from_env`.
ENV = {
    "schemes": "LUOT_PRINTER_SCHEMES",
    "devices": "LUOT_PRINTER_DEVICES",
    "networks": "LUOT_PRINTER_NETWORKS",
    "tcp_ports": "LUOT_PRINTER_TCP_PORTS",
}

_SCHEME_OF = {
    TcpTarget: "tcp",
    UsbTarget: "usb",
    SerialTarget: "serial",
    FileTarget: "file",
    CupsTarget: "cups",
    AgentTarget: "agent",
    DummyTarget: "dummy",
}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., list[tuple[Any, ...]]]


class PrinterPolicy:
    """Allowed printer schemes, device paths (globs), networks and TCP ports.

    Device globs match one path component per component, so ``/dev/usb/lp*`` matches
    ``/dev/usb/lp0`` but never ``/dev/usb/lp/../../etc/passwd`` (fnmatch's ``*`` alone
    would cross ``/``). A broad network such as ``0.0.0.0/0`` never opens loopback or
    link-local addresses: those must be named by a network of their own (``127.0.0.1/32``).
    """

    def __init__(
        self,
        schemes: Iterable[str] = DEFAULT_SCHEMES,
        device_globs: Iterable[str] = DEFAULT_DEVICES,
        networks: Iterable[str | Network] = DEFAULT_NETWORKS,
        tcp_ports: Iterable[str | int | tuple[int, int]] = DEFAULT_TCP_PORTS,
        *,
        resolver: Resolver | None = None,
    ) -> None:
        self.schemes = frozenset(_scheme(s) for s in schemes)
        self.device_globs = tuple(_glob(g) for g in device_globs)
        self.networks = tuple(_network(n) for n in networks)
        self.tcp_ports = tuple(_ports(p) for p in tcp_ports)
        self.resolver = resolver  # None: socket.getaddrinfo, looked up when used

    @classmethod
    def from_settings(
        cls,
        schemes: object = None,
        devices: object = None,
        networks: object = None,
        tcp_ports: object = None,
    ) -> PrinterPolicy:
        """A policy from configuration values: None keeps the default; a comma-separated
        string or a list (JSON text or Python) replaces it. Raises PrinterPolicyError
        naming the environment variable at fault."""
        given = {
            "schemes": schemes,
            "devices": devices,
            "networks": networks,
            "tcp_ports": tcp_ports,
        }
        defaults = {
            "schemes": DEFAULT_SCHEMES,
            "devices": DEFAULT_DEVICES,
            "networks": DEFAULT_NETWORKS,
            "tcp_ports": DEFAULT_TCP_PORTS,
        }
        parsers = {"schemes": _scheme, "devices": _glob, "networks": _network, "tcp_ports": _ports}
        values: dict[str, list[str]] = {}
        for name, value in given.items():
            items = list(defaults[name]) if value is None else _items(value, ENV[name])
            try:
                for item in items:
                    parsers[name](item)
            except PrinterPolicyError as exc:
                raise PrinterPolicyError(f"{ENV[name]}: {exc}") from None
            values[name] = items
        return cls(values["schemes"], values["devices"], values["networks"], values["tcp_ports"])

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> PrinterPolicy:
        """The policy the LUOT_PRINTER_* variables describe (for commands without an app)."""
        environ = os.environ if environ is None else environ
        return cls.from_settings(**{name: environ.get(var) for name, var in ENV.items()})

    # -- checks

    def check(self, url: str, *, resolve: bool = True) -> PrinterTarget:
        """The parsed URL if this policy allows it, else PrinterNotAllowedError (a
        PrinterUrlError) saying what is allowed. ``resolve`` looks host names up now;
        sending looks them up again when it connects, whatever this said."""
        target = parse_printer_url(url)
        scheme = _SCHEME_OF[type(target)]
        if scheme not in self.schemes:
            raise PrinterNotAllowedError(
                f"{url!r}: {scheme}: printers are not allowed on this server "
                f"(allowed: {self._schemes_text()}; set {ENV['schemes']})"
            )
        if isinstance(target, FileTarget):
            self.check_device(target.path, url)
        elif isinstance(target, SerialTarget):
            self.check_device(target.device, url)
        elif isinstance(target, TcpTarget):
            self.check_port(target.port, url)
            self._check_host(target.host, target.port, url, resolve)
        elif isinstance(target, CupsTarget) and (target.host or target.port):
            if (target.port or CUPS_PORT) != CUPS_PORT:
                raise PrinterNotAllowedError(
                    f"{url!r}: a CUPS server is reached on port {CUPS_PORT} only"
                )
            if target.host:
                self._check_host(target.host, CUPS_PORT, url, resolve)
        return target

    def _check_host(self, host: str, port: int, url: str, resolve: bool) -> None:
        self._check_literal(host, url)
        if not resolve:
            return
        try:
            self.addresses(host, port, url)
        except socket.gaierror as exc:
            raise PrinterNotAllowedError(
                f"{url!r}: {host} does not resolve ({exc}), so it cannot be checked against "
                f"the allowed printer networks; write the printer's address"
            ) from None

    def check_device(self, path: str, url: str | None = None) -> str:
        """The device path, normalised, if it matches an allowed glob."""
        where = f"{url!r}: " if url else ""
        if "\x00" in path or ".." in path.replace("\\", "/").split("/"):
            raise PrinterNotAllowedError(f"{where}a device path may not contain '..'")
        normal = _normalise(path)
        parts = _components(normal)
        if not any(_matches(parts, glob) for glob in self.device_globs):
            raise PrinterNotAllowedError(
                f"{where}{normal} is not an allowed printer device "
                f"(allowed: {self._devices_text()}; set {ENV['devices']})"
            )
        return normal

    def resolve_device(self, path: str, url: str | None = None) -> str:
        """At open time: the device's real path (symlinks resolved), checked again."""
        normal = self.check_device(path, url)
        if not os.path.isabs(normal):
            return normal  # a Windows port name such as COM3
        real = os.path.realpath(normal)
        if real != normal:
            try:
                self.check_device(real)
            except PrinterNotAllowedError:
                where = f"{url!r}: " if url else ""
                raise PrinterNotAllowedError(
                    f"{where}{normal} leads to {real}, which is not an allowed printer device "
                    f"(allowed: {self._devices_text()})"
                ) from None
        return real

    def check_port(self, port: int, url: str | None = None) -> None:
        if not any(low <= port <= high for low, high in self.tcp_ports):
            where = f"{url!r}: " if url else ""
            raise PrinterNotAllowedError(
                f"{where}port {port} is not an allowed printer port "
                f"(allowed: {self._ports_text()}; set {ENV['tcp_ports']})"
            )

    def allows_address(self, address: str | Address) -> bool:
        ip = ipaddress.ip_address(address.split("%", 1)[0] if isinstance(address, str) else address)
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if ip.is_unspecified or ip.is_multicast:
            return False  # connecting to 0.0.0.0 reaches this very machine
        special = ip.is_loopback or ip.is_link_local
        for net in self.networks:
            if net.version == ip.version and ip in net:
                if special and not (net.is_loopback or net.is_link_local):
                    continue
                return True
        return False

    def addresses(
        self, host: str, port: int, url: str | None = None
    ) -> list[tuple[socket.AddressFamily, tuple[Any, ...]]]:
        """Look ``host`` up; every address must be allowed. Returns (family, sockaddr)
        pairs to connect to as they are, so the connection goes where was checked.

        Raises PrinterNotAllowedError for a disallowed address, and a socket.gaierror
        (an OSError) when the name does not resolve."""
        where = f"{url!r}: " if url else f"{host}: "
        infos = (self.resolver or socket.getaddrinfo)(host, port, type=socket.SOCK_STREAM)
        found: list[tuple[socket.AddressFamily, tuple[Any, ...]]] = []
        for family, _type, _proto, _name, sockaddr in infos:
            if family not in (socket.AF_INET, socket.AF_INET6):
                continue
            if not self.allows_address(sockaddr[0]):
                named = sockaddr[0] if host == sockaddr[0] else f"{host} is {sockaddr[0]}, which"
                raise PrinterNotAllowedError(
                    f"{where}{named} is not in the allowed printer networks "
                    f"({self._networks_text()}; set {ENV['networks']})"
                )
            if (family, sockaddr) not in found:
                found.append((family, sockaddr))
        if not found:
            raise socket.gaierror(f"{host} has no IPv4 or IPv6 address")
        return found

    def _check_literal(self, host: str, url: str) -> None:
        """Without a lookup, an address written in the URL can still be judged."""
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            return
        if not self.allows_address(host):
            raise PrinterNotAllowedError(
                f"{url!r}: {host} is not in the allowed printer networks "
                f"({self._networks_text()}; set {ENV['networks']})"
            )

    # -- descriptions

    def describe(self) -> str:
        """What this policy allows, in one line (for `luot printer test` and the logs)."""
        return (
            f"schemes {self._schemes_text()}; devices {self._devices_text()}; "
            f"networks {self._networks_text()}; ports {self._ports_text()}"
        )

    def _schemes_text(self) -> str:
        return ", ".join(f"{s}:" for s in SCHEMES if s in self.schemes) or "none"

    def _devices_text(self) -> str:
        return ", ".join(_unglob(g) for g in self.device_globs) or "none"

    def _networks_text(self) -> str:
        return ", ".join(str(n) for n in self.networks) or "none"

    def _ports_text(self) -> str:
        return (
            ", ".join(str(low) if low == high else f"{low}-{high}" for low, high in self.tcp_ports)
            or "none"
        )

    def __repr__(self) -> str:
        return f"PrinterPolicy({self.describe()})"


def _items(value: object, name: str) -> list[str]:
    """A setting's items: a list, JSON list text, or comma-separated text."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError as exc:
                raise PrinterPolicyError(f"{name}: {text!r} is not a JSON list ({exc})") from None
        else:
            return [item.strip() for item in text.split(",") if item.strip()]
    if isinstance(value, int) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list | tuple | set | frozenset):
        items = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, str | int):
                raise PrinterPolicyError(f"{name}: {item!r} is not a text or a number")
            items.append(str(item).strip())
        return items
    raise PrinterPolicyError(f"{name}: {value!r} is neither comma-separated text nor a list")


def _scheme(value: str) -> str:
    scheme = value.strip().lower().removesuffix("://").removesuffix(":")
    if scheme not in SCHEMES:
        raise PrinterPolicyError(
            f"{value!r} is not a printer scheme (use some of {', '.join(SCHEMES)})"
        )
    return scheme


def _glob(value: str) -> tuple[str, ...]:
    text = value.strip()
    if not text or "\x00" in text or ".." in text.split("/"):
        raise PrinterPolicyError(
            f"{value!r} is not a device path pattern (write e.g. /dev/usb/lp*)"
        )
    return _components(_normalise(text))


def _unglob(parts: tuple[str, ...]) -> str:
    return "/".join(parts)


def _network(value: str | Network) -> Network:
    try:
        return ipaddress.ip_network(
            value.strip() if isinstance(value, str) else value, strict=False
        )
    except ValueError:
        raise PrinterPolicyError(
            f"{value!r} is not a network (write e.g. 192.168.1.0/24 or 10.0.0.5/32)"
        ) from None


def _ports(value: str | int | tuple[int, int]) -> tuple[int, int]:
    if isinstance(value, tuple):
        low, high = value
    else:
        match = re.fullmatch(r"\s*([0-9]{1,5})\s*(?:-\s*([0-9]{1,5})\s*)?", str(value), re.ASCII)
        if match is None:
            raise PrinterPolicyError(
                f"{value!r} is not a port or a port range (write e.g. 9100 or 9100-9109)"
            )
        low = int(match[1])
        high = int(match[2] or low)
    if not 1 <= low <= high <= 65535:
        raise PrinterPolicyError(f"{value!r}: ports run from 1 to 65535, low to high")
    return (low, high)


def _normalise(path: str) -> str:
    """Collapse '//' and '/./'; '..' has been refused before this."""
    absolute = path.startswith("/")
    parts = [p for p in path.split("/") if p not in ("", ".")]
    return ("/" if absolute else "") + "/".join(parts)


def _components(path: str) -> tuple[str, ...]:
    return tuple(path.split("/"))


def _matches(parts: tuple[str, ...], glob: tuple[str, ...]) -> bool:
    return len(parts) == len(glob) and all(
        fnmatchcase(part, pattern) for part, pattern in zip(parts, glob, strict=True)
    )
