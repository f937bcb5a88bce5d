"""Input no view should ever see, refused once for every route before any view runs.

Text with a NUL or an unpaired surrogate ("\\ud800") cannot be stored (PostgreSQL refuses
NUL, UTF-8 has no lone surrogates) and used to surface as 500s deep in the database layer;
a 5,000-digit integer makes Python's int parsing fail; 100,000 nested `[` made the parser
raise RecursionError (a 500); oversized bodies and URLs cost memory before anything looks
at them. Each gets a 4xx in the API's one error shape.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request
from flask.typing import ResponseReturnValue
from werkzeug.routing import IntegerConverter

from ..api.errors import error_response
from ..engine.rules.documents import MAX_ID
from ..i18n import english, said

# Longest URL (path and query) a route takes; gevent refuses request lines over 8 KiB.
MAX_URL = 4096
# Python's own limit for turning digits into an int (longer ones cost quadratic time);
# the schemas' ranges then refuse anything that no id, count or number block could be.
MAX_INT_DIGITS = 4300
# Deepest nesting of arrays and objects any JSON may have: the deepest document the server
# takes (a push's entry holding an office's settings) is a dozen levels.
MAX_DEPTH = 32
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: only what fits a database id, so 2^31 is a 404, not a 500;
    and only ASCII digits (werkzeug's `\\d+` took "/counters/١" as counter 1)."""

    regex = r"[0-9]+"

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class BadInput(ValueError):
    """What is wrong with the request, in words for the caller."""


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise BadInput(english("many_digits", digits=MAX_INT_DIGITS))
    return int(text)


def _constant(name: str) -> float:
    raise BadInput(english("json_constant", name=name))


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise BadInput(english("number_too_large"))
    return value


def check_text(value: str) -> None:
    if _BAD_TEXT.search(value):
        raise BadInput(english("bad_text"))


def _walk(value: Any) -> None:
    """Every text and key checked, and the nesting no deeper than MAX_DEPTH (without
    recursion: the walk itself must not be what a deep document breaks)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            check_text(item)
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise BadInput(english("json_too_deep", depth=MAX_DEPTH))
        if isinstance(item, dict):
            for key in item:
                check_text(key)
            stack.extend((inner, depth + 1) for inner in item.values())
        else:
            stack.extend((inner, depth + 1) for inner in item)


def strict_json(data: bytes | str) -> Any:
    """JSON as every route may take it, or BadInput (ValueError) saying why not."""
    try:
        value = json.loads(data, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        # Nested deeper than the parser's own stack: far past MAX_DEPTH.
        raise BadInput(english("json_too_deep", depth=MAX_DEPTH)) from None
    _walk(value)
    return value


def large_body(config_key: str) -> Callable[[Callable], Callable]:
    """A view that takes bodies up to the setting `config_key` (bytes), not the usual
    MAX_CONTENT_LENGTH, and reads (and checks) its body itself: a centre's push."""

    def mark(view: Callable) -> Callable:
        view.body_limit = config_key  # type: ignore[attr-defined]
        return view

    return mark


def _refuse() -> ResponseReturnValue | None:
    view = current_app.view_functions.get(request.endpoint or "")
    own_body = getattr(view, "body_limit", None)
    if own_body is not None:
        request.max_content_length = int(current_app.config[own_body])
    limit = request.max_content_length
    if request.content_length is not None and limit and request.content_length > limit:
        return error_response(413, "request_entity_too_large", english("too_large", limit=limit))
    if len(request.full_path) > MAX_URL:
        return error_response(414, "request_uri_too_long", english("url_too_long", limit=MAX_URL))
    try:
        check_text(request.path)
        for key, item in request.args.items(multi=True):
            check_text(key)
            check_text(item)
        if request.mimetype == "application/x-www-form-urlencoded":
            for key, item in request.form.items(multi=True):
                check_text(key)
                check_text(item)
    except BadInput as exc:
        return error_response(400, "bad_request", said(exc))
    if request.is_json and request.content_length and own_body is None:
        try:
            strict_json(request.get_data(cache=True))
        except BadInput as exc:
            return error_response(400, "bad_request", said(exc))
        except ValueError:
            return error_response(400, "malformed_json", english("malformed_json"))
    return None


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: the converter shapes their routes."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(_refuse)
