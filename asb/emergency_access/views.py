"""Emergency access: the request form, and the ASB lead's list of every grant."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from asb.auth.current import signed_in_user
from asb.cases.models import Case
from asb.emergency_access import queries, services
from asb.emergency_access.forms import EmergencyAccessForm
from asb.emergency_access.models import EmergencyAccess
from asb.extensions import db
from asb.forms import BaseForm
from asb.incidents.models import Incident
from asb.policy import Permission, authorize, can
from asb.submissions import record_result

blueprint = Blueprint("emergency_access", __name__, url_prefix="/emergency-access")

# The same answer for a reference that names nothing and for one that names a record that is
# not restricted: the form never tells whether a record the user may not see exists.
NOT_FOUND = "We could not find a restricted record with that reference"


@blueprint.app_template_global()
def emergency_access_shown(record: Incident | Case) -> list[EmergencyAccess]:
    """Every grant to open the record, for its owners and the ASB lead; nothing for others."""
    if not can(current_user, Permission.VIEW_RECORD_EMERGENCY_ACCESS, record):
        return []
    return queries.grants_for(record)


@blueprint.app_template_global()
def live_emergency_access_count() -> int:
    return queries.live_grant_count()


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def request_access():
    authorize(Permission.OPEN_WITH_EMERGENCY_ACCESS)
    user = signed_in_user()
    form = EmergencyAccessForm()
    if form.validate_on_submit():
        record = queries.restricted_record(form.reference.data)
        if record is None:
            form.reference.errors.append(NOT_FOUND)
        elif can(
            user,
            Permission.VIEW_INCIDENT if isinstance(record, Incident) else Permission.VIEW_CASE,
            record,
        ):
            form.reference.errors.append(
                f"You can already open {record.reference}: you do not need emergency access"
            )
        else:
            services.grant_emergency_access(
                user, record, reason=form.reason.data, lawful_basis=form.chosen_basis()
            )
            url = record_result(services.record_path(record))
            db.session.commit()
            flash(f"You have emergency access to {record.reference}.", "success")
            return redirect(url)
        # Refused for its reference: nothing is kept, the one-time key included, so the form
        # can be sent again corrected.
        db.session.rollback()
    return render_template(
        "emergency_access/request.html", form=form, own_grants=queries.live_grants_of(user)
    )


@blueprint.get("")
@login_required
def list_grants():
    authorize(Permission.VIEW_EMERGENCY_ACCESS_LOG)
    live, past = queries.live_and_past_grants()
    return render_template(
        "emergency_access/list.html",
        live=live,
        past=past,
        past_shown=queries.PAST_GRANTS_SHOWN,
        end_form=BaseForm(),
    )


@blueprint.post("/<int:grant_id>/end")
@login_required
def end_grant(grant_id: int):
    authorize(Permission.END_EMERGENCY_ACCESS)
    grant = db.get_or_404(EmergencyAccess, grant_id)
    form = BaseForm()
    if not form.validate_on_submit():
        flash("Your request could not be checked: try again.")
    elif services.end_emergency_access(grant, actor=signed_in_user()):
        db.session.commit()
        flash(
            f"Emergency access by {grant.user.name} to {grant.record.reference} ended.",
            "success",
        )
    else:
        flash(f"Emergency access by {grant.user.name} had already ended.")
    return redirect(url_for("emergency_access.list_grants"))
