"""Reading the shared log: filters, sorting, paging and export rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from asb.auth.models import Agency, User
from asb.calendar import now_in_london, start_of_london_day
from asb.extensions import db
from asb.incidents.models import Incident, IncidentChange, LocalAsbType
from asb.incidents.vocabulary import IncidentStatus
from asb.paging import CappedPage, like_pattern
from asb.policy import personal_details_visible, visible_incidents

SORT_COLUMNS = {
    "occurred": Incident.occurred_from,
    "reference": Incident.reference,
    "recorded": Incident.created_at,
    "ward": Incident.ward_name,
    "category": Incident.category,
    "status": Incident.status,
}


@dataclass
class IncidentFilters:
    agency_id: int | None = None
    category: str | None = None
    local_type_id: int | None = None
    status: str | None = None
    ward_code: str | None = None
    source: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str | None = None
    grid_cell: int | None = None
    sort: str = "occurred"
    descending: bool = True

    def is_empty(self) -> bool:
        return not any(
            [
                self.agency_id,
                self.category,
                self.local_type_id,
                self.status,
                self.ward_code,
                self.source,
                self.date_from,
                self.date_to,
                self.text,
                self.grid_cell,
            ]
        )


@dataclass
class IncidentPage(CappedPage):
    incidents: list[Incident]
    page: int
    per_page: int
    total: int
    total_is_capped: bool


def filtered_incidents(user: User, filters: IncidentFilters) -> Select:
    """Incidents the user may see that match the filters, unsorted."""
    query = select(Incident).where(visible_incidents(user))
    if filters.agency_id:
        query = query.where(Incident.recording_agency_id == filters.agency_id)
    if filters.category:
        query = query.where(Incident.category == filters.category)
    if filters.local_type_id:
        query = query.where(Incident.local_type_id == filters.local_type_id)
    if filters.status:
        query = query.where(Incident.status == filters.status)
    if filters.ward_code:
        query = query.where(Incident.ward_code == filters.ward_code)
    if filters.source:
        query = query.where(Incident.source == filters.source)
    if filters.date_from:
        query = query.where(Incident.occurred_from >= start_of_london_day(filters.date_from))
    if filters.date_to:
        query = query.where(
            Incident.occurred_from < start_of_london_day(filters.date_to + timedelta(days=1))
        )
    if filters.grid_cell is not None:
        query = query.where(Incident.grid_cell == filters.grid_cell)
    if filters.text:
        pattern = like_pattern(filters.text)
        query = query.where(
            or_(
                func.lower(Incident.description).like(pattern, escape="\\"),
                func.lower(Incident.location_description).like(pattern, escape="\\"),
                func.lower(Incident.reference) == filters.text.lower(),
            )
        )
    return query


def _sorted(query: Select, filters: IncidentFilters) -> Select:
    column = SORT_COLUMNS.get(filters.sort, Incident.occurred_from)
    if filters.descending:
        return query.order_by(column.desc(), Incident.id.desc())
    return query.order_by(column.asc(), Incident.id.asc())


def capped_count(query: Select, cap: int) -> tuple[int, bool]:
    """Count matches up to the cap: an exact count of a million rows costs more than a page."""
    limited = query.with_only_columns(Incident.id).order_by(None).limit(cap + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(limited)) or 0
    return min(total, cap), total > cap


def page_of_incidents(
    user: User, filters: IncidentFilters, *, page: int, per_page: int, count_cap: int
) -> IncidentPage:
    query = filtered_incidents(user, filters)
    total, capped = capped_count(query, count_cap)
    rows = db.session.scalars(
        _sorted(query, filters)
        .options(selectinload(Incident.recording_agency), selectinload(Incident.local_type))
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return IncidentPage(list(rows), page, per_page, total, capped)


def count_incidents(user: User, filters: IncidentFilters) -> int:
    """How many incidents the user may see match the filters: an export's row count."""
    matching = filtered_incidents(user, filters).with_only_columns(Incident.id).subquery()
    return db.session.scalar(select(func.count()).select_from(matching)) or 0


def incidents_for_export(user: User, filters: IncidentFilters) -> Iterator[tuple[Incident, bool]]:
    """The matching incidents in the log's order, each with whether the user sees its personal
    details (the policy's SQL form: emergency access opens one record's page, never a list)."""
    query = _sorted(filtered_incidents(user, filters), filters).add_columns(
        personal_details_visible(user)
    )
    for incident, personal in db.session.execute(query.execution_options(yield_per=1000)):
        yield incident, bool(personal)


def incident_history(incident: Incident) -> list[IncidentChange]:
    return list(
        db.session.scalars(
            select(IncidentChange)
            .where(IncidentChange.incident_id == incident.id)
            .order_by(IncidentChange.changed_at.desc(), IncidentChange.id.desc())
        )
    )


def active_agencies(*, internal_only: bool = False) -> list[Agency]:
    query = select(Agency).where(Agency.is_active.is_(True)).order_by(Agency.name)
    if internal_only:
        query = query.where(Agency.is_external.is_(False))
    return list(db.session.scalars(query))


def local_types(*, include_inactive: bool = False) -> list[LocalAsbType]:
    query = select(LocalAsbType).order_by(LocalAsbType.name)
    if not include_inactive:
        query = query.where(LocalAsbType.is_active.is_(True))
    return list(db.session.scalars(query))


@dataclass
class HomeSummary:
    awaiting_triage: int
    recorded_by_my_agency_last_28_days: int


def home_summary(user: User) -> HomeSummary:
    visible = visible_incidents(user)
    since = now_in_london() - timedelta(days=28)
    awaiting = db.session.scalar(
        select(func.count())
        .select_from(Incident)
        .where(
            visible,
            Incident.status == IncidentStatus.NEW,
            Incident.recording_agency_id == user.agency_id,
        )
    )
    recent = db.session.scalar(
        select(func.count())
        .select_from(Incident)
        .where(
            visible, Incident.recording_agency_id == user.agency_id, Incident.created_at >= since
        )
    )
    return HomeSummary(awaiting or 0, recent or 0)


def get_incident_or_404(incident_id: int) -> Incident:
    return db.get_or_404(Incident, incident_id)
