"""The public booking pages: `/book/<office>` (choose a field, a day, a slot; give a name
and a phone) and a booking's own page `/b/<token>` (its QR, change, cancel).

The pages only read; booking, changing and cancelling go through the REST API
(server/api/appointments.py), which the page's scripts call.
"""

from __future__ import annotations

from flask import Flask

from .blueprint import bp


def init_app(app: Flask) -> None:
    from . import views  # noqa: F401  (registers the routes on bp)

    app.register_blueprint(bp)
