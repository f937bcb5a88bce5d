"""Separate test hosts on one machine: network namespaces joined by veth pairs (iproute2).

Each host gets a management link to the test (the host's namespace), so the test drives it
from outside; centres also get a link to the province's namespace, which the test cuts and
restores. Names and addresses carry a per-run tag and come from 10.23x.0.0/16, so parallel
runs do not meet; everything made is removed again.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
from dataclasses import dataclass, field


def run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, text=True, timeout=20)


def namespaces_available() -> str | None:
    """None when this machine can make namespaces here, else why not."""
    if os.geteuid() != 0:
        return "making network namespaces needs root"
    probe = f"luot-probe-{secrets.token_hex(3)}"
    try:
        run("ip", "netns", "add", probe)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"`ip netns add` failed here ({exc.__class__.__name__})"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        run("ip", "netns", "del", probe)
    return None


@dataclass
class Hosts:
    tag: str = field(default_factory=lambda: secrets.token_hex(2))
    made: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    _subnet: int = field(default_factory=lambda: 230 + secrets.randbelow(20))
    _next: int = 0

    def _pair(self) -> tuple[str, str]:
        """Two addresses of a fresh /30."""
        self._next += 1
        third, fourth = divmod(self._next * 4, 256)
        base = f"10.{self._subnet}.{third}."
        return base + str(fourth + 1), base + str(fourth + 2)

    def host(self, name: str) -> tuple[str, str]:
        """A namespace reachable from the test; (its name, the address to reach it at)."""
        ns = f"luot-{self.tag}-{name}"
        run("ip", "netns", "add", ns)
        self.made.append(ns)
        run("ip", "-n", ns, "link", "set", "lo", "up")
        outside, inside = self._pair()
        here, there = f"m{self.tag}{name}"[:15], f"i{self.tag}{name}"[:15]
        run("ip", "link", "add", here, "type", "veth", "peer", "name", there)
        self.links.append(here)
        run("ip", "link", "set", there, "netns", ns)
        run("ip", "addr", "add", f"{outside}/30", "dev", here)
        run("ip", "link", "set", here, "up")
        run("ip", "-n", ns, "addr", "add", f"{inside}/30", "dev", there)
        run("ip", "-n", ns, "link", "set", there, "up")
        return ns, inside

    def link(self, one: str, other: str, name: str) -> tuple[str, str, str]:
        """A wire between two namespaces: (the device on `one`'s side, `one`'s address,
        `other`'s address)."""
        first, second = self._pair()
        a, b = f"a{self.tag}{name}"[:15], f"b{self.tag}{name}"[:15]
        run("ip", "link", "add", a, "type", "veth", "peer", "name", b)
        run("ip", "link", "set", a, "netns", one)
        run("ip", "link", "set", b, "netns", other)
        run("ip", "-n", one, "addr", "add", f"{first}/30", "dev", a)
        run("ip", "-n", other, "addr", "add", f"{second}/30", "dev", b)
        run("ip", "-n", one, "link", "set", a, "up")
        run("ip", "-n", other, "link", "set", b, "up")
        return a, first, second

    @staticmethod
    def cut(ns: str, device: str) -> None:
        run("ip", "-n", ns, "link", "set", device, "down")

    @staticmethod
    def restore(ns: str, device: str) -> None:
        run("ip", "-n", ns, "link", "set", device, "up")

    def remove(self) -> None:
        for link in self.links:
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                run("ip", "link", "del", link)
        for ns in self.made:
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                run("ip", "netns", "del", ns)
