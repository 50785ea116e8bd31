"""The public report form (/report, no sign-in) and the triage queue (/triage)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import login_required
from itsdangerous import BadSignature, URLSafeSerializer

from asb import rate_limits
from asb.audit.services import client_address, record_event
from asb.auth.current import signed_in_user
from asb.calendar import LONDON, long_date
from asb.extensions import db
from asb.forms import whole_number
from asb.incidents import queries as incident_queries
from asb.incidents.duplicates import find_likely_duplicates
from asb.incidents.forms import NewIncidentForm
from asb.incidents.services import record_incident
from asb.incidents.vocabulary import Category, ReportingChannel, ReportKind
from asb.policy import Permission, authorize, can
from asb.public_reports import queries, services
from asb.public_reports.forms import (
    AboutYouForm,
    CloseForm,
    MergeForm,
    PassForm,
    SendReportForm,
    WhatForm,
    WhenForm,
    WhereForm,
)
from asb.public_reports.models import PublicReport
from asb.public_reports.vocabulary import (
    PUBLIC_CATEGORY_LABELS,
    SOMETHING_ELSE,
    PublicReportChannel,
)
from asb.submissions import record_result
from asb.versioning import StaleEditError, commit_versioned

blueprint = Blueprint("public_reports", __name__)

# The answers so far, kept in the session between the question pages: nothing is stored
# in the database until the reporter sends the report.
ANSWERS = "public_report"
STEPS = ("what", "where", "when", "about_you")
_STEP_KEYS = {
    "what": "description",
    "where": "location_given",
    "when": "occurred_at",
    "about_you": "reporter_anonymous",
}
REPORTS_PER_PAGE = 25


@blueprint.app_template_global()
def public_reports_waiting() -> int:
    """How many reports wait in the signed-in user's triage queues, for the menu."""
    return queries.waiting_count(signed_in_user())


def _answers() -> dict[str, Any]:
    answers = session.get(ANSWERS)
    return answers if isinstance(answers, dict) else {}


def _save_answers(**values: Any) -> None:
    session[ANSWERS] = {**_answers(), **values}


def _first_missing_step(answers: dict[str, Any]) -> str | None:
    for step in STEPS:
        if _STEP_KEYS[step] not in answers:
            return step
    return None


def _next_page(step: str) -> str:
    """The next question, or the check page once every question is answered (as after a
    change made from the check page)."""
    missing = _first_missing_step(_answers())
    return url_for(f"public_reports.{missing}" if missing else "public_reports.check")


def _require_earlier_steps(step: str):
    """Send the reporter back to the first question they have not answered yet."""
    missing = _first_missing_step(_answers())
    if missing and STEPS.index(missing) < STEPS.index(step):
        return redirect(url_for(f"public_reports.{missing}"))
    return None


def _sent_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="public-report-sent")


def _public_page(template: str, status: int = 200, **context: Any):
    return render_template(template, without_account=True, **context), status


@blueprint.get("/report")
def start():
    return _public_page("public_reports/start.html")


@blueprint.route("/report/what", methods=["GET", "POST"])
def what():
    form = WhatForm()
    if request.method == "GET":
        form.category.data = _answers().get("category")
        form.description.data = _answers().get("description")
    if form.validate_on_submit():
        _save_answers(category=form.category.data, description=form.description.data)
        return redirect(_next_page("what"))
    return _public_page("public_reports/what.html", form=form)


@blueprint.route("/report/where", methods=["GET", "POST"])
def where():
    if back := _require_earlier_steps("where"):
        return back
    form = WhereForm()
    if request.method == "GET":
        answers = _answers()
        form.location_description.data = answers.get("location_description")
        if answers.get("latitude") is not None:
            form.latitude.data = str(answers["latitude"])
            form.longitude.data = str(answers["longitude"])
    if form.validate_on_submit():
        latitude, longitude = form.point or (None, None)
        _save_answers(
            location_given=True,
            location_description=form.location_description.data or None,
            latitude=latitude,
            longitude=longitude,
        )
        return redirect(_next_page("where"))
    return _public_page("public_reports/where.html", form=form)


