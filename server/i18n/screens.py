"""Screen wording for the board, the counter screen and the phone page; `?lang=en` switches.

The words live in server/i18n/catalogue.py (one catalogue for every page); this gives the
display templates and scripts their flat table, so a label never says one thing at first
paint and another after the first update.
"""

from __future__ import annotations

from flask import request

from server import i18n as vocabulary

LANGS = vocabulary.LANGS

# Names the screens use for words that are shared with other pages.
ALIASES = {
    "closed": "counter_activity.closed",
    "paused": "counter_state.paused",
    "idle": "counter_activity.idle",
    "serving": "counter_activity.serving",
    "calling": "counter_activity.calling",
    "offline": "live.offline",
    "polling": "live.polling",
    **{
        f"st_{status}": f"citizen_status.{status}"
        for status in ("waiting", "called", "serving", "done", "no_show", "on_hold", "cancelled")
    },
}


def current_lang() -> str:
    """`?lang=en` for English; anything else is Vietnamese."""
    return vocabulary.lang_or_default(request.args.get("lang", "vi"))


def labels(lang: str) -> dict[str, str]:
    """The screens' table in `lang`: the `screen.` words plus the shared ones above."""
    table = vocabulary.section("screen", lang)
    table.update({name: vocabulary.t(key, lang) for name, key in ALIASES.items()})
    return table
