"""Reading subject access requests: the list with each one's clock, and those needing action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import select

from asb.extensions import db
from asb.people.models import Person
from asb.people.queries import find_matching_people
from asb.people.services import normalise_name
from asb.policy import Permission, authorize
from asb.subject_access.models import SubjectAccessRequest
from asb.subject_access.vocabulary import RequestStatus

# An open request due within this many days is shown on the lead's home page and overview.
DUE_SOON_DAYS = 7
CLOSED_SHOWN = 50


@dataclass(frozen=True)
class Clock:
    request: SubjectAccessRequest
    days_left: int | None  # None once the request has ended

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def due_soon(self) -> bool:
        return self.days_left is not None and 0 <= self.days_left <= DUE_SOON_DAYS

    @property
    def words(self) -> str:
        if self.days_left is None:
            return self.request.status.label
        if self.days_left < 0:
            late = -self.days_left
            return f"{late} day{'' if late == 1 else 's'} overdue"
        if self.days_left == 0:
            return "Due today"
        return f"{self.days_left} day{'' if self.days_left == 1 else 's'} left"


def clock(request: SubjectAccessRequest, today: date) -> Clock:
    if not request.status.is_open:
        return Clock(request, None)
    return Clock(request, (request.answer_due_on - today).days)


def load_request(request_id: int) -> SubjectAccessRequest:
    authorize(Permission.MANAGE_SUBJECT_ACCESS)
    request = db.session.get(SubjectAccessRequest, request_id)
    if request is None:
        abort(404)
    return request


def open_requests(today: date) -> list[Clock]:
    requests = db.session.scalars(
        select(SubjectAccessRequest)
        .where(SubjectAccessRequest.status.in_([RequestStatus.OPEN, RequestStatus.EXTENDED]))
        .order_by(SubjectAccessRequest.due_on, SubjectAccessRequest.id)
    )
    return sorted(
        (clock(request, today) for request in requests),
        key=lambda item: (item.request.answer_due_on, item.request.id),
    )


def closed_requests() -> list[SubjectAccessRequest]:
    return list(
        db.session.scalars(
            select(SubjectAccessRequest)
            .where(SubjectAccessRequest.status.in_(RequestStatus.closing()))
            .order_by(SubjectAccessRequest.completed_on.desc(), SubjectAccessRequest.id.desc())
            .limit(CLOSED_SHOWN)
        )
    )


def needing_attention(today: date) -> list[Clock]:
    """Open requests overdue or due within DUE_SOON_DAYS, the most urgent first."""
    return [item for item in open_requests(today) if item.overdue or item.due_soon]


def possible_people(request: SubjectAccessRequest) -> list[Person]:
    """Person records that may be the requester's: the same name, or the same name and date of
    birth or address as a record already linked. Never merged-away records."""
    linked = {link.person_id for link in request.people}
    found: dict[int, Person] = {}
    same_name = db.session.scalars(
        select(Person)
        .where(
            Person.name_key == normalise_name(request.requester_name),
            Person.merged_into_id.is_(None),
        )
        .order_by(Person.id)
    )
    for person in same_name:
        found[person.id] = person
    for person in request.subjects:
        for match in find_matching_people(
            name=person.name, date_of_birth=person.date_of_birth, address=person.address
        ):
            found[match.id] = match
    return [person for person_id, person in found.items() if person_id not in linked]
