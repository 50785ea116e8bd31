from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required

from asb.audit.services import record_event, record_view, request_filters
from asb.auth.current import signed_in_user
from asb.auth.models import User
from asb.cases import queries as case_queries
from asb.database import utcnow
from asb.emergency_access.services import note_emergency_view
from asb.exports import csv_response, xlsx_response
from asb.extensions import db
from asb.geo.services import geography
from asb.incidents import duplicates, queries, services
from asb.incidents.export import EXPORT_HEADER, export_row
from asb.incidents.filters import IncidentFilterForm
from asb.incidents.forms import (
    DuplicateChoiceForm,
    EditIncidentForm,
    NewIncidentForm,
    StatusForm,
)
from asb.incidents.models import Incident
from asb.incidents.presenters import history_entries
from asb.incidents.vocabulary import IncidentStatus, Vulnerability
from asb.people.queries import case_review_prompt, repeat_flag_for_incident
from asb.policy import Permission, authorize, authorize_incident_view, can
from asb.submissions import record_result
from asb.versioning import StaleEditError, commit_versioned

blueprint = Blueprint("incidents", __name__, url_prefix="/incidents")


@blueprint.app_template_global()
def vulnerability_labels(values: list[str] | None) -> str:
    return ", ".join(Vulnerability(value).label for value in values or [])


def _filter_form() -> IncidentFilterForm:
    return IncidentFilterForm(
        request.args,
        agencies=queries.active_agencies(),
        local_types=queries.local_types(include_inactive=True),
        wards=geography().ward_list,
    )


@blueprint.get("")
@login_required
def list_incidents():
    authorize(Permission.VIEW_INCIDENT_LOG)
    form = _filter_form()
    page = None
    if form.validate():
        # Recorded first: committing after the query would expire the incidents it loaded.
        record_view("incidents.searched", actor=signed_in_user(), filters=request_filters())
        page = queries.page_of_incidents(
            signed_in_user(),
            form.as_filters(),
            page=form.page_number(),
            per_page=current_app.config["INCIDENTS_PER_PAGE"],
            count_cap=current_app.config["INCIDENT_COUNT_CAP"],
        )
    return render_template("incidents/list.html", form=form, page=page)


def _export(file_format: str, write: Callable[..., Response]):
    """The log's matching incidents as a file; bad filters answer 400 with the log explaining
    them. Recorded first, with the filters exactly and the number of rows."""
    authorize(Permission.EXPORT_INCIDENTS)
    form = _filter_form()
    if not form.validate():
        flash("Correct the filters before exporting.")
        return render_template("incidents/list.html", form=form, page=None), 400
    filters = form.as_filters()
    user = signed_in_user()
    record_event(
        "incidents.exported",
        actor=user,
        format=file_format,
        filters=request_filters(),
        rows=queries.count_incidents(user, filters),
    )
    db.session.commit()
    user_id = user.id

    def rows() -> Iterator[list]:
        # A streamed CSV is read after the commit: the user is loaded afresh.
        reader = db.session.get(User, user_id)
        for incident, personal in queries.incidents_for_export(reader, filters):
            yield export_row(incident, personal)

    return write(f"asb-incidents.{file_format}", EXPORT_HEADER, rows())


@blueprint.get("/export.csv")
@login_required
def export_incidents():
    return _export("csv", csv_response)


@blueprint.get("/export.xlsx")
@login_required
def export_incidents_xlsx():
    return _export("xlsx", partial(xlsx_response, sheet_title="Incidents"))


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def new_incident():
    authorize(Permission.RECORD_INCIDENT)
    user = signed_in_user()
    form = NewIncidentForm(
        agencies=queries.active_agencies(internal_only=True),
        local_types=queries.local_types(),
    )
    if request.method == "GET":
        form.recording_agency.data = str(user.agency_id)
    elif "change_answers" in request.form:
        return render_template("incidents/form.html", form=form, incident=None)
    if form.validate_on_submit():
        fields = form.incident_fields()
        choice = DuplicateChoiceForm(_likely_duplicates(fields, user))
        if (choice.candidates or choice.answered) and not (choice.answered and choice.validate()):
            # Nothing is saved until they choose: the submission key claimed goes back too.
            db.session.rollback()
            return render_template(
                "incidents/duplicates.html", form=choice, answers=_answers_to_carry()
            )
        existing = choice.chosen_incident()
        if existing is not None:
            return _add_report(existing, fields, user)
        incident = services.record_incident(fields, actor=user)
        url = record_result(url_for("incidents.show_incident", incident_id=incident.id))
        db.session.commit()
        flash(f"Incident {incident.reference} recorded.", "success")
        return redirect(url)
    return render_template("incidents/form.html", form=form, incident=None)


