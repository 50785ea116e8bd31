"""The disclosure log: recording a disclosure by hand, the searchable log, its entries, its
export for the Information Board, and the disclosures shown on case and person pages."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required

from asb.agreements.vocabulary import DataCategory
from asb.audit.services import record_event, record_view, request_filters
from asb.auth.current import signed_in_user
from asb.auth.models import User
from asb.calendar import today_in_london
from asb.cases.models import Case
from asb.cases.queries import load_case
from asb.disclosures import queries
from asb.disclosures.export import csv_chunks, export_row, xlsx_bytes
from asb.disclosures.forms import DisclosureFilterForm, RecordDisclosureForm
from asb.disclosures.models import Disclosure
from asb.disclosures.services import record_disclosure
from asb.extensions import db
from asb.incidents.models import Incident
from asb.incidents.queries import get_incident_or_404
from asb.people.models import Person
from asb.people.services import current_record
from asb.policy import (
    Permission,
    authorize,
    authorize_incident_view,
    can,
    deny,
    hides_existence,
)
from asb.presentation import with_query
from asb.submissions import record_result

blueprint = Blueprint("disclosures", __name__)

DEFAULT_PER_PAGE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blueprint.app_template_global()
def data_category_label(value: str) -> str:
    return DataCategory(value).label


@blueprint.app_template_global()
def case_disclosures(case: Case) -> list[Disclosure] | None:
    """The case's disclosures for its page; None for those who may not see its people."""
    if not can(current_user, Permission.VIEW_CASE_PERSONAL_DETAILS, case):
        return None
    return queries.disclosures_about_case(case)


@blueprint.app_template_global()
def incident_disclosures(incident: Incident) -> list[Disclosure] | None:
    """The incident's disclosures for its page; None for those who may not see its people."""
    if not can(current_user, Permission.VIEW_PERSONAL_DETAILS, incident):
        return None
    return queries.disclosures_about_incident(incident)


@blueprint.app_template_global()
def person_disclosures(person: Person) -> list[Disclosure] | None:
    """Every disclosure about the person; None for those who may not see their details."""
    user = signed_in_user()
    if not can(user, Permission.VIEW_PERSON_DETAILS, person):
        return None
    return queries.disclosures_about_person(user, person)


def _form(people: list[Person]) -> RecordDisclosureForm:
    user = signed_in_user()
    return RecordDisclosureForm(
        people=people,
        agencies=queries.recipient_agencies(),
        agreements=queries.all_agreements(),
        authorisers=queries.possible_authorisers(user),
        today=today_in_london(),
    )


def _record(
    form: RecordDisclosureForm,
    back_url: str,
    *,
    case: Case | None = None,
    incident: Incident | None = None,
) -> str:
    """Write the entry and commit; returns where to go next."""
    user = signed_in_user()
    fields = form.disclosure_fields()
    record_disclosure(
        disclosing_agency=user.agency,
        recorded_by=user,
        case=case,
        incident=incident,
        **fields,
    )
    url = record_result(back_url)
    db.session.commit()
    flash("Disclosure recorded in the disclosure log.", "success")
    return url


@blueprint.route("/cases/<int:case_id>/disclosures/new", methods=["GET", "POST"])
@login_required
def record_case_disclosure(case_id: int):
    case = load_case(case_id, Permission.RECORD_DISCLOSURE)
    form = _form(queries.people_on_case(case))
    if request.method == "GET":
        form.authorised_by.data = str(current_user.id)
    back_url = url_for("cases.show_case", case_id=case.id, _anchor="disclosures")
    if form.validate_on_submit():
        return redirect(_record(form, back_url, case=case))
    return render_template(
        "disclosures/new.html",
        form=form,
        about=f"Case {case.reference}",
        caption=f"{case.reference}: {case.title}",
        back_url=back_url,
    )


@blueprint.route("/incidents/<int:incident_id>/disclosures/new", methods=["GET", "POST"])
@login_required
def record_incident_disclosure(incident_id: int):
    incident = get_incident_or_404(incident_id)
    authorize_incident_view(incident)
    authorize(Permission.RECORD_DISCLOSURE, incident)
    form = _form(queries.people_on_incident(incident))
    if request.method == "GET":
        form.authorised_by.data = str(current_user.id)
    back_url = url_for("incidents.show_incident", incident_id=incident.id, _anchor="disclosures")
    if form.validate_on_submit():
        return redirect(_record(form, back_url, incident=incident))
    return render_template(
        "disclosures/new.html",
        form=form,
        about=f"Incident {incident.reference}",
        caption=f"Incident {incident.reference}",
        back_url=back_url,
    )


