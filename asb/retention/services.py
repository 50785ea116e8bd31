"""Anonymising what the retention schedule says is due. Commits in batches.

A record is anonymised, never deleted: its personal details and free text go, and what it
says about the place and the problem stays (category, dates, status, ward, map position,
agencies, outcome), so counts, trends and hotspot maps read the same before and after.
Each record anonymised is written down in anonymised_records, which makes a run idempotent:
a record is due once, and a run stopped part-way is finished by the next.

Left as they are, and why:
- the disclosure log (disclosures and their subjects): it is the evidence of what was
  disclosed, to whom and on what basis; the person it names is anonymised, so the entry
  keeps its facts but no longer identifies them through the person record;
- the audit trail: append-only, and it never held personal data (ids and codes only);
- police.uk incidents: published open data, with no personal details;
- ASB Case Review applications not linked to a case: they have no closing date to count
  from (the applications about a case go with the case).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from asb.audit.services import record_event
from asb.calendar import add_months, start_of_london_day
from asb.case_reviews.models import CaseReviewApplication
from asb.cases.models import Assignment, Case, CaseAction, CaseIncident, TimelineEntry
from asb.cases.vocabulary import CaseStatus
from asb.documents import storage
from asb.documents.models import Document
from asb.extensions import db
from asb.incidents.models import PERSONAL_FIELDS, Incident, IncidentChange
from asb.incidents.vocabulary import IncidentSource, IncidentStatus
from asb.interventions.models import Intervention, InterventionBreach
from asb.people.models import CasePerson, IncidentPerson, Person, PersonMerge
from asb.retention.models import AnonymisedRecord
from asb.retention.schedule import RetentionSchedule

log = logging.getLogger(__name__)

REMOVED = "[removed under the retention schedule]"
ANONYMISED_NAME = "Anonymised person"
ANONYMISED_DOCUMENT = "Anonymised document"
BATCH_SIZE = 200
CASE, INCIDENT, PERSON = "case", "incident", "person"
# An incident's history keeps each field's old and new values: these carry personal data.
_INCIDENT_HISTORY_FIELDS = {
    *PERSONAL_FIELDS,
    "description",
    "location_description",
    "no_further_action_reason",
}


@dataclass
class DuePlan:
    """What is due, by id; references for the report, never personal data."""

    case_ids: list[int] = field(default_factory=list)
    incident_ids: list[int] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.case_ids) + len(self.incident_ids) + len(self.person_ids)


def _cutoff(today: date, years: int) -> datetime:
    """Moments before this are at least `years` whole years before `today` (London days):
    a record closed on 3 May 2020 is due on 3 May 2026 under a six-year period."""
    return start_of_london_day(add_months(today, -12 * years) + timedelta(days=1))


def _anonymised(kind: str) -> set[int]:
    return set(
        db.session.scalars(select(AnonymisedRecord.record_id).where(AnonymisedRecord.kind == kind))
    )


def find_due(today: date, schedule: RetentionSchedule) -> DuePlan:
    """Everything due on `today`, including what follows a due record (a case's incidents, the
    people whose every record is going)."""
    gone_cases = _anonymised(CASE)
    gone_incidents = _anonymised(INCIDENT)
    gone_people = _anonymised(PERSON)

    due_cases = [
        case_id
        for case_id in db.session.scalars(
            select(Case.id)
            .where(
                Case.status == CaseStatus.CLOSED,
                Case.closed_at < _cutoff(today, schedule.closed_cases_years),
            )
            .order_by(Case.id)
        )
        if case_id not in gone_cases
    ]
    cases_going = gone_cases | set(due_cases)

    incidents_on_cases: dict[int, set[int]] = {}
    for incident_id, case_id in db.session.execute(
        select(CaseIncident.incident_id, CaseIncident.case_id)
    ):
        incidents_on_cases.setdefault(incident_id, set()).add(case_id)
    with_their_cases = {
        incident_id
        for incident_id, case_ids in incidents_on_cases.items()
        if case_ids <= cases_going
    }
    due_incidents = sorted(
        (
            with_their_cases
            | _incidents_not_on_a_case(
                today, schedule, on_a_case=set(incidents_on_cases), status_closed=True
            )
            | _incidents_not_on_a_case(
                today, schedule, on_a_case=set(incidents_on_cases), status_closed=False
            )
        )
        - gone_incidents
    )
    incidents_going = gone_incidents | set(due_incidents)

    due_people = _people_due(today, schedule, cases_going, incidents_going, gone_people)
    return DuePlan(due_cases, due_incidents, due_people)


def _incidents_not_on_a_case(
    today: date, schedule: RetentionSchedule, *, on_a_case: set[int], status_closed: bool
) -> set[int]:
    """Partnership incidents on no case: closed with no further action long enough ago, or
    left open and untouched for the longer period."""
    changes = select(IncidentChange.incident_id, func.max(IncidentChange.changed_at).label("at"))
    if status_closed:
        changes = changes.where(IncidentChange.action == "status")
        status = Incident.status == IncidentStatus.NO_FURTHER_ACTION
        cutoff = _cutoff(today, schedule.incidents_no_further_action_years)
    else:
        status = Incident.status != IncidentStatus.NO_FURTHER_ACTION
        cutoff = _cutoff(today, schedule.incidents_left_open_years)
    last = changes.group_by(IncidentChange.incident_id).subquery()
    since = func.coalesce(last.c.at, Incident.created_at)
    found = db.session.scalars(
        select(Incident.id)
        .outerjoin(last, last.c.incident_id == Incident.id)
        .where(Incident.source == IncidentSource.PARTNERSHIP, status, since < cutoff)
    )
    return {incident_id for incident_id in found if incident_id not in on_a_case}


def _people_due(
    today: date,
    schedule: RetentionSchedule,
    cases_going: set[int],
    incidents_going: set[int],
    gone_people: set[int],
) -> list[int]:
    records: dict[int, list[bool]] = {}
    for person_id, incident_id in db.session.execute(
        select(IncidentPerson.person_id, IncidentPerson.incident_id)
    ):
        records.setdefault(person_id, []).append(incident_id in incidents_going)
    for person_id, case_id in db.session.execute(select(CasePerson.person_id, CasePerson.case_id)):
        records.setdefault(person_id, []).append(case_id in cases_going)
    unlinked_cutoff = _cutoff(today, schedule.people_without_records_years)
    due = []
    for person_id, created_at in db.session.execute(
        select(Person.id, Person.created_at)
        .where(Person.merged_into_id.is_(None))
        .order_by(Person.id)
    ):
        if person_id in gone_people:
            continue
        going = records.get(person_id)
        if going is None:
            if created_at < unlinked_cutoff:
                due.append(person_id)
        elif all(going):
            due.append(person_id)
    return due


def describe(plan: DuePlan) -> list[str]:
    """The plan in lines for the command's output: counts and references only."""
    return [
        f"Cases due: {len(plan.case_ids)}" + _listed(_references(Case, plan.case_ids)),
        f"Incidents due: {len(plan.incident_ids)}"
        + _listed(_references(Incident, plan.incident_ids)),
        f"People due: {len(plan.person_ids)}"
        + _listed([f"person record {person_id}" for person_id in plan.person_ids]),
    ]


