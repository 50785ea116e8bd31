"""ASB Case Review (Community Trigger) pages: log applications, run reviews, publish figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import func, select

from asb.audit.services import record_view, request_filters
from asb.auth.current import signed_in_user
from asb.calendar import today_in_london
from asb.case_reviews import queries, services
from asb.case_reviews.complaints import complaint_made_on, not_a_complaint
from asb.case_reviews.deadlines import CaseReviewSettings, case_review_settings
from asb.case_reviews.forms import ApplicationForm, ComplaintForm
from asb.case_reviews.models import CaseReviewApplication, CaseReviewComplaint
from asb.case_reviews.vocabulary import ApplicationRoute
from asb.cases.models import Case
from asb.cases.working_days import bank_holidays
from asb.exports import Value, csv_response, xlsx_response
from asb.extensions import db
from asb.forms import BaseForm, whole_number
from asb.incidents import queries as incident_queries
from asb.incidents.models import Incident
from asb.policy import Permission, authorize, authorize_case_view, can, deny, hides_existence
from asb.submissions import record_result

blueprint = Blueprint("case_reviews", __name__, url_prefix="/case-reviews")

FIGURES_HEADER = [
    "Period",
    "From",
    "To",
    "Applications received",
    "Threshold not met",
    "Reviews carried out",
    "Reviews resulting in recommendations",
]
EARLIEST_YEAR = 2014  # the 2014 Act created the ASB Case Review


def _summaries(
    applications: list[CaseReviewApplication], settings: CaseReviewSettings | None = None
) -> list[queries.ApplicationSummary]:
    return queries.summarise(
        applications,
        today=today_in_london(),
        settings=settings or case_review_settings(),
        holidays=bank_holidays(),
    )


@blueprint.app_template_global("case_review_summaries")
def case_review_summaries(case: Case) -> list[queries.ApplicationSummary]:
    """The applications about a case, for its page."""
    return _summaries(queries.applications_for_case(case))


@blueprint.app_template_global("complaint_made_on")
def incident_complaint_made_on(incident: Incident) -> date | None:
    """The day an incident's complaint was made, for its page; None when it is no complaint."""
    return None if not_a_complaint(incident) else complaint_made_on(incident)


def _find_incident(reference: str) -> Incident | None:
    incident = db.session.scalar(
        select(Incident).where(func.upper(Incident.reference) == reference.upper())
    )
    if incident is None or not can(signed_in_user(), Permission.VIEW_INCIDENT, incident):
        return None
    return incident


def show_page(application: CaseReviewApplication):
    return redirect(url_for("case_reviews.show_application", application_id=application.id))


def _refused(form: BaseForm, error: services.CaseReviewError, default_field: str) -> None:
    db.session.rollback()
    field = getattr(form, error.field or "", None) or getattr(form, default_field)
    field.errors = [*field.errors, str(error)]


def save_step(
    application: CaseReviewApplication,
    form: BaseForm,
    run: Callable[[], object],
    message: str,
    default_field: str,
):
    """Validate the form, take the step, commit and go back to the application.

    Returns None when the form is to be shown again (first view, or with errors).
    """
    if not form.validate_on_submit():
        return None
    try:
        run()
    except services.CaseReviewError as error:
        _refused(form, error, default_field)
        return None
    url = record_result(url_for("case_reviews.show_application", application_id=application.id))
    db.session.commit()
    flash(message, "success")
    return redirect(url)


def step_page(application: CaseReviewApplication, form: BaseForm, heading: str, **context):
    template = context.pop("template", "case_reviews/step.html")
    return render_template(template, form=form, application=application, heading=heading, **context)


