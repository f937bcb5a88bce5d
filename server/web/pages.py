"""The landing page: which offices this box serves and where their screens are."""

from __future__ import annotations

import fontpkg_be_vietnam_pro
from flask import Blueprint, Flask, current_app, render_template, request, send_from_directory

from .. import current
from .. import i18n as vocabulary

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    offices = current.engine().offices()
    return render_template("index.html", offices=offices)


@bp.get("/healthz")
def health():
    """For load balancers, monitoring and the installer: 200 `{"ok": true, "checks": {...}}`
    when this process can write to its database (a real write: its heartbeat row), has free
    disk, reaches Redis (when `REDIS_URL` is set) and shares the database with no process it
    cannot share events with; else 503 with the same shape, the failing check `"ok": false`.
    A fault of the app's own (a messages channel that cannot deliver) makes `ok` false and
    names it, but stays 200 (`serving` true): the queue works, and a load balancer must
    keep sending citizens here.

    Polled often (and used by benchmarks as the server's ceiling), so the deep result is
    cached per process for `Health.cache_seconds` (1.5 s): at most one write per process
    per cache period, whatever the rate of requests.
    """
    result = current.health().check()
    return result, 200 if result.get("serving", result["ok"]) else 503


@bp.get("/fonts/<path:name>")
def font(name: str):
    """The Vietnamese font comes from its PyPI package, served by the box itself."""
    return send_from_directory(fontpkg_be_vietnam_pro.ROOT / "files", name, max_age=30 * 24 * 3600)


@bp.get("/vocabulary.json")
def vocabulary_json():
    """The word catalogue for scripts that were not handed it in their page (`?lang=en`)."""
    lang = vocabulary.lang_or_default(request.args.get("lang"))
    response = current_app.response_class(
        vocabulary.catalogue_json(lang), mimetype="application/json"
    )
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    # Templates say `{{ t("ticket_status.done", lang) }}`; base.html embeds the catalogue.
    app.jinja_env.globals.update(t=vocabulary.t, vocabulary_json=vocabulary.catalogue_json)
