"""The centre's calls to its province, over HTTP(S), each one a connection the centre opens.

Every failure comes back as one of three exceptions, so the pusher can tell a province out
of reach (try again soon) from a refusal (say why, try again later) from a revoked token
(stop until the centre joins again).
"""

from __future__ import annotations

import gzip
import json
from typing import Any
from urllib.parse import urlsplit

import requests

USER_AGENT = "luot-centre"


class Unreachable(Exception):
    """No answer: the link is down, the province is stopped, a timeout, a 5xx."""


class Refused(Exception):
    """The province answered with a refusal; `body` is its error (the one shape)."""

    def __init__(self, status: int, message: str, body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body or {}


class Revoked(Refused):
    """The province no longer takes this centre's token."""


def check_url(url: str) -> str:
    """The province's base URL as the centre keeps it (http or https, a host, no query)."""
    url = (url or "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"{url!r} is not the province's address (like https://tinh.example.vn).")
    return url


class ProvinceClient:
    def __init__(self, url: str, token: str = "", timeout: float = 30.0) -> None:
        self.url = check_url(url)
        self.token = token
        self.timeout = timeout
        self.http = requests.Session()
        self.http.headers["User-Agent"] = USER_AGENT

    def join(self, code: str, offices: list[str] | None = None) -> dict[str, Any]:
        """The province checks the centre's office `codes` against its own at once."""
        body = {"code": code, "offices": offices or []}
        return self._call("POST", "/api/v1/province/join", json.dumps(body).encode())

    def push(self, body: dict[str, Any]) -> dict[str, Any]:
        data = gzip.compress(json.dumps(body, ensure_ascii=False).encode(), compresslevel=6)
        return self._call("POST", "/api/v1/province/sync", data, gzipped=True)

    def template(self) -> dict[str, Any]:
        return self._call("GET", "/api/v1/province/template")

    def template_applied(self, version: int, report: dict[str, Any]) -> None:
        body = json.dumps({"version": version, "report": report}, ensure_ascii=False).encode()
        self._call("POST", "/api/v1/province/template/applied", body)

    def _call(
        self, method: str, path: str, data: bytes | None = None, gzipped: bool = False
    ) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if gzipped:
            headers["Content-Encoding"] = "gzip"
        try:
            response = self.http.request(
                method, self.url + path, data=data, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise Unreachable(f"{self.url} is out of reach ({exc.__class__.__name__})") from exc
        if response.status_code >= 500:
            raise Unreachable(f"{self.url} answered {response.status_code}")
        try:
            body = response.json() if response.content else {}
        except ValueError:
            body = {}
        if response.status_code == 401:
            raise Revoked(401, body.get("message") or "the province refused the token", body)
        if response.status_code >= 400:
            message = body.get("message") or f"the province answered {response.status_code}"
            raise Refused(response.status_code, message, body)
        if not isinstance(body, dict):
            raise Refused(response.status_code, "the province's answer is not an object")
        return body