@blueprint.get("")
@login_required
def list_applications():
    authorize(Permission.LOG_CASE_REVIEW)
    user = signed_in_user()
    summaries = _summaries(queries.applications_for(user))
    return render_template(
        "case_reviews/list.html",
        summaries=summaries,
        cases_shown={s.application.id: queries.case_shown(user, s.application) for s in summaries},
        applicant_shown={
            s.application.id
            for s in summaries
            if can(user, Permission.VIEW_CASE_REVIEW_APPLICANT, s.application)
        },
    )


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def new_application():
    authorize(Permission.LOG_CASE_REVIEW)
    form = ApplicationForm(find_incident=_find_incident)
    case_id = request.args.get("case", "") if request.method == "GET" else form.case_id.data
    case = None
    if case_id:
        number = whole_number(case_id)
        case = db.session.get(Case, number) if number is not None else None
        if case is None:
            abort(404)
        authorize_case_view(case)
    if request.method == "GET":
        form.case_id.data = str(case.id) if case else ""
        form.received_on.data = today_in_london()
    if form.validate_on_submit():
        complaints = [
            services.CitedComplaint.from_incident(
                incident, behaviour_key=services.incident_behaviour_key(group[0])
            )
            for group in form.cited
            for incident in group
        ]
        try:
            application = services.log_application(
                applicant_name=form.applicant_name.data,
                applicant_contact=form.applicant_contact.data,
                on_behalf_of=form.on_behalf_of.data or None,
                consent_confirmed=form.consent_confirmed.data == "yes",
                route=ApplicationRoute(form.route.data),
                received_on=form.received_on.data,
                complaints=complaints,
                actor=signed_in_user(),
                case=case,
            )
        except services.CaseReviewError as error:
            _refused(form, error, "incident_references")
        else:
            url = record_result(
                url_for("case_reviews.show_application", application_id=application.id)
            )
            db.session.commit()
            flash(f"ASB Case Review application {application.reference} logged.", "success")
            return redirect(url)
    return render_template(
        "case_reviews/new.html",
        form=form,
        case=case,
        case_incidents=queries.case_incident_rows(signed_in_user(), case),
    )


@blueprint.get("/<int:application_id>")
@login_required
def show_application(application_id: int):
    application = queries.load_application(application_id)
    user = signed_in_user()
    show_applicant = can(user, Permission.VIEW_CASE_REVIEW_APPLICANT, application)
    record_view("case-review.viewed", actor=user, obj=application, applicant_details=show_applicant)
    settings = case_review_settings()
    (summary,) = _summaries([application], settings)
    threshold = queries.threshold_result(application, settings)
    case = queries.case_shown(user, application)
    complaints = queries.complaint_rows(user, application, threshold)
    return render_template(
        "case_reviews/show.html",
        application=application,
        summary=summary,
        settings=settings,
        threshold=threshold,
        complaints=complaints,
        case_incidents=queries.case_incident_rows(user, case, complaints),
        recommendations=queries.recommendations(application),
        show_applicant=show_applicant,
        may_manage=can(user, Permission.MANAGE_CASE_REVIEWS),
        may_change_complaints=can(user, Permission.CHANGE_CASE_REVIEW_COMPLAINTS, application),
        case_shown=case,
        may_view_case=case is not None and can(user, Permission.VIEW_CASE, case),
        route_label=_route_label(application.route),
        action_form=BaseForm(),
    )


def _route_label(route: str) -> str:
    return ApplicationRoute(route).label if route in ApplicationRoute._value2member_map_ else route


@blueprint.route("/<int:application_id>/complaints", methods=["GET", "POST"])
@login_required
def add_complaint(application_id: int):
    application = queries.load_application(application_id)
    authorize(Permission.CHANGE_CASE_REVIEW_COMPLAINTS, application)
    rows = queries.complaint_rows(
        signed_in_user(), application, queries.threshold_result(application, case_review_settings())
    )
    form = ComplaintForm(
        agencies=incident_queries.active_agencies(),
        complaints=[row.complaint for row in rows],
        find_incident=_find_incident,
    )

    def run():
        agency = form.chosen_agency()
        key = form.same_behaviour_key()
        if form.incident is not None:
            cited = services.CitedComplaint.from_incident(
                form.incident,
                behaviour_on=form.behaviour_on.data,
                complained_on=form.complained_on.data,
                behaviour_key=key,
            )
            cited.agency = agency or cited.agency
            cited.description = form.description.data or None
        else:
            cited = services.CitedComplaint(
                behaviour_on=form.behaviour_on.data,
                complained_on=form.complained_on.data,
                agency=agency,
                description=form.description.data or None,
                behaviour_key=key,
            )
        services.add_complaint(application, cited, actor=signed_in_user())

    return save_step(application, form, run, "Complaint added.", "reference") or step_page(
        application, form, "Add a complaint the application cites"
    )


