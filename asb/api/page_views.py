"""The API's pages: personal tokens on the account page, and the documentation."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import login_required

from asb.api import queries, services
from asb.api.forms import NewTokenForm, RevokeTokenForm
from asb.api.openapi import build_spec
from asb.api.urls import API_PREFIX
from asb.auth.current import signed_in_user
from asb.auth.sessions import signed_in_seconds_ago
from asb.database import utcnow
from asb.extensions import db
from asb.policy import Permission, authorize
from asb.submissions import record_result

blueprint = Blueprint("api_pages", __name__)


def _tokens_page(form: NewTokenForm, status: int = 200):
    user = signed_in_user()
    return (
        render_template(
            "api/tokens.html",
            form=form,
            revoke_form=RevokeTokenForm(),
            tokens=queries.tokens_of(user),
            now=utcnow(),
            sign_in_minutes=current_app.config["API_TOKEN_SIGN_IN_MINUTES"],
        ),
        status,
    )


@blueprint.get("/account/api-tokens")
@login_required
def list_tokens():
    authorize(Permission.MANAGE_OWN_API_TOKENS)
    return _tokens_page(NewTokenForm())


@blueprint.post("/account/api-tokens")
@login_required
def create_token():
    authorize(Permission.MANAGE_OWN_API_TOKENS)
    form = NewTokenForm()
    if not form.validate_on_submit():
        return _tokens_page(form)
    limit = current_app.config["API_TOKEN_SIGN_IN_MINUTES"]
    if signed_in_seconds_ago() > limit * 60:
        form.name.errors.append(
            f"You signed in more than {limit} minutes ago: sign out, sign in again and then "
            "create the token"
        )
        return _tokens_page(form)
    user = signed_in_user()
    days = min(form.lifetime_days(), current_app.config["API_TOKEN_MAX_DAYS"])
    created = services.create_token(
        user, name=form.name.data, expires_at=utcnow() + timedelta(days=days)
    )
    record_result(url_for("api_pages.list_tokens"))
    db.session.commit()
    return render_template("api/token_created.html", token=created.token, secret=created.secret)


@blueprint.post("/account/api-tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    token = queries.token_or_404(token_id)
    authorize(Permission.REVOKE_API_TOKEN, token, hide_existence=True)
    form = RevokeTokenForm()
    if form.validate_on_submit():
        services.revoke_token(token, actor=signed_in_user())
        db.session.commit()
        flash(f"Token '{token.name}' revoked: it no longer works.", "success")
    return redirect(url_for("api_pages.list_tokens"))


@blueprint.get(f"{API_PREFIX}/docs")
def documentation():
    if "asb_openapi" not in current_app.extensions:
        current_app.extensions["asb_openapi"] = build_spec(current_app)
    return render_template("api/docs.html", spec=current_app.extensions["asb_openapi"])


@blueprint.get(f"{API_PREFIX}/docs/explorer")
def explorer():
    return render_template("api/explorer.html")
