"""Reading who else knows a person, and the requests for their details."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, select

from asb.auth.models import Agency, User
from asb.calendar import today_in_london
from asb.cases.models import Case
from asb.extensions import db
from asb.incidents.models import Incident
from asb.known_to.models import (
    MatchKeys,
    PersonDetailsRequest,
    RecordsAbout,
    holders_of,
    records_about,
    same_person_ids,
)
from asb.known_to.vocabulary import RequestStatus
from asb.people.models import CasePerson, IncidentPerson, Person
from asb.people.services import normalise_address, normalise_name
from asb.policy import Permission, can


@dataclass
class KnownTo:
    """Another agency that holds records about the person, and how many: nothing more."""

    agency: Agency
    records: int
    # The viewer's own request to that agency about this person, if one waits or is live.
    request: PersonDetailsRequest | None = None
    may_ask: bool = False

    @property
    def records_words(self) -> str:
        return f"{self.records} record{'' if self.records == 1 else 's'}"


def _sees_details(viewer: User, record: Incident | Case) -> bool:
    if isinstance(record, Incident):
        return can(viewer, Permission.VIEW_PERSONAL_DETAILS, record)
    return can(viewer, Permission.VIEW_CASE_PERSONAL_DETAILS, record)


def _known_to(records: RecordsAbout, viewer: User) -> list[KnownTo]:
    """The other agencies holding records whose details the viewer may not see."""
    counts: dict[int, int] = defaultdict(int)
    for record in [*records.incidents, *records.cases]:
        holders = holders_of(record) - {viewer.agency_id}
        if not holders or _sees_details(viewer, record):
            continue
        for agency_id in holders:
            counts[agency_id] += 1
    if not counts:
        return []
    agencies = {
        agency.id: agency
        for agency in db.session.scalars(select(Agency).where(Agency.id.in_(counts)))
    }
    return sorted(
        (KnownTo(agencies[agency_id], count) for agency_id, count in counts.items()),
        key=lambda known: known.agency.name,
    )


def also_known_to(person: Person, viewer: User) -> list[KnownTo]:
    """The other agencies that hold incidents or cases about this person, or about a record
    that matches them (the same name and date of birth, or name and address), whose details
    the viewer may not see; with the viewer's open request to each, and whether they may ask.
    """
    found = _known_to(records_about(same_person_ids(MatchKeys.of(person))), viewer)
    if not found:
        return found
    requests = open_requests(person, viewer)
    for known in found:
        known.request = requests.get(known.agency.id)
        known.may_ask = known.request is None and can(
            viewer, Permission.REQUEST_PERSON_DETAILS, (person, known.agency)
        )
    return found


def also_known_to_by_details(
    viewer: User,
    *,
    name: str | None,
    date_of_birth: date | None = None,
    address: str | None = None,
) -> list[KnownTo]:
    """As also_known_to, for a person not yet recorded: matched on the details typed."""
    name_key = normalise_name(name or "")
    if not name_key:
        return []
    keys = MatchKeys(name_key, date_of_birth, normalise_address(address))
    return _known_to(records_about(same_person_ids(keys)), viewer)


def open_requests(person: Person, viewer: User) -> dict[int, PersonDetailsRequest]:
    """The viewer's requests about the person still waiting, or approved and not expired, by
    the agency asked."""
    today = today_in_london()
    requests = db.session.scalars(
        select(PersonDetailsRequest)
        .where(
            PersonDetailsRequest.person_id == person.id,
            PersonDetailsRequest.requested_by_id == viewer.id,
            PersonDetailsRequest.status.in_([RequestStatus.PENDING, RequestStatus.APPROVED]),
        )
        .order_by(PersonDetailsRequest.requested_at, PersonDetailsRequest.id)
    )
    return {
        request.holding_agency_id: request
        for request in requests
        if request.status is RequestStatus.PENDING or request.approval_live_on(today)
    }


# -- Requests ------------------------------------------------------------------------------


def requests_to_answer(user: User) -> list[PersonDetailsRequest]:
    """Requests waiting for the user's answer: to their agency, or to any agency for the ASB
    lead; oldest first."""
    query = select(PersonDetailsRequest).where(
        PersonDetailsRequest.status == RequestStatus.PENDING,
        PersonDetailsRequest.requested_by_id != user.id,
    )
    if not user.is_asb_lead:
        query = query.where(PersonDetailsRequest.holding_agency_id == user.agency_id)
    return list(
        db.session.scalars(
            query.order_by(PersonDetailsRequest.requested_at, PersonDetailsRequest.id)
        )
    )


def requests_answered(user: User, limit: int = 50) -> list[PersonDetailsRequest]:
    """The latest answered requests to the user's agency (every agency for the ASB lead)."""
    query = select(PersonDetailsRequest).where(PersonDetailsRequest.status != RequestStatus.PENDING)
    if not user.is_asb_lead:
        query = query.where(PersonDetailsRequest.holding_agency_id == user.agency_id)
    return list(
        db.session.scalars(
            query.order_by(
                PersonDetailsRequest.answered_at.desc(), PersonDetailsRequest.id.desc()
            ).limit(limit)
        )
    )


def requests_made_by(user: User, limit: int = 50) -> list[PersonDetailsRequest]:
    return list(
        db.session.scalars(
            select(PersonDetailsRequest)
            .where(PersonDetailsRequest.requested_by_id == user.id)
            .order_by(PersonDetailsRequest.requested_at.desc(), PersonDetailsRequest.id.desc())
            .limit(limit)
        )
    )


def waiting_count(user: User) -> int:
    if not can(user, Permission.VIEW_PERSON_DETAILS_REQUESTS):
        return 0
    return len(requests_to_answer(user))


@dataclass
class HeldDetails:
    """What the holding agency holds about the person, as far as an approval opens it."""

    people: list[Person] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)


def held_details(request: PersonDetailsRequest) -> HeldDetails:
    """The holding agency's records about the person (restricted ones are never opened this
    way: they stay with their team), and the person records those are linked to."""
    keys = MatchKeys.of(request.person)
    held = records_about(same_person_ids(keys)).held_by(request.holding_agency_id)
    incidents = [incident for incident in held.incidents if not incident.restricted]
    cases = [case for case in held.cases if not case.restricted]
    people = _people_on(incidents, cases, same_person_ids(keys))
    return HeldDetails(people=people, incidents=incidents, cases=cases)


def _people_on(incidents: list[Incident], cases: list[Case], person_ids: Select) -> list[Person]:
    incident_ids = [incident.id for incident in incidents]
    case_ids = [case.id for case in cases]
    linked = (
        select(IncidentPerson.person_id)
        .where(IncidentPerson.incident_id.in_(incident_ids))
        .union(select(CasePerson.person_id).where(CasePerson.case_id.in_(case_ids)))
    )
    return list(
        db.session.scalars(
            select(Person)
            .where(Person.id.in_(person_ids), Person.id.in_(linked))
            .order_by(Person.name, Person.id)
        )
    )
