"""What the hotspot map shows, aggregated in SQL: counts by grid cell, ward and place.

Every query starts from ``asb.policy.visible_incidents(user)``, so counts include only
incidents the user may see. No query returns a row per incident except the capped list of
recent points, and none returns reporters' details: distinct reporters are counted in SQL.

The page calls ``asb.maps.hotspots.hotspot_data`` (the grid and Gi* analysis, which reads
through ``grid_counts`` and ``reporting_by_hotspot``), ``ward_data``, ``repeat_locations``
and ``recent_points``. Each result is cached (asb.maps.cache) until an incident changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import ColumnElement, and_, case, func, literal_column, not_, select

from asb.calendar import LONDON, start_of_london_day
from asb.extensions import db
from asb.geo.places import place_key, place_key_sql
from asb.geo.services import geography
from asb.incidents.models import Incident
from asb.incidents.vocabulary import (
    IncidentSource,
    ReportKind,
)
from asb.maps import analysis
from asb.maps.anonymous_points import at_anonymous_point, outside_the_area
from asb.maps.cache import cached
from asb.maps.filters import MapFilters, criteria_besides_dates, incident_criteria
from asb.settings import SettingsError, read_json, settings_loader

DEFAULT_POINTS_CAP = 2_000
REPEAT_LOCATIONS_SHOWN = 10
# A rate per 1,000 of fewer people than this moves by tens with each incident: not shown.
SMALLEST_RATE_BASE = 500
EDGE_CASES = "edge"


# Reporting pattern ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportingPattern:
    """Who reported: complaints from distinct people, officers' observations, police.uk records.

    Reporters are told apart by their email address, else their phone number, else their
    name, each normalised (case, spaces); anonymous complaints have none. Nothing
    identifying leaves the database: only these counts do.
    """

    incidents: int = 0
    complaints: int = 0
    anonymous_complaints: int = 0
    named_reporters: int = 0
    top_reporter_complaints: int = 0
    observations: int = 0
    police_uk: int = 0

    @property
    def named_complaints(self) -> int:
        return self.complaints - self.anonymous_complaints

    @property
    def anonymous_share(self) -> float | None:
        return self.anonymous_complaints / self.complaints if self.complaints else None

    @property
    def top_reporter_share(self) -> float | None:
        """The share of named complaints made by the one person who complained most."""
        named = self.named_complaints
        return self.top_reporter_complaints / named if named else None

    @property
    def mostly_one_reporter(self) -> bool:
        """Most named complaints come from one person, and there are enough to say so."""
        share = self.top_reporter_share
        return self.named_complaints >= 5 and share is not None and share > 0.5


def _reporter_key() -> ColumnElement:
    phone = Incident.reporter_phone
    for character in (" ", "-", "(", ")", "."):
        phone = func.replace(phone, character, "")
    return func.coalesce(
        func.nullif(func.lower(func.trim(Incident.reporter_email)), ""),
        func.nullif(phone, ""),
        func.nullif(func.lower(func.trim(Incident.reporter_name)), ""),
    )


def _reporting_patterns(criteria: list, group: ColumnElement) -> dict:
    """ReportingPattern per value of ``group``, counted in one query.

    Grouped twice, by group and reporter, then by group: distinct reporters and the busiest
    reporter's complaints come out of the same pass as the counts (two queries, one for
    counts and one for named complaints, measured a third slower on SQLite at a million
    incidents). Expressions are computed in an inner query and grouped by column, because
    PostgreSQL does not match a GROUP BY expression holding bound parameters to the same
    expression in the select list.
    """
    partnership = Incident.source == IncidentSource.PARTNERSHIP
    complaint = and_(partnership, Incident.report_kind == ReportKind.COMPLAINT)
    anonymous = and_(complaint, Incident.reporter_anonymous.is_(True))
    named = and_(complaint, Incident.reporter_anonymous.is_(False))
    observation = and_(partnership, Incident.report_kind == ReportKind.OBSERVATION)
    rows = (
        select(
            group.label("grp"),
            case((named, _reporter_key()), else_=None).label("reporter"),
            case((complaint, 1), else_=0).label("complaint"),
            case((anonymous, 1), else_=0).label("anonymous"),
            case((observation, 1), else_=0).label("observation"),
            case((Incident.source == IncidentSource.POLICE_UK, 1), else_=0).label("police_uk"),
        )
        .where(*criteria)
        .subquery()
    )
    by_reporter = (
        select(
            rows.c.grp,
            rows.c.reporter,
            func.count().label("incidents"),
            func.sum(rows.c.complaint).label("complaints"),
            func.sum(rows.c.anonymous).label("anonymous"),
            func.sum(rows.c.observation).label("observations"),
            func.sum(rows.c.police_uk).label("police_uk"),
        )
        .group_by(rows.c.grp, rows.c.reporter)
        .subquery()
    )
    query = select(
        by_reporter.c.grp,
        func.sum(by_reporter.c.incidents),
        func.sum(by_reporter.c.complaints),
        func.sum(by_reporter.c.anonymous),
        func.count(by_reporter.c.reporter),
        func.max(case((by_reporter.c.reporter.is_not(None), by_reporter.c.complaints), else_=0)),
        func.sum(by_reporter.c.observations),
        func.sum(by_reporter.c.police_uk),
    ).group_by(by_reporter.c.grp)
    return {
        grp: ReportingPattern(*(int(value or 0) for value in values))
        for grp, *values in db.session.execute(query)
    }


# The latest data -------------------------------------------------------------------------------


def latest_day_with_data(user, filters: MapFilters, today: date) -> date | None:
    """The London day of the latest matching incident up to today, whatever the dates chosen."""
    return cached(
        f"latest-{today.isoformat()}", user, filters, lambda: _latest_day(user, filters, today)
    )


def _latest_day(user, filters: MapFilters, today: date) -> date | None:
    latest = db.session.scalar(
        select(func.max(Incident.occurred_from)).where(
            *criteria_besides_dates(user, filters),
            Incident.occurred_from < start_of_london_day(today + timedelta(days=1)),
        )
    )
    return None if latest is None else _as_utc(latest).astimezone(LONDON).date()


# Grid counts and hotspots' reporters ------------------------------------------------------------


def grid_counts(
    user, filters: MapFilters, periods: list[analysis.Period]
) -> list[tuple[int | None, int, int]]:
    """(cell, period index, incidents) for every cell and period with incidents.

    Reads only occurred_from and grid_cell, so the (occurred_from, grid_cell) index covers
    it when nothing else is filtered on.
    """
    period = (
        case(
            *((Incident.occurred_from < p.end, index) for index, p in enumerate(periods[:-1])),
            else_=len(periods) - 1,
        )
        if len(periods) > 1
        else literal_column("0")
    )
    rows = (
        select(Incident.grid_cell.label("cell"), period.label("period"))
        .where(*incident_criteria(user, filters), not_(outside_the_area()))
        .subquery()
    )
    query = select(rows.c.cell, rows.c.period, func.count()).group_by(rows.c.cell, rows.c.period)
    return [(cell, int(index), int(count)) for cell, index, count in db.session.execute(query)]


def edge_cases(user, filters: MapFilters) -> dict[int | None, int]:
    """Records just outside the area (asb.maps.anonymous_points.outside_the_area), by cell."""
    query = (
        select(Incident.grid_cell, func.count())
        .where(*incident_criteria(user, filters), outside_the_area())
        .group_by(Incident.grid_cell)
    )
    return {cell: int(count) for cell, count in db.session.execute(query)}


def anonymous_points_in(user, filters: MapFilters, cells: list[int]) -> dict[int, dict[str, int]]:
    """Records at each of police.uk's anonymous points, by cell, in the cells given."""
    found: dict[int, dict[str, int]] = {}
    if not cells:
        return found
    query = (
        select(Incident.grid_cell, Incident.location_description, func.count())
        .where(
            *incident_criteria(user, filters),
            at_anonymous_point(),
            Incident.grid_cell.in_(sorted(cells)),
        )
        .group_by(Incident.grid_cell, Incident.location_description)
    )
    for cell, place, count in db.session.execute(query):
        found.setdefault(int(cell), {})[place] = int(count)
    return found


