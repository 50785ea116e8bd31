from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import partial

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import login_required

from asb.audit.services import record_view, request_filters
from asb.auth.current import signed_in_user
from asb.calendar import today_in_london
from asb.cases.models import Case
from asb.cases.queries import load_case
from asb.cases.services import CaseWorkflowError, ensure_case_open
from asb.exports import Value, csv_response, xlsx_response
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


def _render_deadlines(within: int):
    today = today_in_london()
    return render_template(
        "interventions/deadlines.html",
        items=queries.deadlines_for(signed_in_user(), today, within),
        within=within,
        today=today,
    )


@blueprint.get("/interventions/deadlines")
@login_required
def list_deadlines():
    authorize(Permission.VIEW_INTERVENTION_DEADLINES)
    return _render_deadlines(queries.parse_within(request.args.get("within")))


DEADLINES_EXPORT_HEADER = [
    "Due",
    "Overdue",
    "Intervention",
    "Deadline",
    "Served on",
    "Issued on",
    "Case",
    "Case title",
]


def _deadline_row(item: queries.DueItem, show_personal: bool) -> list[Value]:
    """A deadline as the list shows it; whom it was served on only to who sees the case's
    personal details (as the case's register)."""
    intervention = item.intervention
    if show_personal:
        served_on = ", ".join(
            filter(
                None,
                [
                    intervention.served_on_person.name if intervention.served_on_person else None,
                    intervention.served_on_premises,
                ],
            )
        )
    else:
        served_on = "A person" if intervention.served_on_person else "Premises"
    return [
        item.due,
        item.overdue,
        intervention.kind.label,
        item.clock,
        served_on,
        intervention.issued_on,
        intervention.case.reference,
        intervention.case.title,
    ]


def _export_deadlines(file_format: str, write: Callable[..., Response]):
    """The deadlines list as a file, recorded with the filters exactly and the row count; a
    number of days it does not take answers 400 (the page shows 30 days in its place)."""
    authorize(Permission.VIEW_INTERVENTION_DEADLINES)
    asked = request.args.get("within")
    within = queries.parse_within(asked)
    if asked is not None and str(within) != asked.strip():
        flash(
            f"Enter the number of days ahead as a whole number from 1 to "
            f"{queries.MAX_WITHIN_DAYS}, then download the deadlines."
        )
        return _render_deadlines(within), 400
    user = signed_in_user()
    items = queries.deadlines_for(user, today_in_london(), within)
    personal: dict[int, bool] = {}
    rows = []
    for item in items:
        case = item.intervention.case
        if case.id not in personal:
            personal[case.id] = can(user, Permission.VIEW_CASE_PERSONAL_DETAILS, case)
        rows.append(_deadline_row(item, personal[case.id]))
    record_view(
        "intervention-deadlines.exported",
        actor=user,
        format=file_format,
        filters=request_filters(),
        rows=len(rows),
    )
    return write(f"asb-intervention-deadlines.{file_format}", DEADLINES_EXPORT_HEADER, rows)


@blueprint.get("/interventions/deadlines.csv")
@login_required
def export_deadlines():
    return _export_deadlines("csv", csv_response)


@blueprint.get("/interventions/deadlines.xlsx")
@login_required
def export_deadlines_xlsx():
    return _export_deadlines("xlsx", partial(xlsx_response, sheet_title="Intervention deadlines"))
