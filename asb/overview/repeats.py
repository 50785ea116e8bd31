"""The overview's repeat lists: places and victims with three or more incidents in the window
(six months by default, as asb.people counts repeat victimisation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select

from asb.auth.models import User
from asb.calendar import today_in_london
from asb.extensions import db
from asb.geo.places import place_key_sql
from asb.incidents.models import Incident
from asb.incidents.vocabulary import IncidentSource, ReportKind
from asb.maps.anonymous_points import DOMINANT_SHARE, at_anonymous_point
from asb.overview.queries import OverviewFilters, visible_in_window
from asb.people.victimisation import Report, repeat_settings, repeat_victims
from asb.policy import personal_details_visible, visible_incidents

LIST_LIMIT = 25


def repeat_window(as_of: date) -> tuple[date, date]:
    """The days the repeat lists look back over, ending with `as_of` (end exclusive)."""
    _, days = repeat_settings()
    end = as_of + timedelta(days=1)
    return end - timedelta(days=days), end


@dataclass
class RepeatLocation:
    grid_cell: int
    place: str
    ward: str | None
    incidents: int
    complaints: int
    first: datetime
    last: datetime


@dataclass
class RepeatLocations:
    locations: list[RepeatLocation]  # the busiest, at most LIST_LIMIT
    total: int
    window_start: date
    window_end: date  # exclusive


def repeat_locations(
    user: User, filters: OverviewFilters, as_of: date | None = None
) -> RepeatLocations:
    """Places with the threshold or more partnership incidents in the window: the same 100 m
    grid cell and the same place (asb.geo.places). police.uk records are left out, because
    police.uk moves every point to a nearby street's anonymised "on or near" location."""
    as_of = as_of or today_in_london()
    threshold, _ = repeat_settings()
    start, end = repeat_window(as_of)
    key = place_key_sql(Incident.location_description).label("place_key")
    query = (
        select(
            Incident.grid_cell,
            key,
            func.count(),
            func.sum(case((Incident.report_kind == ReportKind.COMPLAINT, 1), else_=0)),
            func.min(Incident.location_description),
            func.min(Incident.ward_name),
            func.min(Incident.occurred_from),
            func.max(Incident.occurred_from),
        )
        .where(
            *visible_in_window(user, filters, start, end),
            Incident.source == IncidentSource.PARTNERSHIP,
            Incident.grid_cell.is_not(None),
        )
        .group_by(Incident.grid_cell, key)
        .having(func.count() >= threshold)
    )
    found = [
        RepeatLocation(cell, place, ward, count, complaints or 0, first, last)
        for cell, _, count, complaints, place, ward, first, last in db.session.execute(query)
    ]
    found.sort(key=lambda location: (-location.incidents, -location.last.timestamp()))
    return RepeatLocations(found[:LIST_LIMIT], len(found), start, end)


@dataclass
class AnonymousPoint:
    """One of police.uk's anonymous points in one 100 m square, and that square's records."""

    grid_cell: int
    place: str
    ward: str | None
    records: int
    square_incidents: int
    last: datetime

    @property
    def dominates_square(self) -> bool:
        return self.square_incidents > 0 and self.records / self.square_incidents > DOMINANT_SHARE


def anonymous_points(
    user: User, filters: OverviewFilters, as_of: date | None = None
) -> list[AnonymousPoint]:
    """police.uk's anonymous points ("On or near Police Station") with the threshold or more
    records in the repeat window: listed apart from real places, since police.uk put them
    there (asb.maps.anonymous_points)."""
    as_of = as_of or today_in_london()
    threshold, _ = repeat_settings()
    start, end = repeat_window(as_of)
    window = visible_in_window(user, filters, start, end)
    rows = db.session.execute(
        select(
            Incident.grid_cell,
            Incident.location_description,
            func.count(),
            func.min(Incident.ward_name),
            func.max(Incident.occurred_from),
        )
        .where(*window, at_anonymous_point(), Incident.grid_cell.is_not(None))
        .group_by(Incident.grid_cell, Incident.location_description)
        .having(func.count() >= threshold)
    ).all()
    if not rows:
        return []
    squares = dict(
        db.session.execute(
            select(Incident.grid_cell, func.count())
            .where(*window, Incident.grid_cell.in_(sorted({row[0] for row in rows})))
            .group_by(Incident.grid_cell)
        ).all()
    )
    found = [
        AnonymousPoint(cell, place, ward, count, int(squares.get(cell, count)), last)
        for cell, place, count, ward, last in rows
    ]
    found.sort(key=lambda point: (-point.records, point.place, point.grid_cell))
    return found[:LIST_LIMIT]


@dataclass
class VisibleRepeatVictim:
    """A repeat victim as this user may know them: only the incidents they may see count,
    and who it is shows only to those who may see someone's details on one of them."""

    identity: str | None
    person_id: int | None
    incidents: list[Report]
    agencies: list[str]

    @property
    def count(self) -> int:
        return len(self.incidents)


@dataclass
class RepeatVictims:
    victims: list[VisibleRepeatVictim]  # the most reported, at most LIST_LIMIT
    total: int
    window_start: date
    window_end: date


def visible_repeat_victims(
    user: User, filters: OverviewFilters, as_of: date | None = None
) -> RepeatVictims:
    """asb.people's repeat victims, cut down to what this user may see.

    Counted across agencies, as repeat victimisation must be; with an agency filter, those
    with at least one incident recorded by that agency.
    """
    as_of = as_of or today_in_london()
    threshold, _ = repeat_settings()
    start, end = repeat_window(as_of)
    candidates = repeat_victims(as_of)
    incident_ids = {report.incident_id for victim in candidates for report in victim.reports}
    visible: dict[int, tuple[int, bool]] = {}
    for chunk in _chunks(sorted(incident_ids), 5_000):
        visible.update(
            (incident_id, (agency_id, details))
            for incident_id, agency_id, details in db.session.execute(
                select(
                    Incident.id,
                    Incident.recording_agency_id,
                    case((personal_details_visible(user), True), else_=False),
                ).where(Incident.id.in_(chunk), visible_incidents(user))
            )
        )
    shown = []
    for victim in candidates:
        reports = [report for report in victim.reports if report.incident_id in visible]
        if len(reports) < threshold:
            continue
        if filters.agency_id and all(
            visible[report.incident_id][0] != filters.agency_id for report in reports
        ):
            continue
        sees_who = any(visible[report.incident_id][1] for report in reports)
        who = None
        if sees_who:
            who = victim.person.name if victim.person is not None else victim.address
        shown.append(
            VisibleRepeatVictim(
                identity=who,
                person_id=victim.person.id if sees_who and victim.person is not None else None,
                incidents=reports,
                agencies=sorted({report.agency_name for report in reports}),
            )
        )
    shown.sort(key=lambda victim: (-victim.count, -victim.incidents[-1].occurred_from.timestamp()))
    return RepeatVictims(shown[:LIST_LIMIT], len(shown), start, end)


def _chunks(values: list[int], size: int):
    for index in range(0, len(values), size):
        yield values[index : index + size]
