"""Whether citizens' messages can go out: a health check (`/healthz`, the overview).

A message that cannot be sent is kept and retried, and nothing else shows it: an office
whose channel has no gateway on this server, or a gateway refusing everything, would sit
"pending" for hours while the box looked well. So each is a fault, in words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from ...db import Database
from ...models import Office, OutboxMessage
from .gateways import Gateway, Unconfigured

WINDOW = dt.timedelta(hours=1)


def check(
    db: Database,
    gateways: dict[str, Gateway],
    clock: Callable[[], dt.datetime],
    failures: int = 5,
    overdue_minutes: float = 15.0,
) -> dict[str, Any]:
    """`{"ok", "problems": [words…]}`: channels without a gateway, and messages failing or
    overdue past the thresholds."""
    now = clock()
    problems: list[str] = []
    with db.read() as session:
        using: dict[str, list[str]] = {}
        rows = session.execute(
            select(Office.code, Office.settings).where(Office.centre_id.is_(None))
        )
        for code, settings in rows:
            channel = ((settings or {}).get("messages") or {}).get("channel") or "off"
            if channel != "off":
                using.setdefault(channel, []).append(code)
        for channel, codes in sorted(using.items()):
            gateway = gateways.get(channel)
            if gateway is None or isinstance(gateway, Unconfigured):
                reason = (
                    gateway.reason if gateway is not None else "this server has no such gateway"
                )
                problems.append(
                    f"{', '.join(codes)} gửi tin nhắn qua {channel.upper()} nhưng máy chủ chưa "
                    f"cấu hình cổng gửi ({reason}): tin nhắn đang chờ, chưa gửi được."
                )
        failed = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == "failed", OutboxMessage.next_attempt_at >= now - WINDOW)
        )
        late = session.execute(
            select(func.count(), func.max(OutboxMessage.last_error)).where(
                OutboxMessage.status.in_(("pending", "sending")),
                OutboxMessage.due_at < now - dt.timedelta(minutes=overdue_minutes),
            )
        ).one()
    if failed and failed >= failures:
        problems.append(f"{failed} tin nhắn gửi thất bại trong một giờ qua.")
    if late[0] and late[0] >= failures:
        why = f" (lỗi: {late[1]})" if late[1] else ""
        problems.append(
            f"{late[0]} tin nhắn trễ hơn {overdue_minutes:g} phút mà chưa gửi được{why}."
        )
    return {"ok": not problems, "problems": problems}
