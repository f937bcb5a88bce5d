"""Which action may move a ticket from which status, and to where."""

from __future__ import annotations

import datetime as dt

from ...i18n import english
from ..errors import InvalidTransition

WAITING, CALLED, SERVING, DONE = "waiting", "called", "serving", "done"
NO_SHOW, ON_HOLD, CANCELLED = "no_show", "on_hold", "cancelled"
ACTIVE = (CALLED, SERVING)

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "call": (frozenset({WAITING}), CALLED),
    "recall": (frozenset({CALLED}), CALLED),
    "start": (frozenset({CALLED}), SERVING),
    "finish": (frozenset({SERVING}), DONE),
    "no_show": (frozenset({CALLED}), NO_SHOW),
    "hold": (frozenset({CALLED, SERVING}), ON_HOLD),
    "resume": (frozenset({ON_HOLD}), SERVING),
    "transfer": (frozenset({WAITING, CALLED, SERVING, ON_HOLD}), WAITING),
    "cancel": (frozenset({WAITING, CALLED, ON_HOLD}), CANCELLED),
    "requeue": (frozenset({NO_SHOW}), WAITING),
}


# Where the office's `start_on_call` setting has a call start the service at once, the
# citizen may still not come: a ticket being served can then be recalled (it stays
# serving) or marked no-show, as a called one can.
UNANSWERED_CALL = frozenset({"recall", "no_show"})


def _sources(action: str, start_on_call: bool) -> frozenset[str]:
    sources = TRANSITIONS[action][0]
    return sources | {SERVING} if start_on_call and action in UNANSWERED_CALL else sources


def target_status(action: str, status: str, code: str, start_on_call: bool = False) -> str:
    """The status `action` leads to, or InvalidTransition saying why not."""
    sources, target = _sources(action, start_on_call), TRANSITIONS[action][1]
    if action == "recall":
        target = status
    if status not in sources:
        allowed = ", ".join(sorted(sources))
        raise InvalidTransition(
            english(
                "cannot", action=action.replace("_", "-"), code=code, status=status, allowed=allowed
            ),
            status=status,
            action=action,
        )
    return target


def allowed_actions(
    status: str, recall_count: int = 0, recalls_needed: int = 0, start_on_call: bool = False
) -> list[str]:
    """What staff may do with a ticket now, in TRANSITIONS order; sent with counter snapshots
    so the console never re-derives the rules. No-show waits for the office's recalls."""
    return [
        action
        for action in TRANSITIONS
        if status in _sources(action, start_on_call)
        and (action != "no_show" or recall_count >= recalls_needed)
    ]


def no_show_at(called_at: dt.datetime | None, grace_seconds: int) -> dt.datetime | None:
    """When a called ticket may first be marked no-show: the citizen needs time to hear
    the call and walk to the counter (None: no call to wait for)."""
    if called_at is None:
        return None
    return called_at + dt.timedelta(seconds=grace_seconds)