def reporting_by_hotspot(
    user, filters: MapFilters, number_of_cell: dict[int, int]
) -> dict[int, ReportingPattern]:
    """ReportingPattern per hotspot number, given the number of each hotspot's cells."""
    if not number_of_cell:
        return {}
    group = case(number_of_cell, value=Incident.grid_cell, else_=0)
    criteria = incident_criteria(user, filters)
    criteria.append(Incident.grid_cell.in_(list(number_of_cell)))
    return _reporting_patterns(criteria, group)


# Wards -----------------------------------------------------------------------------------------


@dataclass
class WardSummary:
    code: str | None  # None: incidents outside every ward
    name: str
    incidents: int
    previous: int
    reporting: ReportingPattern
    residents: int | None = None
    daytime_population: int | None = None
    resident_rate: float | None = None
    resident_rate_smoothed: float | None = None
    daytime_rate: float | None = None
    daytime_rate_smoothed: float | None = None
    edge_cases: bool = False  # the records police.uk places in a neighbouring borough

    @property
    def change(self) -> int:
        return self.incidents - self.previous

    @property
    def change_share(self) -> float | None:
        """The change as a share of the previous period's count (None when it had none)."""
        return self.change / self.previous if self.previous else None


@dataclass
class WardData:
    filters: MapFilters
    previous_filters: MapFilters
    wards: list[WardSummary]
    population: Population

    @property
    def total(self) -> int:
        return sum(ward.incidents for ward in self.wards)

    @property
    def previous_total(self) -> int:
        return sum(ward.previous for ward in self.wards)

    @property
    def max_count(self) -> int:
        return max((ward.incidents for ward in self.wards if ward.code), default=0)

    @property
    def edge_cases(self) -> int:
        return sum(ward.incidents for ward in self.wards if ward.edge_cases)

    @property
    def rates_hidden(self) -> bool:
        return any(ward.code and (ward.residents or 0) < SMALLEST_RATE_BASE for ward in self.wards)