def _references(model, ids: list[int]) -> list[str]:
    found: list[str] = []
    for batch in _batches(ids):
        found += db.session.scalars(
            select(model.reference).where(model.id.in_(batch)).order_by(model.id)
        )
    return found


def _listed(items: list[str]) -> str:
    return f" ({', '.join(items)})" if items else ""


def _batches(ids: Iterable[int]) -> Iterator[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


def apply(plan: DuePlan) -> dict[str, int]:
    """Anonymise everything in the plan, committing after each batch; returns the counts."""
    done = {CASE: 0, INCIDENT: 0, PERSON: 0}
    for kind, ids, anonymise in (
        (CASE, plan.case_ids, _anonymise_case),
        (INCIDENT, plan.incident_ids, _anonymise_incident),
        (PERSON, plan.person_ids, _anonymise_person),
    ):
        model = {CASE: Case, INCIDENT: Incident, PERSON: Person}[kind]
        for batch in _batches(ids):
            already = _anonymised(kind) & set(batch)
            todo = [record_id for record_id in batch if record_id not in already]
            if not todo:
                continue
            for record in db.session.scalars(select(model).where(model.id.in_(todo))):
                anonymise(record)
                db.session.add(AnonymisedRecord(kind=kind, record_id=record.id))
            db.session.flush()
            record_event(f"retention.{kind}-anonymised", count=len(todo), record_ids=todo)
            db.session.commit()
            done[kind] += len(todo)
    return done


def _removed(value: str | None) -> str | None:
    return REMOVED if value else value


def _anonymise_case(case: Case) -> None:
    case.title = REMOVED
    case.summary = REMOVED
    case.closing_summary = _removed(case.closing_summary)
    case.restriction_reason = _removed(case.restriction_reason)
    for entry in db.session.scalars(select(TimelineEntry).where(TimelineEntry.case_id == case.id)):
        entry.summary = REMOVED  # the kind, time and ids in its detail stay
    for action in db.session.scalars(select(CaseAction).where(CaseAction.case_id == case.id)):
        action.description = REMOVED
    for assignment in db.session.scalars(select(Assignment).where(Assignment.case_id == case.id)):
        assignment.reason = _removed(assignment.reason)
    for intervention in db.session.scalars(
        select(Intervention).where(Intervention.case_id == case.id)
    ):
        intervention.conditions = _removed(intervention.conditions)
        intervention.served_on_premises = _removed(intervention.served_on_premises)
        for breach in db.session.scalars(
            select(InterventionBreach).where(InterventionBreach.intervention_id == intervention.id)
        ):
            breach.description = REMOVED
    for document in db.session.scalars(select(Document).where(Document.case_id == case.id)):
        storage.path_of(document.storage_name).unlink(missing_ok=True)
        document.filename = ANONYMISED_DOCUMENT
        document.description = None
    for application in db.session.scalars(
        select(CaseReviewApplication).where(CaseReviewApplication.case_id == case.id)
    ):
        application.applicant_name = REMOVED
        application.applicant_contact = REMOVED
        application.on_behalf_of = None
        application.threshold_notes = _removed(application.threshold_notes)
        application.victim_view = _removed(application.victim_view)
        application.appeal_outcome = _removed(application.appeal_outcome)
        for complaint in application.complaints:
            complaint.description = _removed(complaint.description)


def _anonymise_incident(incident: Incident) -> None:
    incident.description = REMOVED
    incident.location_description = REMOVED
    for name in (
        "reporter_name",
        "reporter_phone",
        "reporter_email",
        "reporter_address",
        "victim_name",
        "victim_phone",
        "victim_email",
        "victim_address",
    ):
        setattr(incident, name, None)
    incident.vulnerabilities = []
    incident.no_further_action_reason = _removed(incident.no_further_action_reason)
    incident.restriction_reason = _removed(incident.restriction_reason)
    for change in db.session.scalars(
        select(IncidentChange).where(IncidentChange.incident_id == incident.id)
    ):
        change.changes = _scrubbed_history(change.changes)


def _scrubbed_history(changes: dict[str, Any]) -> dict[str, Any]:
    return {
        name: (
            [None if value in (None, "", []) else REMOVED for value in values]
            if name in _INCIDENT_HISTORY_FIELDS and isinstance(values, list)
            else values
        )
        for name, values in changes.items()
    }


def _anonymise_person(person: Person) -> None:
    merged = list(db.session.scalars(select(Person).where(Person.merged_into_id == person.id)))
    for record in (person, *merged):
        record.name = ANONYMISED_NAME
        record.name_key = ANONYMISED_NAME.lower()
        record.date_of_birth = None
        record.address = None
        record.address_key = None
        record.phone = None
        record.email = None
        record.vulnerability_notes = None
    ids = [person.id, *(record.id for record in merged)]
    for merge in db.session.scalars(
        select(PersonMerge).where(
            PersonMerge.kept_person_id.in_(ids) | PersonMerge.merged_person_id.in_(ids)
        )
    ):
        merge.merged_details = {}
