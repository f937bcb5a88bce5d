"""The staff pages' language: Vietnamese unless the person chose English, kept in a cookie.

The choice is a preference of the browser (a shared counter PC keeps it across sign-ins),
so it lives in a plain cookie, not in the account. Templates get it as `lang` (base.html
embeds the vocabulary in that language); scripts read it from `<html lang>`.
"""

from __future__ import annotations

from flask import redirect, request
from flask.typing import ResponseReturnValue

from ..i18n import LANGS, lang_or_default
from .blueprint import bp
from .session import _safe_next

COOKIE = "luot_lang"
ONE_YEAR_S = 365 * 24 * 3600


def staff_lang() -> str:
    """The language of this request's staff page ("vi" or "en")."""
    return lang_or_default(request.cookies.get(COOKIE))


@bp.context_processor
def _language() -> dict[str, object]:
    """`lang` for every staff template (a view passing its own `lang` wins: the tablet)."""
    return {"lang": staff_lang(), "langs": LANGS}


@bp.get("/lang/<code>")
def choose_language(code: str) -> ResponseReturnValue:
    """Switch the staff pages to `code` and go back to the page the switch was pressed on."""
    response = redirect(_safe_next(request.args.get("next")))
    response.set_cookie(
        COOKIE,
        lang_or_default(code),
        max_age=ONE_YEAR_S,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure,
    )
    return response
