"""Reading pages as users see them, and the forms tests fill in across features."""

from __future__ import annotations

import html
import re
from datetime import date

from asb.calendar import LONDON
from asb.models import Agency, Incident

REFERENCE = re.compile(r">(ASB-\d{4}-\d{5})</a>")
_CASE_REFERENCE = re.compile(r">(ASB-C-\d{4}-\d{5})</a>")
_VERSION = re.compile(r'name="version" value="(\d+)"')
_TAG = re.compile(r"<[^>]+>")
_SUMMARY = re.compile(r'class="govuk-error-summary".*?</ul>', re.S)
_SUMMARY_LINK = re.compile(r'<a href="(#[^"]+)">(.*?)</a>', re.S)

PERSONAL_FORM_FIELDS = (
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "reporter_address",
    "victim_name",
    "victim_phone",
    "victim_email",
    "victim_address",
)


def date_parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def incident_form(recording_agency: Agency, /, **changes) -> dict:
    """A complete, valid answer to the incident form, with some answers changed."""
    data = {
        "occurred_date": ["14", "3", "2025"],
        "occurred_time": "21:30",
        "ended_date": ["", "", ""],
        "ended_time": "",
        "location_description": "Golden Lane Estate, Crescent House",
        "latitude": "51.5155",
        "longitude": "-0.0922",
        "qualifier": "nuisance",
        "category": "noise",
        "local_type": "",
        "hate_motivated": "no",
        "possible_crime": "no",
        "description": "Loud music from a flat late at night",
        "reporting_channel": "phone",
        "report_kind": "complaint",
        "households_affected": "2",
        "reporter_anonymous": "named",
        "reporter_name": "Sam Caller",
        "reporter_phone": "020 7946 0002",
        "reporter_email": "sam.caller@example.com",
        "reporter_address": "12 Crescent House, EC1Y 0SL",
        "reporter_is_victim": "yes",
        "victim_name": "",
        "victim_phone": "",
        "victim_email": "",
        "victim_address": "",
        "vulnerabilities": [],
        "restricted": "no",
        "restriction_reason": "",
        "recording_agency": str(recording_agency.id),
    }
    data.update(changes)
    return data


def edit_form(incident: Incident, **changes) -> dict:
    """The edit form as it opens for the incident, with some answers changed."""
    start = incident.occurred_from.astimezone(LONDON)
    data = incident_form(
        incident.recording_agency,
        occurred_date=date_parts(start.date()),
        occurred_time=start.strftime("%H:%M"),
        location_description=incident.location_description,
        latitude=f"{incident.latitude:.6f}",
        longitude=f"{incident.longitude:.6f}",
        qualifier=incident.qualifier.value,
        category=incident.category.value,
        local_type=str(incident.local_type_id or ""),
        hate_motivated="yes" if incident.hate_motivated else "no",
        possible_crime="yes" if incident.possible_crime else "no",
        description=incident.description,
        reporting_channel=incident.reporting_channel.value,
        report_kind=incident.report_kind.value,
        households_affected=str(incident.households_affected or ""),
        reporter_anonymous="anonymous" if incident.reporter_anonymous else "named",
        reporter_is_victim="yes" if incident.reporter_is_victim else "no",
        vulnerabilities=list(incident.vulnerabilities or []),
        restricted="yes" if incident.restricted else "no",
        restriction_reason=incident.restriction_reason or "",
        version=str(incident.version),
        **{name: getattr(incident, name) or "" for name in PERSONAL_FORM_FIELDS},
    )
    data.update(changes)
    return data


def page_text(response) -> str:
    """The page's HTML with entities decoded, so messages read as users see them."""
    return html.unescape(response.get_data(as_text=True))


def visible_text(response) -> str:
    """The page's words without markup, whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", response.get_data(as_text=True))).split())


def references(response) -> list[str]:
    """Incident references in the order the page lists them."""
    return REFERENCE.findall(response.get_data(as_text=True))


def error_summary(response) -> list[tuple[str, str]]:
    """The error summary's links: (href, message)."""
    found = _SUMMARY.search(response.get_data(as_text=True))
    if not found:
        return []
    return [
        (href, html.unescape(" ".join(text.split())))
        for href, text in _SUMMARY_LINK.findall(found.group(0))
    ]


def case_references(response) -> list[str]:
    """Case references in the order the page lists them."""
    return _CASE_REFERENCE.findall(response.get_data(as_text=True))


def form_version(response) -> int:
    """The case version a form carries, as an officer's browser would send it back."""
    found = _VERSION.search(response.get_data(as_text=True))
    assert found, "the form carries no case version"
    return int(found.group(1))
