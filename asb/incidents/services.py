"""Recording and changing incidents. Every change leaves an append-only history entry."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from asb.audit.services import record_event
from asb.auth.models import Agency, User
from asb.database import utcnow
from asb.extensions import db
from asb.geo.services import Location, geography
from asb.incidents.models import Incident, IncidentChange, LocalAsbType, ReferenceCounter
from asb.incidents.vocabulary import IncidentSource, IncidentStatus
from asb.versioning import StaleEditError, current_version

INCIDENT_PREFIX = "ASB"

# What an officer may change on the incident form (status has its own service).
EDITABLE_FIELDS = (
    "occurred_from",
    "occurred_to",
    "location_description",
    "latitude",
    "longitude",
    "qualifier",
    "category",
    "local_type",
    "hate_motivated",
    "possible_crime",
    "description",
    "reporting_channel",
    "report_kind",
    "households_affected",
    "reporter_anonymous",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "reporter_address",
    "reporter_is_victim",
    "victim_name",
    "victim_phone",
    "victim_email",
    "victim_address",
    "vulnerabilities",
    "restricted",
    "restriction_reason",
    "recording_agency",
)


class StaleIncidentError(StaleEditError):
    """The incident changed after the editor opened it."""


def next_reference(prefix: str, year: int) -> str:
    """Issue the next reference in a series for the year, e.g. ASB-2026-00042.

    Every series (incidents, cases, Case Reviews) counts in one row per prefix and year.
    The row is created if missing without ever failing on a duplicate (ON CONFLICT DO
    NOTHING), then incremented in one statement that locks it until the commit, so two
    people saving at once, even the first two of a new year, never get the same number.
    """
    return next_references(prefix, year, 1)[0]


def next_references(prefix: str, year: int, count: int) -> list[str]:
    """Issue the next `count` references of a series for the year at once, in order (for
    imports: one statement however many)."""
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[dialect]
    db.session.execute(
        insert(ReferenceCounter)
        .values(prefix=prefix, year=year, last_value=0)
        .on_conflict_do_nothing(index_elements=["prefix", "year"])
    )
    last = db.session.scalar(
        update(ReferenceCounter)
        .where(ReferenceCounter.prefix == prefix, ReferenceCounter.year == year)
        .values(last_value=ReferenceCounter.last_value + count)
        .returning(ReferenceCounter.last_value)
        .execution_options(synchronize_session=False)
    )
    return [f"{prefix}-{year}-{number:05d}" for number in range(last - count + 1, last + 1)]


def _history_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Agency):
        return value.name
    if isinstance(value, LocalAsbType):
        return value.name
    if isinstance(value, list):
        return sorted(str(item) for item in value)
    return value


def _locate(incident: Incident) -> None:
    apply_location(incident, geography().locate(incident.latitude, incident.longitude))


def apply_location(incident: Incident, location: Location) -> None:
    incident.ward_code = location.ward.code if location.ward else None
    incident.ward_name = location.ward.name if location.ward else None
    incident.easting = location.easting
    incident.northing = location.northing
    incident.grid_cell = location.grid_cell
    incident.outside_city_edge = location.outside_edge


def record_incident(
    fields: dict[str, Any],
    *,
    actor: User | None,
    source: IncidentSource = IncidentSource.PARTNERSHIP,
    reference_year: int | None = None,
) -> Incident:
    incident = Incident(source=source, status=IncidentStatus.NEW, recorded_by=actor)
    for name, value in fields.items():
        setattr(incident, name, value)
    if incident.reporter_anonymous:
        _clear_reporter_contact(incident)
    _locate(incident)
    incident.reference = next_reference(INCIDENT_PREFIX, reference_year or utcnow().year)
    db.session.add(incident)
    db.session.flush()
    db.session.add(
        IncidentChange(incident=incident, changed_by=actor, action="recorded", changes={})
    )
    record_event("incident.recorded", actor=actor, obj=incident)
    return incident


def _clear_reporter_contact(incident: Incident) -> None:
    incident.reporter_name = None
    incident.reporter_phone = None
    incident.reporter_email = None
    incident.reporter_address = None


def update_incident(
    incident: Incident, fields: dict[str, Any], *, actor: User, expected_version: int
) -> dict[str, list[Any]]:
    """Apply an edit and record what changed; refuse it if someone saved in between."""
    if current_version(incident) != expected_version:
        raise StaleIncidentError(incident.reference)
    before = {name: _history_value(getattr(incident, name)) for name in EDITABLE_FIELDS}
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name} is not an editable incident field")
        setattr(incident, name, value)
    if incident.reporter_anonymous:
        _clear_reporter_contact(incident)
    changes = {
        name: [before[name], _history_value(getattr(incident, name))]
        for name in EDITABLE_FIELDS
        if before[name] != _history_value(getattr(incident, name))
    }
    if not changes:
        return changes
    if "latitude" in changes or "longitude" in changes:
        _locate(incident)
    db.session.add(
        IncidentChange(incident=incident, changed_by=actor, action="edited", changes=changes)
    )
    db.session.flush()
    record_event("incident.edited", actor=actor, obj=incident, fields=sorted(changes))
    return changes


def change_status(
    incident: Incident,
    status: IncidentStatus,
    *,
    actor: User,
    reason: str | None = None,
) -> None:
    if status is IncidentStatus.NO_FURTHER_ACTION and not reason:
        raise ValueError("A reason is needed to close an incident with no further action")
    if status is incident.status:
        return
    changes: dict[str, list[Any]] = {"status": [incident.status.value, status.value]}
    incident.status = status
    new_reason = reason if status is IncidentStatus.NO_FURTHER_ACTION else None
    if new_reason != incident.no_further_action_reason:
        changes["no_further_action_reason"] = [incident.no_further_action_reason, new_reason]
    incident.no_further_action_reason = new_reason
    db.session.add(
        IncidentChange(incident=incident, changed_by=actor, action="status", changes=changes)
    )
    db.session.flush()
    record_event("incident.status-changed", actor=actor, obj=incident, status=status.value)