def _likely_duplicates(fields: dict, user: User) -> list[Incident]:
    return duplicates.find_likely_duplicates(
        category=fields["category"],
        latitude=fields["latitude"],
        longitude=fields["longitude"],
        occurred_at=fields["occurred_from"],
        reporter_email=fields["reporter_email"],
        reporter_phone=fields["reporter_phone"],
        reporter_name=fields["reporter_name"],
        location_description=fields["location_description"],
        viewer=user,
    )


def _answers_to_carry() -> list[tuple[str, str]]:
    """The incident form's answers as sent (and its submission key), to send again with the
    choice: each value of each field, in order."""
    left_out = {"csrf_token", "submit", "change_answers", "duplicate_of", "duplicates_offered"}
    return [
        (name, value)
        for name, values in request.form.lists()
        if name not in left_out
        for value in values
    ]


def _add_report(incident: Incident, fields: dict, user: User):
    """Save the answers as another report of an incident already on the log."""
    duplicates.add_report_to_incident(
        incident,
        channel=fields["reporting_channel"],
        reported_at=utcnow(),
        description=fields["description"],
        reporter_anonymous=fields["reporter_anonymous"],
        reporter_name=fields["reporter_name"],
        reporter_phone=fields["reporter_phone"],
        reporter_email=fields["reporter_email"],
        reporter_address=fields["reporter_address"],
        recorded_by=user,
    )
    url = record_result(
        url_for("incidents.show_incident", incident_id=incident.id, _anchor="further-reports")
    )
    db.session.commit()
    flash(f"Report added to incident {incident.reference}.", "success")
    return redirect(url)


@blueprint.get("/<int:incident_id>")
@login_required
def show_incident(incident_id: int):
    incident = queries.get_incident_or_404(incident_id)
    authorize_incident_view(incident)
    user = signed_in_user()
    show_personal = can(user, Permission.VIEW_PERSONAL_DETAILS, incident)
    # A view under emergency access is audited with its grant, committed with the view's own.
    emergency_grant = note_emergency_view(user, incident)
    record_view("incident.viewed", actor=user, obj=incident, personal_details=show_personal)
    return render_template(
        "incidents/show.html",
        incident=incident,
        show_personal=show_personal,
        history=history_entries(queries.incident_history(incident), show_personal),
        linked_cases=case_queries.cases_linking(incident, user),
        flag=repeat_flag_for_incident(incident) if show_personal else None,
        repeat=case_review_prompt(incident) if show_personal else None,
        emergency_grant=emergency_grant,
    )


@blueprint.route("/<int:incident_id>/edit", methods=["GET", "POST"])
@login_required
def edit_incident(incident_id: int):
    incident = queries.get_incident_or_404(incident_id)
    authorize_incident_view(incident)
    authorize(Permission.EDIT_INCIDENT, incident)
    local_types = queries.local_types()
    if incident.local_type is not None and incident.local_type not in local_types:
        local_types.append(incident.local_type)  # a retired type stays on its incidents
    form = EditIncidentForm(
        agencies=queries.active_agencies(internal_only=True),
        local_types=local_types,
    )
    if request.method == "GET":
        form.fill_from(incident)
    elif form.validate_on_submit():
        try:
            changes = commit_versioned(
                lambda: services.update_incident(
                    incident,
                    form.incident_fields(),
                    actor=signed_in_user(),
                    expected_version=form.version.number,
                )
            )
        except StaleEditError:
            form.version.errors.append(
                "This incident changed since you opened it. Your changes have not been saved: "
                "open the incident again to see the latest version."
            )
        else:
            flash(
                f"Incident {incident.reference} updated." if changes else "No changes to save.",
                "success",
            )
            return redirect(url_for("incidents.show_incident", incident_id=incident.id))
    return render_template("incidents/form.html", form=form, incident=incident)


@blueprint.route("/<int:incident_id>/status", methods=["GET", "POST"])
@login_required
def change_status(incident_id: int):
    incident = queries.get_incident_or_404(incident_id)
    authorize_incident_view(incident)
    authorize(Permission.CHANGE_INCIDENT_STATUS, incident)
    form = StatusForm()
    if request.method == "GET":
        form.status.data = incident.status.value
        form.reason.data = incident.no_further_action_reason or ""
    if form.validate_on_submit():
        services.change_status(
            incident,
            IncidentStatus(form.status.data),
            actor=signed_in_user(),
            reason=form.reason.data,
        )
        db.session.commit()
        flash(f"Status of {incident.reference} updated.", "success")
        return redirect(url_for("incidents.show_incident", incident_id=incident.id))
    return render_template("incidents/status.html", form=form, incident=incident)
