"""Adding people to cases and incidents, merging duplicate records, and recording that the
ASB Case Review was explained to a victim."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select, update

from asb.audit.services import record_event
from asb.auth.models import User
from asb.case_reviews.models import CaseReviewExplanation
from asb.cases.models import Case, CaseIncident, RiskAssessment
from asb.cases.services import add_timeline, ensure_case_open
from asb.cases.vocabulary import TimelineKind
from asb.extensions import db
from asb.incidents.models import Incident
from asb.interventions.models import Intervention
from asb.people.models import CasePerson, IncidentPerson, Person, PersonMerge
from asb.people.vocabulary import ExplanationMethod, PersonRole

_PUNCTUATION = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
_FLAT_WORDS = re.compile(r"\b(?:apartment|apt|flt)\b")
_POSTCODE = re.compile(r"\b([a-z]{1,2}\d[a-z\d]?)\s*(\d[a-z]{2})\b")

# The details a person record holds, in the order they are shown and kept in merge snapshots.
DETAIL_FIELDS = ("date_of_birth", "address", "phone", "email", "vulnerability_notes")


class PeopleError(Exception):
    """A change to people's records that is not allowed; the message says why."""


def normalise_name(name: str) -> str:
    """The name as duplicates are searched for: lower-cased and single-spaced."""
    return " ".join(name.split()).lower()


def normalise_address(address: str | None) -> str | None:
    """The address as duplicates are searched for.

    "Flat 3, 12 Crescent House, EC1Y0SL" and "apartment 3 12 crescent house ec1y 0sl" both
    become "flat 3 12 crescent house ec1y 0sl".
    """
    if not address:
        return None
    text = _PUNCTUATION.sub(" ", address.lower())
    text = _SPACES.sub(" ", text).strip()
    text = _FLAT_WORDS.sub("flat", text)
    text = _POSTCODE.sub(r"\1 \2", text)
    return text[:300] or None


def create_person(
    *,
    name: str,
    date_of_birth: date | None = None,
    address: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    vulnerability_notes: str | None = None,
) -> Person:
    if not name or not name.strip():
        raise PeopleError("Enter the person's name")
    person = Person(
        name=" ".join(name.split()),
        name_key=normalise_name(name),
        date_of_birth=date_of_birth,
        address=address or None,
        address_key=normalise_address(address),
        phone=phone or None,
        email=email or None,
        vulnerability_notes=vulnerability_notes or None,
    )
    db.session.add(person)
    db.session.flush()
    return person


def _fill_blanks(person: Person, details: dict[str, Any]) -> list[str]:
    """Copy details the person's record lacks; never overwrite what it holds."""
    filled = []
    for field in DETAIL_FIELDS:
        value = details.get(field)
        if value and not getattr(person, field):
            setattr(person, field, value)
            filled.append(field)
    if "address" in filled:
        person.address_key = normalise_address(person.address)
    return filled


def current_record(person: Person) -> Person:
    """The record a merged person now lives on (the person itself when never merged)."""
    seen = {person.id}
    while person.merged_into is not None and person.merged_into.id not in seen:
        person = person.merged_into
        seen.add(person.id)
    return person


def add_person_to_case(
    case: Case,
    *,
    role: PersonRole,
    actor: User,
    person: Person | None = None,
    name: str | None = None,
    date_of_birth: date | None = None,
    address: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    vulnerability_notes: str | None = None,
    incident: Incident | None = None,
    incident_roles: Sequence[PersonRole] = (),
) -> CasePerson:
    """Put a person on the case with a role: an existing record, or a new one from the details.

    An existing record keeps what it holds and gains only details it lacked. With an incident
    (the person was named on it), the person is linked to that incident too.
    The timeline says only which role was added: partner agencies see the timeline but not
    people's names.
    """
    ensure_case_open(case, "adding people to it")
    details = {
        "date_of_birth": date_of_birth,
        "address": address,
        "phone": phone,
        "email": email,
        "vulnerability_notes": vulnerability_notes,
    }
    if person is None:
        person = create_person(name=name or "", **details)
    else:
        person = current_record(person)
        if any(link.person_id == person.id and link.role is role for link in case.people):
            raise PeopleError(f"{person.name} is already on this case as {_role_words(role)}")
        _fill_blanks(person, details)
    link = CasePerson(person=person, role=role)
    case.people.append(link)
    db.session.flush()
    if incident is not None:
        for incident_role in incident_roles or (role,):
            link_person_to_incident(incident, person, incident_role, actor=actor)
    add_timeline(
        case,
        TimelineKind.PERSON,
        f"{role.label} added to the case",
        actor=actor,
        person_id=person.id,
        role=role.value,
    )
    record_event("case.person-added", actor=actor, obj=case, person_id=person.id, role=role.value)
    db.session.flush()
    return link


def _role_words(role: PersonRole) -> str:
    label = role.label.lower()
    return f"an {label}" if label[0] in "aeiou" else f"a {label}"