@blueprint.post("/<int:application_id>/complaints/<int:complaint_id>/remove")
@login_required
def remove_complaint(application_id: int, complaint_id: int):
    application = queries.load_application(application_id)
    authorize(Permission.CHANGE_CASE_REVIEW_COMPLAINTS, application)
    complaint = db.session.get(CaseReviewComplaint, complaint_id)
    if complaint is None or complaint.application_id != application.id:
        abort(404)
    if hides_existence(signed_in_user(), complaint):
        deny(Permission.VIEW_INCIDENT, complaint.incident, hide_existence=True)
    if not BaseForm().validate_on_submit():
        abort(400)
    try:
        services.remove_complaint(complaint, actor=signed_in_user())
    except services.CaseReviewError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("Complaint removed.", "success")
    return show_page(application)


def _figures_request() -> tuple[queries.Figures, queries.YearBasis, int, int]:
    """The figures asked for: ?year=2026&basis=financial (the default) or basis=calendar."""
    basis_value = request.args.get("basis", queries.YearBasis.FINANCIAL.value)
    if basis_value not in queries.YearBasis._value2member_map_:
        basis_value = queries.YearBasis.FINANCIAL.value
    basis = queries.YearBasis(basis_value)
    latest = queries.current_year(basis, today_in_london())
    year = whole_number(request.args.get("year")) or latest
    if not EARLIEST_YEAR <= year <= latest:
        year = latest
    return queries.figures(queries.period_for(year, basis)), basis, year, latest


def _render_figures(counted: queries.Figures, basis: queries.YearBasis, year: int, latest: int):
    return render_template(
        "case_reviews/figures.html",
        figures=counted,
        basis=basis,
        year=year,
        years=range(latest, EARLIEST_YEAR - 1, -1),
        bases=queries.YearBasis,
    )


@blueprint.get("/figures")
@login_required
def figures():
    authorize(Permission.MANAGE_CASE_REVIEWS)
    return _render_figures(*_figures_request())


def _figures_problem() -> str | None:
    """What is wrong with the year asked for, for a download: the page shows the latest year
    in place of one it does not know, a download says so."""
    basis = request.args.get("basis")
    if basis is not None and basis not in queries.YearBasis._value2member_map_:
        return "Choose a financial or a calendar year"
    year = request.args.get("year")
    if year is None:
        return None
    latest = queries.current_year(
        queries.YearBasis(basis or queries.YearBasis.FINANCIAL.value), today_in_london()
    )
    number = whole_number(year)
    if number is None or not EARLIEST_YEAR <= number <= latest:
        return f"Choose a year from {EARLIEST_YEAR} to {latest}"
    return None


def _export_figures(file_format: str, write: Callable[..., Response]):
    """The year's figures as a file, recorded with the filters exactly and the row count."""
    authorize(Permission.MANAGE_CASE_REVIEWS)
    problem = _figures_problem()
    if problem:
        flash(f"{problem}, then download the figures.")
        return _render_figures(*_figures_request()), 400
    counted, basis, year, _ = _figures_request()
    record_view(
        "case-review-figures.exported",
        actor=signed_in_user(),
        format=file_format,
        filters=request_filters(),
        rows=1,
    )
    row: list[Value] = [
        counted.period.label,
        counted.period.start,
        counted.period.end,
        counted.applications,
        counted.threshold_not_met,
        counted.reviews_held,
        counted.reviews_with_recommendations,
    ]
    filename = f"asb-case-review-figures-{basis.value}-{year}.{file_format}"
    return write(filename, FIGURES_HEADER, [row])


@blueprint.get("/figures.csv")
@login_required
def figures_csv():
    return _export_figures("csv", csv_response)


@blueprint.get("/figures.xlsx")
@login_required
def figures_xlsx():
    return _export_figures("xlsx", partial(xlsx_response, sheet_title="ASB Case Review figures"))


# The steps after an application is received are routes of this blueprint too.
from asb.case_reviews import step_views  # noqa: E402, F401
