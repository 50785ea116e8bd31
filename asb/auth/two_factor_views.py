"""The pages of two-factor sign-in: the second step, enrolment and the user's own settings."""

from __future__ import annotations

import math

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from asb.auth import services, two_factor
from asb.auth.current import signed_in_user
from asb.auth.forms import EnrolmentForm, TwoFactorCodeForm
from asb.auth.models import User
from asb.auth.sessions import awaited_next_url, awaiting_user, start_session, stop_awaiting
from asb.auth.two_factor import CodeRefusal
from asb.auth.views import blueprint
from asb.extensions import db
from asb.forms import BaseForm

START_AGAIN = "Sign in again to continue: the time to enter your code ran out."


def _start_again():
    stop_awaiting()
    flash(START_AGAIN)
    return redirect(url_for("auth.sign_in"))


@blueprint.route("/sign-in/code", methods=["GET", "POST"])
def enter_code():
    """The second step: the password was right; the code from the app (or a recovery code)."""
    user = awaiting_user()
    if user is None:
        return _start_again()
    if not user.has_two_factor:
        return redirect(url_for("auth.set_up_two_factor"))
    form = TwoFactorCodeForm()
    if not form.validate_on_submit():
        return render_template("auth/enter_code.html", form=form, cancel_form=BaseForm())
    attempt = services.start_sign_in(user.email, request.remote_addr or "unknown")
    # Counted before the code is checked, as a password is (asb.auth.services.start_sign_in).
    db.session.commit()
    result = two_factor.finish_code_attempt(attempt, form.code.data)
    db.session.commit()
    if result.user is not None:
        next_url = awaited_next_url()
        start_session(result.user, second_factor=True)
        if result.recovery_codes_left is not None:
            flash(_recovery_code_used(result.recovery_codes_left))
        return redirect(next_url or url_for("main.index"))
    if result.refusal is CodeRefusal.RATE_LIMITED:
        minutes = math.ceil(result.retry_after_seconds / 60)
        form.code.errors.append(
            "There have been too many failed sign-in attempts. "
            f"Wait {minutes} minute{'s' if minutes != 1 else ''} and try again, "
            "or ask your administrator for help"
        )
        page = render_template("auth/enter_code.html", form=form, cancel_form=BaseForm())
        return page, 429, {"Retry-After": str(result.retry_after_seconds)}
    if result.refusal is CodeRefusal.LOCKED:
        stop_awaiting()
        flash(_locked(), "error")
        return redirect(url_for("auth.sign_in"))
    form.code.errors.append(_wrong_code(result.refusal, result.attempts_left))
    return render_template("auth/enter_code.html", form=form, cancel_form=BaseForm())


@blueprint.post("/sign-in/cancel")
def cancel_sign_in():
    """Leave the second step (someone else is to sign in on this browser)."""
    if BaseForm().validate_on_submit():
        stop_awaiting()
    return redirect(url_for("auth.sign_in"))


def _recovery_code_used(left: int) -> str:
    message = f"You signed in with a recovery code. You have {left} left."
    if left <= 3:
        message += " Get new recovery codes from your account page."
    return message


def _locked() -> str:
    minutes = current_app.config["LOGIN_LOCK_MINUTES"]
    return (
        f"Your account is locked for {minutes} minutes after too many wrong codes. Sign in "
        "again after that, or ask your administrator for help."
    )


def _wrong_code(refusal: CodeRefusal | None, attempts_left: int) -> str:
    if refusal is CodeRefusal.REPLAYED:
        message = (
            "That code has already been used. Wait for your app to show a new code and enter it"
        )
    else:
        message = (
            "The code is not correct. Enter the code your authenticator app shows now, "
            "or one of your recovery codes"
        )
    if attempts_left <= 3:
        message += (
            f". Your account will be locked after {attempts_left} more wrong "
            f"code{'s' if attempts_left != 1 else ''}"
        )
    return message


def _enrolling_user() -> tuple[User | None, bool]:
    """Who is setting up two factors: the signed-in user, or one whose password was right and
    whose role requires two factors before they sign in (then True)."""
    if current_user.is_authenticated:
        return signed_in_user(), False
    return awaiting_user(), True


@blueprint.route("/two-factor/set-up", methods=["GET", "POST"])
def set_up_two_factor():
    user, signing_in = _enrolling_user()
    if user is None:
        return _start_again()
    if user.has_two_factor:
        if signing_in:
            return redirect(url_for("auth.enter_code"))
        flash("Two-factor sign-in is already on.")
        return redirect(url_for("auth.two_factor_settings"))
    form = EnrolmentForm()
    secret = two_factor.enrolment_secret(user)
    db.session.commit()  # the same secret when the page is drawn again
    if form.validate_on_submit():
        codes = two_factor.confirm_enrolment(user, form.code.data)
        if codes is not None:
            db.session.commit()
            next_url = awaited_next_url() if signing_in else url_for("auth.two_factor_settings")
            # Other sessions of the user lack the second factor: they go to the second step.
            start_session(user, second_factor=True)
            flash("Two-factor sign-in is on.", "success")
            return render_template(
                "auth/recovery_codes.html",
                codes=codes,
                next_url=next_url or url_for("main.index"),
                enrolled=True,
            )
        form.code.errors.append(
            "The code is not correct. Enter the code your authenticator app shows now: check "
            "that the time on your phone is set automatically"
        )
    return render_template(
        "auth/set_up_two_factor.html",
        form=form,
        qr_code=two_factor.qr_code_svg(two_factor.provisioning_uri(user, secret)),
        secret=two_factor.grouped(secret),
        signing_in=signing_in,
        required=user.requires_two_factor,
        cancel_form=BaseForm(),
    )


@blueprint.get("/account/two-factor")
@login_required
def two_factor_settings():
    user = signed_in_user()
    return render_template(
        "auth/two_factor_settings.html",
        user=user,
        codes_left=two_factor.recovery_codes_left(user) if user.has_two_factor else 0,
        action_form=BaseForm(),
    )


@blueprint.post("/account/two-factor/recovery-codes")
@login_required
def replace_recovery_codes():
    user = signed_in_user()
    if not BaseForm().validate_on_submit() or not user.has_two_factor:
        return redirect(url_for("auth.two_factor_settings"))
    codes = two_factor.regenerate_recovery_codes(user)
    db.session.commit()
    return render_template(
        "auth/recovery_codes.html",
        codes=codes,
        next_url=url_for("auth.two_factor_settings"),
        enrolled=False,
    )


@blueprint.route("/account/two-factor/turn-off", methods=["GET", "POST"])
@login_required
def turn_off_two_factor():
    user = signed_in_user()
    if not user.has_two_factor or user.requires_two_factor:
        if user.requires_two_factor:
            flash(f"Two-factor sign-in is required for your role ({user.role.label}).", "error")
        return redirect(url_for("auth.two_factor_settings"))
    form = BaseForm()
    if form.validate_on_submit():
        two_factor.turn_off(user)
        db.session.commit()
        flash("Two-factor sign-in is off. You sign in with your password only.", "success")
        return redirect(url_for("auth.two_factor_settings"))
    return render_template("auth/turn_off_two_factor.html", form=form)