@blueprint.route("/report/when", methods=["GET", "POST"])
def when():
    if back := _require_earlier_steps("when"):
        return back
    form = WhenForm()
    if request.method == "GET" and "occurred_at" in _answers():
        occurred = datetime.fromisoformat(_answers()["occurred_at"])
        form.occurred_date.data = occurred.date()
        form.occurred_time.data = _answers().get("occurred_time")
        form.still_happening.data = "yes" if _answers().get("still_happening") else "no"
    if form.validate_on_submit():
        _save_answers(
            occurred_at=form.occurred_at().isoformat(),
            occurred_time=form.occurred_time.data or None,
            still_happening=form.still_happening.data == "yes",
        )
        return redirect(_next_page("when"))
    return _public_page("public_reports/when.html", form=form)


@blueprint.route("/report/about-you", methods=["GET", "POST"])
def about_you():
    if back := _require_earlier_steps("about_you"):
        return back
    form = AboutYouForm()
    answers = _answers()
    if request.method == "GET" and "reporter_anonymous" in answers:
        form.reporter_anonymous.data = "anonymous" if answers["reporter_anonymous"] else "named"
        form.reporter_name.data = answers.get("reporter_name")
        form.reporter_email.data = answers.get("reporter_email")
        form.reporter_phone.data = answers.get("reporter_phone")
        if not answers["reporter_anonymous"]:
            form.may_contact.data = "yes" if answers.get("may_contact") else "no"
    if form.validate_on_submit():
        session[ANSWERS] = {
            key: value
            for key, value in answers.items()
            if key not in {"reporter_name", "reporter_email", "reporter_phone", "may_contact"}
        }
        _save_answers(**form.answers())
        return redirect(url_for("public_reports.check"))
    return _public_page("public_reports/about_you.html", form=form)


def _public_report_limit() -> rate_limits.Limit:
    config = current_app.config
    return rate_limits.Limit(
        "public-report:address",
        config["PUBLIC_REPORT_LIMIT_PER_ADDRESS"],
        timedelta(minutes=config["PUBLIC_REPORT_LIMIT_MINUTES"]),
    )


@blueprint.route("/report/check", methods=["GET", "POST"])
def check():
    answers = _answers()
    if missing := _first_missing_step(answers):
        return redirect(url_for(f"public_reports.{missing}"))
    form = SendReportForm()
    if form.is_submitted():
        verdict = rate_limits.hit(_public_report_limit(), client_address() or "unknown")
        if not verdict.allowed:
            record_event("public-report.submitted", outcome="rate-limited")
            rate_limits.forget_ended_windows()
            db.session.commit()
            page, status = _public_page("public_reports/too_many.html", 429)
            return page, status, {"Retry-After": str(verdict.retry_after_seconds)}
    if form.validate_on_submit():
        report = services.submit_public_report(
            channel=PublicReportChannel.WEB,
            description=answers["description"],
            category=_category(answers.get("category")),
            latitude=answers.get("latitude"),
            longitude=answers.get("longitude"),
            location_description=answers.get("location_description"),
            occurred_at=datetime.fromisoformat(answers["occurred_at"]),
            still_happening=answers.get("still_happening"),
            reporter_anonymous=answers["reporter_anonymous"],
            reporter_name=answers.get("reporter_name"),
            reporter_email=answers.get("reporter_email"),
            reporter_phone=answers.get("reporter_phone"),
            may_contact=bool(answers.get("may_contact")),
        )
        url = record_result(
            url_for("public_reports.sent", token=_sent_serializer().dumps(report.reference))
        )
        db.session.commit()
        session.pop(ANSWERS, None)
        return redirect(url)
    return _public_page(
        "public_reports/check.html", form=form, answers=answers, labels=_answer_labels(answers)
    )


def _category(value: str | None) -> Category | None:
    if value in (None, SOMETHING_ELSE):
        return None
    return Category(value)


