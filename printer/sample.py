"""The test page behind `luot printer test URL`: a realistic ticket, sent for real."""

from __future__ import annotations

from printer.connections import DEFAULT_TIMEOUT, SendReport, send_bytes
from printer.layout import render_ticket
from printer.paper import Paper
from printer.policy import PrinterPolicy
from printer.profiles import ProfileLike, QrMode
from printer.ticket import sample_ticket


def print_sample(
    url: str,
    paper: Paper | int | str = 80,
    *,
    profile: ProfileLike = None,
    qr: QrMode = "auto",
    timeout: float = DEFAULT_TIMEOUT,
    policy: PrinterPolicy | None = None,
) -> SendReport:
    """Print the sample ticket at ``url``; what the printer did with it (see send_bytes)."""
    job = render_ticket(sample_ticket(), paper, profile=profile, qr=qr)
    return send_bytes(url, job, timeout=timeout, policy=policy)
