"""The kiosk: touchscreen ticket issuing, CCCD scans, the kiosk agent."""

from __future__ import annotations

from flask import Flask

from .blueprint import bp


def init_app(app: Flask) -> None:
    from . import scan, views  # noqa: F401  (they register their routes on bp)

    app.register_blueprint(bp)
