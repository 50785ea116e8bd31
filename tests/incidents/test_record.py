"""Recording an incident through the form."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.extensions import db
from asb.incidents.models import Incident, IncidentChange
from asb.incidents.vocabulary import Category, IncidentSource, IncidentStatus
from tests.factories import LocalAsbTypeFactory, agency
from tests.helpers import (
    date_parts,
    error_summary,
    incident_form,
    page_text,
    visible_text,
)


def incident_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Incident))


def recorded(response) -> Incident:
    assert response.status_code == 302, error_summary(response)
    incident_id = int(re.search(r"/incidents/(\d+)$", response.location).group(1))
    return db.session.get(Incident, incident_id)


def test_officer_records_an_incident(client, login_as):
    officer = login_as(Role.OFFICER, "housing")
    local_type = LocalAsbTypeFactory(name="Noise from a party flat")
    db.session.commit()

    response = client.post(
        "/incidents/new",
        data=incident_form(
            agency("housing"), local_type=str(local_type.id), vulnerabilities=["older-person"]
        ),
    )

    incident = recorded(response)
    assert re.fullmatch(rf"ASB-{datetime.now(UTC).year}-\d{{5}}", incident.reference)
    assert incident.source is IncidentSource.PARTNERSHIP
    assert incident.status is IncidentStatus.NEW
    assert incident.category is Category.NOISE
    assert incident.local_type == local_type
    assert incident.recording_agency == agency("housing")
    assert incident.recorded_by == officer
    assert incident.occurred_from == datetime(2025, 3, 14, 21, 30, tzinfo=UTC)
    assert incident.reporter_name == "Sam Caller"
    assert incident.vulnerabilities == ["older-person"]
    assert incident.households_affected == 2
    page = page_text(client.get(response.location))
    assert f"Incident {incident.reference} recorded." in page
    assert "Sam Caller" in page


def test_references_are_sequential(client, login_as):
    login_as(Role.OFFICER, "housing")
    first = recorded(client.post("/incidents/new", data=incident_form(agency("housing"))))
    # A month later, so the second is not offered as a likely duplicate of the first.
    later = incident_form(agency("housing"), occurred_date=["14", "4", "2025"])
    second = recorded(client.post("/incidents/new", data=later))
    prefix, year, number = first.reference.rsplit("-", 2)
    assert second.reference == f"{prefix}-{year}-{int(number) + 1:05d}"


@pytest.mark.parametrize(
    ("latitude", "longitude", "ward_code", "ward_name"),
    [
        ("51.5155", "-0.0922", "E05009298", "Cheap"),
        ("51.518886", "-0.078506", "E05009292", "Bishopsgate"),
        ("51.515566", "-0.075662", "E05009308", "Portsoken"),
    ],
)
def test_ward_is_stored_from_the_point(client, login_as, latitude, longitude, ward_code, ward_name):
    login_as(Role.OFFICER, "housing")
    response = client.post(
        "/incidents/new",
        data=incident_form(agency("housing"), latitude=latitude, longitude=longitude),
    )
    incident = recorded(response)
    assert (incident.ward_code, incident.ward_name) == (ward_code, ward_name)


def test_recording_starts_the_history_and_audit_trail(client, login_as):
    officer = login_as(Role.OFFICER, "housing")
    incident = recorded(client.post("/incidents/new", data=incident_form(agency("housing"))))
    changes = db.session.scalars(
        select(IncidentChange).where(IncidentChange.incident_id == incident.id)
    ).all()
    assert [(change.action, change.changed_by) for change in changes] == [("recorded", officer)]
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "incident.recorded", AuditEvent.object_id == incident.id
        )
    )
    assert event.actor_id == officer.id
    page = visible_text(client.get(f"/incidents/{incident.id}"))
    assert f"Recorded by {officer.name}," in page


def test_anonymous_reporter_is_recorded_without_contact_details(client, login_as):
    login_as(Role.OFFICER, "housing")
    response = client.post(
        "/incidents/new", data=incident_form(agency("housing"), reporter_anonymous="anonymous")
    )
    incident = recorded(response)
    assert incident.reporter_anonymous is True
    assert (
        incident.reporter_name,
        incident.reporter_phone,
        incident.reporter_email,
        incident.reporter_address,
    ) == (None, None, None, None)


def test_restricted_incident_keeps_its_reason(client, login_as):
    login_as(Role.OFFICER, "housing")
    response = client.post(
        "/incidents/new",
        data=incident_form(
            agency("housing"), restricted="yes", restriction_reason="Domestic abuse"
        ),
    )
    incident = recorded(response)
    assert (incident.restricted, incident.restriction_reason) == (True, "Domestic abuse")


def test_form_offers_the_officers_own_agency_first(client, login_as):
    login_as(Role.OFFICER, "barbican")
    page = client.get("/incidents/new").get_data(as_text=True)
    assert f'<option value="{agency("barbican").id}" selected>' in page
    assert "City of London Police" not in page


TOMORROW = date.today() + timedelta(days=2)

# (what is wrong, form changes, field the summary links to, message)
INVALID_ANSWERS = [
    (
        "missing date",
        {"occurred_date": ["", "", ""]},
        "#occurred_date-day",
        "Enter the date the incident happened",
    ),
    (
        "half a date",
        {"occurred_date": ["14", "", "2025"]},
        "#occurred_date-day",
        "Date it happened must include a day, month and year",
    ),
    (
        "impossible date",
        {"occurred_date": ["31", "2", "2025"]},
        "#occurred_date-day",
        "Date it happened must be a real date",
    ),
    (
        "future date",
        {"occurred_date": date_parts(TOMORROW)},
        "#occurred_date-day",
        "The date it happened must be today or in the past",
    ),
    (
        "date before 1990",
        {"occurred_date": ["31", "12", "1989"]},
        "#occurred_date-day",
        "The date it happened must be in 1990 or later",
    ),
    (
        "missing time",
        {"occurred_time": ""},
        "#occurred_time",
        "Enter the time the incident happened, like 21:30",
    ),
    (
        "time not HH:MM",
        {"occurred_time": "9pm"},
        "#occurred_time",
        "Enter time it happened as hours and minutes, like 21:30",
    ),
    (
        "time out of range",
        {"occurred_time": "25:10"},
        "#occurred_time",
        "Enter time it happened as hours and minutes, like 21:30",
    ),
    (
        "point in Westminster",
        {"latitude": "51.5007", "longitude": "-0.1246"},
        "#latitude",
        "The location must be inside the City of London: choose a point within the boundary "
        "on the map",
    ),
    (
        "latitude not a number",
        {"latitude": "fifty-one"},
        "#latitude",
        "Latitude must be a number, like 51.5155",
    ),
    (
        "longitude out of range",
        {"longitude": "-200"},
        "#longitude",
        "Longitude must be between -180 and 180",
    ),
    (
        "no coordinates",
        {"latitude": "", "longitude": ""},
        "#latitude",
        "Choose the location on the map, or enter its latitude and longitude",
    ),
    (
        "only a latitude",
        {"longitude": ""},
        "#longitude",
        "Enter the longitude, like -0.0922",
    ),
    (
        "missing place",
        {"location_description": ""},
        "#location_description",
        "Enter the place or address where the incident happened",
    ),
    (
        "description too long",
        {"description": "x" * 5001},
        "#description",
        "What happened must be 5,000 characters or fewer",
    ),
    ("missing description", {"description": ""}, "#description", "Enter what happened"),
    (
        "unknown category",
        {"category": "arson"},
        "#category",
        "Select category from the list",
    ),
    (
        "missing category",
        {"category": ""},
        "#category",
        "Select the category of anti-social behaviour",
    ),
    (
        "unknown qualifier",
        {"qualifier": "criminal"},
        "#qualifier",
        "Select kind of anti-social behaviour from the list",
    ),
    (
        "unknown local type",
        {"local_type": "999999"},
        "#local_type",
        "Select local type (optional) from the list",
    ),
    (
        "unknown recording agency",
        {"recording_agency": "999999"},
        "#recording_agency",
        "Select recording agency from the list",
    ),
    (
        "unknown vulnerability",
        {"vulnerabilities": ["older-person", "wealthy"]},
        "#vulnerabilities",
        "Select vulnerability (select all that apply) from the list",
    ),
    (
        "households not a number",
        {"households_affected": "abc"},
        "#households_affected",
        "Households affected must be a whole number, like 2",
    ),
    (
        "households too many",
        {"households_affected": "10001"},
        "#households_affected",
        "Households affected must be between 0 and 10,000",
    ),
    (
        "named reporter without a name",
        {"reporter_name": ""},
        "#reporter_name",
        "Enter the reporter's name, or select anonymous",
    ),
    (
        "complaint without named or anonymous",
        {"reporter_anonymous": ""},
        "#reporter_anonymous",
        "Select whether the reporter is named or anonymous",
    ),
    (
        "bad reporter email",
        {"reporter_email": "sam.caller@"},
        "#reporter_email",
        "Enter the reporter's email address in the right format, like name@example.com",
    ),
    (
        "bad reporter phone",
        {"reporter_phone": "call me maybe"},
        "#reporter_phone",
        "Enter reporter's phone number using only numbers, spaces, brackets, + and -, "
        "like 020 7606 3030",
    ),
    (
        "bad victim email",
        {"victim_email": "not an email"},
        "#victim_email",
        "Enter the victim's email address in the right format, like name@example.com",
    ),
    (
        "restricted without a reason",
        {"restricted": "yes", "restriction_reason": ""},
        "#restriction_reason",
        "Enter why the incident is restricted",
    ),
    (
        "end before start",
        {"ended_date": ["13", "3", "2025"], "ended_time": "22:00"},
        "#ended_date-day",
        "The date it ended must be after it started",
    ),
    (
        "end date without a time",
        {"ended_date": ["15", "3", "2025"], "ended_time": ""},
        "#ended_time",
        "Enter the time it ended, like 23:00",
    ),
    (
        "end time without a date",
        {"ended_time": "23:00"},
        "#ended_date-day",
        "Enter the date it ended, or clear the time it ended",
    ),
]


@pytest.mark.parametrize(
    ("changes", "href", "message"),
    [
        pytest.param(changes, href, message, id=case)
        for case, changes, href, message in INVALID_ANSWERS
    ],
)
def test_invalid_answer_is_explained_and_nothing_is_saved(client, login_as, changes, href, message):
    login_as(Role.OFFICER, "housing")
    before = incident_count()

    response = client.post("/incidents/new", data=incident_form(agency("housing"), **changes))

    assert response.status_code == 200
    assert incident_count() == before
    page = page_text(response)
    assert "There is a problem" in page
    assert page.count("<title>Error: Record an incident") == 1
    assert (href, message) in error_summary(response)


def test_external_agency_cannot_be_chosen_as_recording_agency(client, login_as):
    login_as(Role.OFFICER, "housing")
    before = incident_count()
    response = client.post(
        "/incidents/new",
        data=incident_form(agency("housing"), recording_agency=str(agency("city-police").id)),
    )
    assert incident_count() == before
    assert ("#recording_agency", "Select recording agency from the list") in error_summary(response)


def test_ended_period_is_recorded(client, login_as):
    login_as(Role.OFFICER, "housing")
    response = client.post(
        "/incidents/new",
        data=incident_form(agency("housing"), ended_date=["15", "3", "2025"], ended_time="01:15"),
    )
    incident = recorded(response)
    assert incident.occurred_to == datetime(2025, 3, 15, 1, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("field", "href", "message"),
    [
        ("description", "#description", "Enter what happened"),
        (
            "location_description",
            "#location_description",
            "Enter the place or address where the incident happened",
        ),
    ],
)
def test_required_answer_of_only_spaces_is_refused(client, login_as, field, href, message):
    login_as(Role.OFFICER, "housing")
    before = incident_count()
    response = client.post(
        "/incidents/new", data=incident_form(agency("housing"), **{field: "   "})
    )
    assert incident_count() == before
    assert (href, message) in error_summary(response)


def test_households_in_other_digits_are_explained_not_a_server_error(client, login_as):
    login_as(Role.OFFICER, "housing")
    before = incident_count()
    response = client.post(
        "/incidents/new", data=incident_form(agency("housing"), households_affected="²")
    )
    assert response.status_code == 200
    assert incident_count() == before
    assert (
        "#households_affected",
        "Households affected must be a whole number, like 2",
    ) in error_summary(response)
