"""A province over HTTP. Centres call the first four with their own token (the join with a
one-time code): join, push their journal, fetch and confirm their template. The province's
admins register, list and revoke centres and push templates; a centre's admin reads its
link. Every call a centre makes is one it opens itself: centres sit behind NAT."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import marshmallow as ma
from flask import abort, current_app, g, jsonify, request
from flask_smorest import Blueprint
from marshmallow import validate

from .. import current
from ..engine.errors import Diverged, EngineError, OutOfOrder
from ..engine.rules.documents import Count, Integer, Pattern, ProvinceTemplateBody
from ..extensions import limiter
from ..i18n import english
from ..web.auth import bearer_token, check_role, current_principal, guarded
from ..web.input_guard import BadInput, large_body, strict_json
from ..web.rate_limits import by_address, sign_in_limit
from ..workers import off_loop
from .common import current_engine
from .errors import ENGINE_STATUS, engine_error_body, error_response

blp = Blueprint("province", __name__, description="A province: centres and their sync")
SECURED = [{"bearerAuth": []}]
CODE = Pattern(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


def _admin(**_: object) -> None:
    check_role("admin")


def _centre(**_: object) -> None:
    """The centre behind the request's token (before any body is read), or 401."""
    raw = bearer_token()
    centre_id = current_engine().centre_for_token(raw) if raw else None
    if centre_id is None:
        abort(401, description=english("centre_token"))
    g.centre_id = centre_id


# -- schemas


class JoinIn(ma.Schema):
    code = ma.fields.String(required=True, validate=validate.Length(1, 100))
    offices = ma.fields.List(
        ma.fields.String(validate=validate.Length(1, 32)),
        load_default=list,
        validate=Count(0, 1000),
        metadata={"description": "the centre's office codes: one another office has is a 409"},
    )


class JoinOut(ma.Schema):
    centre = ma.fields.String()
    name = ma.fields.String()
    token = ma.fields.String(metadata={"description": "the centre's token; shown once"})
    received = ma.fields.Integer(metadata={"description": "entries the province holds"})


class ServiceLive(ma.Schema):
    code = ma.fields.String(required=True, validate=validate.Length(1, 32))
    name = ma.fields.String(required=True, validate=validate.Length(0, 200))
    waiting = Integer(required=True, validate=validate.Range(0, 10**6))


class OfficeLive(ma.Schema):
    code = ma.fields.String(required=True, validate=validate.Length(1, 32))
    name = ma.fields.String(required=True, validate=validate.Length(0, 200))
    waiting = Integer(required=True, validate=validate.Range(0, 10**6))
    open_counters = Integer(required=True, validate=validate.Range(0, 10**4))
    counters = Integer(required=True, validate=validate.Range(0, 10**4))
    serving = Integer(required=True, validate=validate.Range(0, 10**4))
    longest_wait_seconds = Integer(
        allow_none=True, load_default=None, validate=validate.Range(0, 10**8)
    )
    served_today = Integer(required=True, validate=validate.Range(0, 10**6))
    services = ma.fields.List(
        ma.fields.Nested(ServiceLive), load_default=list, validate=Count(0, 100)
    )


class EntryIn(ma.Schema):
    seq = ma.fields.Integer(required=True, strict=True, validate=validate.Range(1, 2**62))
    at = ma.fields.String(required=True, validate=validate.Length(1, 40))
    rows = ma.fields.List(ma.fields.Raw(), required=True, validate=Count(1, 10_000))
    digest = ma.fields.String(
        validate=Pattern(r"^[0-9a-f]{64}$"),
        metadata={"description": "SHA-256 of the rows, as the centre wrote them"},
    )


SEQ = validate.Range(0, 2**62)


class EpochIn(ma.Schema):
    """The centre's journal: "" from its join; a new id each time it sends its whole state
    again (after a restore), with that baseline's entries and its highest id per kind."""

    id = ma.fields.String(load_default="", validate=Pattern(r"^[0-9a-f]{0,32}$"))
    start = ma.fields.Integer(load_default=0, strict=True, validate=SEQ)
    end = ma.fields.Integer(load_default=0, strict=True, validate=SEQ)
    max_ids = ma.fields.Dict(
        keys=ma.fields.String(validate=validate.Length(1, 32)),
        values=ma.fields.Integer(strict=True, validate=SEQ),
        allow_none=True,
        load_default=None,
    )


