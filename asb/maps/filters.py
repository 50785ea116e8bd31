"""The hotspot map's filters: which incidents, over which London days, and in SQL."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement

from asb.calendar import add_months, start_of_london_day, today_in_london
from asb.incidents.models import Incident
from asb.incidents.vocabulary import Category, IncidentSource, IncidentStatus, Qualifier
from asb.policy import visible_incidents

# The longest custom period: three years, as far back as the benchmark's data goes.
LONGEST_WINDOW_DAYS = 3 * 366

PRESETS = {
    "28-days": "Last 28 days",
    "3-months": "Last 3 months",
    "12-months": "Last 12 months",
}


def preset_range(preset: str, today: date) -> tuple[date, date]:
    """The first and last day (inclusive) of a preset period ending today.

    Months are calendar months, the last one so far: police.uk dates records by month,
    so "12 months" is twelve of them, never parts of thirteen.
    """
    if preset == "28-days":
        return today - timedelta(days=27), today
    if preset == "3-months":
        return add_months(today.replace(day=1), -2), today
    if preset == "12-months":
        return add_months(today.replace(day=1), -11), today
    raise ValueError(f"unknown period {preset!r}")


def last_day_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def ending_with_the_data(
    filters: MapFilters, preset: str, latest: date | None, today: date
) -> tuple[MapFilters, date | None]:
    """A preset period moved back to end with the month of the latest data, when this month
    has none; and the day it now ends (None when it still ends today)."""
    if latest is None or (latest.year, latest.month) >= (today.year, today.month):
        return filters, None
    last_day = last_day_of_month(latest)
    date_from, date_to = preset_range(preset, last_day)
    return replace(filters, date_from=date_from, date_to=date_to), last_day


def _start_of_day(day: date) -> datetime:
    return start_of_london_day(day).astimezone(UTC)


@dataclass(frozen=True)
class MapFilters:
    """Which incidents the map counts: days are London days, both ends included."""

    date_from: date
    date_to: date
    qualifier: str | None = None
    category: str | None = None
    local_type_id: int | None = None
    agency_id: int | None = None
    status: str | None = None
    source: str | None = None
    ward_code: str | None = None

    @classmethod
    def last(cls, preset: str = "12-months", *, today: date | None = None, **criteria):
        """Filters for a preset period ("28-days", "3-months", "12-months") ending today."""
        date_from, date_to = preset_range(preset, today or today_in_london())
        return cls(date_from=date_from, date_to=date_to, **criteria)

    @property
    def start(self) -> datetime:
        return _start_of_day(self.date_from)

    @property
    def end(self) -> datetime:
        """The first moment after the window (exclusive)."""
        return _start_of_day(self.date_to + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def previous(self) -> MapFilters:
        """The same filters over the period of the same length just before this one."""
        return MapFilters(
            date_from=self.date_from - timedelta(days=self.days),
            date_to=self.date_from - timedelta(days=1),
            qualifier=self.qualifier,
            category=self.category,
            local_type_id=self.local_type_id,
            agency_id=self.agency_id,
            status=self.status,
            source=self.source,
            ward_code=self.ward_code,
        )

    def incident_list_args(self, **place) -> dict[str, str | list[str]]:
        """Query arguments that open the incident log on these filters (and a cell or ward).

        The log has no category group filter, so ``qualifier`` is not carried over.
        """

        def parts(day: date) -> list[str]:
            return [str(day.day), str(day.month), str(day.year)]

        args: dict[str, str | list[str]] = {
            "date_from": parts(self.date_from),
            "date_to": parts(self.date_to),
        }
        for name, value in (
            ("category", self.category),
            ("local_type", self.local_type_id),
            ("agency", self.agency_id),
            ("status", self.status),
            ("source", self.source),
            ("ward", self.ward_code),
        ):
            if value not in (None, ""):
                args[name] = str(value)
        for name, value in place.items():
            if value is not None:
                args[name] = str(value)
        return args


def incident_criteria(user, filters: MapFilters) -> list[ColumnElement]:
    """WHERE clauses for the incidents that match and that the user may see."""
    return [
        Incident.occurred_from >= filters.start,
        Incident.occurred_from < filters.end,
        *criteria_besides_dates(user, filters),
    ]


def criteria_besides_dates(user, filters: MapFilters) -> list[ColumnElement]:
    """WHERE clauses for every filter but the dates, and what the user may see."""
    criteria = [visible_incidents(user)]
    if filters.qualifier:
        criteria.append(Incident.qualifier == Qualifier(filters.qualifier))
    if filters.category:
        criteria.append(Incident.category == Category(filters.category))
    if filters.local_type_id:
        criteria.append(Incident.local_type_id == filters.local_type_id)
    if filters.agency_id:
        criteria.append(Incident.recording_agency_id == filters.agency_id)
    if filters.status:
        criteria.append(Incident.status == IncidentStatus(filters.status))
    if filters.source:
        criteria.append(Incident.source == IncidentSource(filters.source))
    if filters.ward_code:
        criteria.append(Incident.ward_code == filters.ward_code)
    return criteria
