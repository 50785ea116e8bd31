from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from asb.agreements.vocabulary import DataCategory
from asb.audit.services import record_event
from asb.auth.current import signed_in_user
from asb.auth.models import Agency
from asb.calendar import today_in_london
from asb.extensions import db
from asb.incidents.models import Incident
from asb.known_to import queries, services
from asb.known_to.forms import AnswerForm, RequestDetailsForm, WithdrawForm
from asb.known_to.models import PersonDetailsRequest
from asb.known_to.vocabulary import Decision, RequestStatus
from asb.people.models import Person
from asb.policy import Permission, authorize, can, deny
from asb.submissions import record_result

blueprint = Blueprint("known_to", __name__)


@blueprint.app_template_global()
def known_to_for_person(person: Person) -> list[queries.KnownTo]:
    """The other agencies that know the person, as the signed-in user may be told."""
    return queries.also_known_to(person, signed_in_user())


@blueprint.app_template_global()
def known_to_for_details(
    name: str | None, date_of_birth: date | None = None, address: str | None = None
) -> list[queries.KnownTo]:
    """The other agencies that know someone with these details (a person not yet recorded)."""
    return queries.also_known_to_by_details(
        signed_in_user(), name=name, date_of_birth=date_of_birth, address=address
    )


@blueprint.app_template_global()
def known_to_for_incident(incident: Incident) -> list[tuple[str, list[queries.KnownTo]]]:
    """For each person named on the incident, the other agencies that know them."""
    user = signed_in_user()
    if not can(user, Permission.VIEW_PERSONAL_DETAILS, incident):
        return []
    named = []
    if not incident.reporter_anonymous and incident.reporter_name:
        named.append(("reporter", incident.reporter_name, incident.reporter_address))
    if incident.victim_name:
        named.append(("victim", incident.victim_name, incident.victim_address))
    found = []
    for role, name, address in named:
        known = queries.also_known_to_by_details(user, name=name, address=address)
        if known:
            found.append((role, known))
    return found


@blueprint.app_template_global()
def details_requests_waiting() -> int:
    return queries.waiting_count(signed_in_user())


def _load_request(request_id: int, permission: Permission) -> PersonDetailsRequest:
    """Load a request the user may act on; 404 for anyone it does not concern."""
    details_request = db.get_or_404(PersonDetailsRequest, request_id)
    user = signed_in_user()
    if not can(user, permission, details_request):
        deny(
            permission,
            details_request,
            hide_existence=not can(user, Permission.VIEW_PERSON_DETAILS_REQUEST, details_request),
        )
    return details_request


@blueprint.route("/people/<int:person_id>/details-requests/new", methods=["GET", "POST"])
@login_required
def ask(person_id: int):
    person = db.get_or_404(Person, person_id)
    user = signed_in_user()
    if not can(user, Permission.VIEW_PERSON_DETAILS, person):
        deny(
            Permission.VIEW_PERSON_DETAILS,
            person,
            hide_existence=not can(user, Permission.VIEW_PERSON, person),
        )
    form = RequestDetailsForm()
    if request.method == "GET":
        form.agency.data = request.args.get("agency", "")
    agency_id = form.agency_id
    agency = db.session.get(Agency, agency_id) if agency_id is not None else None
    if agency is None or not can(user, Permission.REQUEST_PERSON_DETAILS, (person, agency)):
        deny(Permission.REQUEST_PERSON_DETAILS, person)
    existing = queries.open_requests(person, user).get(agency.id)
    if existing is not None:
        flash(f"You have already asked {agency.name}: here is your request.")
        return redirect(url_for("known_to.show_request", request_id=existing.id))
    if form.validate_on_submit():
        details_request = services.request_details(
            person, agency, reason=form.reason.data, actor=user
        )
        url = record_result(url_for("known_to.show_request", request_id=details_request.id))
        db.session.commit()
        flash(f"Your request was sent to {agency.name}.", "success")
        return redirect(url)
    known = next(
        (item for item in queries.also_known_to(person, user) if item.agency.id == agency.id),
        None,
    )
    return render_template(
        "known_to/ask.html", form=form, person=person, agency=agency, known=known
    )


