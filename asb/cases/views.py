from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import func, select

from asb.audit.services import record_view, request_filters
from asb.auth.current import signed_in_user
from asb.auth.models import Agency
from asb.calendar import today_in_london
from asb.cases import assessments, queries, services
from asb.cases.forms import (
    ActionForm,
    CloseForm,
    LinkIncidentForm,
    NoteForm,
    OpenCaseForm,
    ReopenForm,
    ReviewForm,
    StatusForm,
    risk_assessment_form,
)
from asb.cases.models import Case, CaseAction
from asb.cases.risk import RiskLevel
from asb.cases.vocabulary import CaseOutcome, CaseStatus, ContactMethod, TimelineKind
from asb.database import utcnow
from asb.emergency_access.services import note_emergency_view
from asb.exports import Value, csv_response, xlsx_response
from asb.extensions import db
from asb.forms import BaseForm, whole_number
from asb.incidents import queries as incident_queries
from asb.incidents.models import Incident
from asb.people.queries import repeat_flag_for_case
from asb.policy import Permission, authorize, authorize_incident_view, can
from asb.submissions import record_result
from asb.versioning import StaleEditError, commit_versioned

blueprint = Blueprint("cases", __name__, url_prefix="/cases")


@blueprint.app_errorhandler(services.CaseClosedError)
def case_closed(error: services.CaseClosedError):
    """Any page that works a case answers a closed one by showing it, with the reason."""
    db.session.rollback()
    flash(f"{error}.")
    return redirect(url_for("cases.show_case", case_id=error.case_id))


def stale_message(case: Case) -> str:
    return (
        f"Case {case.reference} changed since you opened it, so your change has not been "
        "saved. Check the latest version below and try again."
    )


def _case_filters() -> queries.CaseFilters:
    """The queues' filters and sort order from the query string; unknown values are ignored."""
    args = request.args
    return queries.CaseFilters(
        agency_id=whole_number(args.get("agency")),
        status=args.get("status") if args.get("status") in CaseStatus._value2member_map_ else None,
        risk_level=args.get("risk") if args.get("risk") in RiskLevel._value2member_map_ else None,
        overdue_only=args.get("overdue") == "yes",
        text=(args.get("text") or "").strip()[:100] or None,
        sort=args.get("sort") if args.get("sort") in queries.SORTS else "urgency",
        descending=args.get("order") == "desc",
    )


def _searched_queue(queue: str) -> queries.CaseFilters:
    """A queue's filters; the search is recorded in the audit trail first, exactly as sent."""
    record_view("cases.searched", actor=signed_in_user(), queue=queue, filters=request_filters())
    return _case_filters()


def _render_queue(template: str, shown: list[Case], filters: queries.CaseFilters, **extra):
    """A queue page: its cases, which have overdue actions, and the filters in use."""
    return render_template(
        template,
        filters=filters,
        overdue_actions=queries.overdue_action_case_ids(shown),
        today=today_in_london(),
        action_form=BaseForm(),
        may_download=bool(shown),
        **extra,
    )


@blueprint.get("")
@login_required
def my_cases():
    authorize(Permission.OPEN_CASE)
    filters = _searched_queue("mine")
    cases = queries.my_cases(signed_in_user(), filters)
    return _render_queue("cases/my_cases.html", cases, filters, cases=cases)


@blueprint.get("/team")
@login_required
def team_cases():
    authorize(Permission.VIEW_TEAM_QUEUE)
    filters = _searched_queue("team")
    queue = queries.team_queue(signed_in_user(), filters)
    every = queue.unassigned + [c for cases in queue.by_officer.values() for c in cases]
    return _render_queue("cases/team.html", every, filters, queue=queue)


@blueprint.get("/all")
@login_required
def all_cases():
    authorize(Permission.VIEW_ALL_CASES)
    filters = _searched_queue("all")
    cases = queries.all_open_cases(signed_in_user(), filters)
    return _render_queue(
        "cases/all.html",
        cases,
        filters,
        cases=cases,
        agencies=incident_queries.active_agencies(internal_only=True),
    )


CASES_EXPORT_HEADER = [
    "Case",
    "Title",
    "Status",
    "Risk",
    "Review due",
    "Review overdue",
    "Action overdue",
    "Lead agency",
    "Team",
    "Officer",
    "Opened",
    "Restricted",
]


