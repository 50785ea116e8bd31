from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from asb.auth import services
from asb.auth.forms import ChangePasswordForm, SignInForm
from asb.auth.passwords import verify_password
from asb.auth.sessions import end_session, start_session
from asb.extensions import db

blueprint = Blueprint("auth", __name__)


def safe_next_url(target: str | None) -> str | None:
    """Follow a next= redirect only to a path on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


@blueprint.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignInForm()
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data)
        db.session.commit()  # failures count even though the sign-in is refused
        if result.user is not None:
            start_session(result.user)
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.index"))
        if result.refusal is services.SignInRefusal.LOCKED:
            minutes = max(1, round(result.wait_seconds / 60))
            form.email.errors.append(
                "This account is locked after too many failed sign-in attempts. "
                f"Try again in {minutes} minute{'s' if minutes != 1 else ''}, "
                "or ask an administrator to reset your password"
            )
        elif result.refusal is services.SignInRefusal.TOO_SOON:
            form.email.errors.append(
                "Too many failed sign-in attempts. "
                f"Wait {result.wait_seconds} seconds before trying again"
            )
        else:
            form.email.errors.append("Enter a correct email address and password")
    return render_template("auth/sign_in.html", form=form)


@blueprint.post("/sign-out")
@login_required
def sign_out():
    services.sign_out_everywhere(current_user._get_current_object())
    db.session.commit()
    end_session()
    flash("You have signed out.")
    return redirect(url_for("auth.sign_in"))


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm(email=user.email)
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append("Your current password is not correct")
        else:
            services.change_password(user, form.new_password.data)
            db.session.commit()
            start_session(user)  # this session goes on; every other one has ended
            flash("Your password has been changed. You have been signed out everywhere else.")
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)
