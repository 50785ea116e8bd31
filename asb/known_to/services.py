"""Asking another agency for its details about a person, and answering. Flush-only: the view
commits, so a request or answer and its disclosure log entry stand or fall together."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from flask import url_for
from sqlalchemy import select

from asb.agreements.models import SharingAgreement
from asb.agreements.queries import agreements_open_for_sharing
from asb.agreements.vocabulary import DataCategory, LawfulBasis
from asb.audit.services import record_event
from asb.auth.models import Agency, Role, User
from asb.calendar import today_in_london
from asb.database import utcnow
from asb.disclosures.services import record_disclosure
from asb.disclosures.vocabulary import DisclosureMethod
from asb.extensions import db
from asb.known_to.models import PersonDetailsRequest
from asb.known_to.queries import held_details
from asb.known_to.vocabulary import SHAREABLE_CATEGORIES, RequestStatus
from asb.notifications.services import notify
from asb.people.models import Person


class RequestError(Exception):
    """The request cannot be answered or withdrawn as asked (someone else got there first)."""


def _agreement_between(
    disclosing: Agency, recipient: Agency, categories: Iterable[DataCategory]
) -> SharingAgreement | None:
    """An agreement in force with the partner organisation of the two, covering the categories.

    The City's own services share under their public task; agreements are with partners.
    """
    partner = recipient if recipient.is_external else disclosing if disclosing.is_external else None
    if partner is None:
        return None
    agreements = agreements_open_for_sharing(partner.id, today_in_london(), categories)
    return agreements[0] if agreements else None


def _basis(agreement: SharingAgreement | None) -> LawfulBasis | None:
    return None if agreement is not None else LawfulBasis.PUBLIC_TASK


def _answerers(agency: Agency) -> list[User]:
    """Who is told of a request: the holding agency's managers and the ASB lead."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.is_active_account.is_(True),
                ((User.role == Role.MANAGER) & (User.agency_id == agency.id))
                | (User.role == Role.ASB_LEAD),
            )
            .order_by(User.id)
        )
    )


def request_details(
    person: Person, holding_agency: Agency, *, reason: str, actor: User
) -> PersonDetailsRequest:
    """Ask the holding agency for its details about the person.

    The request itself discloses to the holding agency that the requester's agency knows the
    person, so it goes in the disclosure log (the reason as its purpose).
    """
    request = PersonDetailsRequest(
        person=person,
        holding_agency=holding_agency,
        requested_by=actor,
        requesting_agency_id=actor.agency_id,
        reason=reason,
    )
    db.session.add(request)
    db.session.flush()
    agreement = _agreement_between(actor.agency, holding_agency, [DataCategory.PEOPLE])
    request.request_disclosure = record_disclosure(
        method=DisclosureMethod.DETAILS_REQUEST,
        description=f"Request for details about person record {person.id}",
        purpose=reason,
        categories=[DataCategory.PEOPLE],
        disclosing_agency=actor.agency,
        recipient_agency=holding_agency,
        agreement=agreement,
        lawful_basis=_basis(agreement),
        recorded_by=actor,
        subjects=[person],
    )
    record_event(
        "person-details-request.made",
        actor=actor,
        obj=request,
        person_id=person.id,
        holding_agency_id=holding_agency.id,
    )
    link = url_for("known_to.show_request", request_id=request.id)
    for answerer in _answerers(holding_agency):
        if answerer.id != actor.id:
            notify(answerer, f"{actor.agency.name} asks for your details about a person", link)
    db.session.flush()
    return request


def _lock_pending(request: PersonDetailsRequest) -> None:
    """Read the request afresh and lock it: of two answers sent at once, the second waits for
    the first and then finds it answered."""
    db.session.refresh(request, with_for_update={"of": PersonDetailsRequest.__table__})
    if request.status is not RequestStatus.PENDING:
        raise RequestError(f"This request has already been {request.status.label.lower()}")


def approve(
    request: PersonDetailsRequest,
    *,
    categories: Iterable[DataCategory],
    days: int,
    actor: User,
    note: str | None = None,
) -> PersonDetailsRequest:
    """Open the chosen parts of the holding agency's records to the requester for some days."""
    _lock_pending(request)
    wanted = {DataCategory(category) for category in categories}
    chosen = [category for category in DataCategory if category in wanted]
    if not chosen or any(category not in SHAREABLE_CATEGORIES for category in chosen):
        raise RequestError("Select what you will share")
    request.status = RequestStatus.APPROVED
    request.approved_categories = [category.value for category in chosen]
    request.approved_until = today_in_london() + timedelta(days=days)
    _answered(request, actor, note)
    held = held_details(request)
    agreement = _agreement_between(request.holding_agency, request.requesting_agency, chosen)
    request.answer_disclosure = record_disclosure(
        method=DisclosureMethod.DETAILS_REQUEST,
        description=(
            f"Details about person record {request.person_id} approved for "
            f"{request.requesting_agency.name} until {request.approved_until:%d/%m/%Y}: "
            f"{len(held.incidents)} incident(s), {len(held.cases)} case(s)"
        ),
        purpose=request.reason,
        categories=chosen,
        disclosing_agency=request.holding_agency,
        recipient_agency=request.requesting_agency,
        agreement=agreement,
        lawful_basis=_basis(agreement),
        authorised_by=actor,
        recorded_by=actor,
        subjects=[request.person, *held.people],
    )
    record_event(
        "person-details-request.approved",
        actor=actor,
        obj=request,
        categories=request.approved_categories,
        approved_until=request.approved_until.isoformat(),
    )
    _tell_requester(request, "approved")
    db.session.flush()
    return request


def refuse(request: PersonDetailsRequest, *, note: str, actor: User) -> PersonDetailsRequest:
    """Refuse the request; the log records the refusal, with nothing disclosed."""
    _lock_pending(request)
    request.status = RequestStatus.REFUSED
    _answered(request, actor, note)
    request.answer_disclosure = record_disclosure(
        method=DisclosureMethod.DETAILS_REQUEST,
        description=(
            f"Request for details about person record {request.person_id} refused: "
            "nothing disclosed"
        ),
        purpose=request.reason,
        disclosing_agency=request.holding_agency,
        recipient_agency=request.requesting_agency,
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        authorised_by=actor,
        recorded_by=actor,
        subjects=[request.person],
    )
    record_event("person-details-request.refused", actor=actor, obj=request)
    _tell_requester(request, "refused")
    db.session.flush()
    return request


def withdraw(request: PersonDetailsRequest, *, actor: User) -> PersonDetailsRequest:
    _lock_pending(request)
    request.status = RequestStatus.WITHDRAWN
    request.answered_at = utcnow()
    record_event("person-details-request.withdrawn", actor=actor, obj=request)
    db.session.flush()
    return request


def _answered(request: PersonDetailsRequest, actor: User, note: str | None) -> None:
    request.answered_by = actor
    request.answered_at = utcnow()
    request.answer_note = note or None


def _tell_requester(request: PersonDetailsRequest, answer: str) -> None:
    notify(
        request.requested_by,
        f"{request.holding_agency.name} {answer} your request for details",
        url_for("known_to.show_request", request_id=request.id),
    )
