"""Signed-in sessions that the server can end.

A Flask session is a signed cookie, which the server cannot revoke. Each session therefore
carries the user's ``session_generation``; bumping that number (sign-out, password change,
deactivation) ends every session of the user at once. Sessions also end after a spell of
inactivity and after an absolute lifetime, whatever the activity.
"""

from __future__ import annotations

import secrets

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from asb.auth.models import User
from asb.database import utcnow
from asb.extensions import db, login_manager
from asb.forms import whole_number

_GENERATION = "asb_generation"
_SIGNED_IN_AT = "asb_signed_in_at"
_SEEN_AT = "asb_seen_at"
_NO_USER_NEEDED = {"static", "main.healthz"}


def start_session(user: User) -> None:
    """Start a fresh session: nothing from the anonymous session survives sign-in."""
    session.clear()
    session.permanent = True
    login_user(user)
    now = utcnow().timestamp()
    session["asb_session_id"] = secrets.token_urlsafe(16)
    session[_GENERATION] = user.session_generation
    session[_SIGNED_IN_AT] = now
    session[_SEEN_AT] = now


def end_session() -> None:
    logout_user()
    session.clear()


def end_all_sessions(user: User) -> None:
    user.session_generation += 1


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    number = whole_number(user_id)
    if number is None:
        return None
    user = db.session.get(User, number)
    if user is None or not user.is_active:
        return None
    if session.get(_GENERATION) != user.session_generation:
        return None
    return user


def _expire_stale_session():
    # /healthz must answer during a database outage: loading the user would need the database.
    if request.endpoint in _NO_USER_NEEDED or not current_user.is_authenticated:
        return None
    now = utcnow().timestamp()
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    lifetime = current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    signed_in_at = session.get(_SIGNED_IN_AT, 0)
    seen_at = session.get(_SEEN_AT, 0)
    if now - seen_at > idle or now - signed_in_at > lifetime:
        end_session()
        flash("You were signed out because your session expired. Sign in again to continue.")
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    session[_SEEN_AT] = now
    return None


def _require_password_change():
    allowed = {"auth.change_password", "auth.sign_out", *_NO_USER_NEEDED}
    if (
        request.endpoint not in allowed
        and current_user.is_authenticated
        and current_user.must_change_password
    ):
        return redirect(url_for("auth.change_password"))
    return None


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # sessions are ended by generation instead
    app.before_request(_expire_stale_session)
    app.before_request(_require_password_change)
