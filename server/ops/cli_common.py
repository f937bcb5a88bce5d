"""What several `luot` command modules share."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import click

from .. import current
from ..engine import EngineError
from . import migrate


def needs_schema(command: Callable[..., None]) -> Callable[..., None]:
    """Refuse in one line, not a traceback, on a database `luot init-db` has not set up."""

    @functools.wraps(command)
    def checked(*args, **kwargs) -> None:
        if not migrate.is_current(current.database()):
            raise click.ClickException(migrate.not_current(current.database()))
        command(*args, **kwargs)

    return checked


def refused(exc: EngineError) -> click.ClickException:
    """The engine's refusal as one line. Where it lists values at fault (as the API's
    `fields` does), each with what is wrong: "some values are wrong" would not say what
    to fix."""
    fields = exc.details.get("fields")
    problems = list(_problems(fields)) if isinstance(fields, dict) else []
    if not problems:
        return click.ClickException(exc.message)
    return click.ClickException("; ".join(p.rstrip(".") for p in problems) + ".")


def _problems(messages: Any, path: str = "") -> Iterator[str]:
    if isinstance(messages, dict):
        for key, value in messages.items():
            # "_schema": the value as a whole (marshmallow's name for it), not a field.
            name = str(key) if key != "_schema" else ""
            yield from _problems(value, ".".join(filter(None, (path, name))))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        yield f"{path}: {' '.join(messages)}" if path else " ".join(messages)
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            yield from _problems(value, f"{path}.{index}")
    else:
        yield f"{path}: {messages}" if path else str(messages)
