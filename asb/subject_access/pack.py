"""The subject access pack: everything asb holds about a person, with third parties redacted.

Read-only. The pack covers every person record the request is linked to (one person may have
been recorded more than once). Other people linked to the same incidents and cases appear as
"[third party]", and their names, phone numbers and email addresses are replaced by
"[redacted]" wherever they appear in free text, case-insensitively and on word boundaries.
Officers acting in their job are named: their names are not the third parties' personal data
that Schedule 2 paragraph 16 of the DPA 2018 protects. Automated redaction cannot find a
third party who is not on record (a neighbour named only in a note), so the pack says that a
person must read the free text before it is released.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from asb.agreements.vocabulary import DataCategory
from asb.calendar import london_day
from asb.cases.models import Case, CaseAction, TimelineEntry
from asb.cases.vocabulary import TimelineKind
from asb.disclosures.models import Disclosure, DisclosureSubject
from asb.documents.models import Document
from asb.extensions import db
from asb.incidents.models import Incident
from asb.people.models import CasePerson, IncidentPerson, Person
from asb.people.services import normalise_name
from asb.subject_access.models import SubjectAccessRequest

THIRD_PARTY = "[third party]"
REDACTED = "[redacted]"
# Parts of a name shorter than this ("Al", initials) would redact ordinary words.
SHORTEST_NAME_PART = 3
NOTE_KINDS = (TimelineKind.NOTE, TimelineKind.CONTACT)


@dataclass
class Redactor:
    """Replaces third parties' names and contact details in free text."""

    terms: list[str]
    pattern: re.Pattern[str] | None = None
    replacements: int = 0

    @classmethod
    def for_people(
        cls, subject_names: Iterable[str], others: Iterable[tuple[str | None, ...]]
    ) -> Redactor:
        """`others`: each third party's name, then their contact details (any may be None).

        A third party's whole name and each part of it are redacted, except parts the data
        subject's own name shares (a relative's surname): the subject's data stays theirs.
        """
        own_parts = {part for name in subject_names for part in normalise_name(name).split()}
        terms: set[str] = set()
        for name, *contacts in others:
            if name and name.strip():
                terms.add(" ".join(name.split()))
                terms.update(
                    part
                    for part in normalise_name(name).split()
                    if len(part) >= SHORTEST_NAME_PART and part not in own_parts
                )
            terms.update(contact.strip() for contact in contacts if contact and contact.strip())
        ordered = sorted(terms, key=lambda term: (-len(term), term.lower()))
        return cls(ordered, _pattern(ordered))

    def __call__(self, text: str | None) -> str | None:
        if not text or self.pattern is None:
            return text
        redacted, count = self.pattern.subn(REDACTED, text)
        self.replacements += count
        return redacted


