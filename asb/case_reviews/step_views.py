"""A Case Review's steps after it is received: acknowledgement to the appeal's outcome."""

from __future__ import annotations

from flask import flash, request
from flask_login import login_required
from sqlalchemy import func, select

from asb.auth.current import signed_in_user
from asb.auth.models import Agency
from asb.case_reviews import queries, services
from asb.case_reviews.deadlines import case_review_settings
from asb.case_reviews.forms import (
    AcknowledgeForm,
    AppealForm,
    AppealOutcomeForm,
    LinkCaseForm,
    MeetingForm,
    RecommendationForm,
    ResponseForm,
    SpocForm,
    ThresholdForm,
    default_date,
)
from asb.case_reviews.views import blueprint, save_step, show_page, step_page
from asb.cases.forms import OpenCaseForm
from asb.cases.models import Case
from asb.cases.services import team_members
from asb.extensions import db
from asb.incidents import queries as incident_queries
from asb.policy import Permission, authorize, can


@blueprint.route("/<int:application_id>/acknowledge", methods=["GET", "POST"])
@login_required
def acknowledge(application_id: int):
    application = queries.load_application(application_id, Permission.MANAGE_CASE_REVIEWS)
    form = AcknowledgeForm()
    if request.method == "GET":
        default_date(form)
    return save_step(
        application,
        form,
        lambda: services.acknowledge(application, on=form.on.data, actor=signed_in_user()),
        "Acknowledgement recorded.",
        "on",
    ) or step_page(application, form, "Record the acknowledgement")


@blueprint.route("/<int:application_id>/spoc", methods=["GET", "POST"])
@login_required
def appoint_spoc(application_id: int):
    application = queries.load_application(application_id, Permission.MANAGE_CASE_REVIEWS)
    form = SpocForm(officers=queries.possible_spocs())
    if request.method == "GET":
        form.spoc.data = str(application.spoc_id or "")
    return save_step(
        application,
        form,
        lambda: services.appoint_spoc(application, form.chosen_spoc(), actor=signed_in_user()),
        "Single point of contact appointed.",
        "spoc",
    ) or step_page(application, form, "Appoint the single point of contact")


@blueprint.route("/<int:application_id>/threshold", methods=["GET", "POST"])
@login_required
def decide_threshold(application_id: int):
    application = queries.load_application(application_id, Permission.MANAGE_CASE_REVIEWS)
    settings = case_review_settings()
    counted = queries.threshold_result(application, settings)
    form = ThresholdForm(counted_met=counted.met)
    if request.method == "GET":
        default_date(form)
        form.met.data = "yes" if counted.met else "no"
    return save_step(
        application,
        form,
        lambda: services.decide_threshold(
            application,
            met=form.met.data == "yes",
            decided_on=form.on.data,
            notes=form.notes.data,
            settings=settings,
            actor=signed_in_user(),
        ),
        "Threshold decision recorded.",
        "notes",
    ) or step_page(
        application,
        form,
        "Decide whether the threshold is met",
        template="case_reviews/threshold.html",
        settings=settings,
        threshold=counted,
        complaints=queries.complaint_rows(signed_in_user(), application, counted),
    )


@blueprint.route("/<int:application_id>/link-case", methods=["GET", "POST"])
@login_required
def link_case(application_id: int):
    application = queries.load_application(application_id, Permission.MANAGE_CASE_REVIEWS)
    form = LinkCaseForm()

    def run():
        case = db.session.scalar(
            select(Case).where(func.upper(Case.reference) == form.reference.data.upper())
        )
        if case is None or not can(signed_in_user(), Permission.VIEW_CASE, case):
            raise services.CaseReviewError("No case you can see has this reference", "reference")
        services.link_case(application, case, actor=signed_in_user())

    return save_step(
        application, form, run, "Application linked to the case.", "reference"
    ) or step_page(application, form, "Link the application to a case")


