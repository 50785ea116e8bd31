"""The CSV export of the shared log."""

from __future__ import annotations

from asb.calendar import LONDON
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

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Stop spreadsheet programs treating text such as =HYPERLINK(...) as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _local(value) -> str:
    return value.astimezone(LONDON).strftime("%Y-%m-%d %H:%M") if value else ""


def export_row(incident: Incident, include_personal: bool) -> list[str]:
    row = [
        incident.reference,
        incident.source.label,
        incident.status.label,
        _local(incident.occurred_from),
        _local(incident.occurred_to),
        incident.location_description,
        f"{incident.latitude:.6f}",
        f"{incident.longitude:.6f}",
        incident.ward_name,
        incident.qualifier.label,
        incident.category.label,
        incident.local_type.name if incident.local_type else "",
        _yes_no(incident.hate_motivated),
        _yes_no(incident.possible_crime),
        incident.report_kind.label,
        incident.reporting_channel.label,
        incident.households_affected,
        incident.recording_agency.name,
        _yes_no(incident.restricted),
        incident.description,
    ]
    if include_personal:
        row += [
            _yes_no(incident.reporter_anonymous),
            incident.reporter_name,
            incident.reporter_phone,
            incident.reporter_email,
            incident.reporter_address,
            _yes_no(incident.reporter_is_victim),
            incident.victim_name,
            incident.victim_phone,
            incident.victim_email,
            incident.victim_address,
            "; ".join(Vulnerability(item).label for item in incident.vulnerabilities or []),
        ]
    else:
        row += ["Withheld"] + [""] * 10
    return [safe_cell(value) for value in row]
