"""What several `luot` command modules share."""

from __future__ import annotations

import functools
from collections.abc import Callable

import click

from . import current, migrate


def needs_schema(command: Callable[..., None]) -> Callable[..., None]:
    """Refuse in one line, not a traceback, on a database `luot init-db` has not set up."""

    @functools.wraps(command)
    def checked(*args, **kwargs) -> None:
        if not migrate.is_current(current.database()):
            raise click.ClickException(migrate.not_current(current.database()))
        command(*args, **kwargs)

    return checked
