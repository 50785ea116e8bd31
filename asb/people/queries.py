"""Reading people: possible duplicates, who may see a person, and the case page's section."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, or_, select

from asb.auth.models import User
from asb.cases.models import Case
from asb.extensions import db
from asb.incidents.models import Incident
from asb.people.models import CasePerson, IncidentPerson, Person
from asb.people.prompts import Prompt, case_review_prompt
from asb.people.services import normalise_address, normalise_name
from asb.people.victimisation import (
    VICTIM_ROLES,
    RepeatFlag,
    RepeatVictim,
    Report,
    is_repeat_victim_incident,
    prior_reports_within_window,
    repeat_flag_for_case,
    repeat_flag_for_incident,
    repeat_flags_for_people,
    repeat_settings,
    repeat_victims,
)
from asb.people.vocabulary import PersonRole
from asb.policy import Permission, can

# The repeat-victim reads live in victimisation.py and prompts.py; other features import them
# from here.
__all__ = [
    "Prompt",
    "RepeatFlag",
    "RepeatVictim",
    "Report",
    "case_review_prompt",
    "is_repeat_victim_incident",
    "prior_reports_within_window",
    "repeat_flag_for_case",
    "repeat_flag_for_incident",
    "repeat_settings",
    "repeat_victims",
]

# -- Duplicates and access ---------------------------------------------------------------


def find_matching_people(
    *,
    name: str,
    date_of_birth: date | None,
    address: str | None,
    exclude_id: int | None = None,
) -> list[Person]:
    """People with the same name and date of birth, or the same address (never merged ones)."""
    conditions = []
    if date_of_birth is not None and name:
        conditions.append(
            and_(Person.name_key == normalise_name(name), Person.date_of_birth == date_of_birth)
        )
    address_key = normalise_address(address)
    if address_key:
        conditions.append(Person.address_key == address_key)
    if not conditions:
        return []
    query = select(Person).where(or_(*conditions), Person.merged_into_id.is_(None))
    if exclude_id is not None:
        query = query.where(Person.id != exclude_id)
    return list(db.session.scalars(query.order_by(Person.name, Person.id)))


def find_duplicates(person: Person) -> list[Person]:
    return find_matching_people(
        name=person.name,
        date_of_birth=person.date_of_birth,
        address=person.address,
        exclude_id=person.id,
    )


def case_links(person: Person) -> list[CasePerson]:
    return list(
        db.session.scalars(
            select(CasePerson)
            .where(CasePerson.person_id == person.id)
            .order_by(CasePerson.added_at, CasePerson.id)
        )
    )


def incident_links(person: Person) -> list[IncidentPerson]:
    return list(
        db.session.scalars(
            select(IncidentPerson)
            .where(IncidentPerson.person_id == person.id)
            .order_by(IncidentPerson.added_at, IncidentPerson.id)
        )
    )


# -- People named on incidents -----------------------------------------------------------


@dataclass(frozen=True)
class PersonDraft:
    """A person named on an incident, ready to become a person record."""

    incident: Incident
    named_as: str  # "reporter" or "victim": which of the incident's fields it comes from
    role: PersonRole  # their role on a case
    incident_roles: tuple[PersonRole, ...]
    name: str
    phone: str | None
    email: str | None
    address: str | None


def people_from_incident(incident: Incident) -> list[PersonDraft]:
    """The named reporter and victim of an incident, offered as people to add to a case."""
    drafts = []
    if not incident.reporter_anonymous and incident.reporter_name:
        victim_too = incident.reporter_is_victim
        drafts.append(
            PersonDraft(
                incident=incident,
                named_as="reporter",
                role=PersonRole.VICTIM if victim_too else PersonRole.REPORTER,
                incident_roles=(PersonRole.VICTIM, PersonRole.REPORTER)
                if victim_too
                else (PersonRole.REPORTER,),
                name=incident.reporter_name,
                phone=incident.reporter_phone,
                email=incident.reporter_email,
                address=incident.reporter_address,
            )
        )
    if incident.victim_name:
        drafts.append(
            PersonDraft(
                incident=incident,
                named_as="victim",
                role=PersonRole.VICTIM,
                incident_roles=(PersonRole.VICTIM,),
                name=incident.victim_name,
                phone=incident.victim_phone,
                email=incident.victim_email,
                address=incident.victim_address,
            )
        )
    return drafts


def draft_from_incident(incident: Incident, named_as: str) -> PersonDraft | None:
    return next((d for d in people_from_incident(incident) if d.named_as == named_as), None)


def people_to_add_from_incidents(case: Case, user: User) -> list[PersonDraft]:
    """People named on the case's incidents (those whose details the user may see) who are
    not yet linked to their incident as a person record."""
    incidents = [
        link.incident
        for link in case.incident_links
        if can(user, Permission.VIEW_PERSONAL_DETAILS, link.incident)
    ]
    if not incidents:
        return []
    linked = set(
        db.session.execute(
            select(IncidentPerson.incident_id, IncidentPerson.role).where(
                IncidentPerson.incident_id.in_([incident.id for incident in incidents])
            )
        ).tuples()
    )
    return [
        draft
        for incident in incidents
        for draft in people_from_incident(incident)
        if not any((incident.id, role) in linked for role in draft.incident_roles)
    ]


# -- The case page's people section ------------------------------------------------------


@dataclass
class CasePeopleSection:
    links: list[CasePerson]
    role_counts: list[tuple[str, int]]
    show_personal: bool
    can_add: bool
    flags: dict[int, RepeatFlag] = field(default_factory=dict)
    to_add: list[PersonDraft] = field(default_factory=list)


def case_people_section(case: Case, user: User) -> CasePeopleSection:
    links = list(case.people)
    counts: dict[PersonRole, int] = defaultdict(int)
    for link in links:
        counts[link.role] += 1
    show_personal = can(user, Permission.VIEW_CASE_PERSONAL_DETAILS, case)
    section = CasePeopleSection(
        links=links,
        role_counts=[(role.label, counts[role]) for role in PersonRole if counts[role]],
        show_personal=show_personal,
        can_add=show_personal and can(user, Permission.WORK_CASE, case) and case.status.is_open,
    )
    if show_personal:
        victims = [link.person for link in links if link.role in VICTIM_ROLES]
        section.flags = repeat_flags_for_people(victims)
        if section.can_add:
            section.to_add = people_to_add_from_incidents(case, user)
    return section
