"""Waiting-room display, counter display, the phone ticket page and call announcements."""

from __future__ import annotations

from flask import Flask

from .blueprint import bp


def init_app(app: Flask) -> None:
    from . import views  # noqa: F401  (registers the routes on bp)

    app.register_blueprint(bp)
