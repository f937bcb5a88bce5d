"""The provincial server's side of a province: registered centres and their copies.

A centre is the only writer of its offices; here they are read-only copies in the same
tables as this server's own offices (marked with `centre_id`), so the overview and every
report read them as they read any office. They are written here and nowhere else: the
engine refuses any other write to them (`Transactions.office`).

A push carries journal entries numbered without gaps. They are applied in one transaction
under the centre's row lock, starting right after `received_seq` and advancing it, so an
entry sent twice (a lost answer, a second process) is applied once, and a gap is refused
with the number expected. Rows keep their own ids here; `mirror_ids` maps a centre's ids to
them, so two centres never collide.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..i18n import english, vietnamese
from ..models import Centre, CounterService, MirrorId, Office, ProvinceTemplate, Service
from . import report_marks
from .commit_then_publish import Unit
from .errors import Conflict, Diverged, Forbidden, Invalid, NotFound, OutOfOrder
from .rules import documents, numbers
from .rules import mirrored_rows as mirror_rules
from .rules.documents import check_code
from .sync_kinds import (
    BY_NAME,
    EVENT_DATA_REFS,
    KINDS,
    SOFT_REFS,
    BadRow,
    Kind,
    decode,
    digest,
)

JOIN_PREFIX = "luotj_"
TOKEN_PREFIX = "luotc_"
JOIN_DAYS = 7
# Ids per IN (...) list: well under SQLite's limit on bound variables.
CHUNK = 900


class Mirror(Unit):
    # -- registering centres

    def add_centre(self, code: str, name: str, user_id: int | None = None) -> dict[str, Any]:
        """A centre the province expects (or one again, after a revocation or a lost
        code): its one-time join code, valid JOIN_DAYS days. Its token, if any, stays
        good until the centre joins with the new code."""
        check_code(code)
        name = (name or "").strip()[:200] or code
        raw = JOIN_PREFIX + secrets.token_urlsafe(24)
        now = self.ctx.clock()
        with self.tx.write() as (session, _outbox):
            centre = session.scalar(select(Centre).where(Centre.code == code))
            action = "centre.join_code"
            if centre is None:
                centre = Centre(code=code, name=name, created_at=now)
                session.add(centre)
                action = "centre.add"
            elif name != code:
                centre.name = name
            centre.join_hash = digest(raw)
            centre.join_expires_at = now + dt.timedelta(days=JOIN_DAYS)
            session.flush()
            self._audit(session, None, user_id, action, code, after={"name": centre.name})
            return {
                "centre": code,
                "name": centre.name,
                "join_code": raw,
                "expires_at": centre.join_expires_at.isoformat(),
            }

    def join(self, raw_code: str, address: str = "", offices: Iterable[str] = ()) -> dict[str, Any]:
        """Trade a join code for the centre's token (the old token, if any, stops). With the
        codes of the centre's `offices`, a code another office here has is refused now,
        naming it, and the join code stays good: found at the first push, it was found
        only after joining."""
        now = self.ctx.clock()
        with self.tx.write() as (session, _outbox):
            centre = session.scalar(
                select(Centre).where(Centre.join_hash == digest(raw_code or ""))
            )
            if centre is None or centre.join_expires_at is None or centre.join_expires_at < now:
                raise Forbidden(english("join_code"))
            taken = session.scalars(
                select(Office.code)
                .where(Office.code.in_(list(offices)))
                .where((Office.centre_id.is_(None)) | (Office.centre_id != centre.id))
                .order_by(Office.code)
            ).all()
            if taken:
                raise Conflict(english("join_codes_taken", codes=", ".join(taken)))
            token = TOKEN_PREFIX + secrets.token_urlsafe(32)
            centre.token_hash = digest(token)
            centre.join_hash = None
            centre.join_expires_at = None
            centre.joined_at = now
            centre.revoked_at = None
            centre.last_address = address[:64]
            self._audit(
                session, None, None, "centre.join", centre.code, after={"address": address[:64]}
            )
            return {
                "centre": centre.code,
                "name": centre.name,
                "token": token,
                "received": centre.received_seq,
            }

    def revoke_centre(self, code: str, user_id: int | None = None) -> dict[str, Any]:
        """The centre's token and any join code stop at once; its copy stays."""
        now = self.ctx.clock()
        with self.tx.write() as (session, _outbox):
            centre = self._centre(session, code)
            centre.token_hash = None
            centre.join_hash = None
            centre.join_expires_at = None
            centre.revoked_at = now
            self._audit(session, None, user_id, "centre.revoke", code)
            return centre_dict(centre, now)

    def centre_for_token(self, raw: str) -> int | None:
        if not raw.startswith(TOKEN_PREFIX):
            return None
        with self.ctx.db.read() as session:
            return session.scalar(
                select(Centre.id).where(
                    Centre.token_hash == digest(raw), Centre.revoked_at.is_(None)
                )
            )

    def centres(self, stale_after: float = 30.0) -> list[dict[str, Any]]:
        now = self.ctx.clock()
        with self.ctx.db.read() as session:
            templates = dict(
                session.execute(select(ProvinceTemplate.id, ProvinceTemplate.name)).all()
            )
            versions = dict(
                session.execute(select(ProvinceTemplate.id, ProvinceTemplate.version)).all()
            )
            return [
                centre_dict(c, now, stale_after)
                | {
                    "template": templates.get(c.template_id),
                    "template_version": versions.get(c.template_id),
                }
                for c in session.scalars(select(Centre).order_by(Centre.code))
            ]

    def centre(self, centre_id: int, stale_after: float = 30.0) -> dict[str, Any]:
        """One centre as `centres()` shows it."""
        with self.ctx.db.read() as session:
            centre = session.get(Centre, centre_id)
            if centre is None:
                raise NotFound(english("no_such_centre"))
            return centre_dict(centre, self.ctx.clock(), stale_after)

    # -- templates

    def save_template(
        self, name: str, body: dict[str, Any], user_id: int | None = None
    ) -> dict[str, Any]:
        """A template, new or changed (a change is a new version; the same body is not)."""
        check_code(name, "name")
        body = documents.load(documents.ProvinceTemplateBody, body)
        if not body:
            raise Invalid(english("template_empty"), field="body")
        numbers.check_blocks(body.get("services", []))
        now = self.ctx.clock()
        with self.tx.write() as (session, _outbox):
            template = session.scalar(select(ProvinceTemplate).where(ProvinceTemplate.name == name))
            if template is None:
                template = ProvinceTemplate(name=name, body=body, version=1, updated_at=now)
                session.add(template)
            elif template.body != body:
                template.body, template.version, template.updated_at = (
                    body,
                    template.version + 1,
                    now,
                )
            else:
                return {"name": name, "version": template.version}
            session.flush()
            self._audit(
                session, None, user_id, "template.save", name, after={"version": template.version}
            )
            return {"name": name, "version": template.version}

    def assign_template(
        self, name: str, codes: list[str], user_id: int | None = None
    ) -> dict[str, Any]:
        """These centres follow `name` from their next contact; all or none."""
        with self.tx.write() as (session, _outbox):
            template = session.scalar(select(ProvinceTemplate).where(ProvinceTemplate.name == name))
            if template is None:
                raise NotFound(english("no_template", name=name), field="name")
            found = {
                c.code: c for c in session.scalars(select(Centre).where(Centre.code.in_(codes)))
            }
            missing = sorted(set(codes) - set(found))
            if missing:
                raise NotFound(english("no_centres", codes=", ".join(missing)), field="centres")
            for code in dict.fromkeys(codes):
                found[code].template_id = template.id
                self._audit(
                    session,
                    None,
                    user_id,
                    "template.push",
                    code,
                    after={"template": name, "version": template.version},
                )
            return {
                "name": name,
                "version": template.version,
                "centres": list(dict.fromkeys(codes)),
            }

    def template_for(self, centre_id: int) -> dict[str, Any]:
        with self.ctx.db.read() as session:
            centre = session.get(Centre, centre_id)
            template = (
                session.get(ProvinceTemplate, centre.template_id)
                if centre is not None and centre.template_id is not None
                else None
            )
            if template is None:
                raise NotFound(english("no_centre_template"))
            return {"name": template.name, "version": template.version, "body": template.body}

    def centre_applied(self, centre_id: int, version: int, report: dict[str, Any]) -> None:
        """The centre says what it made of a version; kept for the overview, audited."""
        with self.tx.write() as (session, _outbox):
            centre = session.get(Centre, centre_id)
            if centre is None:
                raise NotFound(english("no_such_centre"))
            centre.template_applied, centre.template_report = version, report
            self._audit(session, None, None, "template.applied", centre.code, after=report)

    @staticmethod
    def _centre(session: Session, code: str) -> Centre:
        centre = session.scalar(select(Centre).where(Centre.code == code))
        if centre is None:
            raise NotFound(english("no_centre", code=code), field="centre")
        return centre

    # -- receiving

    def contact(self, centre_id: int, status: dict[str, Any], address: str) -> None:
        """What the centre says of itself at each push, kept even when its entries are
        refused: its live figures, its journal's head, its oldest entry not received."""
        with self.tx.write() as (session, _outbox):
            session.execute(
                update(Centre)
                .where(Centre.id == centre_id)
                .values(
                    last_contact_at=self.ctx.clock(),
                    last_address=address[:64],
                    head_seq=status["head"],
                    oldest_unsent_at=status.get("oldest_unsent_at"),
                    live={"at": status["at"].isoformat(), "offices": status["offices"]},
                )
            )

    def receive(
        self,
        centre_id: int,
        entries: list[dict[str, Any]],
        sync: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Apply the entries this server does not have yet, once each and in order.

        `sync` is what the push says of the centre's journal (its epoch, head, and the
        entry it takes the province to hold last, with digests): entries under numbers
        this server holds must be the same entries, or the push is refused as diverged,
        and a new epoch (the centre sends its state again) replaces the copy."""
        now = self.ctx.clock()
        with self.tx.write() as (session, _outbox):
            # The row lock keeps two pushes of one centre (two processes) one after another.
            centre = session.scalar(
                update(Centre)
                .where(Centre.id == centre_id, Centre.revoked_at.is_(None))
                .values(last_error=None)
                .returning(Centre)
            )
            if centre is None:
                raise Forbidden(english("centre_revoked"))
            if sync is not None:
                epoch = sync.get("epoch") or {}
                if (epoch.get("id") or "") != centre.epoch:
                    self._new_epoch(session, centre, epoch, entries, sync, now)
                else:
                    _same_journal(centre, entries, sync)
            expected = centre.received_seq + 1
            fresh = [entry for entry in entries if entry["seq"] >= expected]
            if fresh and fresh[0]["seq"] != expected:
                raise OutOfOrder(
                    english("entries_follow", held=centre.received_seq, start=fresh[0]["seq"]),
                    received=centre.received_seq,
                )
            for before, after in zip(fresh, fresh[1:], strict=False):
                if after["seq"] != before["seq"] + 1:
                    raise Invalid(english("entry_missing", seq=before["seq"] + 1))
            applied = 0
            if fresh:
                rows = [row for entry in fresh for row in entry["rows"]]
                first, last = fresh[0]["seq"], fresh[-1]["seq"]
                try:
                    applied = _Apply(session, centre).rows(rows)
                except BadRow as exc:
                    raise refusal(first, last, exc) from exc
                except DBAPIError as exc:
                    # Rows that break what the tables hold (two tickets of one appointment,
                    # a value PostgreSQL cannot store): refused whole, like a bad row.
                    raise Invalid(
                        english(
                            "push_unstorable",
                            first=first,
                            last=last,
                            error=exc.orig.__class__.__name__,
                        )
                    ) from exc
                centre.received_seq = fresh[-1]["seq"]
                centre.received_digest = fresh[-1].get("digest")
            resync = centre.resync or {}
            if resync.get("state") == "running" and centre.received_seq >= resync["end"]:
                centre.resync = resync | {"state": "done", "done_at": now.isoformat()}
                self._audit(session, None, None, "centre.resynced", centre.code, after=resync)
            template = None
            if centre.template_id is not None:
                version = session.scalar(
                    select(ProvinceTemplate.version).where(
                        ProvinceTemplate.id == centre.template_id
                    )
                )
                if version != centre.template_applied:
                    template = {"version": version}
            return {"received": centre.received_seq, "rows": applied, "template": template}

    def _new_epoch(
        self,
        session: Session,
        centre: Centre,
        epoch: dict[str, Any],
        entries: list[dict[str, Any]],
        sync: dict[str, Any],
        now: dt.datetime,
    ) -> None:
        """The centre sends its whole state again (it was restored from a backup). Taken
        from the epoch's first entry only; rows the centre no longer has (ids above the
        highest it holds of their kind) leave the copy first, their images kept in the
        audit log, since their ids will name other rows from now on."""
        start = epoch.get("start")
        first = entries[0]["seq"] if entries else sync.get("head", 0) + 1
        if not isinstance(start, int) or start < 1:
            raise Invalid(english("epoch_first"))
        if first != start:
            raise OutOfOrder(english("epoch_start", start=start), received=start - 1)
        max_ids = epoch.get("max_ids") or {}
        if not isinstance(max_ids, dict):
            raise Invalid(english("epoch_ids"))
        dropped = _Drop(session, centre).above(max_ids)
        centre.epoch = str(epoch.get("id") or "")[:32]
        centre.received_seq, centre.received_digest = start - 1, None
        centre.resync = {
            "state": "running",
            "start": start,
            "end": int(epoch.get("end") or start),
            "since": now.isoformat(),
            "dropped": {kind: len(rows) for kind, rows in dropped.items() if rows},
        }
        self._audit(
            session,
            None,
            None,
            "centre.resync",
            centre.code,
            after={"epoch": centre.epoch, "baseline": [start, centre.resync["end"]]},
            before={"dropped": dropped} if any(dropped.values()) else None,
        )

    def refused(self, centre_id: int, reason: str, diverged: bool = False) -> None:
        """Why the centre's last push was refused, for the overview; a diverged journal
        shows as such until the centre sends its state again."""
        values: dict[str, Any] = {"last_error": reason[:2000]}
        if diverged:
            values["resync"] = {"state": "diverged", "since": self.ctx.clock().isoformat()}
        with self.tx.write() as (session, _outbox):
            session.execute(update(Centre).where(Centre.id == centre_id).values(**values))


def refusal(first: int, last: int, bad: BadRow) -> Invalid:
    """A push's bad row as the refusal the centre (and the province's overview) reads: the
    entries, the row (kind, the centre's id, its code), the value at fault and why."""
    row = bad.row or {}
    if not row:
        return Invalid(english("push_entries", first=first, last=last, reason=bad.message))
    named = {"first": first, "last": last, "kind": row["kind"], "id": row["id"]}
    if bad.field is None:
        message = english("push_row_whole", **named, problem=bad.message)
    elif "code" in row:
        message = english(
            "push_row_coded", **named, code=row["code"], field=bad.field, problem=bad.message
        )
    else:
        message = english("push_row", **named, field=bad.field, problem=bad.message)
    return Invalid(message, row=row | ({"field": bad.field} if bad.field else {}))


def _same_journal(centre: Centre, entries: list[dict[str, Any]], sync: dict[str, Any]) -> None:
    """Refuse, loudly, a push whose entries are not those this server holds under the same
    numbers: a centre restored from a backup numbers its new writes as the old ones."""
    held, digest_held = centre.received_seq, centre.received_digest
    head = sync.get("head")
    base = sync.get("base") or {}
    theirs = base.get("digest") if base.get("seq") == held else None
    theirs = next((e.get("digest") for e in entries if e["seq"] == held), theirs)
    if isinstance(head, int) and head < held:
        why = english("diverged_head", held=held, head=head)
    elif digest_held and theirs and theirs != digest_held:
        why = english("diverged_entry", held=held)
    elif digest_held and theirs is None and entries and entries[0]["seq"] <= held:
        # Entries this server may hold already, and nothing to tell them by (digests go
        # with a push's last entry only): sent again from the next, with that digest.
        raise OutOfOrder(english("send_from", held=held, next=held + 1), received=held)
    else:
        return
    raise Diverged(english("diverged", why=why), received=held)


class _Drop:
    """Rows of a centre's copy that the centre no longer has, removed (children first)."""

    def __init__(self, session: Session, centre: Centre) -> None:
        self.session = session
        self.centre = centre

    def above(self, max_ids: dict[str, Any]) -> dict[str, list[Any]]:
        gone: dict[str, list[int]] = {}
        for kind in KINDS:
            highest = max_ids.get(kind.name)
            if not isinstance(highest, int) or isinstance(highest, bool):
                continue
            rows = self.session.execute(
                select(MirrorId.source_id, MirrorId.local_id).where(
                    MirrorId.centre_id == self.centre.id,
                    MirrorId.kind == kind.name,
                    MirrorId.source_id > highest,
                )
            ).all()
            if rows:
                gone[kind.name] = [local for _source, local in rows]
        images: dict[str, list[Any]] = {}
        if not gone:
            return images
        self._with_dependents(gone)
        report_marks.forget(self.session, gone.get("ticket", []))
        for kind in reversed(KINDS):
            local = gone.get(kind.name)
            if not local:
                continue
            self._unlink(kind, local)
            table = kind.table
            images[kind.name] = []
            for start in range(0, len(local), CHUNK):
                part = local[start : start + CHUNK]
                images[kind.name] += [
                    {k: _plain(v) for k, v in row._mapping.items()}
                    for row in self.session.execute(select(table).where(table.c.id.in_(part)))
                ]
                if kind.name == "counter":
                    self.session.execute(
                        delete(CounterService).where(CounterService.counter_id.in_(part))
                    )
                self.session.execute(delete(table).where(table.c.id.in_(part)))
                self.session.execute(
                    delete(MirrorId).where(
                        MirrorId.centre_id == self.centre.id,
                        MirrorId.kind == kind.name,
                        MirrorId.local_id.in_(part),
                    )
                )
        return images

    def _with_dependents(self, gone: dict[str, list[int]]) -> None:
        """Rows that cannot stay without a row that goes (an event of a lost ticket, whose
        own id the centre may use again) go with it; the baseline sends the centre's own."""
        for kind in KINDS:
            found = set(gone.get(kind.name, []))
            for column, target in kind.refs.items():
                parents = gone.get(target)
                if not parents or kind.table.c[column].nullable:
                    continue
                for start in range(0, len(parents), CHUNK):
                    found.update(
                        self.session.scalars(
                            select(kind.table.c.id).where(
                                kind.table.c[column].in_(parents[start : start + CHUNK])
                            )
                        )
                    )
            if found:
                gone[kind.name] = sorted(found)

    def _unlink(self, target: Kind, local: list[int]) -> None:
        """Rows that stay but point at a row that goes: the reference emptied (the
        centre's baseline sets it again as the centre has it)."""
        for kind in KINDS:
            for column, points_at in kind.refs.items():
                if points_at != target.name or not kind.table.c[column].nullable:
                    continue
                for start in range(0, len(local), CHUNK):
                    self.session.execute(
                        update(kind.table)
                        .where(kind.table.c[column].in_(local[start : start + CHUNK]))
                        .values({column: None})
                    )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value


class _Apply:
    """One push's rows written into this server's copy of the centre."""

    def __init__(self, session: Session, centre: Centre) -> None:
        self.session = session
        self.centre = centre
        self.ids: dict[str, dict[int, int]] = defaultdict(dict)
        self.offices: set[int] = set()
        # (kind, row's source id, column, target kind, source id it names): references to
        # rows of a later kind, filled in once every kind is written.
        self.deferred: list[tuple[Kind, int, str, str, int]] = []

    def rows(self, rows: Iterable[Any]) -> int:
        # The last image of each row wins: entries come in commit order.
        latest: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
        count = 0
        for row in rows:
            if not (isinstance(row, list) and len(row) == 2 and row[0] in BY_NAME):
                raise BadRow(english("row_kind"))
            kind = BY_NAME[row[0]]
            values = decode(kind, row[1])
            earlier = latest[kind.name].get(values["id"])
            if earlier is not None and "services" in earlier:
                values.setdefault("services", earlier["services"])  # sent only when changed
            latest[kind.name][values["id"]] = values
            count += 1
        for name, images in latest.items():
            for values in images.values():
                mirror_rules.check(name, values)
        pushed_services = {
            source: (values["office_id"], dict(values))
            for source, values in latest["service"].items()
        }
        for kind in KINDS:
            if latest[kind.name]:
                self._kind(kind, latest[kind.name])
        self._fill_deferred()
        self._check_blocks(pushed_services)
        # The days these rows belong to are rolled up again for the reports.
        touched = {self.ids["ticket"].get(i) for i in latest["ticket"]}
        for name in ("ticket_event", "rating"):
            touched.update(v["ticket_id"] for v in latest[name].values())
        touched.discard(None)
        report_marks.forget(self.session, touched)
        if self.offices:
            self.session.execute(
                update(Office)
                .where(Office.id.in_(self.offices))
                .values(version=Office.version + 1, figures_version=Office.figures_version + 1)
            )
        return count

    def _check_blocks(self, pushed: dict[int, tuple[int, dict[str, Any]]]) -> None:
        """Each office whose fields came in keeps blocks that never share a display code,
        as the configuration routes keep them (checked against the copy as it now is)."""
        by_office: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
        offices = self._known("office", [office for office, _values in pushed.values()])
        for source, (office, values) in pushed.items():
            by_office[offices[office]][source] = values
        for office_id, rows in by_office.items():
            services = self.session.execute(
                select(
                    Service.code,
                    Service.prefix,
                    Service.number_start,
                    Service.number_end,
                    Service.active,
                ).where(Service.office_id == office_id)
            ).all()
            mirror_rules.check_blocks(rows, services)

    def _known(self, kind: str, source_ids: Iterable[int]) -> dict[int, int]:
        """The local ids of these source ids of `kind` that this server has."""
        found = self.ids[kind]
        wanted = [i for i in set(source_ids) if i not in found]
        for start in range(0, len(wanted), CHUNK):
            part = wanted[start : start + CHUNK]
            rows = self.session.execute(
                select(MirrorId.source_id, MirrorId.local_id).where(
                    MirrorId.centre_id == self.centre.id,
                    MirrorId.kind == kind,
                    MirrorId.source_id.in_(part),
                )
            )
            found.update((source, local) for source, local in rows)
        return found

    def _kind(self, kind: Kind, rows: dict[int, dict[str, Any]]) -> None:
        for column, target in kind.refs.items():
            wanted = [v[column] for v in rows.values() if v.get(column) is not None]
            known = self._known(target, wanted)
            for values in rows.values():
                source = values.get(column)
                if source is None:
                    continue
                if source in known:
                    values[column] = known[source]
                elif (kind.name, column) in SOFT_REFS:
                    self.deferred.append((kind, values["id"], column, target, source))
                    values[column] = None
                else:
                    raise BadRow(
                        english("row_names", target=target, source=source),
                        row=mirror_rules.label(kind.name, values),
                        field=column,
                    )
        if kind.name == "ticket_event":
            self._event_data(rows)
        mapped = self._known(kind.name, rows)
        if kind.name == "office":
            self._claim_offices(rows, mapped)
        inserts, updates, relinks = [], [], []
        for source, values in rows.items():
            services = values.pop("services", None)
            values = self._local(kind, values)
            if source in mapped:
                values["id"] = mapped[source]
                updates.append(values)
            else:
                values.pop("id")
                inserts.append((source, values))
            if services is not None:
                relinks.append((source, values["office_id"], services))
        # Core statements, many rows each: multi-row INSERT … RETURNING, and one UPDATE
        # sent with many parameter sets (the ORM's bulk paths wrote a row at a time here).
        table = kind.table
        if updates:
            columns = [name for name in updates[0] if name != "id"]
            self.session.execute(
                update(table)
                .where(table.c.id == bindparam("row_id"))
                .values({name: bindparam(name) for name in columns}),
                [{**{name: v[name] for name in columns}, "row_id": v["id"]} for v in updates],
            )
        if inserts:
            created = (
                self.session.execute(
                    insert(table).returning(table.c.id, sort_by_parameter_order=True),
                    [values for _source, values in inserts],
                )
                .scalars()
                .all()
            )
            self.session.execute(
                insert(MirrorId.__table__),
                [
                    {
                        "centre_id": self.centre.id,
                        "kind": kind.name,
                        "source_id": source,
                        "local_id": local,
                    }
                    for (source, _values), local in zip(inserts, created, strict=True)
                ],
            )
            mapped.update(
                (source, local) for (source, _values), local in zip(inserts, created, strict=True)
            )
        if kind.name == "office":
            self.offices.update(mapped[source] for source in rows)
        elif "office_id" in kind.refs:
            self.offices.update(
                v["office_id"] for v in (*updates, *(v for _s, v in inserts)) if v["office_id"]
            )
        if relinks:
            self._relink(mapped, relinks)

    def _fill_deferred(self) -> None:
        for kind, row, column, target, source in self.deferred:
            local = self._known(target, [source]).get(source)
            if local is None:
                continue  # named a row the centre never sent: left empty
            self.session.execute(
                update(kind.table)
                .where(kind.table.c.id == self.ids[kind.name][row])
                .values({column: local})
            )

    def _local(self, kind: Kind, values: dict[str, Any]) -> dict[str, Any]:
        """The row as this server keeps it."""
        if kind.name == "office":
            values["centre_id"] = self.centre.id
        elif kind.name == "user":
            values["username"] = f"{self.centre.code}/{values['username']}"[:64]
            values.update(centre_id=self.centre.id, active=False, password_hash="")
            values["role"] = "officer" if values.get("role") == "admin" else values.get("role")
        elif kind.name in ("ticket", "appointment"):
            # Unique here as at the centre, and never a working link.
            values["token"] = digest(f"{self.centre.code}:{values['token']}")
            if kind.name == "appointment":
                values["code"] = digest(f"{self.centre.code}:{values['code']}")[:16]
        return values

    def _claim_offices(self, rows: dict[int, dict[str, Any]], mapped: dict[int, int]) -> None:
        """A centre's office keeps its code here; a code another office has is refused."""
        for source, values in rows.items():
            if source in mapped:
                continue
            other = self.session.execute(
                select(Office.id, Office.centre_id).where(Office.code == values["code"])
            ).first()
            if other is None:
                continue
            if other.centre_id == self.centre.id:
                mapped[source] = other.id
                self.session.execute(
                    insert(MirrorId).values(
                        centre_id=self.centre.id,
                        kind="office",
                        source_id=source,
                        local_id=other.id,
                    )
                )
                continue
            raise BadRow(
                english("row_code_taken", code=values["code"]),
                row=mirror_rules.label("office", values),
                field="code",
            )

    def _event_data(self, rows: dict[int, dict[str, Any]]) -> None:
        wanted = [
            v["data"][key]
            for v in rows.values()
            if isinstance(v.get("data"), dict)
            for key in EVENT_DATA_REFS
            if isinstance(v["data"].get(key), int)
        ]
        known = self._known("counter", wanted)
        for values in rows.values():
            data = values.get("data")
            if isinstance(data, dict):
                for key in EVENT_DATA_REFS:
                    if isinstance(data.get(key), int):
                        data[key] = known.get(data[key])

    def _relink(self, mapped: dict[int, int], relinks: list[tuple[int, int, list[int]]]) -> None:
        """A counter's fields, each a field of the counter's own office (as the
        configuration routes have it: a counter never calls another office's line)."""
        services = self._known("service", [s for _c, _o, items in relinks for s in items])
        offices = dict(
            self.session.execute(
                select(Service.id, Service.office_id).where(
                    Service.id.in_(list(set(services.values())))
                )
            ).all()
        )
        counters = [mapped[source] for source, _office, _items in relinks]
        self.session.execute(delete(CounterService).where(CounterService.counter_id.in_(counters)))
        links = []
        for source, office_id, items in relinks:
            row = {"kind": "counter", "id": source}
            for position, service in enumerate(dict.fromkeys(items)):
                if service not in services:
                    raise BadRow(
                        english("row_service_missing", service=service), row=row, field="services"
                    )
                if offices.get(services[service]) != office_id:
                    raise BadRow(
                        english("row_service_elsewhere", service=service),
                        row=row,
                        field="services",
                    )
                links.append(
                    {
                        "counter_id": mapped[source],
                        "service_id": services[service],
                        "position": position,
                    }
                )
        if links:
            self.session.execute(insert(CounterService), links)


def centre_dict(centre: Centre, now: dt.datetime, stale_after: float = 30.0) -> dict[str, Any]:
    live = centre.live or {}
    lag = max(centre.head_seq - centre.received_seq, 0)
    since = int((now - centre.last_contact_at).total_seconds()) if centre.last_contact_at else None
    return {
        "code": centre.code,
        "name": centre.name,
        "state": ("revoked" if centre.revoked_at else "joined" if centre.token_hash else "invited"),
        "joined_at": _iso(centre.joined_at),
        "revoked_at": _iso(centre.revoked_at),
        "last_contact_at": _iso(centre.last_contact_at),
        "seconds_since_contact": since,
        "stale": since is None or since > stale_after,
        "received_seq": centre.received_seq,
        "head_seq": centre.head_seq,
        "lag_entries": lag,
        "lag_seconds": (
            int((now - centre.oldest_unsent_at).total_seconds())
            if lag and centre.oldest_unsent_at
            else 0
        ),
        "live_at": live.get("at"),
        "offices": live.get("offices", []),
        "last_error": centre.last_error,
        "last_error_vi": vietnamese(centre.last_error) if centre.last_error else None,
        "template_applied": centre.template_applied,
        "template_report": centre.template_report,
        # After a restore at the centre: "diverged" (refused, waiting for its state),
        # "running" (its state arriving: `start`…`end`), "done" (with what was dropped).
        "resync": centre.resync,
    }


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None
