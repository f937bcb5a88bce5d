"""A commune centre's side of a province: the link to the provincial server and the journal
it sends there. The network part (join, push, template) is `server/province/`; what it
changes in the database is here, like every other write."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import delete, func, select, update

from ..i18n import english
from ..models import ProvinceLink, SyncEntry
from . import journal
from .commit_then_publish import Unit
from .errors import Conflict, NotFound
from .sync_kinds import KINDS

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

    def outgoing(self, limit: int) -> dict[str, Any] | None:
        """What the next push carries besides the live figures: the journal's epoch, the
        entry the province should hold last (`base`, with its digest), this box's head, and
        the entries after it. None while the box is not joined, or not sending."""
        with self.ctx.db.read() as session:
            link = journal.linked(session)
            if link is None or link.state != "active":
                return None
            base = session.scalar(select(SyncEntry.digest).where(SyncEntry.seq == link.acked_seq))
            return {
                "head": journal.head(session),
                "epoch": {
                    "id": link.epoch,
                    "start": link.epoch_start,
                    "end": link.epoch_end,
                    "max_ids": link.epoch_max_ids,
                },
                "base": {"seq": link.acked_seq, "digest": base},
                "entries": self._entries(session, link.acked_seq, limit),
            }

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
                        english("province_holds_other", received=received, centre_code=centre_code)
                    )
                link = ProvinceLink(
                    province_url=url, centre_code=centre_code, token=token, joined_at=now
                )
                session.add(link)
                first, last = journal.baseline(session, now)
                link.acked_seq = first - 1
                link.epoch_start, link.epoch_end = first, last
                action, after = "province.join", {"baseline": [first, last]}
            else:
                if received > head:
                    raise Conflict(
                        english(
                            "province_other_box",
                            received=received,
                            centre_code=centre_code,
                            head=head,
                        )
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
            return self._entries(session, seq, limit)

    @staticmethod
    def _entries(session, seq: int, limit: int) -> list[dict[str, Any]]:
        return [
            {"seq": entry.seq, "at": entry.at.isoformat(), "rows": entry.rows}
            | ({"digest": entry.digest} if entry.digest else {})
            for entry in session.scalars(
                select(SyncEntry).where(SyncEntry.seq > seq).order_by(SyncEntry.seq).limit(limit)
            )
        ]

    def confirmed(self, received: int) -> bool:
        """The province says it holds every entry up to `received`. More than this box
        wrote means it holds another box's entries under these numbers (this one was
        restored from a backup): this box sends its state again. Less than it confirmed
        before means the province was restored: this box sends again from there. True when
        something is to be sent at once."""
        now = self.ctx.clock()
        with self.tx.write() as (session, _outbox):
            link = journal.linked(session)
            if link is None:
                return False
            head = journal.head(session)
            if received > head:
                self._resync(
                    session,
                    link,
                    f"the province holds {received} entries of this centre, this box wrote "
                    f"{head}: it was restored from a backup, so it sends its state again",
                )
                return True
            if received < link.acked_seq:
                self._send_again(session, link, head, received)
            else:
                link.acked_seq = received
            # The province took this box's journal as it is: a restore left nothing to mend.
            link.restored_ids = None
            link.last_ok_at, link.last_error, link.last_error_at = now, None, None
            return link.acked_seq < head

    def province_refused(self, answer: dict[str, Any]) -> None:
        """A 409 from the province: `diverged` (it holds other entries under this box's
        numbers: send the state again) or out of order (send again from `received`)."""
        received = answer.get("received")
        with self.tx.write() as (session, _outbox):
            link = journal.linked(session)
            if link is None:
                raise NotFound(english("not_joined"))
            if answer.get("error") == "diverged" or not isinstance(received, int):
                self._resync(session, link, str(answer.get("message") or "the journals differ"))
                return
            self._send_again(session, link, journal.head(session), received)

    def _send_again(self, session, link: ProvinceLink, head: int, received: int) -> None:
        kept = session.scalar(select(SyncEntry.seq).where(SyncEntry.seq == received + 1))
        if received > head or (received < head and kept is None):
            self._resync(
                session,
                link,
                f"the province asks for entries from {received + 1}, which this box "
                f"{'never wrote' if received > head else 'no longer keeps'}",
            )
        else:
            link.acked_seq = received

    def start_resync(self, reason: str, user_id: int | None = None) -> dict[str, Any]:
        """Send this box's whole state to the province again, as a new epoch."""
        with self.tx.write() as (session, _outbox):
            link = journal.linked(session)
            if link is None:
                raise NotFound(english("not_joined"))
            self._resync(session, link, reason, user_id)
            session.flush()
            return link_dict(link, journal.head(session), None)

    def _resync(self, session, link: ProvinceLink, reason: str, user_id: int | None = None) -> None:
        """A new epoch: a baseline of everything this box holds, numbered after its head,
        with the highest id of each kind (rows above it at the province are not here any
        more). The province drops those and takes the baseline over its copy."""
        now = self.ctx.clock()
        journal.lock(session)
        # Restored by `luot restore`: what the backup held; otherwise what the box holds.
        max_ids = link.restored_ids or highest_ids(session)
        link.restored_ids = None
        old_head = journal.head(session)
        first, last = journal.baseline(session, now)
        link.epoch = secrets.token_hex(8)
        link.epoch_start, link.epoch_end, link.epoch_max_ids = first, last, max_ids
        link.acked_seq = old_head
        link.resync_reason, link.resync_at = reason[:2000], now
        self._audit(
            session,
            None,
            user_id,
            "province.resync",
            link.centre_code,
            after={"epoch": link.epoch, "baseline": [first, last], "reason": reason[:500]},
        )

    def resume_pushing(self, user_id: int | None = None) -> dict[str, Any]:
        """A box restored from a backup sends again (only the box that replaces the live
        one: a test restore must never push as the live centre)."""
        with self.tx.write() as (session, _outbox):
            link = journal.linked(session)
            if link is None:
                raise NotFound(english("not_joined"))
            if link.state != "held":
                raise Conflict(english("link_not_held", state=link.state))
            link.state = "active"
            self._audit(session, None, user_id, "province.resume", link.centre_code)
            session.flush()
            return link_dict(link, journal.head(session), None)

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
                    SyncEntry.seq < link.acked_seq, SyncEntry.seq < head, SyncEntry.at < cutoff
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
        """The province holds less than this box thought (it was restored from a backup):
        send again from what it holds, or the whole state where those entries are gone."""
        with self.tx.write() as (session, _outbox):
            link = journal.linked(session)
            if link is None:
                raise NotFound(english("not_joined"))
            self._send_again(session, link, journal.head(session), received)

    def template_applied(self, version: int, bases: dict[str, Any]) -> None:
        """The template's version, and for each office the body it now follows."""
        with self.tx.write() as (session, _outbox):
            link = journal.linked(session)
            if link is None:
                raise NotFound(english("not_joined"))
            link.template_version = version
            link.template_base = {**(link.template_base or {}), **bases}