def _pattern(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    # \b only where the term begins or ends with a word character: "+44 20..." has no \b.
    alternatives = [
        ("\\b" if term[0].isalnum() else "")
        + re.escape(term).replace("\\ ", "\\s+")
        + ("\\b" if term[-1].isalnum() else "")
        for term in terms
    ]
    return re.compile("|".join(alternatives), re.IGNORECASE)


@dataclass
class PersonSection:
    name: str
    date_of_birth: date | None
    address: str | None
    phone: str | None
    email: str | None
    vulnerability_notes: str | None
    recorded_on: date


@dataclass
class OtherPerson:
    """Someone else linked to the same record: their part, never who they are."""

    name: str
    role: str


@dataclass
class IncidentSection:
    reference: str
    occurred_on: date
    category: str
    status: str
    location: str
    description: str
    roles: list[str]
    reported_by: str | None
    victim: str | None
    others: list[OtherPerson] = field(default_factory=list)


@dataclass
class NoteSection:
    on: date
    kind: str
    text: str
    by: str | None


@dataclass
class ActionSection:
    description: str
    due_on: date
    state: str


@dataclass
class DocumentSection:
    name: str
    uploaded_on: date


@dataclass
class CaseSection:
    reference: str
    title: str
    summary: str
    status: str
    opened_on: date
    closed_on: date | None
    closing_summary: str | None
    roles: list[str]
    notes: list[NoteSection]
    actions: list[ActionSection]
    documents: list[DocumentSection]
    others: list[OtherPerson] = field(default_factory=list)


@dataclass
class DisclosureSection:
    on: date
    method: str
    recipient: str
    purpose: str
    description: str
    basis: str


@dataclass
class Pack:
    reference: str
    requester_name: str
    produced_on: date
    people: list[PersonSection]
    incidents: list[IncidentSection]
    cases: list[CaseSection]
    disclosures: list[DisclosureSection]
    third_parties: int
    redactions: int

    @property
    def redaction_applied(self) -> bool:
        return self.third_parties > 0 or self.redactions > 0

    @property
    def categories(self) -> list[DataCategory]:
        """What the pack carries, for the disclosure log."""
        found = [DataCategory.PEOPLE]
        if self.incidents:
            found += [DataCategory.INCIDENT_FACTS, DataCategory.LOCATIONS]
        if self.cases:
            found.append(DataCategory.CASE_WORK)
        if any(case.documents for case in self.cases):
            found.append(DataCategory.DOCUMENTS)
        if any(person.vulnerability_notes for person in self.people):
            found.append(DataCategory.VULNERABILITIES)
        return found

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["redaction_applied"] = self.redaction_applied
        data["notice"] = REVIEW_NOTICE
        return _jsonable(data)


REVIEW_NOTICE = (
    "Third parties linked to these records are shown as [third party], and their names and "
    "contact details are replaced by [redacted] in free text. Automated redaction is not "
    "perfect: a person must read every free-text passage before the pack is released. "
    "Officers acting in their job are named."
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def build_pack(request: SubjectAccessRequest, *, today: date) -> Pack:
    subjects = request.subjects
    subject_ids = {person.id for person in subjects}
    subject_keys = {person.name_key for person in subjects}

    incident_links = list(
        db.session.scalars(select(IncidentPerson).where(IncidentPerson.person_id.in_(subject_ids)))
    )
    case_links = list(
        db.session.scalars(select(CasePerson).where(CasePerson.person_id.in_(subject_ids)))
    )
    incidents = {link.incident_id: link.incident for link in incident_links}
    cases = {link.case_id: link.case for link in case_links}
    other_incident_links = _others(
        IncidentPerson, IncidentPerson.incident_id, incidents, subject_ids
    )
    other_case_links = _others(CasePerson, CasePerson.case_id, cases, subject_ids)
    about_them = select(DisclosureSubject.disclosure_id).where(
        DisclosureSubject.person_id.in_(subject_ids)
    )
    disclosures = list(
        db.session.scalars(
            select(Disclosure)
            .where(Disclosure.id.in_(about_them))
            .order_by(Disclosure.disclosed_at, Disclosure.id)
        )
    )

    third_parties: dict[int, Person] = {
        link.person_id: link.person for link in [*other_incident_links, *other_case_links]
    }
    for disclosure in disclosures:
        for subject in disclosure.subjects:
            if subject.person_id not in subject_ids:
                third_parties[subject.person_id] = subject.person
    contacts: list[tuple[str | None, ...]] = [
        (person.name, person.phone, person.email, person.address)
        for person in third_parties.values()
    ]
    for incident in incidents.values():
        for named in _named_on(incident):
            if normalise_name(named[0] or "") not in subject_keys:
                contacts.append(named)
    redact = Redactor.for_people([person.name for person in subjects], contacts)

    incident_sections = [
        _incident_section(
            incident,
            roles=[link.role.label for link in incident_links if link.incident_id == incident.id],
            others=[link for link in other_incident_links if link.incident_id == incident.id],
            subject_keys=subject_keys,
            redact=redact,
        )
        for incident in sorted(incidents.values(), key=lambda incident: incident.occurred_from)
    ]
    case_sections = [
        _case_section(
            case,
            roles=[link.role.label for link in case_links if link.case_id == case.id],
            others=[link for link in other_case_links if link.case_id == case.id],
            redact=redact,
        )
        for case in sorted(cases.values(), key=lambda case: case.opened_at)
    ]
    disclosure_sections = [_disclosure_section(disclosure, redact) for disclosure in disclosures]
    return Pack(
        reference=request.reference,
        requester_name=request.requester_name,
        produced_on=today,
        people=[_person_section(person) for person in subjects],
        incidents=incident_sections,
        cases=case_sections,
        disclosures=disclosure_sections,
        third_parties=len(third_parties),
        redactions=redact.replacements,
    )


def _others(model, record_column, records: dict[int, object], subject_ids: set[int]) -> list:
    if not records:
        return []
    return list(
        db.session.scalars(
            select(model)
            .where(record_column.in_(records), model.person_id.not_in(subject_ids))
            .order_by(model.id)
        )
    )


def _named_on(incident: Incident) -> list[tuple[str | None, ...]]:
    """The reporter and victim as the incident names them: name, phone, email, address."""
    return [
        (
            incident.reporter_name,
            incident.reporter_phone,
            incident.reporter_email,
            incident.reporter_address,
        ),
        (
            incident.victim_name,
            incident.victim_phone,
            incident.victim_email,
            incident.victim_address,
        ),
    ]


def _person_section(person: Person) -> PersonSection:
    return PersonSection(
        name=person.name,
        date_of_birth=person.date_of_birth,
        address=person.address,
        phone=person.phone,
        email=person.email,
        vulnerability_notes=person.vulnerability_notes,
        recorded_on=london_day(person.created_at),
    )


def _as_named(name: str | None, subject_keys: set[str]) -> str | None:
    """An incident's reporter or victim: the subject's own name, or a third party."""
    if not name:
        return None
    return name if normalise_name(name) in subject_keys else THIRD_PARTY


def _incident_section(
    incident: Incident,
    *,
    roles: list[str],
    others: list[IncidentPerson],
    subject_keys: set[str],
    redact: Redactor,
) -> IncidentSection:
    return IncidentSection(
        reference=incident.reference,
        occurred_on=london_day(incident.occurred_from),
        category=incident.category.label,
        status=incident.status.label,
        location=redact(incident.location_description) or "",
        description=redact(incident.description) or "",
        roles=roles,
        reported_by=(
            "Anonymous"
            if incident.reporter_anonymous
            else _as_named(incident.reporter_name, subject_keys)
        ),
        victim=_as_named(incident.victim_name, subject_keys),
        others=[OtherPerson(THIRD_PARTY, link.role.label) for link in others],
    )


def _case_section(
    case: Case, *, roles: list[str], others: list[CasePerson], redact: Redactor
) -> CaseSection:
    notes = db.session.scalars(
        select(TimelineEntry)
        .where(TimelineEntry.case_id == case.id, TimelineEntry.kind.in_(NOTE_KINDS))
        .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
    )
    actions = db.session.scalars(
        select(CaseAction).where(CaseAction.case_id == case.id).order_by(CaseAction.due_on)
    )
    documents = db.session.scalars(
        select(Document).where(Document.case_id == case.id).order_by(Document.uploaded_at)
    )
    return CaseSection(
        reference=case.reference,
        title=redact(case.title) or "",
        summary=redact(case.summary) or "",
        status=case.status.label,
        opened_on=london_day(case.opened_at),
        closed_on=london_day(case.closed_at) if case.closed_at else None,
        closing_summary=redact(case.closing_summary),
        roles=roles,
        notes=[
            NoteSection(
                on=london_day(note.occurred_at),
                kind=note.kind.label,
                text=redact(note.summary) or "",
                by=note.actor.name if note.actor else None,
            )
            for note in notes
        ],
        actions=[
            ActionSection(
                description=redact(action.description) or "",
                due_on=action.due_on,
                state=action.state.label,
            )
            for action in actions
        ],
        documents=[
            DocumentSection(
                name=redact(document.filename) or "", uploaded_on=london_day(document.uploaded_at)
            )
            for document in documents
        ],
        others=[OtherPerson(THIRD_PARTY, link.role.label) for link in others],
    )


def _disclosure_section(disclosure: Disclosure, redact: Redactor) -> DisclosureSection:
    recipient = " ".join(
        part
        for part in (
            disclosure.recipient_agency.name if disclosure.recipient_agency else None,
            disclosure.recipient_name,
        )
        if part
    )
    basis = (
        f"Agreement {disclosure.agreement.reference}"
        if disclosure.agreement
        else disclosure.lawful_basis.label
        if disclosure.lawful_basis
        else ""
    )
    return DisclosureSection(
        on=london_day(disclosure.disclosed_at),
        method=disclosure.method.label,
        recipient=recipient,
        purpose=redact(disclosure.purpose) or "",
        description=redact(disclosure.description) or "",
        basis=basis,
    )
