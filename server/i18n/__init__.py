"""Words: one catalogue for every page, message and export, in vi and en.

Every table here is `key -> (Vietnamese, English)`. The page words (catalogue.py with
staff_words.py and booking_words.py merged in) are keyed `group.name`; the refusals
(refusals.py) are reached as `refusal.<key>`, so the two never collide (a duplicate key in
any table fails at import, and tests/unit/test_words.py). Callers import from here:

- `t(key, lang, **values)`: any word in either language (`refusal.` keys included);
- `english(key, **values)`: a refusal's English, a `str` carrying its key and values, which
  the engine raises; `vietnamese(message)` renders it by that key;
- `label`, `section`, `catalogue_json`: the page words as pages take them (the whole
  table in one language: `catalogue.catalogue(lang)`; the submodule keeps that name).
"""

from __future__ import annotations

from typing import Any

from . import refusals
from .catalogue import CATALOGUE as PAGE_WORDS
from .catalogue import (
    LANGS,
    catalogue_json,
    label,
    lang_or_default,
    section,
)
from .catalogue import t as page_word
from .refusals import Message, Template, english, template, vietnamese, vietnamese_fields

REFUSAL = "refusal."


def said(error: BaseException) -> str:
    """What an exception says, keeping `english()`'s key (`str(error)` makes plain text)."""
    first = error.args[0] if len(error.args) == 1 else None
    return first if isinstance(first, str) else str(error)


def _joined(*tables: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    words: dict[str, tuple[str, str]] = {}
    for table in tables:
        twice = words.keys() & table.keys()
        if twice:
            raise ValueError(f"words named twice: {', '.join(sorted(twice))}")
        words.update(table)
    return words


# Every word, one lookup: the page words and the refusals under `refusal.`.
WORDS: dict[str, tuple[str, str]] = _joined(
    PAGE_WORDS, {REFUSAL + key: pair for key, pair in refusals.CATALOGUE.items()}
)


def t(key: str, /, lang: str = "vi", **values: Any) -> str:
    """The text for `key` in `lang` (Vietnamese if English lacks it), placeholders filled.

    An unknown key comes back as itself, so a missing word shows up plainly on the page.
    A refusal (`refusal.<key>`) in English is `english()`'s keyed message.
    """
    if key.startswith(REFUSAL) and key in WORDS:
        message = english(key[len(REFUSAL) :], **values)
        return message if lang == "en" else vietnamese(message)
    return page_word(key, lang, **values)


__all__ = [
    "LANGS",
    "PAGE_WORDS",
    "REFUSAL",
    "WORDS",
    "Message",
    "Template",
    "catalogue_json",
    "english",
    "label",
    "lang_or_default",
    "section",
    "said",
    "t",
    "template",
    "vietnamese",
    "vietnamese_fields",
]
