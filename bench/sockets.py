"""A lean Socket.IO listener for the fan-out figures: thousands of sockets in one asyncio loop.

python-socketio's client costs the *client* a few hundred microseconds per message; with a
thousand of them in one process the figure would be the client's queue, not the server's
delivery. This speaks just enough Engine.IO 4 / Socket.IO 5 over one websocket each
(open, connect, one `join` with its ack, ping/pong, events) and stamps each event on arrival.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable

import aiohttp

Arrival = Callable[[str, dict, float], None]
# A server measured with thousands of these sockets sees them all come from one address:
# its cap per address (LUOT_SOCKETIO_MAX_PER_ADDRESS) is lifted for the run.
ONE_ADDRESS = {"LUOT_SOCKETIO_MAX_PER_ADDRESS": "0"}
# Decoded only for these events: with thousands of sockets in one client process, parsing
# every snapshot would make the figure the client's.
WATCHED = ("ticket_called",)


class Listener:
    """One websocket joined to one room; calls `on_event(name, data, t)` for every event."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str, on_event: Arrival) -> None:
        self.http = http
        self.url = base_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        self.on_event = on_event
        self.watched = tuple(f'42["{name}"' for name in WATCHED)
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.task: asyncio.Task | None = None

    async def join(self, room: dict, timeout: float = 30) -> None:
        self.ws = await self.http.ws_connect(self.url, timeout=timeout, max_msg_size=0)
        opened = await self.ws.receive_str(timeout=timeout)
        if not opened.startswith("0"):
            raise RuntimeError(f"unexpected Engine.IO open: {opened[:80]}")
        await self.ws.send_str("40")
        while not (await self.ws.receive_str(timeout=timeout)).startswith("40"):
            pass
        await self.ws.send_str("421" + json.dumps(["join", room]))
        while True:
            message = await self.ws.receive_str(timeout=timeout)
            if message.startswith("431"):
                answer = json.loads(message[3:])[0]
                if not answer.get("ok", True) or "error" in answer:
                    raise RuntimeError(f"join refused: {answer}")
                break
            if message == "2":
                await self.ws.send_str("3")
        self.task = asyncio.create_task(self._listen())

    async def _listen(self) -> None:
        assert self.ws is not None
        async for message in self.ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            data = message.data
            if data == "2":
                await self.ws.send_str("3")
            elif data.startswith(self.watched):
                at = time.perf_counter()
                name, payload = json.loads(data[2:])
                self.on_event(name, payload, at)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.task is not None:
            await asyncio.gather(self.task, return_exceptions=True)


async def join_many(
    http: aiohttp.ClientSession, urls: list[str], count: int, room: dict, on_event: Arrival
) -> list[Listener]:
    """`count` listeners spread evenly over `urls`, joined 100 at a time."""
    listeners = [Listener(http, urls[i % len(urls)], on_event) for i in range(count)]
    for start in range(0, count, 100):
        await asyncio.gather(*(each.join(room) for each in listeners[start : start + 100]))
    return listeners
