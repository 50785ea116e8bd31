"""The disclosure log: recording a disclosure by hand, the searchable log, its entries, its
export for the Information Board, and the disclosures shown on case and person pages."""

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
from flask_login import current_user, login_required

from asb.agreements.vocabulary import DataCategory
from asb.audit.services import record_event, record_view, request_filters
from asb.auth.current import signed_in_user
from asb.auth.models import User
from asb.calendar import today_in_london
from asb.cases.models import Case
from asb.cases.queries import load_case
from asb.disclosures import queries
from asb.disclosures.export import EXPORT_HEADER, export_row
from asb.disclosures.forms import DisclosureFilterForm, RecordDisclosureForm
from asb.disclosures.models import Disclosure
from asb.disclosures.services import record_disclosure
from asb.exports import csv_response, xlsx_response
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
from asb.submissions import record_result

blueprint = Blueprint("disclosures", __name__)

DEFAULT_PER_PAGE = 50


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


def _export(file_format: str, write: Callable[..., Response]):
    """The matching entries as a file; bad filters answer 400 with the log explaining them.
    Recorded first, with the filters exactly and the number of rows."""
    authorize(Permission.VIEW_DISCLOSURE_LOG)
    form = _filter_form()
    if not form.validate():
        flash("Correct the filters before exporting.")
        return render_template("disclosures/log.html", form=form, page=None), 400
    filters = form.as_filters()
    user = signed_in_user()
    record_event(
        "disclosures.exported",
        actor=user,
        format=file_format,
        filters=request_filters(),
        rows=queries.count_disclosures(user, filters),
    )
    db.session.commit()
    user_id = user.id

    def rows() -> Iterator[list]:
        # A streamed CSV is read after the commit: the user is loaded afresh.
        reader = db.session.get(User, user_id)
        may_name = _may_name(reader)
        for disclosure in queries.disclosures_for_export(reader, filters):
            yield export_row(disclosure, may_name)

    return write(f"asb-disclosure-log.{file_format}", EXPORT_HEADER, rows())


@blueprint.get("/disclosures/export.csv")
@login_required
def export_csv():
    return _export("csv", csv_response)


@blueprint.get("/disclosures/export.xlsx")
@login_required
def export_xlsx():
    return _export("xlsx", partial(xlsx_response, sheet_title="Disclosure log"))
