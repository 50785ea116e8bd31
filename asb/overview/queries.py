"""Reading the overview: counts by period, kind, category, agency, ward and age, in SQL.

Every count is of incidents (and cases) the user may see, as the policy says. The database
does the counting, grouped on indexed columns; Python only rolls the grouped rows up into
what the page shows. Periods are London's calendar months and Monday-to-Sunday weeks: SQL
counts by UTC hour and Python places each hour in its London period (see `utc_hour`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, case, func, literal_column, select

from asb.auth.models import Agency, User
from asb.calendar import LONDON, start_of_london_day, today_in_london
from asb.cases.models import Case
from asb.cases.vocabulary import CaseStatus
from asb.extensions import db
from asb.geo.services import geography
from asb.incidents.models import Incident
from asb.incidents.vocabulary import Category, IncidentSource, IncidentStatus, ReportKind
from asb.maps.anonymous_points import outside_the_area
from asb.policy import visible_cases, visible_incidents

PERIOD_MONTHS = (3, 6, 12, 24)
DEFAULT_MONTHS = 12
JUST_OUTSIDE = "Just outside the City boundary"


class Interval(StrEnum):
    WEEK = "week"
    MONTH = "month"


class Signal(StrEnum):
    """The three independent counts: the public's complaints, officers' own observations and
    police.uk's published records, each read as a signal of its own."""

    COMPLAINTS = "complaints"
    OBSERVATIONS = "observations"
    POLICE_UK = "police-uk"


def signal_of(source: IncidentSource | str, kind: ReportKind | str) -> Signal:
    if IncidentSource(source) is IncidentSource.POLICE_UK:
        return Signal.POLICE_UK
    return Signal.OBSERVATIONS if ReportKind(kind) is ReportKind.OBSERVATION else Signal.COMPLAINTS


@dataclass(frozen=True)
class OverviewFilters:
    months: int = DEFAULT_MONTHS
    interval: Interval = Interval.MONTH
    agency_id: int | None = None
    source: IncidentSource | None = None  # None: partnership and police.uk records


# -- Periods -------------------------------------------------------------------------------


