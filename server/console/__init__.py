"""Staff pages: sign-in, the officer's counter console, administration, the rating tablet.

A blueprint inside `server/` rather than its own top-level package: these pages share
sign-in, roles and CSRF with the API and are never deployed apart from the server.
"""

from __future__ import annotations

from flask import Flask

from .blueprint import bp


def init_app(app: Flask) -> None:
    from . import admin_pages, counter, language, rate, report_pages, session  # noqa: F401  (routes)

    app.register_blueprint(bp)
