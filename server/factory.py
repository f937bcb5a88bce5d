"""The app factory: config → database → Socket.IO → engine → workers → routes.

Each step is a function in `wiring.py`; this is their order, and all there is to read to
know what an app holds."""

from __future__ import annotations

from typing import Any

from flask import Flask

from . import current, wiring
from .db import Database, sqlite_url


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config → database → Socket.IO → engine → workers → routes.

    Does no network calls and no migrations (`luot init-db` migrates). A setting it cannot
    use (luot.cfg, LUOT_*) raises `SettingsError`, one line saying where and what.
    """
    app = wiring.new_app(dict(config or {}))
    db = Database(app.config["DATABASE_URL"] or sqlite_url(app.instance_path))
    current.install(app, database=db)
    manager = wiring.sockets(app, db)
    engine = wiring.engine(app, db, manager)
    wiring.workers(app, db, engine, manager)
    wiring.routes(app)
    return app