@blueprint.route("/people/<int:person_id>/disclosures/new", methods=["GET", "POST"])
@login_required
def record_person_disclosure(person_id: int):
    person = db.get_or_404(Person, person_id)
    if person.merged_into_id is not None:
        current = current_record(person)
        return redirect(url_for("disclosures.record_person_disclosure", person_id=current.id))
    user = signed_in_user()
    if not can(user, Permission.RECORD_DISCLOSURE, person):
        deny(
            Permission.RECORD_DISCLOSURE,
            person,
            hide_existence=not can(user, Permission.VIEW_PERSON, person),
        )
    form = _form([person])
    if request.method == "GET":
        form.authorised_by.data = str(user.id)
        form.subjects.data = [str(person.id)]
    back_url = url_for("people.show_person", person_id=person.id, _anchor="disclosures")
    if form.validate_on_submit():
        return redirect(_record(form, back_url))
    return render_template(
        "disclosures/new.html",
        form=form,
        about=person.name,
        caption=person.name,
        back_url=back_url,
    )


def _filter_form() -> DisclosureFilterForm:
    return DisclosureFilterForm(
        request.args,
        agencies=queries.recipient_agencies(),
        agreements=queries.all_agreements(),
    )


def _may_name(user: User):
    return lambda person: can(user, Permission.VIEW_PERSON_DETAILS, person)


@blueprint.get("/disclosures")
@login_required
def disclosure_log():
    authorize(Permission.VIEW_DISCLOSURE_LOG)
    form = _filter_form()
    page = None
    user = signed_in_user()
    if form.validate():
        # Recorded first: committing after the query would expire the entries it loaded.
        record_view("disclosures.searched", actor=user, filters=request_filters())
        page = queries.page_of_disclosures(
            user,
            form.as_filters(),
            page=form.page_number(),
            per_page=current_app.config.get("DISCLOSURES_PER_PAGE", DEFAULT_PER_PAGE),
            count_cap=current_app.config["INCIDENT_COUNT_CAP"],
        )
    return render_template("disclosures/log.html", form=form, page=page)


@blueprint.get("/disclosures/<int:disclosure_id>")
@login_required
def show_disclosure(disclosure_id: int):
    disclosure = db.get_or_404(Disclosure, disclosure_id)
    user = signed_in_user()
    if hides_existence(user, disclosure.case) or hides_existence(user, disclosure.incident):
        deny(Permission.VIEW_DISCLOSURE_LOG, disclosure, hide_existence=True)
    authorize(Permission.VIEW_DISCLOSURE_LOG)
    record_view("disclosure.viewed", actor=user, obj=disclosure)
    return render_template("disclosures/show.html", disclosure=disclosure)


def _export_filters():
    """The filters to export with, or a redirect back to the log to correct them."""
    authorize(Permission.VIEW_DISCLOSURE_LOG)
    form = _filter_form()
    if not form.validate():
        flash("Correct the filters before exporting.")
        args = request.args.to_dict(flat=False)
        abort(redirect(with_query(url_for("disclosures.disclosure_log"), args)))
    return form.as_filters()


def _audit_export(file_format: str) -> None:
    record_event(
        "disclosures.exported",
        actor=signed_in_user(),
        format=file_format,
        filters=request_filters(),
    )
    db.session.commit()


@blueprint.get("/disclosures/export.csv")
@login_required
def export_csv():
    filters = _export_filters()
    _audit_export("csv")
    user_id = current_user.id

    def generate():
        # Streaming outlives the request's session, so the user is loaded afresh here.
        user = db.session.get(User, user_id)
        may_name = _may_name(user)
        rows = (
            export_row(disclosure, may_name)
            for disclosure in queries.disclosures_for_export(user, filters)
        )
        yield from csv_chunks(rows)

    response = Response(stream_with_context(generate()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="asb-disclosure-log.csv"'
    return response


@blueprint.get("/disclosures/export.xlsx")
@login_required
def export_xlsx():
    filters = _export_filters()
    user = signed_in_user()
    may_name = _may_name(user)
    content = xlsx_bytes(
        export_row(disclosure, may_name)
        for disclosure in queries.disclosures_for_export(user, filters)
    )
    _audit_export("xlsx")
    response = Response(content, mimetype=XLSX_TYPE)
    response.headers["Content-Disposition"] = 'attachment; filename="asb-disclosure-log.xlsx"'
    return response
