from __future__ import annotations

import math
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from asb.auth import services
from asb.auth.current import signed_in_user
from asb.auth.forms import ChangePasswordForm, SignInForm
from asb.auth.passwords import verify_password
from asb.auth.sessions import (
    await_second_factor,
    end_session,
    restart_session,
    start_session,
)
from asb.extensions import db

blueprint = Blueprint("auth", __name__)


def safe_next_url(target: str | None) -> str | None:
    """Follow a next= redirect only to a path on this site, written plainly.

    Control characters would make a broken Location header, and browsers read a backslash
    as a slash (`/\\evil.example` is another site): anything odd is ignored.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(ord(character) < 0x20 or ord(character) == 0x7F for character in target):
        return None
    if "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


WRONG_CREDENTIALS = "Enter a correct email address and password"


@blueprint.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("auth/sign_in.html", form=form)
    attempt = services.start_sign_in(form.email.data, request.remote_addr or "unknown")
    # Counted before the password is checked, so that simultaneous guesses see each other.
    db.session.commit()
    result = services.finish_sign_in(attempt, form.password.data)
    db.session.commit()
    if result.user is not None:
        next_url = safe_next_url(request.args.get("next"))
        if result.second_factor_needed:
            await_second_factor(result.user, next_url)
            step = "auth.enter_code" if result.user.has_two_factor else "auth.set_up_two_factor"
            return redirect(url_for(step))
        start_session(result.user)
        return redirect(next_url or url_for("main.index"))
    if result.refusal is services.SignInRefusal.RATE_LIMITED:
        minutes = math.ceil(result.retry_after_seconds / 60)
        form.email.errors.append(
            "There have been too many failed sign-in attempts. "
            f"Wait {minutes} minute{'s' if minutes != 1 else ''} and try again, "
            "or ask your administrator for help"
        )
        page = render_template("auth/sign_in.html", form=form)
        return page, 429, {"Retry-After": str(result.retry_after_seconds)}
    form.email.errors.append(WRONG_CREDENTIALS)
    return render_template("auth/sign_in.html", form=form)


@blueprint.post("/sign-out")
@login_required
def sign_out():
    services.sign_out_everywhere(signed_in_user())
    db.session.commit()
    end_session()
    flash("You have signed out.")
    return redirect(url_for("auth.sign_in"))


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    user = signed_in_user()
    form = ChangePasswordForm(email=user.email, name=user.name)
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append("Your current password is not correct")
        else:
            services.change_password(user, form.new_password.data)
            db.session.commit()
            restart_session(user)  # this session goes on; every other one has ended
            flash("Your password has been changed. You have been signed out everywhere else.")
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)


from asb.auth import two_factor_views  # noqa: E402, F401  (its routes, on this blueprint)
