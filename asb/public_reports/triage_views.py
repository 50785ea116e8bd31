"""The triage queue (/triage): managers decide what each report from the public becomes.

Its routes are on the public_reports blueprint (asb/public_reports/views.py imports this
module).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from asb.audit.services import record_view
from asb.auth.current import signed_in_user
from asb.calendar import LONDON
from asb.extensions import db
from asb.forms import whole_number
from asb.incidents import queries as incident_queries
from asb.incidents.duplicates import find_likely_duplicates
from asb.incidents.forms import NewIncidentForm
from asb.incidents.services import record_incident
from asb.incidents.vocabulary import ReportingChannel, ReportKind
from asb.policy import Permission, authorize, can
from asb.public_reports import queries, services
from asb.public_reports.forms import CloseForm, MergeForm, PassForm
from asb.public_reports.models import PublicReport
from asb.public_reports.views import blueprint
from asb.submissions import record_result
from asb.versioning import StaleEditError, commit_versioned

REPORTS_PER_PAGE = 25


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
    record_view("public-report.viewed", actor=signed_in_user(), obj=report)
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
