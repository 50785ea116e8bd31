from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from asb.audit.services import record_view
from asb.auth.current import signed_in_user
from asb.calendar import today_in_london
from asb.cases.models import Case
from asb.cases.queries import load_case
from asb.cases.services import CaseWorkflowError, ensure_case_open
from asb.extensions import db
from asb.interventions import queries, services
from asb.interventions.forms import BreachForm, InterventionForm
from asb.interventions.models import Intervention
from asb.policy import Permission, authorize, can
from asb.presentation import london_date, london_datetime
from asb.submissions import record_result

blueprint = Blueprint("interventions", __name__)


@blueprint.app_template_global()
def intervention_register(case: Case, today):
    """The case's interventions, each with its next deadline, for the case page."""
    return queries.case_register(case, today)


@blueprint.app_template_filter()
def due_text(value: date | datetime | None) -> str:
    """A clock as people read it: a day, or a day and a time for clocks counted in hours."""
    return london_datetime(value) if isinstance(value, datetime) else london_date(value)


@blueprint.route("/cases/<int:case_id>/interventions/new", methods=["GET", "POST"])
@login_required
def record_intervention(case_id: int):
    # The form names the people on the case, so it needs their personal details.
    case = load_case(case_id, Permission.WORK_CASE, Permission.VIEW_CASE_PERSONAL_DETAILS)
    ensure_case_open(case, "recording an intervention")
    form = InterventionForm(people=queries.people_on(case))
    if form.validate_on_submit():
        try:
            intervention = services.record_intervention(
                case, form.details(), actor=signed_in_user()
            )
        except services.InterventionNotAllowed as refused:
            db.session.rollback()
            form.add_rule_problems(refused.problems)
        else:
            url = record_result(
                url_for(
                    "interventions.show_intervention",
                    case_id=case.id,
                    intervention_id=intervention.id,
                )
            )
            db.session.commit()
            flash(f"{intervention.kind.label} recorded.", "success")
            return redirect(url)
    return render_template("interventions/new.html", form=form, case=case)


@blueprint.get("/cases/<int:case_id>/interventions/<int:intervention_id>")
@login_required
def show_intervention(case_id: int, intervention_id: int):
    case = load_case(case_id)
    intervention = queries.get_intervention_or_404(case, intervention_id)
    record_view("intervention.viewed", actor=signed_in_user(), obj=intervention, case_id=case.id)
    return _render_intervention(case, intervention, BreachForm(intervention=intervention))


def _render_intervention(case: Case, intervention: Intervention, breach_form: BreachForm):
    today = today_in_london()
    return render_template(
        "interventions/show.html",
        case=case,
        intervention=intervention,
        rule=services.rule_for(intervention),
        counts_months=intervention.kind in services.DURATION_KINDS,
        clocks=services.stored_clocks(intervention),
        warnings=services.current_warnings(intervention),
        next_due=queries.next_deadline(intervention, today),
        review_overdue=queries.review_overdue(intervention, case, today),
        show_personal=can(signed_in_user(), Permission.VIEW_CASE_PERSONAL_DETAILS, case),
        form=breach_form,
        today=today,
    )


@blueprint.post("/cases/<int:case_id>/interventions/<int:intervention_id>/breaches")
@login_required
def record_breach(case_id: int, intervention_id: int):
    case = load_case(case_id, Permission.WORK_CASE)
    intervention = queries.get_intervention_or_404(case, intervention_id)
    form = BreachForm(intervention=intervention)
    if form.validate_on_submit():
        try:
            services.record_breach(
                intervention,
                occurred_on=form.occurred_on.data,
                description=form.description.data,
                fixed_penalty_gbp=form.amount(),
                actor=signed_in_user(),
            )
        except CaseWorkflowError as error:
            db.session.rollback()
            form.description.errors.append(str(error))
        else:
            url = record_result(
                url_for(
                    "interventions.show_intervention",
                    case_id=case.id,
                    intervention_id=intervention.id,
                )
            )
            db.session.commit()
            flash("Breach recorded.", "success")
            return redirect(url)
    return _render_intervention(case, intervention, form)


@blueprint.get("/interventions/deadlines")
@login_required
def list_deadlines():
    authorize(Permission.VIEW_INTERVENTION_DEADLINES)
    within = queries.parse_within(request.args.get("within"))
    today = today_in_london()
    return render_template(
        "interventions/deadlines.html",
        items=queries.deadlines_for(signed_in_user(), today, within),
        within=within,
        today=today,
    )
