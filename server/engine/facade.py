"""`Engine`: the one writer of queue state, as one object the app holds.

It owns nothing itself: each verb belongs to a unit with one job, and every unit writes
through `Transactions` (commit_then_publish.py), which locks the office, commits, and only
then hands the events to the listeners (the print worker) and the publisher (the sockets).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from printer.policy import PrinterPolicy

from ..db import Database
from . import journal
from .accounts import AccountAdmin
from .appointments import Appointments
from .calling import Calling
from .centre import CentreLink
from .challenges import Challenges
from .commit_then_publish import Listener, Transactions
from .context import Context, utcnow
from .counters import Counters
from .device_presence import Presence
from .events import Event, Refresh
from .mirror import Mirror
from .numbering import Numbering
from .office_setup import OfficeAdmin
from .phone_codes import PhoneCodes
from .printing import PrintJobs
from .ratings import Ratings
from .reads import Reads
from .sources import BookingSources, IssuedSources
from .ticket_actions import TicketActions

P = ParamSpec("P")
R = TypeVar("R")


class verb(Generic[P, R]):
    """`engine.issue(...)` is `engine.numbering.issue(...)`: the facade names each verb
    once, by the method that does it, so an editor's "go to definition" lands on that
    method and a type checker sees its signature; nothing is added in between."""

    def __init__(self, method: Callable[Concatenate[Any, P], R]) -> None:
        self.method = method
        self.unit = method.__qualname__.rpartition(".")[0]

    def __get__(self, engine: Engine | None, owner: type | None = None) -> Callable[P, R]:
        if engine is None:  # `Engine.issue`: the descriptor (help(), mock.patch.object)
            return self  # type: ignore[return-value]
        return getattr(engine.units[self.unit], self.method.__name__)


class Engine:
    def __init__(
        self,
        db: Database,
        publish: Callable[[Event], None] | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
        default_service_minutes: float = 5.0,
        eta_sample_size: int = 20,
        defer_refresh: Callable[[Refresh], None] | None = None,
        printer_policy: PrinterPolicy | None = None,
        messages_per_phone_max: int = 20,
        challenge_key: str = "luot",
        challenge_cost: int = 20000,
        challenge_seconds: int = 1200,
    ) -> None:
        self.context = ctx = Context(
            db,
            clock,
            printer_policy or PrinterPolicy(),
            default_service_minutes,
            eta_sample_size,
            messages_per_phone_max=messages_per_phone_max,
            challenge_key=challenge_key,
            challenge_cost=challenge_cost,
            challenge_seconds=challenge_seconds,
        )
        self.transactions = tx = Transactions(ctx, publish, defer_refresh)
        journal.watch(db.sessions)
        self.reads = Reads(ctx)
        self.numbering = Numbering(ctx, tx)
        self.appointments = Appointments(ctx, tx, self.numbering)
        self.calling = Calling(ctx, tx)
        self.ticket_actions = TicketActions(ctx, tx)
        self.sources = IssuedSources(ctx, tx)
        self.booking_sources = BookingSources(ctx, tx)
        self.phone_codes = PhoneCodes(ctx, tx)
        self.challenges = self.appointments.challenges
        self.counters = Counters(ctx, tx)
        self.ratings = Ratings(ctx, tx)
        self.presence = Presence(ctx, tx)
        self.print_jobs = PrintJobs(ctx, tx)
        self.office_admin = OfficeAdmin(ctx, tx)
        self.account_admin = AccountAdmin(ctx, tx)
        self.mirror = Mirror(ctx, tx)
        self.centre_link = CentreLink(ctx, tx)
        self.units: dict[str, Any] = {
            type(unit).__qualname__: unit
            for unit in vars(self).values()
            if not isinstance(unit, Context | Transactions)
        }

    # What the app and the tests set: the clock everywhere, and where events go.
    @property
    def db(self) -> Database:
        return self.context.db

    @property
    def clock(self) -> Callable[[], dt.datetime]:
        return self.context.clock

    @clock.setter
    def clock(self, clock: Callable[[], dt.datetime]) -> None:
        self.context.clock = clock

    @property
    def publish(self) -> Callable[[Event], None]:
        return self.transactions.publish

    @publish.setter
    def publish(self, publish: Callable[[Event], None]) -> None:
        self.transactions.publish = publish

    @property
    def defer_refresh(self) -> Callable[[Refresh], None] | None:
        return self.transactions.defer_refresh

    @defer_refresh.setter
    def defer_refresh(self, schedule: Callable[[Refresh], None] | None) -> None:
        self.transactions.defer_refresh = schedule

    @property
    def printer_policy(self) -> PrinterPolicy:
        return self.context.printer_policy

    @printer_policy.setter
    def printer_policy(self, policy: PrinterPolicy) -> None:
        self.context.printer_policy = policy

    def listen(self, listener: Listener) -> None:
        """`listener(event)` sees each event after its commit, before the publisher; an
        event it returns True for is its own and is not published (server-side printing)."""
        self.transactions.listeners.append(listener)

    def refresh_events(
        self, refresh: Refresh, wanted: Callable[[str], bool] | None = None, office: bool = True
    ) -> Iterator[Event]:
        return self.transactions.refresh_events(refresh, wanted, office)

    def office_id(self, code: str) -> int:
        return self.context.office_id(code)

    def office_of(self, kind: str, ident: int) -> int:
        return self.context.office_of(kind, ident)

    # reads
    offices = verb(Reads.offices)
    office_settings = verb(Reads.office_settings)
    services = verb(Reads.services)
    opening = verb(Reads.opening)
    report_targets = verb(Reads.report_targets)
    priority_classes = verb(Reads.priority_classes)
    snapshot = verb(Reads.snapshot)
    snapshot_body = verb(Reads.snapshot_body)
    counter_snapshot = verb(Reads.counter_snapshot)
    ticket_by_token = verb(Reads.ticket_by_token)
    ticket = verb(Reads.ticket)
    principal_view = verb(Reads.principal_view)
    device = verb(Reads.device)
    devices = verb(Reads.devices)
    # issuing, calling, serving
    issue = verb(Numbering.issue)
    # appointments
    booking = verb(Appointments.booking)
    slots = verb(Appointments.slots)
    book = verb(Appointments.book)
    appointment = verb(Appointments.appointment)
    change_appointment = verb(Appointments.change_appointment)
    cancel_appointment = verb(Appointments.cancel_appointment)
    appointments_of_day = verb(Appointments.appointments_of_day)
    set_return = verb(Appointments.set_return)
    result_ready = verb(Appointments.result_ready)
    check_in = verb(Appointments.check_in)
    send_phone_code = verb(PhoneCodes.send_phone_code)
    booking_challenge = verb(Challenges.booking_challenge)
    booking_sources_of = verb(BookingSources.booking_sources_of)
    cancel_booking_source = verb(BookingSources.cancel_booking_source)
    call_next = verb(Calling.call_next)
    call_ticket = verb(Calling.call_ticket)
    recall = verb(TicketActions.recall)
    start = verb(TicketActions.start)
    finish = verb(TicketActions.finish)
    no_show = verb(TicketActions.no_show)
    hold = verb(TicketActions.hold)
    resume = verb(TicketActions.resume)
    transfer = verb(TicketActions.transfer)
    cancel = verb(TicketActions.cancel)
    requeue = verb(TicketActions.requeue)
    attach_dossier = verb(TicketActions.attach_dossier)
    issued_sources = verb(IssuedSources.issued_sources)
    cancel_source = verb(IssuedSources.cancel_source)
    set_counter_state = verb(Counters.set_counter_state)
    # ratings, devices, printing
    rating_scale = verb(Ratings.rating_scale)
    rating_prompt = verb(Ratings.rating_prompt)
    rate = verb(Ratings.rate)
    device_presence = verb(Presence.device_presence)
    card_scanned = verb(Presence.card_scanned)
    reprint = verb(PrintJobs.reprint)
    claim_print_job = verb(PrintJobs.claim_print_job)
    settle_print_job = verb(PrintJobs.settle_print_job)
    expire_print_jobs = verb(PrintJobs.expire_print_jobs)
    pending_print_jobs = verb(PrintJobs.pending_print_jobs)
    ticket_preview = verb(PrintJobs.ticket_preview)
    # administration
    create_office = verb(OfficeAdmin.create_office)
    export_office = verb(OfficeAdmin.export_office)
    update_office = verb(OfficeAdmin.update_office)
    import_office = verb(OfficeAdmin.import_office)
    office_has_tickets = verb(OfficeAdmin.office_has_tickets)
    create_service = verb(OfficeAdmin.create_service)
    update_service = verb(OfficeAdmin.update_service)
    create_counter = verb(OfficeAdmin.create_counter)
    update_counter = verb(OfficeAdmin.update_counter)
    save_priority_class = verb(OfficeAdmin.save_priority_class)
    create_device = verb(AccountAdmin.create_device)
    update_device = verb(AccountAdmin.update_device)
    new_device_token = verb(AccountAdmin.new_device_token)
    revoke_device = verb(AccountAdmin.revoke_device)
    users = verb(AccountAdmin.users)
    create_user = verb(AccountAdmin.create_user)
    update_user = verb(AccountAdmin.update_user)
    reset_password = verb(AccountAdmin.reset_password)
    sign_out_everywhere = verb(AccountAdmin.sign_out_everywhere)
    tokens = verb(AccountAdmin.tokens)
    create_user_token = verb(AccountAdmin.create_user_token)
    revoke_token = verb(AccountAdmin.revoke_token)
    audit_log = verb(AccountAdmin.audit_log)
    # a province: the provincial server's side
    add_centre = verb(Mirror.add_centre)
    join = verb(Mirror.join)
    revoke_centre = verb(Mirror.revoke_centre)
    centre_for_token = verb(Mirror.centre_for_token)
    centres = verb(Mirror.centres)
    centre = verb(Mirror.centre)
    contact = verb(Mirror.contact)
    receive = verb(Mirror.receive)
    refused = verb(Mirror.refused)
    save_template = verb(Mirror.save_template)
    assign_template = verb(Mirror.assign_template)
    template_for = verb(Mirror.template_for)
    centre_applied = verb(Mirror.centre_applied)
    # a province: the centre's side
    link = verb(CentreLink.link)
    join_province = verb(CentreLink.join_province)
    entries_after = verb(CentreLink.entries_after)
    confirmed = verb(CentreLink.confirmed)
    push_failed = verb(CentreLink.push_failed)
    claim_pusher = verb(CentreLink.claim_pusher)
    release_pusher = verb(CentreLink.release_pusher)
    prune_journal = verb(CentreLink.prune_journal)
    template_applied = verb(CentreLink.template_applied)
    link_secret = verb(CentreLink.link_secret)
    resend_from = verb(CentreLink.resend_from)
    outgoing = verb(CentreLink.outgoing)
    province_refused = verb(CentreLink.province_refused)
    start_resync = verb(CentreLink.start_resync)
    resume_pushing = verb(CentreLink.resume_pushing)