def _export_row(case: Case, overdue_actions: set[int], today) -> list[Value]:
    """A queue's row as the page shows it."""
    return [
        case.reference,
        case.title,
        case.status.label,
        case.risk_level.label if case.risk_level else "Not assessed",
        case.review_due,
        bool(case.review_due and case.review_due < today),
        case.id in overdue_actions,
        case.lead_agency.name,
        case.assigned_agency.name,
        case.case_officer.name if case.case_officer else "Unassigned",
        case.opened_at,
        case.restricted,
    ]


def _export_queue(queue: str, shown: list[Case], file_format: str):
    """A queue's cases, in the page's order, as a file; recorded with the queue, the filters
    exactly and the number of rows. The queues read their filters as the pages do (values
    they do not know are ignored), so the file holds the page's rows."""
    overdue = queries.overdue_action_case_ids(shown)
    today = today_in_london()
    # The rows first: committing the audit entry would expire the cases they are read from.
    rows = [_export_row(case, overdue, today) for case in shown]
    record_view(
        "cases.exported",
        actor=signed_in_user(),
        queue=queue,
        format=file_format,
        filters=request_filters(),
        rows=len(rows),
    )
    filename = f"asb-cases-{queue}.{file_format}"
    if file_format == "xlsx":
        return xlsx_response(filename, CASES_EXPORT_HEADER, rows, sheet_title="Cases")
    return csv_response(filename, CASES_EXPORT_HEADER, rows)


@blueprint.get("/export.csv", defaults={"file_format": "csv"}, endpoint="export_my_cases")
@blueprint.get("/export.xlsx", defaults={"file_format": "xlsx"}, endpoint="export_my_cases_xlsx")
@login_required
def export_my_cases(file_format: str):
    authorize(Permission.OPEN_CASE)
    return _export_queue("mine", queries.my_cases(signed_in_user(), _case_filters()), file_format)


@blueprint.get("/team/export.csv", defaults={"file_format": "csv"}, endpoint="export_team_cases")
@blueprint.get(
    "/team/export.xlsx", defaults={"file_format": "xlsx"}, endpoint="export_team_cases_xlsx"
)
@login_required
def export_team_cases(file_format: str):
    authorize(Permission.VIEW_TEAM_QUEUE)
    queue = queries.team_queue(signed_in_user(), _case_filters())
    every = queue.unassigned + [c for cases in queue.by_officer.values() for c in cases]
    return _export_queue("team", every, file_format)


@blueprint.get("/all/export.csv", defaults={"file_format": "csv"}, endpoint="export_all_cases")
@blueprint.get(
    "/all/export.xlsx", defaults={"file_format": "xlsx"}, endpoint="export_all_cases_xlsx"
)
@login_required
def export_all_cases(file_format: str):
    authorize(Permission.VIEW_ALL_CASES)
    cases = queries.all_open_cases(signed_in_user(), _case_filters())
    return _export_queue("all", cases, file_format)


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def open_case():
    authorize(Permission.OPEN_CASE)
    user = signed_in_user()
    form = OpenCaseForm(agencies=incident_queries.active_agencies(internal_only=True))
    if request.method == "GET":
        form.lead_agency.data = str(user.agency_id)
        form.incident_ids.data = request.args.get("incident", "")
        form.restricted.data = "no"
    incidents = [db.session.get(Incident, i) for i in form.incident_id_list()]
    for incident in incidents:
        # A missing incident answers as a restricted one does, so neither can be told apart.
        if incident is None:
            abort(404)
        authorize_incident_view(incident)
    if form.validate_on_submit():
        case = services.open_case(
            title=form.title.data,
            summary=form.summary.data,
            lead_agency=form.chosen_agency(),
            actor=user,
            incidents=incidents,
            restricted=form.restricted.data == "yes",
            restriction_reason=form.restriction_reason.data or None,
        )
        url = record_result(url_for("cases.show_case", case_id=case.id))
        db.session.commit()
        flash(f"Case {case.reference} opened.", "success")
        return redirect(url)
    return render_template("cases/open.html", form=form, incidents=incidents)


