"""Risk assessments and the response targets that follow from them.

The matrix, targets and bank holidays are configuration files read once per process: they
change by deployment, not at run time.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import url_for
from sqlalchemy import func, select

from asb.audit.services import record_event
from asb.auth.models import Role, User
from asb.calendar import today_in_london
from asb.cases.models import Case, RiskAssessment, TimelineEntry
from asb.cases.risk import RiskConfigError, RiskLevel, RiskMatrix, risk_matrices
from asb.cases.services import add_timeline
from asb.cases.targets import (
    first_contact_due,
    next_review_due,
    next_update_due,
    response_targets,
)
from asb.cases.vocabulary import TimelineKind
from asb.cases.working_days import bank_holidays
from asb.database import utcnow
from asb.extensions import db
from asb.notifications.services import notify
from asb.people.models import Person
from asb.settings import settings_path

SUBJECTS = {"victim": "Victim", "perpetrator": "Alleged perpetrator"}


def risk_matrix(subject: str) -> RiskMatrix:
    matrices = risk_matrices()
    if subject not in matrices:
        path = settings_path("ASB_RISK_MATRIX")
        raise RiskConfigError(f"{path} has no matrix for {subject!r}")
    return matrices[subject]


def review_due_for(level: RiskLevel, from_date: date) -> date:
    return next_review_due(from_date, level, response_targets(), bank_holidays())


def record_risk_assessment(
    case: Case,
    *,
    subject: str,
    answers: dict[str, str],
    actor: User,
    person: Person | None = None,
) -> RiskAssessment:
    """Score the answers; a victim assessment sets the case's risk level and its clocks."""
    matrix = risk_matrix(subject)
    result = matrix.score(answers)
    assessment = RiskAssessment(
        case_id=case.id,
        person_id=person.id if person else None,
        subject=subject,
        matrix_version=matrix.version,
        answers=dict(answers),
        score=result.score,
        level=result.level,
        assessed_by_id=actor.id,
    )
    db.session.add(assessment)
    add_timeline(
        case,
        TimelineKind.RISK_ASSESSMENT,
        f"{SUBJECTS[subject]} risk assessment: {result.level.label} (score {result.score}). "
        + " ".join(result.reasons),
        actor=actor,
        level=result.level.value,
        score=result.score,
    )
    if subject == "victim":
        _apply_victim_risk(case, result.level, actor=actor)
    record_event(
        "case.risk-assessed", actor=actor, obj=case, subject=subject, level=result.level.value
    )
    db.session.flush()
    return assessment


def _apply_victim_risk(case: Case, level: RiskLevel, *, actor: User) -> None:
    previous = case.risk_level
    case.risk_level = level
    today = today_in_london()
    if case.first_contact_at is None:
        case.first_contact_due = first_contact_due(
            case.opened_at, level, response_targets(), bank_holidays()
        )
    review = review_due_for(level, today)
    if case.review_due is None or review < case.review_due:
        case.review_due = review
    if level is RiskLevel.HIGH and previous is not RiskLevel.HIGH:
        link = url_for("cases.show_case", case_id=case.id)
        for lead in asb_leads():
            if lead.id != actor.id:
                notify(lead, f"Case {case.reference} has been assessed as high risk", link)


def asb_leads() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.role == Role.ASB_LEAD, User.is_active_account.is_(True))
        )
    )


def latest_assessments(case: Case) -> list[RiskAssessment]:
    return list(
        db.session.scalars(
            select(RiskAssessment)
            .where(RiskAssessment.case_id == case.id)
            .order_by(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc())
        )
    )


def first_contact_overdue(case: Case) -> bool:
    return (
        case.status.is_open
        and case.first_contact_at is None
        and case.first_contact_due is not None
        and case.first_contact_due < utcnow()
    )


def complainant_update_due(case: Case) -> datetime | None:
    """When the complainant is next owed an update: the risk level's cadence from last contact."""
    if not case.status.is_open or case.risk_level is None or case.first_contact_at is None:
        return None
    last_contact = db.session.scalar(
        select(func.max(TimelineEntry.occurred_at)).where(
            TimelineEntry.case_id == case.id, TimelineEntry.kind == TimelineKind.CONTACT
        )
    )
    return next_update_due(
        last_contact or case.first_contact_at, case.risk_level, response_targets(), bank_holidays()
    )
