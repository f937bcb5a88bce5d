"""The kiosk: touchscreen ticket issuing, CCCD scans, the kiosk agent."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("kiosk", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    from . import views  # noqa: F401  (registers the routes on bp)

    app.register_blueprint(bp)
