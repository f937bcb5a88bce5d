"""The landing page: which offices this box serves and where their screens are."""

from __future__ import annotations

import fontpkg_be_vietnam_pro
from flask import Blueprint, Flask, current_app, render_template, send_from_directory

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    offices = current_app.extensions["luot.engine"].offices()
    return render_template("index.html", offices=offices)


@bp.get("/healthz")
def health():
    """For load balancers and the installer: the database answers."""
    current_app.extensions["luot.engine"].offices()
    return {"ok": True}


@bp.get("/fonts/<path:name>")
def font(name: str):
    """The Vietnamese font comes from its PyPI package, served by the box itself."""
    return send_from_directory(
        fontpkg_be_vietnam_pro.ROOT / "files", name, max_age=30 * 24 * 3600
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
