"""`Engine`: the one writer of queue state, as one object the app holds.

It owns nothing itself: each verb belongs to a unit with one job, and every unit writes
through `Transactions` (outbox.py), which locks the office, commits, and only then hands
the events to the listeners (the print worker) and the publisher (the sockets).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from printer.policy import PrinterPolicy

from ..db import Database
from . import journal
from .admin_accounts import AccountAdmin
from .admin_offices import OfficeAdmin
from .appointments import Appointments
from .calling import Calling
from .centre import CentreLink
from .context import Context, utcnow
from .counters import Counters
from .events import Event, Refresh
from .mirror import Mirror
from .numbering import Numbering
from .outbox import Listener, Transactions
from .phone_codes import PhoneCodes
from .presence import Presence
from .printing import PrintJobs
from .ratings import Ratings
from .reads import Reads
from .sources import BookingSources, IssuedSources
from .ticket_actions import TicketActions


class _Verb:
    """`engine.issue(...)` is `engine.numbering.issue(...)`: the facade names each verb
    once, with the unit that does it, and adds nothing in between."""

    def __init__(self, unit: str) -> None:
        self.unit = unit
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, engine: Any, owner: type | None = None) -> Any:
        if engine is None:
            return self
        return getattr(getattr(engine, self.unit), self.name)


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
    offices = _Verb("reads")
    office_settings = _Verb("reads")
    services = _Verb("reads")
    opening = _Verb("reads")
    report_targets = _Verb("reads")
    priority_classes = _Verb("reads")
    snapshot = _Verb("reads")
    snapshot_body = _Verb("reads")
    counter_snapshot = _Verb("reads")
    ticket_by_token = _Verb("reads")
    ticket = _Verb("reads")
    principal_view = _Verb("reads")
    device = _Verb("reads")
    devices = _Verb("reads")
    # issuing, calling, serving
    issue = _Verb("numbering")
    # appointments
    booking = _Verb("appointments")
    slots = _Verb("appointments")
    book = _Verb("appointments")
    appointment = _Verb("appointments")
    change_appointment = _Verb("appointments")
    cancel_appointment = _Verb("appointments")
    appointments_of_day = _Verb("appointments")
    set_return = _Verb("appointments")
    result_ready = _Verb("appointments")
    check_in = _Verb("appointments")
    send_phone_code = _Verb("phone_codes")
    booking_challenge = _Verb("challenges")
    booking_sources_of = _Verb("booking_sources")
    cancel_booking_source = _Verb("booking_sources")
    call_next = _Verb("calling")
    call_ticket = _Verb("calling")
    recall = _Verb("ticket_actions")
    start = _Verb("ticket_actions")
    finish = _Verb("ticket_actions")
    no_show = _Verb("ticket_actions")
    hold = _Verb("ticket_actions")
    resume = _Verb("ticket_actions")
    transfer = _Verb("ticket_actions")
    cancel = _Verb("ticket_actions")
    requeue = _Verb("ticket_actions")
    attach_dossier = _Verb("ticket_actions")
    issued_sources = _Verb("sources")
    cancel_source = _Verb("sources")
    set_counter_state = _Verb("counters")
    # ratings, devices, printing
    rating_scale = _Verb("ratings")
    rating_prompt = _Verb("ratings")
    rate = _Verb("ratings")
    device_presence = _Verb("presence")
    card_scanned = _Verb("presence")
    reprint = _Verb("print_jobs")
    claim_print_job = _Verb("print_jobs")
    settle_print_job = _Verb("print_jobs")
    expire_print_jobs = _Verb("print_jobs")
    pending_print_jobs = _Verb("print_jobs")
    ticket_preview = _Verb("print_jobs")
    # administration
    create_office = _Verb("office_admin")
    export_office = _Verb("office_admin")
    update_office = _Verb("office_admin")
    import_office = _Verb("office_admin")
    office_has_tickets = _Verb("office_admin")
    create_service = _Verb("office_admin")
    update_service = _Verb("office_admin")
    create_counter = _Verb("office_admin")
    update_counter = _Verb("office_admin")
    save_priority_class = _Verb("office_admin")
    create_device = _Verb("account_admin")
    update_device = _Verb("account_admin")
    new_device_token = _Verb("account_admin")
    revoke_device = _Verb("account_admin")
    users = _Verb("account_admin")
    create_user = _Verb("account_admin")
    update_user = _Verb("account_admin")
    reset_password = _Verb("account_admin")
    sign_out_everywhere = _Verb("account_admin")
    tokens = _Verb("account_admin")
    create_user_token = _Verb("account_admin")
    revoke_token = _Verb("account_admin")
    audit_log = _Verb("account_admin")
    # a province: the provincial server's side
    add_centre = _Verb("mirror")
    join = _Verb("mirror")
    revoke_centre = _Verb("mirror")
    centre_for_token = _Verb("mirror")
    centres = _Verb("mirror")
    centre = _Verb("mirror")
    contact = _Verb("mirror")
    receive = _Verb("mirror")
    refused = _Verb("mirror")
    save_template = _Verb("mirror")
    assign_template = _Verb("mirror")
    template_for = _Verb("mirror")
    centre_applied = _Verb("mirror")
    # a province: the centre's side
    link = _Verb("centre_link")
    join_province = _Verb("centre_link")
    entries_after = _Verb("centre_link")
    confirmed = _Verb("centre_link")
    push_failed = _Verb("centre_link")
    claim_pusher = _Verb("centre_link")
    release_pusher = _Verb("centre_link")
    prune_journal = _Verb("centre_link")
    template_applied = _Verb("centre_link")
    link_secret = _Verb("centre_link")
    resend_from = _Verb("centre_link")
    outgoing = _Verb("centre_link")
    province_refused = _Verb("centre_link")
    start_resync = _Verb("centre_link")
    resume_pushing = _Verb("centre_link")