def link_person_to_incident(
    incident: Incident, person: Person, role: PersonRole, *, actor: User
) -> IncidentPerson:
    """Record the person's part in the incident; linking twice is harmless."""
    person = current_record(person)
    existing = db.session.scalar(
        select(IncidentPerson).where(
            IncidentPerson.incident_id == incident.id,
            IncidentPerson.person_id == person.id,
            IncidentPerson.role == role,
        )
    )
    if existing is not None:
        return existing
    link = IncidentPerson(incident=incident, person=person, role=role)
    db.session.add(link)
    db.session.flush()
    record_event(
        "incident.person-linked", actor=actor, obj=incident, person_id=person.id, role=role.value
    )
    return link


def _snapshot(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "address": person.address,
        "phone": person.phone,
        "email": person.email,
        "vulnerability_notes": person.vulnerability_notes,
        "created_at": person.created_at.isoformat() if person.created_at else None,
    }


def merge_people(keep: Person, duplicate: Person, *, actor: User) -> PersonMerge:
    """Make two records of one person into one, keeping what the duplicate said.

    Every link moves to the kept record (a link the kept record already has is dropped, so
    nothing is doubled); blanks on the kept record are filled from the duplicate, and
    differing vulnerability notes are added to its own, because none may be lost. The
    duplicate stays, pointing at the kept record, and the merge keeps a snapshot of it.
    """
    if keep.id == duplicate.id:
        raise PeopleError("Choose two different records to merge")
    if keep.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise PeopleError("One of these records has already been merged into another")
    snapshot = _snapshot(duplicate)

    case_links = []
    kept_case_roles = {
        (link.case_id, link.role)
        for link in db.session.scalars(select(CasePerson).where(CasePerson.person_id == keep.id))
    }
    affected_cases: dict[int, Case] = {}
    for link in db.session.scalars(select(CasePerson).where(CasePerson.person_id == duplicate.id)):
        already = (link.case_id, link.role) in kept_case_roles
        case_links.append({"case_id": link.case_id, "role": link.role.value, "dropped": already})
        affected_cases[link.case_id] = link.case
        if already:
            link.case.people.remove(link)
            db.session.delete(link)
        else:
            link.person = keep

    incident_links = []
    kept_incident_roles = {
        (link.incident_id, link.role)
        for link in db.session.scalars(
            select(IncidentPerson).where(IncidentPerson.person_id == keep.id)
        )
    }
    for link in db.session.scalars(
        select(IncidentPerson).where(IncidentPerson.person_id == duplicate.id)
    ):
        already = (link.incident_id, link.role) in kept_incident_roles
        incident_links.append(
            {"incident_id": link.incident_id, "role": link.role.value, "dropped": already}
        )
        if already:
            db.session.delete(link)
        else:
            link.person = keep
    db.session.flush()

    for model, column in (
        (CaseReviewExplanation, CaseReviewExplanation.person_id),
        (RiskAssessment, RiskAssessment.person_id),
        (Intervention, Intervention.served_on_person_id),
        (Person, Person.merged_into_id),
    ):
        db.session.execute(
            update(model).where(column == duplicate.id).values({column.key: keep.id}),
            execution_options={"synchronize_session": "fetch"},
        )

    filled = _fill_blanks(keep, {field: getattr(duplicate, field) for field in DETAIL_FIELDS})
    notes = duplicate.vulnerability_notes
    if notes and "vulnerability_notes" not in filled and notes not in keep.vulnerability_notes:
        keep.vulnerability_notes = f"{keep.vulnerability_notes}\n\n{notes}"
        filled.append("vulnerability_notes")
    duplicate.merged_into = keep

    merge = PersonMerge(
        kept_person_id=keep.id,
        merged_person_id=duplicate.id,
        merged_by_id=actor.id,
        merged_details={
            **snapshot,
            "case_links": case_links,
            "incident_links": incident_links,
            "filled_on_kept_record": filled,
        },
    )
    db.session.add(merge)
    for case in affected_cases.values():
        add_timeline(
            case,
            TimelineKind.PERSON,
            "Two records of the same person merged",
            actor=actor,
            person_id=keep.id,
            merged_person_id=duplicate.id,
        )
    record_event("person.merged", actor=actor, obj=keep, merged_person_id=duplicate.id)
    db.session.flush()
    return merge


def record_case_review_explained(
    incident: Incident,
    *,
    how: ExplanationMethod,
    actor: User,
    person: Person | None = None,
) -> CaseReviewExplanation:
    """Record that the officer explained the ASB Case Review to the incident's victim."""
    explanation = CaseReviewExplanation(
        incident_id=incident.id,
        person_id=current_record(person).id if person is not None else None,
        explained_by_id=actor.id,
        how=how.value,
    )
    db.session.add(explanation)
    db.session.flush()
    cases = db.session.scalars(
        select(Case).join(CaseIncident).where(CaseIncident.incident_id == incident.id)
    )
    for case in cases:
        add_timeline(
            case,
            TimelineKind.NOTE,
            f"ASB Case Review explained to the victim of {incident.reference} "
            f"({how.label.lower()})",
            actor=actor,
            incident_id=incident.id,
        )
    record_event("incident.case-review-explained", actor=actor, obj=incident, how=how.value)
    db.session.flush()
    return explanation