def _answer_labels(answers: dict[str, Any]) -> dict[str, str]:
    category = _category(answers.get("category"))
    occurred = datetime.fromisoformat(answers["occurred_at"])
    when = long_date(occurred)
    if answers.get("occurred_time"):
        when += f", at about {answers['occurred_time']}"
    return {
        "category": PUBLIC_CATEGORY_LABELS[category] if category else "Something else",
        "when": when,
    }


@blueprint.get("/report/sent/<token>")
def sent(token: str):
    try:
        reference = _sent_serializer().loads(token)
    except BadSignature:
        abort(404)
    return _public_page("public_reports/sent.html", reference=reference)


# Triage


@blueprint.get("/triage")
@login_required
def queue():
    authorize(Permission.TRIAGE_PUBLIC_REPORTS)
    user = signed_in_user()
    page_number = max(1, request.args.get("page", 1, type=int) or 1)
    page = queries.triage_queue(user, page=page_number, per_page=REPORTS_PER_PAGE)
    return render_template("public_reports/queue.html", page=page)


def _load_report(report_id: int) -> PublicReport:
    report = db.session.get(PublicReport, report_id)
    if report is None:
        abort(404)
    authorize(Permission.TRIAGE_PUBLIC_REPORT, report)
    return report


def _duplicates(report: PublicReport) -> list:
    return find_likely_duplicates(
        category=report.category,
        latitude=report.latitude,
        longitude=report.longitude,
        occurred_at=report.occurred_at or report.submitted_at,
        reporter_email=report.reporter_email,
        reporter_phone=report.reporter_phone,
        reporter_name=report.reporter_name,
        location_description=report.location_description,
        viewer=signed_in_user(),
    )


def _other_agencies(report: PublicReport) -> list:
    """The agencies a report may be passed to: every internal one but its queue's."""
    return [
        agency
        for agency in incident_queries.active_agencies(internal_only=True)
        if agency.id != report.queue_agency_id
    ]


def _show(report: PublicReport, status: int = 200, **forms: Any):
    """The report's page; a triage form sent with mistakes is drawn again as it was sent."""
    pass_form = forms.get("pass_form") or PassForm(agencies=_other_agencies(report), formdata=None)
    merge_form = forms.get("merge_form") or MergeForm(formdata=None)
    close_form = forms.get("close_form") or CloseForm(formdata=None)
    for form in (pass_form, merge_form, close_form):
        if not form.version.data:
            form.version.data = str(report.version)
    duplicates = _duplicates(report) if report.status.is_open else []
    return render_template(
        "public_reports/show.html",
        report=report,
        duplicates=duplicates,
        pass_form=pass_form,
        merge_form=merge_form,
        close_form=close_form,
        form=forms.get("pass_form") or forms.get("merge_form") or forms.get("close_form"),
    ), status


@blueprint.get("/triage/<int:report_id>")
@login_required
def show(report_id: int):
    report = _load_report(report_id)
    record_event("public-report.viewed", actor=signed_in_user(), obj=report)
    db.session.commit()
    return _show(report)


def _already_triaged(report_id: int):
    report = db.session.get(PublicReport, report_id)
    flash(
        f"Report {report.reference} was triaged by someone else while you had it open: "
        "nothing you sent was saved. This is where it stands now."
    )
    return redirect(url_for("public_reports.show", report_id=report_id))


def _open_or_redirect(report: PublicReport):
    if not report.status.is_open:
        flash(f"Report {report.reference} has already been triaged.")
        return redirect(url_for("public_reports.show", report_id=report.id))
    return None


@blueprint.post("/triage/<int:report_id>/pass")
@login_required
def pass_on(report_id: int):
    report = _load_report(report_id)
    if done := _open_or_redirect(report):
        return done
    form = PassForm(agencies=_other_agencies(report))
    if not form.validate_on_submit():
        return _show(report, 400, pass_form=form)
    agency = form.chosen_agency()
    try:
        commit_versioned(
            lambda: services.pass_report(
                report,
                agency,
                actor=signed_in_user(),
                expected_version=form.version.number,
                note=form.note.data,
            )
        )
    except StaleEditError:
        return _already_triaged(report_id)
    flash(f"Report {report.reference} passed to {agency.name}.", "success")
    return redirect(url_for("public_reports.queue"))


