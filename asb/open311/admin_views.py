"""Admins' page of the organisations that send reports by Open311, and their api_keys."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from asb.auth.current import signed_in_user
from asb.extensions import db
from asb.open311 import queries, services
from asb.open311.forms import NewClientForm, RevokeClientForm
from asb.policy import Permission, authorize
from asb.submissions import record_result

blueprint = Blueprint("open311_admin", __name__, url_prefix="/admin/open311-senders")


def _clients_page(form: NewClientForm):
    return render_template(
        "open311/clients.html",
        form=form,
        revoke_form=RevokeClientForm(),
        clients=queries.clients(),
    )


@blueprint.get("")
@login_required
def list_clients():
    authorize(Permission.MANAGE_OPEN311_CLIENTS)
    return _clients_page(NewClientForm())


@blueprint.post("")
@login_required
def create_client():
    authorize(Permission.MANAGE_OPEN311_CLIENTS)
    form = NewClientForm()
    if not form.validate_on_submit():
        return _clients_page(form)
    created = services.create_client(
        form.organisation.data, form.contact.data, actor=signed_in_user()
    )
    record_result(url_for("open311_admin.list_clients"))
    db.session.commit()
    return render_template(
        "open311/client_created.html", client=created.client, api_key=created.api_key
    )


@blueprint.post("/<int:client_id>/revoke")
@login_required
def revoke_client(client_id: int):
    authorize(Permission.MANAGE_OPEN311_CLIENTS)
    client = queries.client_or_404(client_id)
    form = RevokeClientForm()
    if form.validate_on_submit():
        services.revoke_client(client, actor=signed_in_user())
        db.session.commit()
        flash(f"The key of {client.organisation} is revoked: it no longer works.", "success")
    return redirect(url_for("open311_admin.list_clients"))