def for_the_wire(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries as a push carries them: the digest with the last one only (what the province
    keeps to tell the next push's `base` by); sixty-four hex characters an entry would
    nearly double what a centre sends."""
    return [
        {key: value for key, value in entry.items() if key != "digest" or n == len(entries) - 1}
        for n, entry in enumerate(entries)
    ]


def highest_ids(session) -> dict[str, int]:
    """The highest id of each synced kind this box holds."""
    return {
        kind.name: session.scalar(select(func.coalesce(func.max(kind.table.c.id), 0)))
        for kind in KINDS
    }


def mark_restored(session, now: dt.datetime) -> bool:
    """`luot restore` put this database back: it sends nothing to its province until
    `luot province resume` (a test restore must never push as the live centre), and
    remembers what the backup held. True when the box is a centre."""
    link = journal.linked(session)
    if link is None:
        return False
    if link.state == "active":
        link.state = "held"
    link.restored_at, link.restored_ids = now, highest_ids(session)
    link.pusher, link.pusher_until = "", None
    return True


def link_dict(link: ProvinceLink, head: int, oldest_unsent: dt.datetime | None) -> dict[str, Any]:
    resending = link.resync_at is not None and link.acked_seq < link.epoch_end
    return {
        "province_url": link.province_url,
        "centre": link.centre_code,
        "state": link.state,
        "joined_at": link.joined_at.isoformat(),
        "head": head,
        "confirmed": link.acked_seq,
        "unsent": max(head - link.acked_seq, 0),
        "epoch": link.epoch,
        "restored_at": _iso(link.restored_at),
        "resync": (
            {
                "reason": link.resync_reason,
                "since": _iso(link.resync_at),
                "baseline": [link.epoch_start, link.epoch_end],
                "sent": max(min(link.acked_seq, link.epoch_end) - link.epoch_start + 1, 0),
                "total": link.epoch_end - link.epoch_start + 1,
                "done": not resending,
            }
            if link.resync_at is not None
            else None
        ),
        "oldest_unsent_at": oldest_unsent.isoformat() if oldest_unsent else None,
        "last_ok_at": link.last_ok_at.isoformat() if link.last_ok_at else None,
        "last_error": link.last_error,
        "last_error_at": link.last_error_at.isoformat() if link.last_error_at else None,
        "template_version": link.template_version,
    }


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None
