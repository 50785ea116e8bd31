"""Demo cases built on the demo incidents, so queues, timelines and clocks show real work."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from asb.auth.models import Agency, User
from asb.calendar import today_in_london
from asb.cases import assessments
from asb.cases.models import Case
from asb.cases.risk import RiskLevel, RiskMatrix
from asb.cases.services import (
    add_action,
    add_note,
    assign_case,
    change_case_status,
    close_case,
    open_case,
    pick_up_case,
)
from asb.cases.vocabulary import CaseOutcome, CaseStatus, ContactMethod
from asb.extensions import db
from asb.incidents.models import Incident
from asb.incidents.vocabulary import IncidentSource
from asb.interventions.rules import InterventionKind
from asb.interventions.services import InterventionDetails, record_intervention
from asb.people.services import add_person_to_case
from asb.people.vocabulary import PersonRole


def answers_for(matrix: RiskMatrix, level: RiskLevel) -> dict[str, str]:
    """Answers that score the level wanted: the mildest answers, raised one at a time."""
    answers = {q.id: min(q.answers, key=lambda a: a.score).value for q in matrix.questions}
    for question in matrix.questions:
        if matrix.score(answers).level is level:
            break
        previous = answers[question.id]
        answers[question.id] = max(question.answers, key=lambda a: a.score).value
        if matrix.score(answers).level.rank > level.rank:
            answers[question.id] = previous
    return answers


def _incidents_at(agency: Agency, *words: str) -> list[Incident]:
    found = db.session.scalars(
        select(Incident)
        .where(
            Incident.recording_agency_id == agency.id,
            Incident.source == IncidentSource.PARTNERSHIP,
        )
        .order_by(Incident.occurred_from)
    )
    return [i for i in found if any(word in i.location_description for word in words)]


def load_demo_cases(users: dict[str, User]) -> int:
    """Open three cases: one being worked, one waiting in a team queue and one closed."""
    today = today_in_london()
    housing_officer = users["housing.officer@demo.asb.local"]
    housing_manager = users["housing.manager@demo.asb.local"]
    street_manager = users["street.manager@demo.asb.local"]
    markets_officer = users["markets.officer@demo.asb.local"]

    noise = open_case(
        title="Noise and harassment at Great Arthur House",
        summary="Repeated late-night music, shouting and banging from a flat on the seventh "
        "floor, reported by the same neighbour over several months.",
        lead_agency=housing_officer.agency,
        actor=housing_manager,
        incidents=_incidents_at(housing_officer.agency, "Great Arthur House"),
    )
    assign_case(noise, agency=noise.lead_agency, officer=housing_officer, actor=housing_manager)
    victim_incident = next(
        (link.incident for link in noise.incident_links if link.incident.reporter_name), None
    )
    if victim_incident is not None:
        add_person_to_case(
            noise,
            role=PersonRole.VICTIM,
            actor=housing_officer,
            name=victim_incident.reporter_name,
            address=victim_incident.reporter_address,
            phone=victim_incident.reporter_phone,
            incident=victim_incident,
            incident_roles=(PersonRole.VICTIM, PersonRole.REPORTER),
        )
    tenant = add_person_to_case(
        noise,
        role=PersonRole.PERPETRATOR,
        actor=housing_officer,
        name="Daniel Harker",
        address="Flat 62, Great Arthur House, Golden Lane Estate, London EC1Y 0RE",
    ).person
    assessments.record_risk_assessment(
        noise,
        subject="victim",
        answers=answers_for(assessments.risk_matrix("victim"), RiskLevel.MEDIUM),
        actor=housing_officer,
    )
    add_note(
        noise,
        "Spoke to the complainant: the noise is worst on Friday and Saturday nights. "
        "Gave her noise diary sheets.",
        actor=housing_officer,
        contact_method=ContactMethod.CALL,
    )
    change_case_status(noise, CaseStatus.ACTION, actor=housing_officer)
    record_intervention(
        noise,
        InterventionDetails(
            kind=InterventionKind.WARNING_LETTER,
            issued_on=today - timedelta(days=10),
            served_on_person=tenant,
            conditions="Keep noise down between 11pm and 7am; no parties on the landing.",
        ),
        actor=housing_officer,
    )
    add_action(
        noise,
        description="Visit the tenant of flat 62 to discuss the warning letter",
        owner=housing_officer,
        due_on=today + timedelta(days=5),
        actor=housing_officer,
    )

    drinking = open_case(
        title="Street drinking around Aldgate Square",
        summary="Groups drinking by the fountains and in St Botolph's churchyard most "
        "afternoons, with litter, urination and intimidation of passers-by.",
        lead_agency=street_manager.agency,
        actor=street_manager,
        incidents=_incidents_at(street_manager.agency, "Aldgate"),
    )
    change_case_status(drinking, CaseStatus.INVESTIGATING, actor=street_manager)

    market = open_case(
        title="Aggressive touting at Leadenhall Market",
        summary="Complaints about a trader pressing passers-by to buy.",
        lead_agency=markets_officer.agency,
        actor=markets_officer,
    )
    pick_up_case(market, officer=markets_officer)
    close_case(
        market,
        outcome=CaseOutcome.RESOLVED,
        closing_summary="The trader's licence conditions were explained; no complaints since.",
        actor=markets_officer,
    )
    db.session.flush()
    return db.session.query(Case).count()
