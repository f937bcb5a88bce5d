"""Prints tickets in the background, so a slow or dead printer never holds up a request.

The engine makes a print job in the ticket's transaction and announces it (`print_job`)
after the commit. Jobs for network, USB, serial or CUPS printers reachable from the server
are printed here; jobs for `agent:` printers go to the kiosk agent through the device's
Socket.IO room. Either way a job is claimed once in the database before printing, and
never sent again automatically: a job whose printer failed is `failed` with the reason (a
printer that took part of a ticket may have printed part of it); staff reprint on request.

The printer URL is checked against the server's printer policy again at send time: a URL
stored before the policy existed, or changed in the database, is refused then too.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import threading
from typing import Any

from flask_socketio import SocketIO

import printer
from printer.policy import PrinterPolicy

from ..engine import Engine, Event

log = logging.getLogger(__name__)


def render_preview(data: dict[str, Any]) -> printer.TicketRendering:
    """The ESC/POS bytes and the picture of the paper for `engine.ticket_preview`'s data:
    the admin's *Xem trước vé* and `luot ticket-preview` render here, as `render` does."""
    return printer.preview_ticket(
        printer.TicketPrint.from_mapping(data["ticket"]), data["paper"], profile=data["profile"]
    )


def render(data: dict[str, Any]) -> bytes:
    if "slip" in data:
        return printer.render_slip(data["slip"], data["paper"], profile=data["profile"])
    return printer.render_ticket(
        printer.TicketPrint.from_mapping(data["ticket"]),
        data["paper"],
        profile=data["profile"],
    )


class PrintQueue:
    def __init__(
        self,
        engine: Engine,
        socketio: SocketIO,
        timeout: float = 5.0,
        deadline: float = 60.0,
        policy: PrinterPolicy | None = None,
    ) -> None:
        self.engine = engine
        self.socketio = socketio
        self.timeout = timeout
        self.policy = policy or engine.printer_policy
        # A job nobody could print within this is failed, never printed late.
        self.deadline = dt.timedelta(seconds=deadline)
        self._printing = 0
        self._idle = threading.Condition()

    def on_event(self, event: Event) -> bool:
        """Take `print_job` events meant for the server; True if handled here."""
        if event.name != "print_job" or event.payload.get("agent"):
            return False
        with self._idle:
            self._printing += 1
        try:
            self.socketio.start_background_task(self._print_counted, event.payload["job"])
        except BaseException:
            self._settled()
            raise
        return True

    def _print_counted(self, job_id: int) -> None:
        try:
            self.print_job(job_id)
        finally:
            self._settled()

    def _settled(self) -> None:
        with self._idle:
            self._printing -= 1
            self._idle.notify_all()

    def drain(self, timeout: float) -> bool:
        """Wait for the jobs being printed to settle (before a database goes away under
        them); False if some still print after `timeout` seconds."""
        with self._idle:
            return self._idle.wait_for(lambda: self._printing == 0, timeout)

    def print_job(self, job_id: int) -> None:
        data = self.engine.claim_print_job(job_id)
        if data is None:
            return
        try:
            payload = render(data)
            printer.send_bytes(
                data["printer_url"], payload, timeout=self.timeout, policy=self.policy
            )
        except (printer.PrinterError, printer.PrinterUrlError, OSError, ValueError) as exc:
            log.warning("print job %s failed: %s", job_id, exc)
            self.engine.settle_print_job(job_id, False, str(exc))
            return
        self.engine.settle_print_job(job_id, True, bytes_sent=len(payload))

    def claim_for_agent(self, job_id: int, device_id: int) -> dict[str, Any] | None:
        """The agent's claim: the job's bytes, once, or None if it isn't this agent's to print."""
        if job_id not in self.engine.pending_print_jobs(device_id):
            return None
        data = self.engine.claim_print_job(job_id)
        if data is None:
            return None
        try:
            # agent: may have been switched off in the policy since the job was made.
            self.policy.check(data["printer_url"], resolve=False)
            payload = render(data)
        except (printer.PrinterError, ValueError) as exc:
            self.engine.settle_print_job(job_id, False, str(exc))
            return None
        return {"job": job_id, "data": base64.b64encode(payload).decode("ascii")}

    def expire(self) -> list[int]:
        return self.engine.expire_print_jobs(self.deadline)

    def start_sweeper(self) -> None:
        """Fail jobs past their deadline (agent offline, server restarted mid-print)."""
        every = min(15.0, self.deadline.total_seconds() / 2)

        def sweep() -> None:
            while True:
                try:
                    self.expire()
                except Exception:
                    log.exception("expiring print jobs failed")
                self.socketio.sleep(every)

        self.socketio.start_background_task(sweep)
