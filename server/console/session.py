"""Signing in and out with a password; the session cookie then acts for the officer.

Sessions expire (`PERMANENT_SESSION_LIFETIME`), forms carry a CSRF token, and repeated
failures are slowed down per username (the attempts live in the database, so every
server process sees them).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import UserMixin, current_user, login_user, logout_user

from .. import accounts
from ..auth import Principal, principal_for_user
from ..extensions import limiter, login_manager
from ..rate_limits import by_address, sign_in_limit
from . import bp


class SessionUser(UserMixin):
    """Flask-Login's view of a signed-in user: a detached Principal."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal

    def get_id(self) -> str:
        return str(self.principal.user_id)


@login_manager.user_loader
def load_user(user_id: str) -> SessionUser | None:
    principal = principal_for_user(current_app.extensions["luot.db"], int(user_id))
    return SessionUser(principal) if principal else None


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


def _safe_next(target: str | None) -> str:
    """Only ever redirect within this site after signing in."""
    if target and not urlsplit(target).netloc and target.startswith("/"):
        return target
    return url_for("pages.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"], key_func=by_address,
               error_message="Too many sign-in attempts from this address; wait a minute.")
def login():
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        now = dt.datetime.now(dt.UTC)
        db = current_app.extensions["luot.db"]
        try:
            with db.write() as db_session:
                user = accounts.sign_in(db_session, username, password,
                                        request.remote_addr or "", now)
                user_id = user.id if user else None
        except accounts.Throttled as exc:
            minutes = max(1, round(exc.wait.total_seconds() / 60))
            flash(f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút.")
            return render_template("console/login.html", username=username), 429
        if user_id is None:
            flash("Sai tên đăng nhập hoặc mật khẩu.")
            return render_template("console/login.html", username=username), 401
        session.clear()
        session.permanent = True
        login_user(load_user(str(user_id)))
        return redirect(_safe_next(request.args.get("next")))
    return render_template("console/login.html", username="")


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("console.login"))
