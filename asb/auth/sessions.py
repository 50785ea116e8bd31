"""Signed-in sessions that the server can end.

A Flask session is a signed cookie, which the server cannot revoke. Each session therefore
carries the user's ``session_generation``; bumping that number (sign-out, password change,
deactivation) ends every session of the user at once. Sessions also end after a spell of
inactivity and after an absolute lifetime, whatever the activity.

Signing in with two factors goes through a state between: the password was right, and the
session holds only that (which user, their session generation, since when) for a few minutes,
while the user is NOT signed in and reaches nothing but the second step. A signed-in session
whose user has or needs two factors carries a mark that the second factor was given; without
it (the role changed to one that requires two factors) the next request goes back to the
second step.
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
_SECOND_FACTOR = "asb_second_factor"
_AWAITING = "asb_awaiting_second_factor"
_NO_USER_NEEDED = {"static", "main.healthz"}
# The pages of the second step, reached while the session awaits it.
SECOND_STEP_ENDPOINTS = {
    "auth.sign_in",
    "auth.enter_code",
    "auth.set_up_two_factor",
    "auth.cancel_sign_in",
}


def start_session(user: User, *, second_factor: bool = False) -> None:
    """Start a fresh session: nothing from the anonymous session survives sign-in."""
    session.clear()
    session.permanent = True
    login_user(user)
    now = utcnow().timestamp()
    session["asb_session_id"] = secrets.token_urlsafe(16)
    session[_GENERATION] = user.session_generation
    session[_SIGNED_IN_AT] = now
    session[_SEEN_AT] = now
    if second_factor:
        session[_SECOND_FACTOR] = True


def restart_session(user: User) -> None:
    """A fresh session for the same sign-in (after a password change): the second factor it
    was given still counts."""
    start_session(user, second_factor=bool(session.get(_SECOND_FACTOR)))


def await_second_factor(user: User, next_url: str | None) -> None:
    """The password was right: hold only that, for a few minutes, and sign nobody in."""
    logout_user()
    session.clear()
    session[_AWAITING] = {
        "user": user.id,
        "generation": user.session_generation,
        "since": utcnow().timestamp(),
        "next": next_url,
    }


def awaiting_user() -> User | None:
    """The user whose password this session proved, while their second factor is awaited."""
    awaiting = session.get(_AWAITING)
    if not isinstance(awaiting, dict):
        return None
    lifetime = current_app.config["TWO_FACTOR_STEP_MINUTES"] * 60
    if utcnow().timestamp() - awaiting.get("since", 0) > lifetime:
        return None
    user = load_user(str(awaiting.get("user")), generation=awaiting.get("generation"))
    return user


def awaited_next_url() -> str | None:
    awaiting = session.get(_AWAITING)
    return awaiting.get("next") if isinstance(awaiting, dict) else None


def stop_awaiting() -> None:
    session.pop(_AWAITING, None)


def end_session() -> None:
    logout_user()
    session.clear()


def end_all_sessions(user: User) -> None:
    user.session_generation += 1


@login_manager.user_loader
def load_user(user_id: str, generation: object = None) -> User | None:
    """The session's user, if their sessions have not been ended since it started."""
    number = whole_number(user_id)
    if number is None:
        return None
    user = db.session.get(User, number)
    if user is None or not user.is_active:
        return None
    if (generation if generation is not None else session.get(_GENERATION)) != (
        user.session_generation
    ):
        return None
    return user


def _outside_sessions() -> bool:
    """/healthz needs no user; the REST API signs each request in by its personal token, never
    by the session cookie (asb/api); Open311 is public, its POSTs signed by api_key."""
    return request.endpoint in _NO_USER_NEEDED or request.blueprint in {"api", "open311"}


def signed_in_seconds_ago() -> float:
    """How long ago this session's user gave their password (and second factor, if any)."""
    return utcnow().timestamp() - session.get(_SIGNED_IN_AT, 0)


def _expire_stale_session():
    # /healthz must answer during a database outage: loading the user would need the database.
    if _outside_sessions() or not current_user.is_authenticated:
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


def _second_step_page(user: User) -> str:
    return url_for("auth.enter_code" if user.has_two_factor else "auth.set_up_two_factor")


def _require_second_factor():
    """While the second factor is awaited, only its pages; a signed-in session without it,
    for a user who has or needs two factors, goes back to the second step."""
    if _outside_sessions():
        return None
    if current_user.is_authenticated and request.endpoint != "auth.sign_out":
        user = current_user._get_current_object()
        needs_second_factor = user.has_two_factor or user.requires_two_factor
        if not needs_second_factor or session.get(_SECOND_FACTOR):
            return None
        next_url = request.full_path.rstrip("?") if request.method == "GET" else None
        await_second_factor(user, next_url)
        return redirect(_second_step_page(user))
    if _AWAITING not in session or request.endpoint in SECOND_STEP_ENDPOINTS:
        return None
    user = awaiting_user()
    if user is None:
        stop_awaiting()
        return None
    return redirect(_second_step_page(user))


def _require_password_change():
    allowed = {"auth.change_password", "auth.sign_out", *_NO_USER_NEEDED}
    if (
        request.endpoint not in allowed
        and not _outside_sessions()
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
    app.before_request(_require_second_factor)
    app.before_request(_require_password_change)
