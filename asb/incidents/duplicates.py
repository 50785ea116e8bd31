"""Likely duplicates at intake, and further reports of an incident already on the log.

Before a report becomes a new incident (the staff form, the public form, the API, Open311),
asb looks for incidents it may be another report of:

- the same category, within a distance of its point and a window either side of when it
  happened (by default 100 m and 48 hours);
- the same reporter (the same email address or phone number, or the same name) at the same
  place (within a distance, or the same place or address as written) within a window either
  side (by default 100 m and 7 days). The reporters of an incident's further reports count
  as its reporters too.

An incident that went on over a period is compared by when it began (occurred_from, the
indexed column every list and count uses). The distances and windows are the partnership's,
in the file the ASB_DUPLICATE_RULES setting names (asb/incidents/config/duplicates.json),
checked at start-up.

Only partnership incidents are suggested: police.uk records are published a month at a time
at anonymised street points with no reporter, so "the same place within 48 hours" means
nothing for them, and a report is never added to a record imported as published.

Each rule narrows on indexed columns first (category and occurred_from; occurred_from and
the stored 100 m grid cells around the point), then measures the distance in metres on the
British National Grid and compares reporters in Python, on a handful of rows.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import selectinload

from asb.audit.services import record_event
from asb.auth.models import User
from asb.extensions import db
from asb.geo.services import GRID_CELL_METRES, geography, grid_cell
from asb.incidents.models import Incident, IncidentChange, IncidentReport
from asb.incidents.vocabulary import Category, IncidentSource, ReportingChannel
from asb.policy import visible_incidents
from asb.public_reports.models import PublicReport
from asb.settings import SettingsError, read_json, settings_loader


class DuplicateRulesError(SettingsError):
    pass


@dataclass(frozen=True)
class DuplicateRules:
    same_category_metres: int = 100
    same_category_window: timedelta = timedelta(hours=48)
    same_reporter_metres: int = 100
    same_reporter_window: timedelta = timedelta(days=7)


_SECTIONS = {
    "same_category": ("distance_metres", "window_hours"),
    "same_reporter": ("distance_metres", "window_days"),
}


def load_rules(path: Path) -> DuplicateRules:
    data = read_json(path, DuplicateRulesError)
    if not isinstance(data, dict):
        raise DuplicateRulesError(f'{path} needs "same_category" and "same_reporter"')
    problems: list[str] = []
    values: dict[str, dict[str, int]] = {}
    for section, keys in _SECTIONS.items():
        given = data.get(section)
        if not isinstance(given, dict) or set(given) != set(keys):
            problems.append(f"{section} needs exactly {', '.join(keys)}")
            continue
        for key in keys:
            value = given[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problems.append(f"{section} {key} is {value!r}; use a whole number of 1 or more")
        values[section] = given
    if problems:
        raise DuplicateRulesError(f"{path}: " + "; ".join(problems))
    return DuplicateRules(
        same_category_metres=values["same_category"]["distance_metres"],
        same_category_window=timedelta(hours=values["same_category"]["window_hours"]),
        same_reporter_metres=values["same_reporter"]["distance_metres"],
        same_reporter_window=timedelta(days=values["same_reporter"]["window_days"]),
    )


duplicate_rules = settings_loader("ASB_DUPLICATE_RULES", load_rules)


# Who and where, compared as people write them -------------------------------------------------


def normalised_email(email: str | None) -> str | None:
    return email.strip().casefold() or None if email else None


def normalised_phone(phone: str | None) -> str | None:
    """Digits only, a UK number in its national form: "+44 (0)20 7606 3030" is 02076063030."""
    if not phone:
        return None
    digits = re.sub(r"\D", "", phone)
    for international in ("0044", "44"):
        if digits.startswith(international) and len(digits) > len(international) + 9:
            digits = digits[len(international) :]
            digits = digits if digits.startswith("0") else "0" + digits
            break
    return digits or None


def normalised_words(text: str | None) -> str | None:
    """Letters and digits, in one case, one space apart: "1, Bank St." is "1 bank st"."""
    if not text:
        return None
    return " ".join(re.sub(r"[^\w]+", " ", text).split()).casefold() or None


@dataclass(frozen=True)
class _Reporter:
    email: str | None
    phone: str | None
    name: str | None

    @classmethod
    def of(cls, email: str | None, phone: str | None, name: str | None) -> _Reporter:
        return cls(normalised_email(email), normalised_phone(phone), normalised_words(name))

    @property
    def known(self) -> bool:
        return bool(self.email or self.phone or self.name)

    def same_as(self, other: _Reporter) -> bool:
        return any(
            mine is not None and mine == theirs
            for mine, theirs in (
                (self.email, other.email),
                (self.phone, other.phone),
                (self.name, other.name),
            )
        )


def _reporters(incident: Incident) -> list[_Reporter]:
    """Everyone who reported the incident: its first reporter and those of its further reports."""
    people = [
        _Reporter.of(incident.reporter_email, incident.reporter_phone, incident.reporter_name)
    ]
    people += [
        _Reporter.of(report.reporter_email, report.reporter_phone, report.reporter_name)
        for report in incident.reports
    ]
    return [person for person in people if person.known]


# Finding them ---------------------------------------------------------------------------------


def _cells_around(easting: int, northing: int, metres: int) -> list[int]:
    """The stored grid cells that any point within `metres` of this one can lie in."""
    reach = math.ceil(metres / GRID_CELL_METRES)
    return sorted(
        {
            grid_cell(easting + dx * GRID_CELL_METRES, northing + dy * GRID_CELL_METRES)
            for dx in range(-reach, reach + 1)
            for dy in range(-reach, reach + 1)
        }
    )


def _distance(incident: Incident, easting: int, northing: int) -> float | None:
    if incident.easting is None or incident.northing is None:
        return None
    return math.hypot(incident.easting - easting, incident.northing - northing)


def _candidates(conditions: list[ColumnElement[bool]], viewer: User | None) -> list[Incident]:
    query = (
        select(Incident)
        .where(Incident.source == IncidentSource.PARTNERSHIP, *conditions)
        .options(selectinload(Incident.reports))
    )
    if viewer is not None:
        query = query.where(visible_incidents(viewer))
    return list(db.session.scalars(query))


def find_likely_duplicates(
    *,
    category: Category | None,
    latitude: float | None,
    longitude: float | None,
    occurred_at: datetime,
    reporter_email: str | None = None,
    reporter_phone: str | None = None,
    reporter_name: str | None = None,
    location_description: str | None = None,
    viewer: User | None = None,
    exclude_incident_id: int | None = None,
    limit: int = 5,
) -> list[Incident]:
    """Incidents the new report may be another report of, the closest in time first.

    With a viewer, only incidents they may see; without one (the public form, Open311, the
    system), any. The caller shows only what the viewer may see of each: a suggestion
    names no one.
    """
    rules = duplicate_rules()
    point = None
    if latitude is not None and longitude is not None:
        location = geography().locate(latitude, longitude)
        point = (location.easting, location.northing)
    excluded = [Incident.id != exclude_incident_id] if exclude_incident_id is not None else []
    found: dict[int, Incident] = {}

    if category is not None and point is not None:
        window = rules.same_category_window
        for incident in _candidates(
            [
                Incident.category == category,
                Incident.occurred_from.between(occurred_at - window, occurred_at + window),
                Incident.grid_cell.in_(_cells_around(*point, rules.same_category_metres)),
                *excluded,
            ],
            viewer,
        ):
            distance = _distance(incident, *point)
            if distance is not None and distance <= rules.same_category_metres:
                found[incident.id] = incident

    reporter = _Reporter.of(reporter_email, reporter_phone, reporter_name)
    place = normalised_words(location_description)
    if reporter.known and (point is not None or place is not None):
        window = rules.same_reporter_window
        near: list[ColumnElement[bool]] = []
        if point is not None:
            near.append(Incident.grid_cell.in_(_cells_around(*point, rules.same_reporter_metres)))
        if location_description and location_description.strip():
            near.append(
                func.lower(func.trim(Incident.location_description))
                == location_description.strip().lower()
            )
        for incident in _candidates(
            [
                Incident.occurred_from.between(occurred_at - window, occurred_at + window),
                or_(*near),
                *excluded,
            ],
            viewer,
        ):
            if incident.id in found:
                continue
            distance = _distance(incident, *point) if point is not None else None
            same_place = (distance is not None and distance <= rules.same_reporter_metres) or (
                place is not None and normalised_words(incident.location_description) == place
            )
            if same_place and any(reporter.same_as(other) for other in _reporters(incident)):
                found[incident.id] = incident

    return sorted(
        found.values(),
        key=lambda incident: (abs(incident.occurred_from - occurred_at), incident.id),
    )[:limit]


# Adding a report to an incident -----------------------------------------------------------


def add_report_to_incident(
    incident: Incident,
    *,
    channel: ReportingChannel,
    reported_at: datetime,
    description: str | None,
    reporter_anonymous: bool,
    reporter_name: str | None = None,
    reporter_phone: str | None = None,
    reporter_email: str | None = None,
    reporter_address: str | None = None,
    recorded_by: User | None = None,
    public_report: PublicReport | None = None,
) -> IncidentReport:
    """Record another report of the incident, keeping its reporter; figures count the incident
    once however many reports it has. Flush only: the caller commits."""
    contact: dict[str, Any] = (
        {}
        if reporter_anonymous
        else {
            "reporter_name": reporter_name or None,
            "reporter_phone": reporter_phone or None,
            "reporter_email": reporter_email or None,
            "reporter_address": reporter_address or None,
        }
    )
    report = IncidentReport(
        incident=incident,
        channel=channel,
        reported_at=reported_at,
        description=description or None,
        reporter_anonymous=reporter_anonymous,
        recorded_by=recorded_by,
        public_report_id=public_report.id if public_report is not None else None,
        **contact,
    )
    db.session.add(report)
    db.session.add(
        IncidentChange(
            incident=incident,
            changed_by=recorded_by,
            action="reported-again",
            changes={},
        )
    )
    db.session.flush()
    detail: dict[str, Any] = {"report_id": report.id, "channel": channel.value}
    if public_report is not None:
        detail["public_report_id"] = public_report.id
    record_event("incident.report-added", actor=recorded_by, obj=incident, **detail)
    return report
