"""Reading cases: the queues, overdue work and a case's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func, or_, select

from asb.auth.models import User
from asb.calendar import today_in_london
from asb.cases.models import Case, CaseAction, CaseIncident, TimelineEntry
from asb.cases.risk import RiskLevel
from asb.cases.vocabulary import ActionState, CaseStatus, TimelineKind
from asb.extensions import db
from asb.incidents.models import Incident
from asb.policy import Permission, authorize, authorize_case_view, can, visible_cases

DUE_SOON_DAYS = 7


def _overdue_action_exists():
    return (
        select(CaseAction.id)
        .where(
            CaseAction.case_id == Case.id,
            CaseAction.state == ActionState.OPEN,
            CaseAction.due_on < today_in_london(),
        )
        .exists()
    )


def _urgency_order(query: Select) -> Select:
    """Overdue work first, then work due soon, then the rest by review date."""
    now = today_in_london()
    overdue = or_(Case.review_due < now, _overdue_action_exists())
    soon = Case.review_due <= date.fromordinal(now.toordinal() + DUE_SOON_DAYS)
    rank = case((overdue, 0), (soon, 1), else_=2)
    return query.order_by(rank, Case.review_due.asc().nulls_last(), Case.id)


RISK_RANK = case(
    (Case.risk_level == RiskLevel.HIGH, 0), (Case.risk_level == RiskLevel.MEDIUM, 1), else_=2
)
SORTS = {
    "reference": Case.reference,
    "opened": Case.opened_at,
    "review": Case.review_due,
    "risk": RISK_RANK,
    "status": Case.status,
}


@dataclass
class CaseFilters:
    agency_id: int | None = None
    status: str | None = None
    risk_level: str | None = None
    overdue_only: bool = False
    text: str | None = None
    sort: str = "urgency"  # or a key of SORTS
    descending: bool = False


def _filtered(query: Select, filters: CaseFilters) -> Select:
    if filters.agency_id:
        query = query.where(
            or_(
                Case.lead_agency_id == filters.agency_id,
                Case.assigned_agency_id == filters.agency_id,
            )
        )
    if filters.status:
        query = query.where(Case.status == filters.status)
    if filters.risk_level:
        query = query.where(Case.risk_level == filters.risk_level)
    if filters.overdue_only:
        query = query.where(or_(Case.review_due < today_in_london(), _overdue_action_exists()))
    if filters.text:
        pattern = f"%{filters.text.lower()}%"
        query = query.where(
            or_(
                func.lower(Case.title).like(pattern),
                func.lower(Case.reference) == filters.text.lower(),
            )
        )
    if filters.sort not in SORTS:
        return _urgency_order(query)
    column = SORTS[filters.sort]
    if filters.descending:
        return query.order_by(column.desc().nulls_last(), Case.id.desc())
    return query.order_by(column.asc().nulls_last(), Case.id)


def open_cases(user: User) -> Select:
    return select(Case).where(visible_cases(user), Case.status != CaseStatus.CLOSED)


def my_cases(user: User, filters: CaseFilters | None = None) -> list[Case]:
    query = open_cases(user).where(Case.case_officer_id == user.id)
    return list(db.session.scalars(_filtered(query, filters or CaseFilters())))


@dataclass
class TeamQueue:
    unassigned: list[Case]
    by_officer: dict[User, list[Case]]


def team_queue(user: User, filters: CaseFilters | None = None) -> TeamQueue:
    query = open_cases(user).where(Case.assigned_agency_id == user.agency_id)
    cases = db.session.scalars(_filtered(query, filters or CaseFilters())).all()
    queue = TeamQueue(unassigned=[], by_officer={})
    for item in cases:
        if item.case_officer is None:
            queue.unassigned.append(item)
        else:
            queue.by_officer.setdefault(item.case_officer, []).append(item)
    return queue


def all_open_cases(user: User, filters: CaseFilters) -> list[Case]:
    return list(db.session.scalars(_filtered(open_cases(user), filters).limit(500)))


def overdue_action_case_ids(cases: list[Case]) -> set[int]:
    if not cases:
        return set()
    return set(
        db.session.scalars(
            select(CaseAction.case_id).where(
                CaseAction.case_id.in_([item.id for item in cases]),
                CaseAction.state == ActionState.OPEN,
                CaseAction.due_on < today_in_london(),
            )
        )
    )


def timeline(
    case_: Case, user: User, kinds: list[TimelineKind] | None = None
) -> list[TimelineEntry]:
    """The case's timeline, less the entries about incidents the user may not see."""
    query = select(TimelineEntry).where(TimelineEntry.case_id == case_.id)
    if kinds:
        query = query.where(TimelineEntry.kind.in_(kinds))
    entries = db.session.scalars(
        query.order_by(TimelineEntry.occurred_at.desc(), TimelineEntry.id.desc())
    ).all()
    incident_ids = {_incident_id(entry) for entry in entries} - {None}
    hidden = {
        incident.id
        for incident in db.session.scalars(select(Incident).where(Incident.id.in_(incident_ids)))
        if not can(user, Permission.VIEW_INCIDENT, incident)
    }
    return [entry for entry in entries if _incident_id(entry) not in hidden]


def _incident_id(entry: TimelineEntry) -> int | None:
    return (entry.detail or {}).get("incident_id")


def linked_incidents(case_: Case, user: User) -> list[Incident]:
    """The incidents linked to the case that the user may see, in the order they were linked."""
    return [
        link.incident
        for link in case_.incident_links
        if can(user, Permission.VIEW_INCIDENT, link.incident)
    ]


def actions_for(case_: Case) -> list[CaseAction]:
    return list(
        db.session.scalars(
            select(CaseAction)
            .where(CaseAction.case_id == case_.id)
            .order_by(CaseAction.state, CaseAction.due_on)
        )
    )


def cases_linking(incident: Incident, user: User) -> list[Case]:
    """The cases this incident is linked to that the user may see."""
    return list(
        db.session.scalars(
            select(Case)
            .join(CaseIncident, CaseIncident.case_id == Case.id)
            .where(CaseIncident.incident_id == incident.id, visible_cases(user))
            .order_by(Case.id)
        )
    )


@dataclass
class CaseSummary:
    my_open: int
    my_overdue: int
    team_unassigned: int
    high_risk_open: int | None
    overdue_reviews: int | None


def case_summary(user: User) -> CaseSummary:
    def count(query: Select) -> int:
        return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0

    now = today_in_london()
    overdue = or_(Case.review_due < now, _overdue_action_exists())
    mine = open_cases(user).where(Case.case_officer_id == user.id)
    lead = can(user, Permission.VIEW_ALL_CASES)  # the ASB lead's figures
    high_risk = open_cases(user).where(Case.risk_level == RiskLevel.HIGH)
    return CaseSummary(
        my_open=count(mine),
        my_overdue=count(mine.where(overdue)),
        team_unassigned=count(
            open_cases(user).where(
                Case.assigned_agency_id == user.agency_id, Case.case_officer_id.is_(None)
            )
        ),
        high_risk_open=count(high_risk) if lead else None,
        overdue_reviews=count(open_cases(user).where(Case.review_due < now)) if lead else None,
    )


def load_case(case_id: int, *permissions: Permission) -> Case:
    """The case, if the signed-in user may see it and has each of `permissions`; else 404/403."""
    case = db.get_or_404(Case, case_id)
    authorize_case_view(case)
    for permission in permissions:
        authorize(permission, case)
    return case
