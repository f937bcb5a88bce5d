"""A real message gateway on loopback, for the tests: a threaded HTTP server speaking both
request formats the adapters use (eSMS.vn's SendMultipleMessage_V4_post_json and Zalo
ZNS's message/template), that can be told to fail, to time out and to recover.

Like a real gateway it delivers a request id (eSMS `RequestId`, ZNS `tracking_id`) once:
a repeat is answered with the first delivery's id and not delivered again. `delivered`
is what reached phones; `requests` every request that arrived.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SMS_PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
ZNS_PATH = "/message/template"
# Ports this suite may listen on (the machine's share for these tests).
PORTS = range(5600, 5700)

API_KEY, SECRET_KEY, BRANDNAME, ACCESS_TOKEN = "test-api-key", "test-secret", "LUOT", "tok"


class Gateway:
    def __init__(self) -> None:
        # ok | fail (HTTP 500) | busy (the gateway's own "try again") | refuse (permanent)
        # | timeout (delivers, then answers too late) | redirect (307 to `redirect_to`)
        self.mode = "ok"
        self.redirect_to = ""
        # Every request that reached this listener, whatever its path or credentials.
        self.hits: list[tuple[str, dict[str, str], bytes]] = []
        self.delay = 1.0
        self.delivered: dict[str, dict[str, Any]] = {}
        self.raw: dict[str, bytes] = {}
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._next_id = 1000
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                gateway.hits.append((self.path, dict(self.headers), raw))
                if gateway.mode == "redirect":
                    self.send_response(307)
                    self.send_header("Location", gateway.redirect_to + self.path)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status, answer = gateway.handle(self.path, dict(self.headers), raw)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up waiting (timeout mode)
                    pass

            def log_message(self, *_: Any) -> None:
                pass

        for port in PORTS:
            try:
                self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        else:
            raise RuntimeError("no free port in 5600-5699")
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def handle(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any]:
        body = json.loads(raw.decode("utf-8"))
        if path == SMS_PATH:
            ref, ok = body.get("RequestId", ""), "sms"
            if body.get("ApiKey") != API_KEY or body.get("SecretKey") != SECRET_KEY:
                return 200, {"CodeResult": "101", "ErrorMessage": "Authorize Failed"}
        elif path == ZNS_PATH:
            ref, ok = body.get("tracking_id", ""), "zns"
            if headers.get("access_token") != ACCESS_TOKEN:
                return 200, {"error": -124, "message": "Access token is invalid"}
        else:
            return 404, {"error": "not found"}
        with self._lock:
            self.requests[ref] += 1
            mode = self.mode
        if mode == "fail":
            return 500, {"error": "internal"}
        if mode == "busy":
            if ok == "sms":
                return 200, {"CodeResult": "99", "ErrorMessage": "Unknown error"}
            return 200, {"error": -32, "message": "Exceed rate limit"}
        if mode == "refuse":
            if ok == "sms":
                return 200, {"CodeResult": "789", "ErrorMessage": "Phone number invalid"}
            return 200, {"error": -108, "message": "Phone number is invalid"}
        provider_id = self._deliver(ref, body, raw)
        if mode == "timeout":
            time.sleep(self.delay)
        if ok == "sms":
            return 200, {"CodeResult": "100", "CountRegenerate": 0, "SMSID": provider_id}
        return 200, {"error": 0, "message": "Success", "data": {"msg_id": provider_id}}

    def _deliver(self, ref: str, body: dict[str, Any], raw: bytes) -> str:
        with self._lock:
            if ref not in self.delivered:
                self._next_id += 1
                self.delivered[ref] = {**body, "id": str(self._next_id)}
                self.raw[ref] = raw
            return self.delivered[ref]["id"]
