"""The shared log as a download (CSV or XLSX): its columns and one incident's row."""

from __future__ import annotations

from decimal import Decimal

from asb.exports import Value
from asb.incidents.models import Incident
from asb.incidents.vocabulary import Vulnerability

EXPORT_HEADER = [
    "Reference",
    "Source",
    "Status",
    "Happened from",
    "Happened to",
    "Place",
    "Latitude",
    "Longitude",
    "Ward",
    "Kind of ASB",
    "Category",
    "Local type",
    "Hate motivated",
    "Could also be a crime",
    "Complaint or observation",
    "How reported",
    "Households affected",
    "Recording agency",
    "Restricted",
    "Description",
    "Reporter anonymous",
    "Reporter name",
    "Reporter phone",
    "Reporter email",
    "Reporter address",
    "Reporter is victim",
    "Victim name",
    "Victim phone",
    "Victim email",
    "Victim address",
    "Vulnerability",
]
PERSONAL_COLUMNS = 11
WITHHELD = "Withheld"


def _coordinate(value: float) -> Decimal:
    """To six places (about 10 cm), as the log records points."""
    return Decimal(f"{value:.6f}")


def export_row(incident: Incident, include_personal: bool) -> list[Value]:
    """One incident's cells; its reporter's and victim's details only with include_personal."""
    row: list[Value] = [
        incident.reference,
        incident.source.label,
        incident.status.label,
        incident.occurred_from,
        incident.occurred_to,
        incident.location_description,
        _coordinate(incident.latitude),
        _coordinate(incident.longitude),
        incident.ward_name,
        incident.qualifier.label,
        incident.category.label,
        incident.local_type.name if incident.local_type else None,
        incident.hate_motivated,
        incident.possible_crime,
        incident.report_kind.label,
        incident.reporting_channel.label,
        incident.households_affected,
        incident.recording_agency.name,
        incident.restricted,
        incident.description,
    ]
    if not include_personal:
        return [*row, WITHHELD, *[None] * (PERSONAL_COLUMNS - 1)]
    return [
        *row,
        incident.reporter_anonymous,
        incident.reporter_name,
        incident.reporter_phone,
        incident.reporter_email,
        incident.reporter_address,
        incident.reporter_is_victim,
        incident.victim_name,
        incident.victim_phone,
        incident.victim_email,
        incident.victim_address,
        "; ".join(Vulnerability(item).label for item in incident.vulnerabilities or []),
    ]