class BaseIn(ma.Schema):
    """The entry the centre takes the province to hold last, and its digest."""

    seq = ma.fields.Integer(required=True, strict=True, validate=SEQ)
    digest = ma.fields.String(
        allow_none=True, load_default=None, validate=Pattern(r"^[0-9a-f]{64}$")
    )


class PushIn(ma.Schema):
    """A push: the centre's state now, and journal entries in order (maybe none)."""

    at = ma.fields.AwareDateTime(required=True)
    head = ma.fields.Integer(required=True, strict=True, validate=validate.Range(0, 2**62))
    oldest_unsent_at = ma.fields.AwareDateTime(allow_none=True, load_default=None)
    offices = ma.fields.List(ma.fields.Nested(OfficeLive), required=True, validate=Count(0, 200))
    entries = ma.fields.List(ma.fields.Nested(EntryIn), load_default=list, validate=Count(0, 5000))
    epoch = ma.fields.Nested(EpochIn, load_default=None)
    base = ma.fields.Nested(BaseIn, load_default=None)


class TemplateNote(ma.Schema):
    version = ma.fields.Integer()


class PushOut(ma.Schema):
    received = ma.fields.Integer(metadata={"description": "the last entry the province holds"})
    rows = ma.fields.Integer(metadata={"description": "rows applied from this push"})
    template = ma.fields.Nested(
        TemplateNote,
        allow_none=True,
        metadata={"description": "a template version the centre has not applied yet"},
    )


class TemplateOut(ma.Schema):
    name = ma.fields.String()
    version = ma.fields.Integer()
    body = ma.fields.Dict()


class OfficeApplied(ma.Schema):
    changed = ma.fields.List(ma.fields.String(validate=validate.Length(0, 200)), load_default=list)
    kept = ma.fields.List(ma.fields.String(validate=validate.Length(0, 200)), load_default=list)
    error = ma.fields.String(validate=validate.Length(0, 2000))


class TemplateReport(ma.Schema):
    version = ma.fields.Integer(required=True, strict=True)
    offices = ma.fields.Dict(
        keys=ma.fields.String(validate=CODE),
        values=ma.fields.Nested(OfficeApplied),
        required=True,
        metadata={"description": "per office: the values changed, kept as the centre's own"},
    )


class AppliedIn(ma.Schema):
    version = ma.fields.Integer(required=True, strict=True, validate=validate.Range(1, 2**31))
    report = ma.fields.Nested(TemplateReport, required=True)


class CentreIn(ma.Schema):
    code = ma.fields.String(required=True, validate=CODE)
    name = ma.fields.String(load_default="", validate=validate.Length(0, 200))


class InviteOut(ma.Schema):
    centre = ma.fields.String()
    name = ma.fields.String()
    join_code = ma.fields.String(metadata={"description": "one-time; shown once"})
    expires_at = ma.fields.String()


class CentreOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    state = ma.fields.String(metadata={"description": "invited, joined or revoked"})
    joined_at = ma.fields.String(allow_none=True)
    revoked_at = ma.fields.String(allow_none=True)
    last_contact_at = ma.fields.String(allow_none=True)
    seconds_since_contact = ma.fields.Integer(allow_none=True)
    stale = ma.fields.Boolean(metadata={"description": "no contact for longer than expected"})
    received_seq = ma.fields.Integer()
    head_seq = ma.fields.Integer()
    lag_entries = ma.fields.Integer(metadata={"description": "entries written, not received"})
    lag_seconds = ma.fields.Integer(metadata={"description": "age of the oldest of them"})
    live_at = ma.fields.String(allow_none=True)
    offices = ma.fields.List(ma.fields.Dict())
    last_error = ma.fields.String(allow_none=True)
    last_error_vi = ma.fields.String(
        allow_none=True, metadata={"description": "the last refusal in Vietnamese"}
    )
    template = ma.fields.String(allow_none=True)
    template_version = ma.fields.Integer(allow_none=True)
    template_applied = ma.fields.Integer()
    template_report = ma.fields.Dict(allow_none=True)
    resync = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "after the centre was restored from a backup: state `diverged` "
            "(its push refused, its whole state awaited), `running` (arriving: entries "
            "`start`…`end`) or `done` (`done_at`; `dropped`: rows per kind the centre no "
            "longer had, their images in the audit log)"
        },
    )


class ResyncOut(ma.Schema):
    reason = ma.fields.String(allow_none=True)
    since = ma.fields.String(allow_none=True)
    baseline = ma.fields.List(ma.fields.Integer())
    sent = ma.fields.Integer()
    total = ma.fields.Integer()
    done = ma.fields.Boolean()


