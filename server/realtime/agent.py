"""The kiosk print agent's side of Socket.IO: it asks for its waiting jobs, claims one
job's bytes, and reports how printing went.

An agent is a kiosk's token (`luot kiosk-agent`) joined to its device room; print jobs
for `agent:` printers reach it there as `print_job` events.
"""

from __future__ import annotations

from typing import Any

from flask import session
from flask_socketio import SocketIO

from .. import current
from ..engine import Engine, EngineError
from ..web.auth import Principal
from .limits import limited
from .protocol import ack, engine_refusal, plausible_id, refusal

AGENT_PRINTER = "agent:"


def backlog(engine: Engine, device_id: int, snapshot: dict[str, Any]) -> list[tuple[str, dict]]:
    """Sent again with a device room's snapshot: jobs announced through a process the
    agent is not connected to."""
    if snapshot["device"]["printer_url"] != AGENT_PRINTER:
        return []
    return [
        ("print_job", {"job": job, "device": device_id, "agent": True})
        for job in engine.pending_print_jobs(device_id)
    ]


def _agent_device() -> int | None:
    principal: Principal | None = session.get("socket_principal")
    return principal.device_id if principal and principal.role == "kiosk" else None


def on_pending_prints(_data: Any = None) -> dict[str, Any]:
    """A kiosk agent, (re)connected, asks which of its jobs still wait."""
    device_id = _agent_device()
    if device_id is None:
        return refusal("forbidden", "Only a kiosk may ask for its print jobs.")
    return ack(jobs=current.engine().pending_print_jobs(device_id))


def on_claim_print(data: Any = None) -> dict[str, Any]:
    """The bytes of one job, once: a second claim (a retry, another agent) gets nothing."""
    device_id = _agent_device()
    if device_id is None:
        return refusal("forbidden", "Only a kiosk may claim print jobs.")
    job_id = data.get("job") if isinstance(data, dict) else None
    if not plausible_id(job_id):
        return refusal("bad_request", 'Send {"job": ID}.')
    claimed = current.print_queue().claim_for_agent(job_id, device_id)
    if claimed is None:
        return refusal("conflict", "That job is not waiting for this kiosk.")
    return ack(**claimed)


def on_print_result(data: Any = None) -> dict[str, Any]:
    device_id = _agent_device()
    if device_id is None:
        return refusal("forbidden", "Only a kiosk may report printing.")
    if not isinstance(data, dict) or not plausible_id(data.get("job")):
        return refusal("bad_request", 'Send {"job": ID, "ok": bool, "error": TEXT}.')
    sent = data.get("bytes_sent")
    try:
        job = current.engine().settle_print_job(
            data["job"],
            bool(data.get("ok")),
            str(data.get("error") or "")[:500] or None,
            sent if isinstance(sent, int) else None,
            device_id=device_id,
        )
    except EngineError as exc:
        return engine_refusal(exc)
    return ack(job=job)


def register(socketio: SocketIO) -> None:
    socketio.on("pending_prints")(limited(on_pending_prints))
    socketio.on("claim_print")(limited(on_claim_print))
    socketio.on("print_result")(limited(on_print_result))
