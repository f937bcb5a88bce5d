"""REST API under /api/v1: one flask-smorest blueprint per resource, OpenAPI generated."""

from __future__ import annotations

import threading

from flask import Flask
from flask_smorest import Api

from .. import current
from .errors import ErrorSchema
from .spec import TextRules


class LuotApi(Api):
    """flask-smorest with our error shape (handlers live in server/web/errors.py instead) and
    the OpenAPI document written when first asked for: describing every view costs more
    than the rest of `create_app`, and most processes (a test's app, a CLI command, a
    server until someone reads /api/v1/openapi.json) never serve it."""

    ERROR_SCHEMA = ErrorSchema

    def __init__(self, *args, **kwargs) -> None:
        self._spec = None
        self._undocumented: list[tuple] = []
        self._documenting = threading.Lock()
        super().__init__(*args, **kwargs)

    @property
    def spec(self):
        """The document, with every registered blueprint's views in it."""
        if self._undocumented:
            with self._documenting:
                pending, self._undocumented = self._undocumented, []
                for blueprint, name, parameters in pending:
                    blueprint.register_views_in_doc(
                        self, self._app, self._spec, name=name, parameters=parameters
                    )
                    self._spec.tag({"name": name, "description": blueprint.description})
        return self._spec

    @spec.setter
    def spec(self, value) -> None:
        self._spec = value

    def register_blueprint(self, blp, *, parameters=None, **options) -> None:
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

    def _register_error_handlers(self) -> None:
        pass


def init_app(app: Flask) -> list:
    """Register the API; returns its blueprints (the factory exempts them from form CSRF)."""
    from . import (
        admin,
        appointments,
        counters,
        devices,
        offices,
        province,
        ratings,
        reports,
        ticket_preview,
        tickets,
    )
    from . import citizen_messages as messages

    api = LuotApi(
        app,
        spec_kwargs={
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "info": {"description": "Queue tickets, counters and live snapshots of an office."},
            "extra_plugins": [TextRules()],
        },
    )
    modules = (
        offices,
        tickets,
        counters,
        devices,
        admin,
        ratings,
        reports,
        appointments,
        messages,
        province,
        ticket_preview,
    )
    blueprints = [module.blp for module in modules]
    for blueprint in blueprints:
        api.register_blueprint(blueprint, url_prefix="/api/v1")
    current.install(app, api=api)
    return blueprints