@dataclass(frozen=True)
class Population:
    """Ward denominators: residents and daytime (workday) population, and where they came from."""

    source: str
    confirmed: bool
    residents: dict[str, int]
    daytime: dict[str, int]


def load_population(path: Path) -> Population:
    data = read_json(path)
    wards = data.get("wards") if isinstance(data, dict) else None
    if not isinstance(wards, dict) or not wards:
        raise SettingsError(f'{path} needs a "wards" object of ward codes')
    for code, ward in wards.items():
        for field in ("residents", "daytime_population"):
            value = ward.get(field) if isinstance(ward, dict) else None
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise SettingsError(
                    f'{path}: ward {code} needs "{field}" as a whole number of 0 or more'
                )
    return Population(
        source=data.get("source", ""),
        confirmed=bool(data.get("confirmed", False)),
        residents={code: int(ward["residents"]) for code, ward in wards.items()},
        daytime={code: int(ward["daytime_population"]) for code, ward in wards.items()},
    )


ward_population = settings_loader("ASB_WARD_POPULATION", load_population)


def ward_data(user, filters: MapFilters) -> WardData:
    """Incidents per ward, the change on the previous period, reporting pattern and rates."""
    return cached("wards", user, filters, lambda: _ward_data(user, filters))


def _ward_group() -> ColumnElement:
    """The ward code, or EDGE_CASES for a record in a neighbouring borough's LSOA."""
    return case((outside_the_area(), literal_column(f"'{EDGE_CASES}'")), else_=Incident.ward_code)


def _ward_data(user, filters: MapFilters) -> WardData:
    previous = filters.previous()
    patterns = _reporting_patterns(incident_criteria(user, filters), _ward_group())
    earlier = select(_ward_group().label("ward")).where(*incident_criteria(user, previous))
    earlier = earlier.subquery()
    before = dict(
        db.session.execute(select(earlier.c.ward, func.count()).group_by(earlier.c.ward)).all()
    )
    population = ward_population()
    wards = [
        WardSummary(
            code=ward.code,
            name=ward.name,
            incidents=patterns.get(ward.code, ReportingPattern()).incidents,
            previous=int(before.get(ward.code, 0)),
            reporting=patterns.get(ward.code, ReportingPattern()),
            residents=population.residents.get(ward.code),
            daytime_population=population.daytime.get(ward.code),
        )
        for ward in geography().ward_list
        if not filters.ward_code or ward.code == filters.ward_code
    ]
    events = [ward.incidents for ward in wards]
    for attribute, denominators in (
        ("resident", [ward.residents or 0 for ward in wards]),
        ("daytime", [ward.daytime_population or 0 for ward in wards]),
    ):
        crude = analysis.crude_rates(events, denominators)
        smoothed = analysis.smoothed_rates(events, denominators)
        for ward, rate, smooth, base in zip(wards, crude, smoothed, denominators, strict=True):
            shown = base >= SMALLEST_RATE_BASE
            setattr(ward, f"{attribute}_rate", rate if shown else None)
            setattr(ward, f"{attribute}_rate_smoothed", smooth if shown else None)
    if EDGE_CASES in patterns or before.get(EDGE_CASES):
        edge = patterns.get(EDGE_CASES, ReportingPattern())
        wards.append(
            WardSummary(
                code=None,
                name="Just outside the City boundary",
                incidents=edge.incidents,
                previous=int(before.get(EDGE_CASES, 0)),
                reporting=edge,
                edge_cases=True,
            )
        )
    if None in patterns or before.get(None):
        outside = patterns.get(None, ReportingPattern())
        wards.append(
            WardSummary(
                code=None,
                name="Outside the wards",
                incidents=outside.incidents,
                previous=int(before.get(None, 0)),
                reporting=outside,
            )
        )
    return WardData(filters, previous, wards, population)


# Repeat locations and points ---------------------------------------------------------------------


@dataclass
class RepeatLocation:
    place: str
    ward_name: str | None
    incidents: int
    latest: datetime
    cell: int


