"""Reading interventions: a case's register and the deadlines coming up across cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import abort
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import contains_eager

from asb.auth.models import User
from asb.calendar import LONDON
from asb.cases.models import Case
from asb.cases.vocabulary import CaseStatus
from asb.database import utcnow
from asb.extensions import db
from asb.forms import whole_number
from asb.interventions.clocks import upcoming_deadlines
from asb.interventions.models import Intervention
from asb.interventions.rules import london_day
from asb.interventions.services import stored_clocks
from asb.people.models import CasePerson, Person
from asb.people.vocabulary import PersonRole
from asb.policy import visible_cases

DEFAULT_WITHIN_DAYS = 30
MAX_WITHIN_DAYS = 366
# Far enough ahead to find any intervention's next clock (orders can last years).
NEXT_DEADLINE_HORIZON_DAYS = 100 * 366


@dataclass
class DueItem:
    """One clock on the deadlines list or the case's register."""

    intervention: Intervention
    label: str
    due: date | datetime
    overdue: bool

    @property
    def clock(self) -> str:
        """The label without the kind: "appeal deadline", "review due"."""
        return self.label.split(": ", 1)[-1]


def interventions_on(case: Case) -> list[Intervention]:
    return list(
        db.session.scalars(
            select(Intervention)
            .where(Intervention.case_id == case.id)
            .order_by(Intervention.issued_on.desc(), Intervention.id.desc())
        )
    )


def is_passed(due: date | datetime, on: date, now: datetime) -> bool:
    return due < now if isinstance(due, datetime) else due < on


def review_overdue(intervention: Intervention, case: Case, on: date) -> bool:
    """A review that fell due while the intervention is still in force, on an open case.

    Nothing records that a review was held, so an overdue review stays on the list until
    the intervention ends or the case closes.
    """
    return (
        case.status.is_open
        and intervention.review_on is not None
        and intervention.review_on < on
        and (intervention.expires_on is None or intervention.expires_on >= on)
    )


def next_deadline(intervention: Intervention, on: date) -> DueItem | None:
    """The first clock still to come, or an overdue review before it."""
    if review_overdue(intervention, intervention.case, on):
        label = f"{intervention.kind.label}: review due"
        return DueItem(intervention, label, intervention.review_on, overdue=True)
    coming = upcoming_deadlines(
        {intervention.id: stored_clocks(intervention)}, on, NEXT_DEADLINE_HORIZON_DAYS
    )
    now = utcnow()
    for deadline in coming:
        if not is_passed(deadline.due, on, now):
            return DueItem(intervention, deadline.label, deadline.due, overdue=False)
    return None


def case_register(case: Case, on: date) -> list[tuple[Intervention, DueItem | None]]:
    return [(item, next_deadline(item, on)) for item in interventions_on(case)]


def _in_window(on: date, last_day: date):
    """A generous SQL filter; upcoming_deadlines then keeps exactly the London days wanted."""
    start = datetime.combine(on - timedelta(days=1), time.min, tzinfo=UTC)
    end = datetime.combine(last_day + timedelta(days=2), time.min, tzinfo=UTC)
    return or_(
        Intervention.appeal_deadline.between(on, last_day),
        Intervention.expires_on.between(on, last_day),
        Intervention.review_on.between(on, last_day),
        Intervention.latest_expiry.between(on, last_day),
        and_(Intervention.hearing_by >= start, Intervention.hearing_by < end),
        and_(Intervention.expires_at >= start, Intervention.expires_at < end),
    )


def _review_overdue_sql(on: date):
    return and_(
        Case.status != CaseStatus.CLOSED,
        Intervention.review_on < on,
        or_(Intervention.expires_on.is_(None), Intervention.expires_on >= on),
    )


def deadlines_for(user: User, on: date, within_days: int) -> list[DueItem]:
    """Clocks falling due from today to `within_days` ahead, and overdue reviews, on the
    cases the user may see; soonest (overdue) first."""
    last_day = on + timedelta(days=within_days)
    interventions = db.session.scalars(
        select(Intervention)
        .join(Case, Case.id == Intervention.case_id)
        .options(contains_eager(Intervention.case))
        .where(visible_cases(user), or_(_in_window(on, last_day), _review_overdue_sql(on)))
    ).all()
    by_id = {item.id: item for item in interventions}
    now = utcnow()
    items = [
        DueItem(by_id[d.intervention_id], d.label, d.due, is_passed(d.due, on, now))
        for d in upcoming_deadlines(
            {item.id: stored_clocks(item) for item in interventions}, on, within_days
        )
    ]
    items += [
        DueItem(item, f"{item.kind.label}: review due", item.review_on, overdue=True)
        for item in interventions
        if review_overdue(item, item.case, on)
    ]
    return sorted(items, key=_order)


def _order(item: DueItem) -> tuple[date, time, int, str]:
    due = item.due
    at = due.astimezone(LONDON).time() if isinstance(due, datetime) else time.max
    return london_day(due), at, item.intervention.id, item.label


def parse_within(value: str | None) -> int:
    number = whole_number(value)
    if number is None:
        return DEFAULT_WITHIN_DAYS
    return max(1, min(number, MAX_WITHIN_DAYS))


def people_on(case: Case) -> list[tuple[Person, str]]:
    """The people on the case, each once with their roles; alleged perpetrators first."""
    links = db.session.scalars(
        select(CasePerson).where(CasePerson.case_id == case.id).order_by(CasePerson.id)
    )
    roles: dict[int, list[PersonRole]] = {}
    people: dict[int, Person] = {}
    for link in links:
        people[link.person_id] = link.person
        roles.setdefault(link.person_id, []).append(link.role)
    order = sorted(
        people, key=lambda pid: (PersonRole.PERPETRATOR not in roles[pid], people[pid].name)
    )
    return [(people[pid], ", ".join(role.label for role in roles[pid])) for pid in order]


def get_intervention_or_404(case: Case, intervention_id: int) -> Intervention:
    intervention = db.session.get(Intervention, intervention_id)
    if intervention is None or intervention.case_id != case.id:
        abort(404)
    return intervention