@blueprint.get("/details-requests")
@login_required
def list_requests():
    authorize(Permission.VIEW_PERSON_DETAILS_REQUESTS)
    user = signed_in_user()
    return render_template(
        "known_to/list.html",
        waiting=queries.requests_to_answer(user),
        answered=queries.requests_answered(user),
        made=queries.requests_made_by(user),
        today=today_in_london(),
    )


@blueprint.get("/details-requests/<int:request_id>")
@login_required
def show_request(request_id: int):
    details_request = _load_request(request_id, Permission.VIEW_PERSON_DETAILS_REQUEST)
    return _render_request(details_request, AnswerForm(), WithdrawForm())


def _render_request(details_request: PersonDetailsRequest, answer_form, withdraw_form):
    user = signed_in_user()
    waiting = details_request.status is RequestStatus.PENDING
    may_answer = waiting and can(user, Permission.ANSWER_PERSON_DETAILS_REQUEST, details_request)
    may_withdraw = waiting and can(
        user, Permission.WITHDRAW_PERSON_DETAILS_REQUEST, details_request
    )
    return render_template(
        "known_to/request.html",
        details_request=details_request,
        form=answer_form if may_answer else None,
        withdraw_form=withdraw_form if may_withdraw else None,
        may_see_details=can(user, Permission.VIEW_APPROVED_PERSON_DETAILS, details_request),
        may_see_person=can(user, Permission.VIEW_PERSON_DETAILS, details_request.person),
        today=today_in_london(),
    )


@blueprint.post("/details-requests/<int:request_id>/answer")
@login_required
def answer(request_id: int):
    details_request = _load_request(request_id, Permission.ANSWER_PERSON_DETAILS_REQUEST)
    user = signed_in_user()
    form = AnswerForm()
    if form.validate_on_submit():
        url = url_for("known_to.show_request", request_id=details_request.id)
        try:
            if form.decision.data == Decision.APPROVE.value:
                services.approve(
                    details_request,
                    categories=[DataCategory(value) for value in form.categories.data],
                    days=form.approval_days,
                    actor=user,
                    note=form.note.data,
                )
                message = f"You approved the request from {details_request.requesting_agency.name}."
            else:
                services.refuse(details_request, note=form.note.data, actor=user)
                message = f"You refused the request from {details_request.requesting_agency.name}."
        except services.RequestError as error:
            db.session.rollback()
            flash(str(error))
            return redirect(url)
        record_result(url)
        db.session.commit()
        flash(message, "success")
        return redirect(url)
    return _render_request(details_request, form, WithdrawForm())


@blueprint.post("/details-requests/<int:request_id>/withdraw")
@login_required
def withdraw(request_id: int):
    details_request = _load_request(request_id, Permission.WITHDRAW_PERSON_DETAILS_REQUEST)
    form = WithdrawForm()
    url = url_for("known_to.show_request", request_id=details_request.id)
    if form.validate_on_submit():
        try:
            services.withdraw(details_request, actor=signed_in_user())
        except services.RequestError as error:
            db.session.rollback()
            flash(str(error))
            return redirect(url)
        db.session.commit()
        flash("You withdrew the request.", "success")
        return redirect(url)
    return _render_request(details_request, AnswerForm(), form)


@blueprint.get("/details-requests/<int:request_id>/details")
@login_required
def approved_details(request_id: int):
    details_request = _load_request(request_id, Permission.VIEW_APPROVED_PERSON_DETAILS)
    user = signed_in_user()
    held = queries.held_details(details_request)
    record_event(
        "person-details-request.details-viewed",
        actor=user,
        obj=details_request,
        person_ids=[person.id for person in held.people],
        incident_ids=[incident.id for incident in held.incidents],
        case_ids=[case.id for case in held.cases],
    )
    db.session.commit()
    return render_template(
        "known_to/details.html",
        details_request=details_request,
        held=held,
        shows=details_request.approves,
        categories=DataCategory,
    )
