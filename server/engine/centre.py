"""A commune centre's side of a province: the link to the provincial server and the journal
it sends there. The network part (join, push, template) is `server/province/`; what it
changes in the database is here, like every other write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select, update

from ..models import ProvinceLink, SyncEntry
from . import journal
from .errors import Conflict, NotFound
from .outbox import Unit

# Entries the province has confirmed are kept this long (a restored province asks again).
KEEP_CONFIRMED = dt.timedelta(days=30)


class CentreLink(Unit):
    def link(self) -> dict[str, Any] | None:
        with self.ctx.db.read() as session:
            link = journal.linked(session)
            if link is None:
                return None
            head = journal.head(session)
            oldest = session.scalar(select(SyncEntry.at).where(SyncEntry.seq == link.acked_seq + 1))
            return link_dict(link, head, oldest)

    def join_province(
        self, url: str, centre_code: str, token: str, received: int, user_id: int | None = None
    ) -> dict[str, Any]:
        """Keep the link the province granted and, the first time, journal everything this
        box holds (the baseline) in the same transaction. Joining again (after a
        revocation) keeps the journal and takes up where the province says it stands."""
        now = self.ctx.clock()
        with self.tx.write() as (session, _outbox):
            journal.lock(session)
            link = journal.linked(session)
            head = journal.head(session)
            if link is None:
                if received:
                    raise Conflict(
                        f"The province already holds {received} entries from a box with "
                        f"centre code {centre_code}; this box has none of them. Restore this "
                        "box from its backup, or have the province register it under another "
                        "code."
                    )
                link = ProvinceLink(
                    province_url=url, centre_code=centre_code, token=token, joined_at=now
                )
                session.add(link)
                first, last = journal.baseline(session, now)
                link.acked_seq = first - 1
                action, after = "province.join", {"baseline": [first, last]}
            else:
                if received > head:
                    raise Conflict(
                        f"The province holds {received} entries from centre {centre_code} but "
                        f"this box wrote {head}: it is not the box the province knows."
                    )
                link.province_url, link.centre_code, link.token = url, centre_code, token
                link.state, link.joined_at = "active", now
                link.acked_seq = received
                action, after = "province.rejoin", {"received": received}
            link.last_error = link.last_error_at = None
            self._audit(session, None, user_id, action, url, after=after | {"centre": centre_code})
            session.flush()
            return link_dict(link, journal.head(session), None)

    def entries_after(self, seq: int, limit: int) -> list[dict[str, Any]]:
        with self.ctx.db.read() as session:
            return [
                {"seq": entry.seq, "at": entry.at.isoformat(), "rows": entry.rows}
                for entry in session.scalars(
                    select(SyncEntry)
                    .where(SyncEntry.seq > seq)
                    .order_by(SyncEntry.seq)
                    .limit(limit)
                )
            ]

    def confirmed(self, received: int) -> None:
        """The province holds every entry up to `received`."""
        now = self.ctx.clock()
        with self.tx.write() as (session, _outbox):
            link = journal.linked(session)
            if link is not None:
                link.acked_seq = max(link.acked_seq, received)
                link.last_ok_at, link.last_error, link.last_error_at = now, None, None

    def push_failed(self, reason: str, revoked: bool = False) -> None:
        now = self.ctx.clock()
        values: dict[str, Any] = {"last_error": reason[:2000], "last_error_at": now}
        if revoked:
            values["state"] = "revoked"
        with self.tx.write() as (session, _outbox):
            session.execute(update(ProvinceLink).values(**values))

    def claim_pusher(self, owner: str, seconds: float) -> bool:
        """One process pushes at a time: this one, if no other holds a live claim."""
        now = self.ctx.clock()
        with self.tx.write() as (session, _outbox):
            result = session.execute(
                update(ProvinceLink)
                .where(
                    (ProvinceLink.pusher == owner)
                    | (ProvinceLink.pusher_until.is_(None))
                    | (ProvinceLink.pusher_until < now)
                )
                .values(pusher=owner, pusher_until=now + dt.timedelta(seconds=seconds))
            )
            return bool(result.rowcount)

    def release_pusher(self, owner: str) -> None:
        """A process that stops lets the next one push at once."""
        with self.tx.write() as (session, _outbox):
            session.execute(
                update(ProvinceLink)
                .where(ProvinceLink.pusher == owner)
                .values(pusher="", pusher_until=None)
            )

    def prune_journal(self) -> int:
        """Drop entries the province confirmed long ago (the newest always stays: it numbers
        the next)."""
        cutoff = self.ctx.clock() - KEEP_CONFIRMED
        with self.tx.write() as (session, _outbox):
            link = journal.linked(session)
            if link is None:
                return 0
            head = journal.head(session)
            result = session.execute(
                delete(SyncEntry).where(
                    SyncEntry.seq <= link.acked_seq, SyncEntry.seq < head, SyncEntry.at < cutoff
                )
            )
            return result.rowcount or 0

    def link_secret(self) -> tuple[str, str, dict[str, Any]] | None:
        """What the pusher needs: the province's URL, the token, the template as last
        applied to each office (office code → template body)."""
        with self.ctx.db.read() as session:
            link = journal.linked(session)
            if link is None:
                return None
            return link.province_url, link.token, dict(link.template_base or {})

    def resend_from(self, received: int) -> None:
        """The province holds less than it confirmed (restored from a backup): send again
        from what it holds, while this box still keeps those entries."""
        with self.tx.write() as (session, _outbox):
            link = journal.linked(session)
            if link is None:
                raise NotFound("This box has not joined a province.")
            head = journal.head(session)
            kept = session.scalar(select(SyncEntry.seq).where(SyncEntry.seq == received + 1))
            if received > head or (received < head and kept is None):
                raise Conflict(
                    f"The province asks for entries from {received + 1}, which this box "
                    f"{'never wrote' if received > head else 'no longer keeps'}."
                )
            link.acked_seq = received

    def template_applied(self, version: int, bases: dict[str, Any]) -> None:
        """The template's version, and for each office the body it now follows."""
        with self.tx.write() as (session, _outbox):
            link = journal.linked(session)
            if link is None:
                raise NotFound("This box has not joined a province.")
            link.template_version = version
            link.template_base = {**(link.template_base or {}), **bases}


def link_dict(link: ProvinceLink, head: int, oldest_unsent: dt.datetime | None) -> dict[str, Any]:
    return {
        "province_url": link.province_url,
        "centre": link.centre_code,
        "state": link.state,
        "joined_at": link.joined_at.isoformat(),
        "head": head,
        "confirmed": link.acked_seq,
        "unsent": max(head - link.acked_seq, 0),
        "oldest_unsent_at": oldest_unsent.isoformat() if oldest_unsent else None,
        "last_ok_at": link.last_ok_at.isoformat() if link.last_ok_at else None,
        "last_error": link.last_error,
        "last_error_at": link.last_error_at.isoformat() if link.last_error_at else None,
        "template_version": link.template_version,
    }
