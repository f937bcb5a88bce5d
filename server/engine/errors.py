"""Domain errors. The engine knows no HTTP; `server/api/errors.py` maps these to 4xx."""

from __future__ import annotations


class EngineError(Exception):
    """Base class: `code` is machine-readable, the message is for people."""

    code = "engine_error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(EngineError):
    code = "not_found"


class Conflict(EngineError):
    code = "conflict"


class OutOfOrder(Conflict):
    """A centre's push does not follow on from what the province holds (`received`)."""

    code = "out_of_order"


class Diverged(OutOfOrder):
    """A centre's push carries other entries under numbers the province holds (the centre
    was restored from a backup): it must send its state again."""

    code = "diverged"


class InvalidTransition(Conflict):
    """The action is not allowed in the ticket's current state."""

    code = "invalid_transition"


class Invalid(EngineError):
    """A value the engine cannot accept (bad dossier code, unknown priority class...)."""

    code = "invalid"


class InvalidValues(Invalid):
    """Values that break the configuration rules (server/engine/rules/documents.py); `fields`
    in the details maps each field to its messages."""

    code = "validation_error"


class KeyReused(Invalid):
    """An idempotency key sent again with a different request."""

    code = "idempotency_key_reused"


class Forbidden(EngineError):
    code = "forbidden"


class KioskRequired(Forbidden):
    """The office issues tickets only to its registered kiosks (and staff)."""

    code = "kiosk_required"


class Closed(Conflict):
    """The office is not taking tickets now (outside opening hours, a closed day)."""

    code = "closed"


class NotServed(Conflict):
    """No counter is set to serve the field: a ticket for it would never be called."""

    code = "not_served"
