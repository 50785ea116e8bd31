"""An incident sent as JSON, checked by the very form the pages use.

The JSON is written into the form's fields as a browser would send them, the form's own
rules decide (the same messages as on the page), and its errors come back under the JSON's
names. An update is the incident as it is, with the fields sent laid over it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from werkzeug.datastructures import MultiDict

from asb.calendar import LONDON
from asb.incidents.models import PERSONAL_FIELDS, Incident

# The form's fields whose errors belong to a JSON field of another name.
_JSON_NAMES = {
    "occurred_date": "occurred_at",
    "occurred_time": "occurred_at",
    "ended_date": "ended_at",
    "ended_time": "ended_at",
    "local_type": "local_type_id",
    "recording_agency": "recording_agency_id",
}
_TEXT_FIELDS = (
    "location_description",
    "description",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "reporter_address",
    "victim_name",
    "victim_phone",
    "victim_email",
    "victim_address",
    "restriction_reason",
)
_CHOICES = ("qualifier", "category", "reporting_channel", "report_kind")
_YES_NO = ("hate_motivated", "possible_crime", "reporter_is_victim", "restricted")


def _moment(form: MultiDict, prefix: str, moment: datetime | None) -> None:
    if moment is None:
        return
    local = moment.astimezone(LONDON)
    form.setlist(f"{prefix}_date", [str(local.day), str(local.month), str(local.year)])
    form[f"{prefix}_time"] = local.strftime("%H:%M")


def form_data(answers: dict[str, Any], *, default_agency_id: int) -> MultiDict:
    """The JSON's answers as the incident form's POST data."""
    form: MultiDict = MultiDict()
    _moment(form, "occurred", answers.get("occurred_at"))
    _moment(form, "ended", answers.get("ended_at"))
    for name in _TEXT_FIELDS + _CHOICES:
        if answers.get(name) is not None:
            form[name] = str(answers[name])
    for name in ("latitude", "longitude"):
        if answers.get(name) is not None:
            form[name] = repr(float(answers[name]))
    if answers.get("local_type_id") is not None:
        form["local_type"] = str(answers["local_type_id"])
    if answers.get("households_affected") is not None:
        form["households_affected"] = str(answers["households_affected"])
    for name in _YES_NO:
        value = answers.get(name)
        if value is None and name in {"hate_motivated", "possible_crime", "restricted"}:
            value = False  # the form asks; JSON may leave out what is plainly no
        if value is not None:
            form[name] = "yes" if value else "no"
    if answers.get("reporter_anonymous") is not None:
        form["reporter_anonymous"] = "anonymous" if answers["reporter_anonymous"] else "named"
    form.setlist("vulnerabilities", list(answers.get("vulnerabilities") or []))
    form["recording_agency"] = str(answers.get("recording_agency_id") or default_agency_id)
    if answers.get("version") is not None:
        form["version"] = str(answers["version"])
    return form


def current_answers(incident: Incident) -> dict[str, Any]:
    """The incident's answers as JSON would send them, to lay an update over."""
    answers: dict[str, Any] = {
        "occurred_at": incident.occurred_from,
        "ended_at": incident.occurred_to,
        "latitude": incident.latitude,
        "longitude": incident.longitude,
        "local_type_id": incident.local_type_id,
        "households_affected": incident.households_affected,
        "hate_motivated": incident.hate_motivated,
        "possible_crime": incident.possible_crime,
        "recording_agency_id": incident.recording_agency_id,
    }
    for name in ("location_description", "description", "restricted", *PERSONAL_FIELDS):
        answers[name] = getattr(incident, name)
    for name in _CHOICES:
        answers[name] = getattr(incident, name).value
    answers["vulnerabilities"] = list(incident.vulnerabilities or [])
    return answers


def form_errors(form) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field in form:
        if field.errors:
            name = _JSON_NAMES.get(field.name, field.name)
            errors.setdefault(name, []).extend(str(message) for message in field.errors)
    return errors
