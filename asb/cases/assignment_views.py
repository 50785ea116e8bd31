"""Assigning a case: to an agency's team or an officer, picked up, shared with partners."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import func, select

from asb.auth.current import signed_in_user
from asb.auth.models import User
from asb.cases import queries, services
from asb.cases.forms import AssignForm, PartnerForm
from asb.cases.models import Case
from asb.cases.views import blueprint, stale_message
from asb.cases.vocabulary import CaseStatus
from asb.extensions import db
from asb.forms import BaseForm
from asb.incidents import queries as incident_queries
from asb.policy import Permission, can
from asb.submissions import record_result
from asb.versioning import StaleEditError, commit_versioned


@blueprint.route("/<int:case_id>/assign", methods=["GET", "POST"])
@login_required
def assign_case(case_id: int):
    case = queries.load_case(case_id, Permission.ASSIGN_CASE)
    user = signed_in_user()
    agencies = [
        agency
        for agency in incident_queries.active_agencies(internal_only=True)
        if can(user, Permission.ASSIGN_CASE_TO, (case, agency))
    ]
    officers = [member for agency in agencies for member in services.team_members(agency)]
    form = AssignForm(agencies=agencies, officers=officers)
    if request.method == "GET":
        form.agency.data = str(case.assigned_agency_id)
        form.officer.data = str(case.case_officer_id or "")
        form.version.data = str(case.version)
    if form.validate_on_submit():
        try:
            commit_versioned(
                lambda: services.assign_case(
                    case,
                    agency=form.chosen_agency(),
                    officer=form.chosen_officer(),
                    actor=user,
                    reason=form.reason.data or None,
                    expected_version=form.expected_version(),
                )
            )
        except StaleEditError:
            form.version.errors.append(stale_message(case))
        except services.CaseWorkflowError as error:
            db.session.rollback()
            field = {"reason": form.reason, "agency": form.agency}.get(error.field, form.officer)
            field.errors.append(str(error))
        else:
            flash(f"Case {case.reference} assigned.", "success")
            return redirect(url_for("cases.show_case", case_id=case.id))
    workload = _workload(officers)
    officer_teams = {str(officer.id): str(officer.agency_id) for officer in officers}
    return render_template(
        "cases/assign.html",
        form=form,
        case=case,
        workload=workload,
        officer_teams=officer_teams,
        across_agencies=len(agencies) > 1,
    )


def _workload(officers: list[User]) -> dict[int, int]:
    if not officers:
        return {}
    rows = db.session.execute(
        select(Case.case_officer_id, func.count())
        .where(
            Case.case_officer_id.in_([officer.id for officer in officers]),
            Case.status != CaseStatus.CLOSED,
        )
        .group_by(Case.case_officer_id)
    )
    return dict(rows.all())


@blueprint.post("/<int:case_id>/pick-up")
@login_required
def pick_up_case(case_id: int):
    case = queries.load_case(case_id, Permission.PICK_UP_CASE)
    if not BaseForm().validate_on_submit():
        abort(400)
    try:
        commit_versioned(lambda: services.pick_up_case(case, officer=signed_in_user()))
    except StaleEditError:
        flash(stale_message(case), "error")
    except services.CaseWorkflowError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(f"You have picked up case {case.reference}. It is now in My cases.", "success")
    return redirect(url_for("cases.show_case", case_id=case.id))


@blueprint.route("/<int:case_id>/partners", methods=["GET", "POST"])
@login_required
def add_partner(case_id: int):
    case = queries.load_case(case_id, Permission.ASSIGN_CASE)
    candidates = [
        agency
        for agency in incident_queries.active_agencies(internal_only=True)
        if agency.id not in case.involved_agency_ids
    ]
    form = PartnerForm(agencies=candidates)
    if form.validate_on_submit():
        agency = form.chosen_agency()
        services.add_partner(case, agency, actor=signed_in_user())
        url = record_result(url_for("cases.show_case", case_id=case.id))
        db.session.commit()
        flash(f"{agency.name} can now see and contribute to case {case.reference}.", "success")
        return redirect(url)
    return render_template("cases/partner.html", form=form, case=case)
