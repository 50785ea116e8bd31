"""Reading the audit trail: filters, a page with a capped count, and the export's rows.

Read-only: nothing here, nor anywhere in asb, changes or removes an audit entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import selectinload

from asb.audit.models import AuditEvent
from asb.auth.models import User
from asb.calendar import start_of_london_day
from asb.disclosures.models import DisclosureSubject
from asb.extensions import db
from asb.paging import CappedPage
from asb.people.models import CasePerson, IncidentPerson, Person

OUTCOMES = ("success", "failure", "denied", "locked", "rate-limited")


@dataclass(frozen=True)
class AuditFilters:
    person_id: int | None = None
    object_type: str | None = None
    object_id: int | None = None
    actor_id: int | None = None
    action: str | None = None
    outcome: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass
class AuditPage(CappedPage):
    entries: list[AuditEvent]
    page: int
    per_page: int
    total: int
    total_is_capped: bool


def record_types() -> list[str]:
    """Every table an audit entry may be about, by name."""
    return sorted(table.name for table in db.Model.metadata.sorted_tables)


def find_by_reference(reference: str) -> tuple[str, int] | None:
    """The (table, id) of the record with this reference, in any table that has references."""
    wanted = reference.strip().upper()
    for mapper in db.Model.registry.mappers:
        if "reference" not in mapper.columns:
            continue
        model = mapper.class_
        found = db.session.scalar(select(model.id).where(model.reference == wanted).limit(1))
        if found is not None:
            return model.__tablename__, found
    return None


def _about(object_type: str, ids: Select) -> ColumnElement[bool]:
    return and_(AuditEvent.object_type == object_type, AuditEvent.object_id.in_(ids))


def _about_person(person_id: int) -> ColumnElement[bool]:
    """Entries about the person, a record merged into theirs, or their incidents, cases and
    disclosures."""
    people = select(Person.id).where(
        or_(Person.id == person_id, Person.merged_into_id == person_id)
    )
    return or_(
        _about("people", people),
        _about(
            "incidents",
            select(IncidentPerson.incident_id).where(IncidentPerson.person_id.in_(people)),
        ),
        _about("cases", select(CasePerson.case_id).where(CasePerson.person_id.in_(people))),
        _about(
            "disclosures",
            select(DisclosureSubject.disclosure_id).where(DisclosureSubject.person_id.in_(people)),
        ),
    )


def filtered_entries(filters: AuditFilters) -> Select:
    query = select(AuditEvent)
    if filters.person_id is not None:
        query = query.where(_about_person(filters.person_id))
    if filters.object_type is not None:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id is not None:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.action:
        # "case." finds every action on cases; a whole name finds that action alone.
        action = filters.action.lower()
        query = query.where(
            AuditEvent.action.startswith(action, autoescape=True)
            if action.endswith(".")
            else AuditEvent.action == action
        )
    if filters.outcome:
        query = query.where(AuditEvent.outcome == filters.outcome)
    if filters.date_from:
        query = query.where(AuditEvent.occurred_at >= start_of_london_day(filters.date_from))
    if filters.date_to:
        next_day = start_of_london_day(filters.date_to + timedelta(days=1))
        query = query.where(AuditEvent.occurred_at < next_day)
    return query


def no_entries() -> Select:
    return select(AuditEvent).where(false())


def _capped_count(query: Select, cap: int) -> tuple[int, bool]:
    """Count matches up to the cap: the trail grows with every page anyone opens."""
    limited = query.with_only_columns(AuditEvent.id).order_by(None).limit(cap + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(limited)) or 0
    return min(total, cap), total > cap


def page_of_entries(query: Select, *, page: int, per_page: int, count_cap: int) -> AuditPage:
    total, capped = _capped_count(query, count_cap)
    entries = db.session.scalars(
        query.order_by(AuditEvent.sequence.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return AuditPage(list(entries), page, per_page, total, capped)


def actors_of(entries: list[AuditEvent]) -> dict[int, User]:
    """The users who wrote these entries, with their agencies, in one query."""
    ids = {entry.actor_id for entry in entries if entry.actor_id is not None}
    if not ids:
        return {}
    users = db.session.scalars(
        select(User).where(User.id.in_(ids)).options(selectinload(User.agency))
    )
    return {user.id: user for user in users}


def count_entries(query: Select) -> int:
    """How many entries match: an export's row count."""
    matching = query.with_only_columns(AuditEvent.id).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(matching)) or 0


def entries_for_export(query: Select) -> Iterator[tuple[AuditEvent, str | None]]:
    """Every matching entry in sequence order, with its user's email, a batch at a time."""
    rows = db.session.execute(
        query.add_columns(User.email)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .order_by(AuditEvent.sequence)
        .execution_options(yield_per=1000)
    )
    yield from rows.tuples()


def users_for_filter() -> list[User]:
    return list(
        db.session.scalars(select(User).options(selectinload(User.agency)).order_by(User.name))
    )
