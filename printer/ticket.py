"""The data a printed ticket needs, independent of how the server stores tickets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta, timezone
from typing import Any

DEFAULT_FOOTER = "Vui lòng chờ đến lượt. Xin cảm ơn!"

# Vietnam has had no daylight saving since 1975, so a fixed offset needs no tz database.
_VIETNAM = timezone(timedelta(hours=7), "ICT")


@dataclass(frozen=True, slots=True)
class TicketPrint:
    """One ticket as printed; ``issued_at`` is already in the office's local time."""

    office_name: str
    service_name: str
    code: str
    issued_at: datetime
    ahead: int
    eta_minutes: int | None
    track_url: str
    priority_name: str | None = None
    footer: str = DEFAULT_FOOTER
    # The numbers of the counters that served the field when the ticket was issued (the
    # server's plain dict may hold a list); none, no line.
    counters: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "counters", tuple(int(n) for n in self.counters or ()))
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise ValueError("issued_at must be timezone-aware (the office's local time)")
        if not self.code.strip():
            raise ValueError("code must not be empty")
        if self.ahead < 0:
            raise ValueError("ahead must be >= 0")
        if self.eta_minutes is not None and self.eta_minutes < 0:
            raise ValueError("eta_minutes must be >= 0 or None")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> TicketPrint:
        """Build from a plain dict (what the server hands over), ignoring extra keys."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def as_ticket(ticket: TicketPrint | Mapping[str, Any]) -> TicketPrint:
    """Accept either form so callers can pass the server's ticket dict directly."""
    if isinstance(ticket, TicketPrint):
        return ticket
    return TicketPrint.from_mapping(ticket)


def sample_ticket(
    issued_at: datetime | None = None,
    track_url: str = "https://luot.example/t/K7Q2M9XA",
) -> TicketPrint:
    """A realistic ticket for `luot printer test` and for tests: long names, diacritics."""
    return TicketPrint(
        office_name="Trung tâm Phục vụ hành chính công phường Hoàn Kiếm",
        service_name="Hộ tịch – Chứng thực",
        code="1012",
        issued_at=issued_at or datetime.now(_VIETNAM),
        ahead=7,
        eta_minutes=18,
        track_url=track_url,
        priority_name="Người cao tuổi",
        counters=(1, 2, 5),
    )
