"""`asb retention`: what is due on which day, anonymising it, and what stays true.

The records are made at fixed moments with freezegun, and the schedule is run on the days
either side of each threshold: a day before, the record is kept; a day after, it is
anonymised.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from asb.audit.models import AuditEvent
from asb.auth.models import Role, User
from asb.calendar import today_in_london
from asb.cases import services as case_services
from asb.cases.models import Case, CaseAction, TimelineEntry
from asb.cases.vocabulary import CaseOutcome, CaseStatus
from asb.documents.models import Document
from asb.documents.storage import path_of, stored_until_rollback
from asb.extensions import db
from asb.incidents import services as incident_services
from asb.incidents.models import Incident, IncidentChange
from asb.incidents.vocabulary import IncidentStatus
from asb.people.models import Person
from asb.people.vocabulary import PersonRole
from asb.retention import services
from asb.retention.models import AnonymisedRecord
from asb.retention.schedule import retention_schedule
from asb.retention.services import ANONYMISED_NAME, REMOVED
from tests.factories import (
    CasePersonFactory,
    DocumentFactory,
    IncidentFactory,
    IncidentPersonFactory,
    PersonFactory,
    make_action,
    make_case,
    make_user,
    request_context,
)


@dataclass
class World:
    closed_case: Case  # closed 3 May 2020 (London): due 3 May 2026
    open_case: Case
    case_incident: Incident  # on the closed case only: goes with it
    shared_incident: Incident  # on the closed case and the open one: stays
    nfa_incident: Incident  # on no case, closed with no further action 10 March 2024
    left_open: Incident  # on no case, new since 1 February 2020: due 1 February 2026
    recent: Incident  # on no case, closed with no further action last week
    on_closed_case_only: Person
    on_both_cases: Person
    nfa_reporter: Person
    unlinked: Person  # linked to nothing, made 1 June 2025: due 1 June 2026
    document: Document
    officer: User


@pytest.fixture
def world(app, db_session, tmp_path, monkeypatch) -> World:
    monkeypatch.setitem(app.config, "DOCUMENT_STORAGE_DIR", str(tmp_path / "documents"))
    with freeze_time("2020-02-01 10:00"):
        officer = make_user(Role.MANAGER, "housing")
        left_open = IncidentFactory(description="Left open: Pat Person's dog")
    with freeze_time("2020-04-01 10:00"):
        case_incident = IncidentFactory(ward_code="E05009300", ward_name="Cripplegate")
        shared_incident = IncidentFactory()
        closed_case = make_case("housing", officer, incidents=[case_incident, shared_incident])
        make_action(closed_case, officer, date(2020, 4, 20), description="Visit Sam Caller")
        on_closed_case_only = PersonFactory(
            name="Sam Caller",
            date_of_birth=date(1980, 5, 1),
            address="1 Subject Street",
            phone="020 7946 0100",
            email="sam@example.com",
            vulnerability_notes="Hearing impairment",
        )
        on_both_cases = PersonFactory(name="Jo Both")
        CasePersonFactory(case_id=closed_case.id, person_id=on_closed_case_only.id)
        IncidentPersonFactory(incident=case_incident, person=on_closed_case_only)
        CasePersonFactory(case_id=closed_case.id, person_id=on_both_cases.id)
        with stored_until_rollback(b"Statement of Sam Caller") as storage_name:
            document = DocumentFactory(
                case_id=closed_case.id,
                filename="sam-caller-statement.txt",
                storage_name=storage_name,
                description="Sam's statement",
            )
    with freeze_time("2020-05-03 09:00"), request_context():  # 10:00 in London
        case_services.close_case(
            closed_case,
            outcome=CaseOutcome.RESOLVED,
            closing_summary="Sam Caller is happy now",
            actor=officer,
        )
    with freeze_time("2023-01-01 10:00"):
        open_case = make_case("housing", officer, incidents=[shared_incident])
        CasePersonFactory(case_id=open_case.id, person_id=on_both_cases.id)
    with freeze_time("2024-03-01 10:00"):
        nfa_incident = IncidentFactory(status=IncidentStatus.TRIAGED)
        nfa_reporter = PersonFactory(name="Nia Reporter")
        IncidentPersonFactory(incident=nfa_incident, person=nfa_reporter, role=PersonRole.REPORTER)
    with freeze_time("2024-03-10 12:00"):
        incident_services.change_status(
            nfa_incident,
            IncidentStatus.NO_FURTHER_ACTION,
            actor=officer,
            reason="Nia Reporter could not be reached",
        )
    with freeze_time("2025-06-01 10:00"):
        unlinked = PersonFactory(name="Una Linked")
    with freeze_time("2026-11-20 10:00"):
        recent = IncidentFactory(status=IncidentStatus.NO_FURTHER_ACTION)
    db.session.commit()
    return World(
        closed_case=closed_case,
        open_case=open_case,
        case_incident=case_incident,
        shared_incident=shared_incident,
        nfa_incident=nfa_incident,
        left_open=left_open,
        recent=recent,
        on_closed_case_only=on_closed_case_only,
        on_both_cases=on_both_cases,
        nfa_reporter=nfa_reporter,
        unlinked=unlinked,
        document=document,
        officer=officer,
    )


def due_on(day: str) -> services.DuePlan:
    with freeze_time(f"{day} 12:00"):
        return services.find_due(today_in_london(), retention_schedule())


def run_on(day: str) -> dict[str, int]:
    plan = due_on(day)
    with freeze_time(f"{day} 12:00"):
        return services.apply(plan)


@pytest.mark.parametrize(
    ("day", "cases", "incidents", "people"),
    [
        ("2026-01-31", [], [], []),
        ("2026-02-02", [], ["left_open"], []),
        ("2026-03-09", [], ["left_open"], []),
        ("2026-03-11", [], ["left_open", "nfa_incident"], ["nfa_reporter"]),
        ("2026-05-02", [], ["left_open", "nfa_incident"], ["nfa_reporter"]),
        (
            "2026-05-04",
            ["closed_case"],
            ["case_incident", "left_open", "nfa_incident"],
            ["on_closed_case_only", "nfa_reporter"],
        ),
        (
            "2026-06-02",
            ["closed_case"],
            ["case_incident", "left_open", "nfa_incident"],
            ["on_closed_case_only", "nfa_reporter", "unlinked"],
        ),
    ],
)
def test_what_is_due_on_each_side_of_each_threshold(world, day, cases, incidents, people):
    plan = due_on(day)

    assert plan.case_ids == [getattr(world, name).id for name in cases]
    assert plan.incident_ids == sorted(getattr(world, name).id for name in incidents)
    assert plan.person_ids == sorted(getattr(world, name).id for name in people)


def _snapshot() -> list:
    db.session.expire_all()
    rows = []
    for model in (Case, Incident, Person, Document, TimelineEntry, CaseAction, IncidentChange):
        for record in db.session.scalars(select(model).order_by(model.id)):
            rows.append(
                {column.key: str(getattr(record, column.key)) for column in model.__table__.columns}
            )
    return rows


def test_a_dry_run_lists_references_and_changes_nothing(app, world):
    before = _snapshot()
    runner = app.test_cli_runner()

    with freeze_time("2026-05-04 12:00"):
        result = runner.invoke(args=["asb", "retention", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert f"Cases due: 1 ({world.closed_case.reference})" in result.output
    assert "Incidents due: 3 (" in result.output
    assert world.nfa_incident.reference in result.output
    assert "People due: 2 (person record" in result.output
    assert "Dry run: nothing was changed." in result.output
    for name in ("Sam", "Caller", "Nia", "Subject Street"):
        assert name not in result.output
    assert _snapshot() == before
    assert db.session.scalar(select(func.count()).select_from(AnonymisedRecord)) == 0
    assert path_of(world.document.storage_name).exists()


def test_apply_anonymises_what_is_due_and_keeps_the_facts(app, world):
    case, incident = world.closed_case, world.case_incident
    facts = (case.status, case.outcome, case.closed_at, case.lead_agency_id, case.reference)
    incident_facts = (
        incident.category,
        incident.occurred_from,
        incident.status,
        incident.ward_code,
        incident.latitude,
        incident.longitude,
        incident.grid_cell,
        incident.recording_agency_id,
    )
    runner = app.test_cli_runner()

    with freeze_time("2026-05-04 12:00"):
        result = runner.invoke(args=["asb", "retention", "--apply"])

    assert result.exit_code == 0, result.output
    assert "Anonymised 1 cases, 3 incidents and 2 people." in result.output
    db.session.expire_all()
    assert (case.title, case.summary, case.closing_summary) == (REMOVED, REMOVED, REMOVED)
    assert (case.status, case.outcome, case.closed_at, case.lead_agency_id, case.reference) == (
        facts
    )
    assert {
        entry.summary
        for entry in db.session.scalars(
            select(TimelineEntry).where(TimelineEntry.case_id == case.id)
        )
    } == {REMOVED}
    assert {
        action.description
        for action in db.session.scalars(select(CaseAction).where(CaseAction.case_id == case.id))
    } == {REMOVED}
    assert (incident.description, incident.location_description) == (REMOVED, REMOVED)
    assert (incident.reporter_name, incident.reporter_phone, incident.reporter_email) == (
        None,
        None,
        None,
    )
    assert incident.vulnerabilities == []
    assert (
        incident.category,
        incident.occurred_from,
        incident.status,
        incident.ward_code,
        incident.latitude,
        incident.longitude,
        incident.grid_cell,
        incident.recording_agency_id,
    ) == incident_facts
    nfa_history = json.dumps([change.changes for change in world.nfa_incident.changes], default=str)
    assert "Nia" not in nfa_history
    assert "no-further-action" in nfa_history  # the status change itself stays
    person = world.on_closed_case_only
    assert (person.name, person.date_of_birth, person.address, person.phone, person.email) == (
        ANONYMISED_NAME,
        None,
        None,
        None,
        None,
    )
    assert person.vulnerability_notes is None
    assert world.document.filename == "Anonymised document"
    assert not path_of(world.document.storage_name).exists()
    # Not due: the open case, the incident it shares, the person on it, the recent incident.
    assert world.open_case.title != REMOVED
    assert world.shared_incident.description != REMOVED
    assert world.on_both_cases.name == "Jo Both"
    assert world.recent.description != REMOVED
    assert world.open_case.status is not CaseStatus.CLOSED


def test_apply_is_audited_with_counts_and_ids_only(world):
    run_on("2026-05-04")

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("retention.%")).order_by(AuditEvent.id)
    ).all()
    assert [(event.action, event.detail["count"]) for event in events] == [
        ("retention.case-anonymised", 1),
        ("retention.incident-anonymised", 3),
        ("retention.person-anonymised", 2),
    ]
    assert events[0].detail["record_ids"] == [world.closed_case.id]
    assert "Sam" not in json.dumps([event.detail for event in events])


def test_applying_again_changes_nothing(world):
    run_on("2026-05-04")
    after_first = _snapshot()
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))

    assert run_on("2026-05-04") == {"case": 0, "incident": 0, "person": 0}
    assert run_on("2026-05-05") == {"case": 0, "incident": 0, "person": 0}
    assert _snapshot() == after_first
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def _counts() -> list[tuple]:
    """What the statistics and hotspot maps read: incidents per ward, category and month."""
    month = func.substr(func.cast(Incident.occurred_from, db.String), 1, 7)
    return db.session.execute(
        select(Incident.ward_code, Incident.category, month, Incident.grid_cell, func.count())
        .group_by(Incident.ward_code, Incident.category, month, Incident.grid_cell)
        .order_by(Incident.ward_code, Incident.category, month, Incident.grid_cell)
    ).all()


def test_the_counts_per_ward_category_and_month_stay_the_same(world):
    before = _counts()

    run_on("2026-06-02")

    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AnonymisedRecord)) == 7
    assert _counts() == before
