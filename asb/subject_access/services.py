"""Logging and answering subject access requests. Flush-only: the view commits once.

The clock is the UK GDPR's (Article 12(3)) as the ICO reads it: the answer is due one
calendar month from the day the request is received, on the corresponding day of the next
month or, if there is none, on that month's last day (31 January -> 28 or 29 February). A
complex or repeated request may be extended by up to two further months, with the reason
recorded and told to the requester within the first month.
"""

from __future__ import annotations

from datetime import date

from asb.agreements.vocabulary import DataCategory, LawfulBasis
from asb.audit.services import record_event
from asb.auth.models import User
from asb.calendar import add_months, long_date, today_in_london
from asb.disclosures.services import record_disclosure
from asb.disclosures.vocabulary import DisclosureMethod
from asb.extensions import db
from asb.incidents.services import next_reference
from asb.people.models import Person
from asb.subject_access.models import SubjectAccessPerson, SubjectAccessRequest
from asb.subject_access.vocabulary import ReceivedBy, RequestStatus
from asb.versioning import StaleEditError, current_version

REFERENCE_PREFIX = "SAR"
MONTHS_TO_ANSWER = 1
MOST_MONTHS_OF_EXTENSION = 2
RIGHT_OF_ACCESS = "UK GDPR Article 15 (right of access by the data subject)"