def first_of_month(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def period_starts(interval: Interval, months: int, as_of: date) -> list[date]:
    """The periods shown: the `months` whole months (or the weeks since) before the current
    period, and the current one so far."""
    if interval is Interval.MONTH:
        return [first_of_month(as_of, back) for back in range(months, -1, -1)]
    first = first_of_month(as_of, months)
    monday = first - timedelta(days=first.weekday())
    this_monday = as_of - timedelta(days=as_of.weekday())
    return [monday + timedelta(weeks=n) for n in range((this_monday - monday).days // 7 + 1)]


def utc_hour(column) -> ColumnElement:
    """The UTC hour a timestamp falls in, in SQL: cheap, and read from the index alone.

    London is always a whole number of hours from UTC, so each UTC hour lies wholly in one
    London day, and Python places it in its week or month exactly, across clock changes.
    (SQLite has no time zones: bucketing by London month in SQL means writing out the
    summer-time rule for every row, which measured four times slower.)
    """
    if db.session.get_bind().dialect.name == "postgresql":
        utc = func.timezone(literal_column("'UTC'"), column)
        return func.date_trunc(literal_column("'hour'"), utc)
    return func.substr(column, 1, 13)  # SQLite keeps 'YYYY-MM-DD HH:MM:SS.ffffff', in UTC


def period_of(hour: datetime | str, interval: Interval) -> date:
    """The London month or Monday-started week of a UTC hour as utc_hour returns it."""
    moment = hour if isinstance(hour, datetime) else datetime.strptime(hour, "%Y-%m-%d %H")
    day = moment.replace(tzinfo=UTC).astimezone(LONDON).date()
    if interval is Interval.MONTH:
        return day.replace(day=1)
    return day - timedelta(days=day.weekday())


# -- Incidents over time -------------------------------------------------------------------


def visible_in_window(user: User, filters: OverviewFilters, start: date, end: date) -> list:
    conditions = [
        visible_incidents(user),
        Incident.occurred_from >= start_of_london_day(start),
        Incident.occurred_from < start_of_london_day(end),
    ]
    if filters.agency_id:
        conditions.append(Incident.recording_agency_id == filters.agency_id)
    if filters.source:
        conditions.append(Incident.source == filters.source)
    return conditions


@dataclass
class PeriodRow:
    start: date
    counts: dict[Signal, int]
    complete: bool
    complaints_average: float | None = None  # the moving average of complaints


@dataclass
class Change:
    """The last whole period against the one before."""

    signal: Signal
    latest: int
    previous: int

    @property
    def difference(self) -> int:
        return self.latest - self.previous

    @property
    def percent(self) -> float | None:
        return None if self.previous == 0 else 100 * self.difference / self.previous


@dataclass
class IncidentsOverTime:
    interval: Interval
    rows: list[PeriodRow]
    changes: list[Change]
    complaints_slope: float | None  # least-squares change in complaints per period

    def total(self, signal: Signal) -> int:
        return sum(row.counts[signal] for row in self.rows)


MOVING_AVERAGE_PERIODS = 3


def incidents_over_time(
    user: User, filters: OverviewFilters, as_of: date | None = None
) -> IncidentsOverTime:
    as_of = as_of or today_in_london()
    starts = period_starts(filters.interval, filters.months, as_of)
    hour = utc_hour(Incident.occurred_from).label("hour")
    rows = db.session.execute(
        select(hour, Incident.source, Incident.report_kind, func.count())
        .where(*visible_in_window(user, filters, starts[0], as_of + timedelta(days=1)))
        .group_by(hour, Incident.source, Incident.report_kind)
    )
    counts: dict[date, dict[Signal, int]] = {start: dict.fromkeys(Signal, 0) for start in starts}
    periods_of_hours: dict = {}
    for hour_value, source, kind, count in rows:
        if hour_value not in periods_of_hours:
            periods_of_hours[hour_value] = period_of(hour_value, filters.interval)
        counts[periods_of_hours[hour_value]][signal_of(source, kind)] += count
    periods = [PeriodRow(start, counts[start], complete=start != starts[-1]) for start in starts]
    complete = [row for row in periods if row.complete]
    for index in range(MOVING_AVERAGE_PERIODS - 1, len(complete)):
        window = complete[index - MOVING_AVERAGE_PERIODS + 1 : index + 1]
        complete[index].complaints_average = sum(
            row.counts[Signal.COMPLAINTS] for row in window
        ) / len(window)
    changes = []
    if len(complete) >= 2:
        changes = [
            Change(signal, complete[-1].counts[signal], complete[-2].counts[signal])
            for signal in Signal
        ]
    return IncidentsOverTime(
        filters.interval,
        periods,
        changes,
        least_squares_slope([row.counts[Signal.COMPLAINTS] for row in complete]),
    )


def least_squares_slope(values: list[int]) -> float | None:
    if len(values) < 3:
        return None
    n = len(values)
    mean_x = (n - 1) / 2
    mean_y = sum(values) / n
    spread = sum((x - mean_x) ** 2 for x in range(n))
    return sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values)) / spread


# -- The mix: category, agency, ward -------------------------------------------------------


@dataclass
class MixRow:
    key: str
    label: str
    counts: dict[Signal, int] = field(default_factory=lambda: dict.fromkeys(Signal, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Mix:
    """The window's incidents by category, by recording agency and by ward."""

    categories: list[MixRow]
    agencies: list[MixRow]
    wards: list[MixRow]


def _sorted_rows(rows: dict[str, MixRow]) -> list[MixRow]:
    return sorted(rows.values(), key=lambda row: (-row.total, row.label))


def incident_mix(user: User, filters: OverviewFilters, as_of: date | None = None) -> Mix:
    """One grouped pass over the window, rolled up three ways (one scan, not three)."""
    as_of = as_of or today_in_london()
    start = period_starts(filters.interval, filters.months, as_of)[0]
    # Records police.uk places in a neighbouring borough's LSOA are in no ward of the City.
    edge = outside_the_area()
    rows = db.session.execute(
        select(
            Incident.category,
            Incident.recording_agency_id,
            Incident.ward_code,
            edge,
            Incident.source,
            Incident.report_kind,
            func.count(),
        )
        .where(*visible_in_window(user, filters, start, as_of + timedelta(days=1)))
        .group_by(
            Incident.category,
            Incident.recording_agency_id,
            Incident.ward_code,
            edge,
            Incident.source,
            Incident.report_kind,
        )
    ).all()
    agency_names = dict(db.session.execute(select(Agency.id, Agency.name)).tuples().all())
    ward_names = {ward.code: ward.name for ward in geography().ward_list}
    categories: dict[str, MixRow] = {}
    agencies: dict[str, MixRow] = {}
    wards: dict[str, MixRow] = {}
    for category, agency_id, ward_code, just_outside, source, kind, count in rows:
        signal = signal_of(source, kind)
        # police.uk publishes no category (imports carry a placeholder), so it is left out.
        if signal is not Signal.POLICE_UK:
            category = Category(category)
            categories.setdefault(category.value, MixRow(category.value, category.label))
            categories[category.value].counts[signal] += count
        agencies.setdefault(str(agency_id), MixRow(str(agency_id), agency_names[agency_id]))
        agencies[str(agency_id)].counts[signal] += count
        if just_outside:
            # Keyed apart from "No ward recorded"; an empty key links to no ward.
            group, ward_key, ward_label = JUST_OUTSIDE, "", JUST_OUTSIDE
        else:
            ward_key = ward_code or ""
            ward_label = ward_names.get(ward_code, ward_code) if ward_code else "No ward recorded"
            group = ward_key
        wards.setdefault(group, MixRow(ward_key, ward_label))
        wards[group].counts[signal] += count
    return Mix(_sorted_rows(categories), _sorted_rows(agencies), _sorted_rows(wards))


# -- Open work -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AgeBand:
    label: str
    up_to_days: int | None  # None: no upper limit


AGE_BANDS = (
    AgeBand("0 to 7 days", 7),
    AgeBand("8 to 28 days", 28),
    AgeBand("29 to 90 days", 90),
    AgeBand("More than 90 days", None),
)


def _age_band(column, as_of: date) -> ColumnElement:
    """The index into AGE_BANDS of a timestamp's age in whole London days on `as_of`."""
    return case(
        *(
            (column >= start_of_london_day(as_of - timedelta(days=band.up_to_days)), index)
            for index, band in enumerate(AGE_BANDS)
            if band.up_to_days is not None
        ),
        else_=len(AGE_BANDS) - 1,
    )


@dataclass
class OpenWorkRow:
    band: AgeBand
    untriaged_incidents: int = 0
    open_cases: int = 0


def open_work_by_age(
    user: User, filters: OverviewFilters, as_of: date | None = None
) -> list[OpenWorkRow]:
    """Incidents still awaiting triage (by age since recorded) and open cases (since opened).

    Today's work, so the period filter does not apply; the agency filter does (the recording
    agency of incidents, the team a case is assigned to).
    """
    as_of = as_of or today_in_london()
    rows = [OpenWorkRow(band) for band in AGE_BANDS]
    incident_band = _age_band(Incident.created_at, as_of).label("band")
    query = (
        select(incident_band, func.count())
        .where(visible_incidents(user), Incident.status == IncidentStatus.NEW)
        .group_by(incident_band)
    )
    if filters.agency_id:
        query = query.where(Incident.recording_agency_id == filters.agency_id)
    for band, count in db.session.execute(query):
        rows[band].untriaged_incidents = count
    case_band = _age_band(Case.opened_at, as_of).label("band")
    query = (
        select(case_band, func.count())
        .where(visible_cases(user), Case.status != CaseStatus.CLOSED)
        .group_by(case_band)
    )
    if filters.agency_id:
        query = query.where(Case.assigned_agency_id == filters.agency_id)
    for band, count in db.session.execute(query):
        rows[band].open_cases = count
    return rows


@dataclass
class AwaitingTriageRow:
    agency_id: int
    agency: str
    partnership: int
    police_uk: int
    oldest_recorded: datetime | None

    @property
    def total(self) -> int:
        return self.partnership + self.police_uk


def awaiting_triage_by_agency(user: User, filters: OverviewFilters) -> list[AwaitingTriageRow]:
    query = (
        select(
            Incident.recording_agency_id,
            Incident.source,
            func.count(),
            func.min(Incident.created_at),
        )
        .where(visible_incidents(user), Incident.status == IncidentStatus.NEW)
        # Source first: grouped by agency first, SQLite prefers to read every incident along
        # the agency index to save a sort, instead of the few new ones (650 ms against 18 ms
        # at a million incidents).
        .group_by(Incident.source, Incident.recording_agency_id)
    )
    if filters.agency_id:
        query = query.where(Incident.recording_agency_id == filters.agency_id)
    names = dict(db.session.execute(select(Agency.id, Agency.name)).tuples().all())
    by_agency: dict[int, AwaitingTriageRow] = {}
    for agency_id, source, count, oldest in db.session.execute(query):
        row = by_agency.setdefault(
            agency_id, AwaitingTriageRow(agency_id, names[agency_id], 0, 0, None)
        )
        if IncidentSource(source) is IncidentSource.POLICE_UK:
            row.police_uk += count
        else:
            row.partnership += count
        if oldest is not None and (row.oldest_recorded is None or oldest < row.oldest_recorded):
            row.oldest_recorded = oldest
    return sorted(by_agency.values(), key=lambda row: (-row.total, row.agency))