def repeat_locations(
    user, filters: MapFilters, limit: int = REPEAT_LOCATIONS_SHOWN, *, anonymous: bool = False
):
    """The places with most incidents (two or more): the same place text in one 100 m square.

    Place texts are compared as asb.geo.places says (ignoring case, spacing, punctuation
    and quotes), as the overview's repeat locations are. Grouping by text inside
    the stored grid cell keeps one place one row (a 25 m square would split a place whose
    points were picked a few metres apart) and keeps "On or near Bishopsgate" at both ends
    of the street apart.

    police.uk's anonymous points ("On or near Police Station") are not places anyone
    reported: they are listed apart, with ``anonymous``.
    """
    return cached(
        f"repeat-locations-{limit}-{anonymous}",
        user,
        filters,
        lambda: _repeat_locations(user, filters, limit, anonymous),
    )


def _repeat_locations(
    user, filters: MapFilters, limit: int, anonymous: bool
) -> list[RepeatLocation]:
    top = _places_in(user, filters, limit, anonymous)
    spellings = _commonest_spellings(user, filters, {int(cell) for cell, *_ in top})
    return [
        RepeatLocation(
            place=spellings.get((int(cell), place_key(place)), place.strip()),
            ward_name=ward,
            incidents=int(count),
            latest=_as_utc(last),
            cell=int(cell),
        )
        for cell, place, ward, count, last in top
    ]


def _places_in(user, filters: MapFilters, limit: int, anonymous: bool) -> list:
    """(cell, a spelling, ward, incidents, latest) of the busiest places.

    Searching the busiest squares first (a place cannot have more incidents than its
    square) was tried: at a million incidents a street name fills most of every square,
    so nearly every square had to be searched anyway, and it cost more.
    """
    rows = (
        select(
            Incident.grid_cell.label("cell"),
            place_key_sql(Incident.location_description).label("place_key"),
            Incident.location_description.label("place"),
            Incident.ward_name.label("ward"),
            Incident.occurred_from.label("occurred"),
        )
        .where(
            *incident_criteria(user, filters),
            Incident.grid_cell.is_not(None),
            at_anonymous_point() if anonymous else not_(at_anonymous_point()),
        )
        .subquery()
    )
    incidents = func.count()
    latest = func.max(rows.c.occurred)
    return db.session.execute(
        select(rows.c.cell, func.min(rows.c.place), func.min(rows.c.ward), incidents, latest)
        .group_by(rows.c.cell, rows.c.place_key)
        .having(incidents >= 2)
        .order_by(incidents.desc(), latest.desc(), rows.c.cell, rows.c.place_key)
        .limit(limit)
    ).all()


def _commonest_spellings(user, filters: MapFilters, cells: set[int]) -> dict[tuple, str]:
    """The way each place is most often written, by (cell, place key), in the cells given."""
    if not cells:
        return {}
    counted: dict[tuple, list[tuple[int, str]]] = {}
    for cell, place, count in db.session.execute(
        select(Incident.grid_cell, Incident.location_description, func.count())
        .where(
            *incident_criteria(user, filters),
            Incident.grid_cell.in_(sorted(cells)),
        )
        .group_by(Incident.grid_cell, Incident.location_description)
    ):
        counted.setdefault((cell, place_key(place)), []).append((-count, place.strip()))
    return {key: min(options)[1] for key, options in counted.items()}


def _as_utc(value: datetime | str) -> datetime:
    """Aggregates bypass the column type, so SQLite hands back text and naive datetimes."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class MapPoint:
    """An incident as the clustered layer shows it: where, when, what; nothing about people."""

    id: int
    reference: str
    category: str
    occurred_from: datetime
    latitude: float
    longitude: float


def recent_points(user, filters: MapFilters, cap: int | None = None) -> list[MapPoint]:
    """The most recent matching incidents, at most ``cap`` (MAP_POINTS_CAP, 2,000 by default)."""
    cap = cap or int(current_app.config.get("MAP_POINTS_CAP", DEFAULT_POINTS_CAP))
    return cached(f"points-{cap}", user, filters, lambda: _recent_points(user, filters, cap))


def _recent_points(user, filters: MapFilters, cap: int) -> list[MapPoint]:
    query = (
        select(
            Incident.id,
            Incident.reference,
            Incident.category,
            Incident.occurred_from,
            Incident.latitude,
            Incident.longitude,
        )
        .where(*incident_criteria(user, filters))
        .order_by(Incident.occurred_from.desc(), Incident.id.desc())
        .limit(cap)
    )
    return [
        MapPoint(id_, reference, category.label, occurred, latitude, longitude)
        for id_, reference, category, occurred, latitude, longitude in db.session.execute(query)
    ]