class TemplateIn(ma.Schema):
    body = ma.fields.Nested(ProvinceTemplateBody, required=True)


class TemplateSaved(ma.Schema):
    name = ma.fields.String()
    version = ma.fields.Integer()


class PushTemplateIn(ma.Schema):
    centres = ma.fields.List(
        ma.fields.String(validate=CODE), required=True, validate=Count(1, 1000)
    )


class PushedOut(ma.Schema):
    name = ma.fields.String()
    version = ma.fields.Integer()
    centres = ma.fields.List(ma.fields.String())


class LinkOut(ma.Schema):
    province_url = ma.fields.String()
    centre = ma.fields.String()
    state = ma.fields.String(
        metadata={
            "description": "active; revoked by the province; or held: restored from a "
            "backup, sending nothing until `luot province resume`"
        }
    )
    joined_at = ma.fields.String()
    epoch = ma.fields.String(metadata={"description": "the journal's epoch (see PROVINCE.md)"})
    restored_at = ma.fields.String(allow_none=True)
    resync = ma.fields.Nested(
        ResyncOut,
        allow_none=True,
        metadata={"description": "this box's whole state sent again (after a restore)"},
    )
    head = ma.fields.Integer()
    confirmed = ma.fields.Integer()
    unsent = ma.fields.Integer()
    oldest_unsent_at = ma.fields.String(allow_none=True)
    last_ok_at = ma.fields.String(allow_none=True)
    last_error = ma.fields.String(allow_none=True)
    last_error_at = ma.fields.String(allow_none=True)
    template_version = ma.fields.Integer()


# -- what centres call


@blp.route("/province/join", methods=["POST"])
@limiter.limit(sign_in_limit, key_func=by_address, error_message=english("too_many_tries"))
@blp.arguments(JoinIn)
@blp.response(200, JoinOut)
def join(body: dict):
    """Trade the one-time join code the province gave for this centre's token."""
    return current_engine().join(body["code"], request.remote_addr or "", body["offices"])


@blp.route("/province/sync", methods=["POST"])
@large_body("PROVINCE_PUSH_MAX_BYTES")
@guarded(_centre)
@blp.doc(
    security=SECURED,
    requestBody={
        "required": True,
        "description": "PushIn as JSON, gzip-compressed (Content-Encoding: gzip) or not",
        "content": {"application/json": {"schema": PushIn}},
    },
)
@blp.response(200, PushOut)
def sync():
    """A centre's push: its state now, and the journal entries after the last one the
    province holds. Applied once each, in order; a gap answers 409 with `received`; other
    entries under numbers the province holds (a centre restored from a backup) answer 409
    `diverged`, and the centre then sends its state again as a new epoch."""
    centre_id = g.centre_id
    data = request.get_data(cache=False)
    zipped = request.headers.get("Content-Encoding", "").lower() == "gzip"
    limit = int(current_app.config["PROVINCE_PUSH_MAX_JSON"])
    # Unzipping, parsing and checking up to `limit` bytes of JSON takes seconds of C code:
    # off the event loop, so every other request (and /healthz) goes on being answered.
    push = off_loop.run(read_push, data, zipped, limit)
    if isinstance(push, PushRefused):
        return error_response(push.status, push.code, push.message, push.fields)
    engine = current_engine()
    engine.contact(centre_id, push, request.remote_addr or "")
    # A centre older than epochs and digests sends neither: its entries are taken by number.
    sync = None
    if push["epoch"] is not None or push["base"] is not None:
        sync = {"epoch": push["epoch"], "base": push["base"], "head": push["head"]}
    said = current.sync_log()
    now = engine.clock()
    try:
        answer = engine.receive(centre_id, push["entries"], sync)
    except Diverged as exc:
        engine.refused(centre_id, exc.message, diverged=True)
        said.refused(centre_id, now, exc.message)
        return jsonify(engine_error_body(exc) | {"received": exc.details["received"]}), 409
    except OutOfOrder as exc:
        said.refused(centre_id, now, exc.message)
        return jsonify(engine_error_body(exc) | {"received": exc.details["received"]}), 409
    except EngineError as exc:
        engine.refused(centre_id, exc.message)
        said.refused(centre_id, now, exc.message)
        if "row" not in exc.details:
            raise
        # A row against the rules: which one, for the centre's operator to find it.
        body = engine_error_body(exc) | {"row": exc.details["row"]}
        return jsonify(body), ENGINE_STATUS.get(exc.code, 400)
    behind = max(push["head"] - answer["received"], 0)
    oldest = push["oldest_unsent_at"]
    said.pushed(centre_id, now, behind, (now - oldest).total_seconds() if behind and oldest else 0)
    return answer


