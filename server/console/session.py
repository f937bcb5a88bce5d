"""Signing in and out with a password; the session cookie then acts for the officer.

The cookie carries a random key of a server-side session (`user_sessions`): signing out,
a password change or deactivation ends it there, so a copied cookie replayed later opens
nothing. Sessions expire (`PERMANENT_SESSION_LIFETIME`), forms carry a CSRF token, and
repeated failures are slowed down per address (the attempts live in the database, so
every server process sees them).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from .. import current
from ..api.errors import error_response, json_endpoint
from ..engine import credentials
from ..extensions import limiter, login_manager
from ..web.auth import Principal, principal_for_session, session_lifetime
from ..web.rate_limits import by_address, sign_in_limit
from .blueprint import bp


class SessionUser(UserMixin):
    """Flask-Login's view of a signed-in user: a detached Principal and its session key."""

    def __init__(self, principal: Principal, key: str) -> None:
        self.principal = principal
        self.key = key

    def get_id(self) -> str:
        return self.key


@login_manager.user_loader
def load_user(key: str) -> SessionUser | None:
    principal = principal_for_session(current.database(), key, session_lifetime(current_app.config))
    return SessionUser(principal, key) if principal else None


def login_required(*roles: str) -> Callable:
    """Pages: send strangers to sign in; refuse (403 page) the wrong role."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("console.login", next=request.full_path))
            if roles and not current_user.principal.has_role(*roles):
                return render_template("errors/error.html", error=Forbidden()), 403
            return view(*args, **kwargs)

        return wrapped

    return decorator


class Forbidden:
    description = "Tài khoản của bạn không có quyền xem trang này. / Your role may not open this."


def _safe_next(target: str | None, principal: Principal | None = None) -> str:
    """Only ever redirect within this site after signing in; without a page asked for,
    each role lands on its work: an officer at the counter console (which opens the
    counter they hold), managers and administrators on the administration pages."""
    if target and not urlsplit(target).netloc and target.startswith("/"):
        return target
    if principal is None:
        return url_for("pages.index")
    if principal.has_role("manager"):
        return url_for("console.admin_office")
    return url_for("console.counter_console")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    sign_in_limit,
    methods=["POST"],
    key_func=by_address,
    error_message="Too many sign-in attempts from this address; wait a minute.",
)
def login():
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        now = dt.datetime.now(dt.UTC)
        db = current.database()
        try:
            with db.write() as db_session:
                user = credentials.sign_in(
                    db_session, username, password, request.remote_addr or "", now
                )
                key = None
                if user is not None:
                    key, _ = credentials.start_session(
                        db_session,
                        user,
                        now,
                        request.remote_addr or "",
                        request.headers.get("User-Agent", ""),
                    )
        except credentials.Throttled as exc:
            minutes = max(1, round(exc.wait.total_seconds() / 60))
            flash(f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút.")
            response = render_template("console/login.html", username=username)
            return response, 429, {"Retry-After": str(max(1, int(exc.wait.total_seconds())))}
        if key is None:
            flash("Sai tên đăng nhập hoặc mật khẩu.")
            return render_template("console/login.html", username=username), 401
        session.clear()
        session.permanent = True
        signed_in = load_user(key)
        login_user(signed_in)
        return redirect(_safe_next(request.args.get("next"), signed_in.principal))
    return render_template("console/login.html", username="")


@bp.post("/logout")
def logout():
    """Ends the session on the server too: the old cookie opens nothing afterwards."""
    if current_user.is_authenticated:
        with current.database().write() as db_session:
            credentials.end_session(db_session, current_user.key, dt.datetime.now(dt.UTC))
    logout_user()
    session.clear()
    return redirect(url_for("console.login"))


@bp.get("/csrf")
@json_endpoint
def csrf_token():
    """A fresh CSRF token for any staff page left open longer than its token lives.

    The one endpoint every page's API client (static/js/lib/api.js) renews from.
    """
    if not current_user.is_authenticated:
        return error_response(401, "unauthorized", "Not signed in.")
    response = jsonify({"csrf_token": generate_csrf()})
    response.headers["Cache-Control"] = "no-store"
    return response
