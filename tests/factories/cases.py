"""Cases, opened and worked through the services so they carry what real ones do.

Everything is flushed into the test's session; the `make_case` fixture commits, so that a page
that rolls back (a refused request, a stale save) does not take the test's data with it.
`CaseFactory` makes a bare case row, for reading queries that need many at chosen moments.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import factory
from sqlalchemy import select

from asb.auth.models import Agency, Role
from asb.cases import services
from asb.cases.risk import RiskLevel
from asb.cases.vocabulary import CaseOutcome, CaseStatus
from asb.extensions import db
from asb.models import Case, CaseAction, Incident, RiskAssessment, User
from asb.policy import Permission, can
from tests.factories.auth import make_user
from tests.factories.base import BaseFactory, agency, request_context


def _assigner(actor: User, case: Case, target: Agency) -> User:
    """The actor, if the policy lets them assign there; else an ASB lead (across agencies)."""
    if can(actor, Permission.ASSIGN_CASE_TO, (case, target)):
        return actor
    lead = db.session.scalar(
        select(User).where(User.role == Role.ASB_LEAD, User.is_active_account.is_(True))
    )
    return lead or make_user(Role.ASB_LEAD, "community-safety")


class CaseFactory(BaseFactory):
    """A bare case row, with no timeline, assignment or audit: only for queries that read."""

    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"ASB-C-TEST-{n:05d}")
    title = "Noise from 12 Crescent House"
    summary = "Loud music most nights"
    lead_agency = factory.LazyFunction(lambda: agency("housing"))
    assigned_agency = factory.SelfAttribute("lead_agency")


class RiskAssessmentFactory(BaseFactory):
    class Meta:
        model = RiskAssessment

    subject = "victim"
    matrix_version = "test"
    answers = factory.LazyFunction(dict)
    score = 0
    level = RiskLevel.STANDARD


def make_case(
    lead: str = "housing",
    actor: User | None = None,
    *,
    title: str = "Noise from 12 Crescent House",
    summary: str = "Loud music most nights after midnight",
    incidents: Iterable[Incident] = (),
    restricted: bool = False,
    restriction_reason: str | None = None,
    team: str | None = None,
    officer: User | None = None,
    partners: Iterable[str] = (),
    status: CaseStatus = CaseStatus.OPEN,
    risk_level: RiskLevel | None = None,
    review_due: date | None = None,
) -> Case:
    """Open a case led by the agency `lead`, then give it the team, officer, partners and
    status asked for, each through its service (so the timeline and history are real)."""
    with request_context():
        actor = actor or make_user(Role.MANAGER, lead)
        case = services.open_case(
            title=title,
            summary=summary,
            lead_agency=agency(lead),
            actor=actor,
            incidents=list(incidents),
            restricted=restricted,
            restriction_reason=restriction_reason or ("Domestic abuse" if restricted else None),
        )
        for code in partners:
            services.add_partner(case, agency(code), actor=actor)
        if officer is not None or team is not None:
            target = officer.agency if officer is not None else agency(team)
            services.assign_case(
                case, agency=target, officer=officer, actor=_assigner(actor, case, target)
            )
        if status is CaseStatus.CLOSED:
            services.close_case(
                case,
                outcome=CaseOutcome.RESOLVED,
                closing_summary="The noise stopped after a warning letter",
                actor=actor,
            )
        elif status is not CaseStatus.OPEN:
            services.change_case_status(case, status, actor=actor)
        if risk_level is not None:
            case.risk_level = risk_level
            RiskAssessmentFactory(case_id=case.id, level=risk_level, assessed_by_id=actor.id)
        if review_due is not None:
            case.review_due = review_due
        db.session.flush()
    return case


def make_action(
    case: Case,
    owner: User,
    due_on: date,
    *,
    description: str = "Visit the neighbours",
    actor: User | None = None,
) -> CaseAction:
    """An open action; the service takes any due date, so overdue ones can be made."""
    with request_context():
        action = services.add_action(
            case, description=description, owner=owner, due_on=due_on, actor=actor or owner
        )
        db.session.flush()
    return action