@blueprint.get("/<int:case_id>")
@login_required
def show_case(case_id: int):
    case = queries.load_case(case_id)
    kinds = [
        TimelineKind(kind)
        for kind in request.args.getlist("show")
        if kind in TimelineKind._value2member_map_
    ]
    show_personal = can(signed_in_user(), Permission.VIEW_CASE_PERSONAL_DETAILS, case)
    # A view under emergency access is audited with its grant, committed with the view's own.
    emergency_grant = note_emergency_view(signed_in_user(), case)
    record_view("case.viewed", actor=signed_in_user(), obj=case, personal_details=show_personal)
    return render_template(
        "cases/show.html",
        case=case,
        timeline=queries.timeline(case, signed_in_user(), kinds or None),
        linked_incidents=queries.linked_incidents(case, signed_in_user()),
        shown_kinds=kinds,
        actions=queries.actions_for(case),
        assignment=services.current_assignment(case),
        assessments=assessments.latest_assessments(case),
        first_contact_overdue=assessments.first_contact_overdue(case),
        update_due=assessments.complainant_update_due(case),
        now=utcnow(),
        show_personal=show_personal,
        flag=repeat_flag_for_case(case) if show_personal else None,
        today=today_in_london(),
        note_form=NoteForm(formdata=None),
        action_form=BaseForm(),
        emergency_grant=emergency_grant,
    )


def _apply_versioned_change(form, case: Case, change: Callable[[], None], done: Callable[[], str]):
    """Run a change made against the version the officer saw; refuse it if the case moved on.

    Returns the redirect after a saved change, or None to show the form again.
    """
    try:
        commit_versioned(change)
    except StaleEditError:
        form.version.errors.append(stale_message(case))
        return None
    flash(done(), "success")
    return redirect(url_for("cases.show_case", case_id=case.id))


@blueprint.route("/<int:case_id>/status", methods=["GET", "POST"])
@login_required
def change_status(case_id: int):
    case = queries.load_case(case_id, Permission.WORK_CASE)
    if not case.status.is_open:
        return redirect(url_for("cases.reopen_case", case_id=case.id))
    form = StatusForm(current=case.status)
    if request.method == "GET":
        form.version.data = str(case.version)
    if form.validate_on_submit():
        saved = _apply_versioned_change(
            form,
            case,
            lambda: services.change_case_status(
                case,
                CaseStatus(form.status.data),
                actor=signed_in_user(),
                expected_version=form.expected_version(),
            ),
            lambda: f"Case {case.reference} is now {case.status.label.lower()}.",
        )
        if saved:
            return saved
    return render_template("cases/status.html", form=form, case=case)


@blueprint.route("/<int:case_id>/close", methods=["GET", "POST"])
@login_required
def close_case(case_id: int):
    case = queries.load_case(case_id, Permission.WORK_CASE)
    if not case.status.is_open:
        flash("This case is already closed.")
        return redirect(url_for("cases.show_case", case_id=case.id))
    form = CloseForm()
    if request.method == "GET":
        form.version.data = str(case.version)
    if form.validate_on_submit():
        saved = _apply_versioned_change(
            form,
            case,
            lambda: services.close_case(
                case,
                outcome=CaseOutcome(form.outcome.data),
                closing_summary=form.closing_summary.data,
                actor=signed_in_user(),
                expected_version=form.expected_version(),
            ),
            lambda: f"Case {case.reference} closed.",
        )
        if saved:
            return saved
    return render_template("cases/close.html", form=form, case=case)


