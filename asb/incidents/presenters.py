"""How incident fields and their history read on a page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asb.incidents.models import PERSONAL_FIELDS, IncidentChange
from asb.incidents.vocabulary import (
    Category,
    IncidentStatus,
    Qualifier,
    ReportingChannel,
    ReportKind,
    Vulnerability,
)
from asb.presentation import london_datetime

FIELD_LABELS = {
    "occurred_from": "When it happened",
    "occurred_to": "When it ended",
    "location_description": "Place or address",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "qualifier": "Kind of ASB",
    "category": "Category",
    "local_type": "Local type",
    "hate_motivated": "Hate motivated",
    "possible_crime": "Could also be a crime",
    "description": "What happened",
    "reporting_channel": "How it was reported",
    "report_kind": "Complaint or observation",
    "households_affected": "Households affected",
    "reporter_anonymous": "Reporter anonymous",
    "reporter_name": "Reporter's name",
    "reporter_phone": "Reporter's phone number",
    "reporter_email": "Reporter's email address",
    "reporter_address": "Reporter's address",
    "reporter_is_victim": "Reporter is the victim",
    "victim_name": "Victim's name",
    "victim_phone": "Victim's phone number",
    "victim_email": "Victim's email address",
    "victim_address": "Victim's address",
    "vulnerabilities": "Vulnerability",
    "restricted": "Restricted",
    "restriction_reason": "Reason for restricting",
    "recording_agency": "Recording agency",
    "status": "Status",
    "no_further_action_reason": "Reason for no further action",
}

_VOCABULARIES = {
    "qualifier": Qualifier,
    "category": Category,
    "reporting_channel": ReportingChannel,
    "report_kind": ReportKind,
    "status": IncidentStatus,
}

HIDDEN = "Hidden: personal details are shown only to the recording agency and the ASB lead"


def describe_value(field: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "Not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field in _VOCABULARIES:
        try:
            return _VOCABULARIES[field](value).label
        except ValueError:
            return str(value)
    if field == "vulnerabilities":
        return ", ".join(Vulnerability(item).label for item in value)
    if field in {"occurred_from", "occurred_to"} and isinstance(value, str):
        return london_datetime(datetime.fromisoformat(value))
    return str(value)


@dataclass
class HistoryEntry:
    change: IncidentChange
    rows: list[tuple[str, str, str]]
    hidden_fields: int


def history_entries(changes: list[IncidentChange], show_personal: bool) -> list[HistoryEntry]:
    """Each save as readable rows; personal fields are counted but not shown to others."""
    entries = []
    for change in changes:
        rows = []
        hidden = 0
        for field, (old, new) in sorted(change.changes.items()):
            if field in PERSONAL_FIELDS and not show_personal:
                hidden += 1
                continue
            rows.append(
                (
                    FIELD_LABELS.get(field, field),
                    describe_value(field, old),
                    describe_value(field, new),
                )
            )
        entries.append(HistoryEntry(change, rows, hidden))
    return entries