@blueprint.post("/triage/<int:report_id>/close")
@login_required
def close(report_id: int):
    report = _load_report(report_id)
    if done := _open_or_redirect(report):
        return done
    form = CloseForm()
    if not form.validate_on_submit():
        return _show(report, 400, close_form=form)
    try:
        commit_versioned(
            lambda: services.close_report(
                report,
                actor=signed_in_user(),
                expected_version=form.version.number,
                reason=form.reason.data,
            )
        )
    except StaleEditError:
        return _already_triaged(report_id)
    flash(f"Report {report.reference} closed.", "success")
    return redirect(url_for("public_reports.queue"))


@blueprint.post("/triage/<int:report_id>/merge")
@login_required
def merge(report_id: int):
    report = _load_report(report_id)
    if done := _open_or_redirect(report):
        return done
    form = MergeForm()
    incident = None
    if form.validate_on_submit():
        incident = queries.incident_by_reference(form.incident_reference.data)
        if incident is None or not can(signed_in_user(), Permission.VIEW_INCIDENT, incident):
            form.incident_reference.errors.append(
                "Enter the reference of an incident you can see, like ASB-2026-00042"
            )
            incident = None
    if incident is None:
        return _show(report, 400, merge_form=form)
    try:
        commit_versioned(
            lambda: services.merge_report(
                report, incident, actor=signed_in_user(), expected_version=form.version.number
            )
        )
    except StaleEditError:
        return _already_triaged(report_id)
    flash(f"Report {report.reference} added to incident {incident.reference}.", "success")
    return redirect(url_for("public_reports.queue"))


def _prefill(form: NewIncidentForm, report: PublicReport) -> None:
    """The incident form with what the report says; the manager completes the rest."""
    form.recording_agency.data = str(signed_in_user().agency_id)
    form.version.data = str(report.version)
    form.description.data = report.description
    form.location_description.data = (report.location_description or "")[:200]
    if report.latitude is not None:
        form.latitude.data = f"{report.latitude:.6f}"
        form.longitude.data = f"{report.longitude:.6f}"
    if report.category:
        form.category.data = report.category.value
    if report.occurred_at:
        occurred = report.occurred_at.astimezone(LONDON)
        form.occurred_date.data = occurred.date()
        form.occurred_time.data = occurred.strftime("%H:%M")
    form.reporting_channel.data = ReportingChannel.ONLINE.value
    form.report_kind.data = ReportKind.COMPLAINT.value
    # The details a named reporter gave are theirs to this report, contact or not.
    form.reporter_anonymous.data = "anonymous" if report.reporter_anonymous else "named"
    if not report.reporter_anonymous:
        form.reporter_name.data = report.reporter_name
        form.reporter_email.data = report.reporter_email
        form.reporter_phone.data = report.reporter_phone


@blueprint.route("/triage/<int:report_id>/accept", methods=["GET", "POST"])
@login_required
def accept(report_id: int):
    report = _load_report(report_id)
    authorize(Permission.RECORD_INCIDENT)
    if done := _open_or_redirect(report):
        return done
    user = signed_in_user()
    form = NewIncidentForm(
        agencies=incident_queries.active_agencies(internal_only=True)
        if user.is_asb_lead
        else [user.agency],
        local_types=incident_queries.local_types(),
    )
    if request.method == "GET":
        _prefill(form, report)
    if form.validate_on_submit():
        # A version that cannot be read matches none: the form is refused as stale.
        expected = whole_number(form.version.data) or 0

        def record() -> Any:
            incident = record_incident(form.incident_fields(), actor=user)
            services.accept_report(report, incident, actor=user, expected_version=expected)
            record_result(url_for("incidents.show_incident", incident_id=incident.id))
            return incident

        try:
            incident = commit_versioned(record)
        except StaleEditError:
            return _already_triaged(report_id)
        flash(f"Incident {incident.reference} recorded from report {report.reference}.", "success")
        return redirect(url_for("incidents.show_incident", incident_id=incident.id))
    return render_template("incidents/form.html", form=form, incident=None)