@blueprint.route("/<int:case_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen_case(case_id: int):
    case = queries.load_case(case_id, Permission.WORK_CASE)
    if case.status.is_open:
        return redirect(url_for("cases.show_case", case_id=case.id))
    form = ReopenForm()
    if request.method == "GET":
        form.version.data = str(case.version)
    if form.validate_on_submit():
        saved = _apply_versioned_change(
            form,
            case,
            lambda: services.reopen_case(
                case,
                reason=form.reason.data,
                actor=signed_in_user(),
                expected_version=form.expected_version(),
            ),
            lambda: f"Case {case.reference} reopened.",
        )
        if saved:
            return saved
    return render_template("cases/reopen.html", form=form, case=case)


@blueprint.route("/<int:case_id>/notes", methods=["GET", "POST"])
@login_required
def add_note(case_id: int):
    case = queries.load_case(case_id, Permission.ADD_CASE_NOTE)
    form = NoteForm()
    if form.validate_on_submit():
        method = ContactMethod(form.contact_method.data) if form.contact_method.data else None
        services.add_note(case, form.text.data, actor=signed_in_user(), contact_method=method)
        url = record_result(url_for("cases.show_case", case_id=case.id))
        db.session.commit()
        flash("Added to the timeline.", "success")
        return redirect(url)
    return render_template("cases/note.html", form=form, case=case)


@blueprint.route("/<int:case_id>/actions", methods=["GET", "POST"])
@login_required
def add_action(case_id: int):
    case = queries.load_case(case_id, Permission.WORK_CASE)
    owners = [
        member
        for agency_id in sorted(case.involved_agency_ids)
        for member in services.team_members(db.session.get(Agency, agency_id))
        if can(member, Permission.OWN_CASE_ACTION, case)
    ]
    form = ActionForm(owners=owners)
    if form.validate_on_submit():
        try:
            services.add_action(
                case,
                description=form.description.data,
                owner=form.chosen_owner(),
                due_on=form.due_on.data,
                actor=signed_in_user(),
            )
        except services.CaseWorkflowError as error:
            db.session.rollback()
            (form.owner if error.field == "owner" else form.description).errors.append(str(error))
        else:
            url = record_result(url_for("cases.show_case", case_id=case.id))
            db.session.commit()
            flash("Action added.", "success")
            return redirect(url)
    return render_template("cases/action.html", form=form, case=case)


@blueprint.post("/<int:case_id>/actions/<int:action_id>/done")
@login_required
def complete_action(case_id: int, action_id: int):
    case = queries.load_case(case_id, Permission.WORK_CASE)
    action = db.session.get(CaseAction, action_id)
    if action is None or action.case_id != case.id:
        abort(404)
    if not BaseForm().validate_on_submit():
        abort(400)
    try:
        services.complete_action(action, actor=signed_in_user())
    except services.CaseWorkflowError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("Action marked as done.", "success")
    return redirect(url_for("cases.show_case", case_id=case.id))


@blueprint.route("/<int:case_id>/review", methods=["GET", "POST"])
@login_required
def review_case(case_id: int):
    case = queries.load_case(case_id, Permission.WORK_CASE)
    form = ReviewForm()
    if request.method == "GET":
        form.next_review_due.data = assessments.review_due_for(
            case.risk_level or RiskLevel.STANDARD, today_in_london()
        )
    if form.validate_on_submit():
        try:
            services.record_review(
                case,
                note=form.note.data,
                next_review_due=form.next_review_due.data,
                actor=signed_in_user(),
            )
        except services.CaseWorkflowError as error:
            db.session.rollback()
            form.note.errors.append(str(error))
        else:
            url = record_result(url_for("cases.show_case", case_id=case.id))
            db.session.commit()
            flash("Review recorded.", "success")
            return redirect(url)
    return render_template(
        "cases/review.html",
        form=form,
        case=case,
        reassessment_due=services.victim_reassessment_due(case),
    )


@blueprint.route("/<int:case_id>/incidents", methods=["GET", "POST"])
@login_required
def link_incident(case_id: int):
    case = queries.load_case(case_id, Permission.WORK_CASE)
    form = LinkIncidentForm()
    if form.validate_on_submit():
        incident = db.session.scalar(
            select(Incident).where(func.upper(Incident.reference) == form.reference.data.upper())
        )
        if incident is None or not can(signed_in_user(), Permission.VIEW_INCIDENT, incident):
            form.reference.errors.append("No incident you can see has this reference")
        else:
            try:
                services.link_incident(case, incident, actor=signed_in_user())
            except services.CaseWorkflowError as error:
                db.session.rollback()
                form.reference.errors.append(str(error))
            else:
                url = record_result(url_for("cases.show_case", case_id=case.id))
                db.session.commit()
                flash(f"Incident {incident.reference} linked.", "success")
                return redirect(url)
    return render_template("cases/link_incident.html", form=form, case=case)


@blueprint.route("/<int:case_id>/risk-assessment/<subject>", methods=["GET", "POST"])
@login_required
def assess_risk(case_id: int, subject: str):
    if subject not in assessments.SUBJECTS:
        abort(404)
    case = queries.load_case(case_id, Permission.WORK_CASE)
    authorize(Permission.VIEW_CASE_PERSONAL_DETAILS, case)
    matrix = assessments.risk_matrix(subject)
    form = risk_assessment_form(matrix)
    if form.validate_on_submit():
        answers = {question.id: field.data for question, field in form.question_fields()}
        assessment = assessments.record_risk_assessment(
            case, subject=subject, answers=answers, actor=signed_in_user()
        )
        url = record_result(url_for("cases.show_case", case_id=case.id))
        db.session.commit()
        flash(
            f"Risk assessment saved: {assessment.level.label.lower()} risk "
            f"(score {assessment.score}).",
            "success",
        )
        return redirect(url)
    return render_template(
        "cases/risk_assessment.html",
        form=form,
        case=case,
        matrix=matrix,
        subject_label=assessments.SUBJECTS[subject],
    )


# The assignment pages are routes of this blueprint too.
from asb.cases import assignment_views  # noqa: E402, F401