@blueprint.route("/<int:application_id>/open-case", methods=["GET", "POST"])
@login_required
def open_case(application_id: int):
    application = queries.load_application(application_id, Permission.MANAGE_CASE_REVIEWS)
    authorize(Permission.OPEN_CASE)
    form = OpenCaseForm(agencies=incident_queries.active_agencies(internal_only=True))
    if request.method == "GET":
        form.title.data = f"ASB Case Review {application.reference}"
        form.lead_agency.data = str(signed_in_user().agency_id)
        form.restricted.data = "no"
    return save_step(
        application,
        form,
        lambda: services.open_case_for(
            application,
            title=form.title.data,
            summary=form.summary.data,
            lead_agency=form.chosen_agency(),
            restricted=form.restricted.data == "yes",
            restriction_reason=form.restriction_reason.data or None,
            actor=signed_in_user(),
        ),
        "Case opened for the review.",
        "title",
    ) or step_page(
        application, form, "Open a case for the review", template="case_reviews/open_case.html"
    )


@blueprint.route("/<int:application_id>/meeting", methods=["GET", "POST"])
@login_required
def record_meeting(application_id: int):
    application = queries.load_application(application_id, Permission.MANAGE_CASE_REVIEWS)
    form = MeetingForm()
    if request.method == "GET":
        form.on.data = application.meeting_on
        form.victim_view.data = application.victim_view
        default_date(form)
    return save_step(
        application,
        form,
        lambda: services.record_meeting(
            application,
            meeting_on=form.on.data,
            victim_view=form.victim_view.data,
            actor=signed_in_user(),
        ),
        "Review meeting recorded.",
        "on",
    ) or step_page(application, form, "Record the review meeting")


@blueprint.route("/<int:application_id>/recommendations", methods=["GET", "POST"])
@login_required
def add_recommendation(application_id: int):
    application = queries.load_application(application_id, Permission.MANAGE_CASE_REVIEWS)
    if application.case is None:
        flash("Link the application to a case, or open one, before recording recommendations.")
        return show_page(application)
    owners = {
        member.id: member
        for agency_id in sorted(application.case.involved_agency_ids)
        for member in team_members(db.session.get(Agency, agency_id))
    }
    owners.setdefault(signed_in_user().id, signed_in_user())
    form = RecommendationForm(owners=list(owners.values()))
    return save_step(
        application,
        form,
        lambda: services.add_recommendation(
            application,
            description=form.description.data,
            owner=form.chosen_owner(),
            due_on=form.due_on.data,
            actor=signed_in_user(),
        ),
        "Recommendation added as an action on the case.",
        "description",
    ) or step_page(
        application,
        form,
        "Add a recommendation",
        recommendations=queries.recommendations(application),
    )


@blueprint.route("/<int:application_id>/response", methods=["GET", "POST"])
@login_required
def record_response(application_id: int):
    application = queries.load_application(application_id, Permission.MANAGE_CASE_REVIEWS)
    form = ResponseForm()
    if request.method == "GET":
        default_date(form)
    return save_step(
        application,
        form,
        lambda: services.record_response(application, sent_on=form.on.data, actor=signed_in_user()),
        "Response to the applicant recorded.",
        "on",
    ) or step_page(application, form, "Record the response to the applicant")


@blueprint.route("/<int:application_id>/appeal", methods=["GET", "POST"])
@login_required
def record_appeal(application_id: int):
    application = queries.load_application(application_id, Permission.MANAGE_CASE_REVIEWS)
    form = AppealForm()
    if request.method == "GET":
        default_date(form)
    return save_step(
        application,
        form,
        lambda: services.record_appeal(
            application, received_on=form.on.data, actor=signed_in_user()
        ),
        "Appeal recorded.",
        "on",
    ) or step_page(application, form, "Record an appeal")


@blueprint.route("/<int:application_id>/appeal-outcome", methods=["GET", "POST"])
@login_required
def record_appeal_outcome(application_id: int):
    application = queries.load_application(application_id, Permission.MANAGE_CASE_REVIEWS)
    form = AppealOutcomeForm()
    return save_step(
        application,
        form,
        lambda: services.record_appeal_outcome(
            application, outcome=form.outcome.data, actor=signed_in_user()
        ),
        "Outcome of the appeal recorded.",
        "outcome",
    ) or step_page(application, form, "Record the outcome of the appeal")