@dataclass(frozen=True)
class PushRefused:
    """Why a push's body is not one: the answer's status, code and words."""

    status: int
    code: str
    message: str
    fields: dict | None = None


def read_push(data: bytes, zipped: bool, limit: int) -> dict | PushRefused:
    """A push's body as a loaded `PushIn`: unzipped if it came zipped, never past `limit`
    bytes of JSON, parsed as every route parses JSON (numbers, text, nesting). Runs in a
    thread of its own (no request context): it answers what is wrong instead of raising."""
    if zipped:
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            data = inflate.decompress(data, limit + 1)
        except zlib.error:
            return PushRefused(400, "bad_request", english("not_gzip"))
        if len(data) > limit or inflate.unconsumed_tail:
            return PushRefused(
                413, "request_entity_too_large", english("unzipped_too_large", limit=limit)
            )
    elif len(data) > limit:
        return PushRefused(413, "request_entity_too_large", english("too_large", limit=limit))
    try:
        body = strict_json(data)
    except BadInput as exc:
        return PushRefused(400, "bad_request", str(exc))
    except ValueError:
        return PushRefused(400, "malformed_json", english("malformed_json"))
    try:
        return PushIn().load(body)
    except ma.ValidationError as exc:
        return PushRefused(422, "validation_error", english("values_wrong"), exc.messages)


@blp.route("/province/template")
@guarded(_centre)
@blp.doc(security=SECURED)
@blp.response(200, TemplateOut)
def template():
    """The configuration template this centre follows, at its current version."""
    return current_engine().template_for(g.centre_id)


@blp.route("/province/template/applied", methods=["POST"])
@guarded(_centre)
@blp.doc(security=SECURED)
@blp.arguments(AppliedIn)
@blp.response(204)
def template_applied(body: dict):
    """The centre applied (or refused) a version: what it changed, what it kept as its own."""
    current_engine().centre_applied(g.centre_id, body["version"], body["report"])


# -- the province's admins


@blp.route("/province/centres")
@guarded(_admin)
@blp.doc(security=SECURED)
@blp.response(200, CentreOut(many=True))
def centres():
    """Every centre: contact, sync lag, live figures per office, template."""
    return current_engine().centres(stale_after=current_app.config["PROVINCE_STALE_SECONDS"])


@blp.route("/province/centres", methods=["POST"])
@guarded(_admin)
@blp.doc(security=SECURED)
@blp.arguments(CentreIn)
@blp.response(201, InviteOut)
def add_centre(body: dict):
    """Register a centre (or give it a new join code): the code is shown once."""
    return current_engine().add_centre(body["code"], body["name"], current_principal().user_id)


@blp.route("/province/centres/<code>/revoke", methods=["POST"])
@guarded(_admin)
@blp.doc(security=SECURED)
@blp.response(200, CentreOut)
def revoke(code: str):
    """The centre's token stops at once; what it sent stays."""
    return current_engine().revoke_centre(code, current_principal().user_id)


@blp.route("/province/templates/<name>", methods=["PUT"])
@guarded(_admin)
@blp.doc(security=SECURED)
@blp.arguments(TemplateIn)
@blp.response(200, TemplateSaved)
def save_template(body: dict, name: str):
    """Create or change a template (fields, number blocks, priority classes, hours, rating
    scale, message templates); each change is a new version."""
    return current_engine().save_template(name, body["body"], current_principal().user_id)


@blp.route("/province/templates/<name>/push", methods=["POST"])
@guarded(_admin)
@blp.doc(security=SECURED)
@blp.arguments(PushTemplateIn)
@blp.response(200, PushedOut)
def push_template(body: dict, name: str):
    """These centres follow the template from their next contact."""
    return current_engine().assign_template(name, body["centres"], current_principal().user_id)


# -- a centre's own admin


@blp.route("/province/link")
@guarded(_admin)
@blp.doc(security=SECURED)
@blp.response(200, LinkOut)
def link():
    """This box's link to its province: how much is sent, the last fault."""
    found = current_engine().link()
    if found is None:
        abort(404, description=english("not_joined"))
    return found