class SubjectAccessError(ValueError):
    """A step the request's state does not allow; `field` names the form field to blame."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class StaleRequestError(StaleEditError):
    """The request changed after the page was opened."""


def answer_due_on(received_on: date) -> date:
    return add_months(received_on, MONTHS_TO_ANSWER)


def latest_extension(received_on: date) -> date:
    """The furthest an extension may reach: three calendar months from receipt."""
    return add_months(received_on, MONTHS_TO_ANSWER + MOST_MONTHS_OF_EXTENSION)


def _check_version(request: SubjectAccessRequest, expected_version: int | None) -> None:
    if expected_version is not None and current_version(request) != expected_version:
        raise StaleRequestError(request.reference)


def log_request(
    *,
    requester_name: str,
    received_by: ReceivedBy,
    received_on: date,
    identity_checked_on: date | None,
    notes: str | None,
    people: list[Person],
    actor: User,
) -> SubjectAccessRequest:
    request = SubjectAccessRequest(
        reference=next_reference(REFERENCE_PREFIX, received_on.year),
        requester_name=requester_name,
        received_by=received_by,
        received_on=received_on,
        due_on=answer_due_on(received_on),
        identity_checked=identity_checked_on is not None,
        identity_checked_on=identity_checked_on,
        notes=notes,
        created_by=actor,
    )
    db.session.add(request)
    for person in people:
        request.people.append(SubjectAccessPerson(person=person, linked_by_id=actor.id))
    db.session.flush()
    record_event(
        "subject_access.logged",
        actor=actor,
        obj=request,
        received_by=received_by.value,
        person_ids=[person.id for person in people],
    )
    return request


def _must_be_open(request: SubjectAccessRequest, field: str | None = None) -> None:
    if not request.status.is_open:
        raise SubjectAccessError(
            f"Request {request.reference} is {request.status.label.lower()}: it cannot be changed",
            field,
        )


def link_person(request: SubjectAccessRequest, person: Person, *, actor: User) -> None:
    _must_be_open(request)
    if person.id in {link.person_id for link in request.people}:
        raise SubjectAccessError("That person record is already linked to this request")
    if person.merged_into_id is not None:
        raise SubjectAccessError("That person record was merged into another: link that one")
    request.people.append(SubjectAccessPerson(person=person, linked_by_id=actor.id))
    db.session.flush()
    record_event("subject_access.person-linked", actor=actor, obj=request, person_id=person.id)


def unlink_person(request: SubjectAccessRequest, person_id: int, *, actor: User) -> None:
    _must_be_open(request)
    link = next((link for link in request.people if link.person_id == person_id), None)
    if link is None:
        raise SubjectAccessError("That person record is not linked to this request")
    request.people.remove(link)
    db.session.flush()
    record_event("subject_access.person-unlinked", actor=actor, obj=request, person_id=person_id)


def record_identity_check(
    request: SubjectAccessRequest,
    *,
    checked_on: date,
    actor: User,
    expected_version: int | None,
) -> None:
    _check_version(request, expected_version)
    _must_be_open(request, "checked_on")
    if checked_on < request.received_on:
        raise SubjectAccessError(
            "The identity check date must be on or after the day the request was received",
            "checked_on",
        )
    request.identity_checked = True
    request.identity_checked_on = checked_on
    db.session.flush()
    record_event("subject_access.identity-checked", actor=actor, obj=request)


def extend(
    request: SubjectAccessRequest,
    *,
    extended_to: date,
    reason: str,
    actor: User,
    expected_version: int | None,
) -> None:
    _check_version(request, expected_version)
    _must_be_open(request, "extended_to")
    if not reason.strip():
        raise SubjectAccessError("Enter the reason for the extension", "reason")
    if extended_to <= request.due_on:
        raise SubjectAccessError(
            f"The new date must be after the date the answer is due, {long_date(request.due_on)}",
            "extended_to",
        )
    latest = latest_extension(request.received_on)
    if extended_to > latest:
        raise SubjectAccessError(
            f"The answer can be extended by two further months at most: to {long_date(latest)}",
            "extended_to",
        )
    request.extended_to = extended_to
    request.extension_reason = reason
    request.status = RequestStatus.EXTENDED
    db.session.flush()
    record_event(
        "subject_access.extended", actor=actor, obj=request, extended_to=extended_to.isoformat()
    )


def close(
    request: SubjectAccessRequest,
    *,
    status: RequestStatus,
    closed_on: date,
    note: str | None,
    categories: list[DataCategory],
    actor: User,
    expected_version: int | None,
) -> None:
    """End the request. Completing it with person records linked releases their pack, which
    goes in the disclosure log: disclosed to the data subject under a legal obligation."""
    _check_version(request, expected_version)
    _must_be_open(request, "status")
    if status not in RequestStatus.closing():
        raise SubjectAccessError("Select how the request ended", "status")
    if closed_on < request.received_on:
        raise SubjectAccessError(
            "The date must be on or after the day the request was received", "closed_on"
        )
    if closed_on > today_in_london():
        raise SubjectAccessError("The date must be today or in the past", "closed_on")
    if status is RequestStatus.COMPLETED and not request.identity_checked:
        raise SubjectAccessError(
            "Record the identity check before completing the request: the pack goes only to "
            "the person it is about",
            "status",
        )
    if status is not RequestStatus.COMPLETED and not (note or "").strip():
        raise SubjectAccessError(f"Enter why the request was {status.label.lower()}", "note")
    request.status = status
    request.completed_on = closed_on
    request.outcome_note = note
    disclosure_id = None
    if status is RequestStatus.COMPLETED and request.people:
        disclosure = record_disclosure(
            method=DisclosureMethod.SUBJECT_ACCESS,
            description=(
                f"Subject access pack for request {request.reference}: the person's details, "
                "incidents, cases, the documents list and disclosures about them, with third "
                "parties redacted"
            ),
            purpose="Answering a subject access request",
            disclosing_agency=actor.agency,
            recorded_by=actor,
            categories=categories,
            recipient_name=request.requester_name,
            lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
            legal_basis_note=RIGHT_OF_ACCESS,
            subjects=request.subjects,
        )
        request.released_at = disclosure.disclosed_at
        disclosure_id = disclosure.id
    db.session.flush()
    record_event(
        "subject_access.closed",
        actor=actor,
        obj=request,
        status=status.value,
        disclosure_id=disclosure_id,
    )
