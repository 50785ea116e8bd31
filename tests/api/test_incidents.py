"""Incidents through the API: the log's filters and paging, personal details as the policy
allows, recording with the form's rules and duplicate checks, and versioned changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.calendar import LONDON
from asb.extensions import db
from asb.incidents.models import Incident, IncidentChange, IncidentReport
from asb.incidents.vocabulary import Category, IncidentSource
from tests.api.conftest import error_of
from tests.conftest import sign_in_session
from tests.factories import agency
from tests.factories.incidents import IncidentFactory, reported
from tests.helpers import references


def new_incident(**changes) -> dict:
    body = {
        "occurred_at": "2025-03-14T21:30:00+00:00",
        "location_description": "Golden Lane Estate, Crescent House",
        "latitude": 51.5155,
        "longitude": -0.0922,
        "qualifier": "nuisance",
        "category": "noise",
        "description": "Loud music from a flat late at night",
        "reporting_channel": "phone",
        "report_kind": "complaint",
        "reporter_anonymous": False,
        "reporter_name": "Sam Caller",
        "reporter_email": "sam.caller@example.com",
        "reporter_is_victim": True,
    }
    body.update(changes)
    return {name: value for name, value in body.items() if value is not ...}


def last_event() -> AuditEvent:
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()


# Listing ----------------------------------------------------------------------------------


@pytest.fixture
def log(db_session):
    """Thirty incidents of three agencies and two categories; two of Housing's restricted."""
    for number in range(30):
        IncidentFactory(
            recording_agency=agency(["housing", "barbican", "street-enforcement"][number % 3]),
            category=[Category.NOISE, Category.BEGGING][number % 2],
            occurred_from=datetime(2026, 1, 1, 12, tzinfo=UTC) + timedelta(days=number),
            restricted=number in {3, 6},
            restriction_reason="Safeguarding" if number in {3, 6} else None,
        )
    db.session.commit()


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"page": "2"},
        {"category": "noise"},
        {"agency": "barbican", "sort": "reference", "order": "asc"},
        {"date_from": date(2026, 1, 10), "date_to": date(2026, 1, 20), "page": "1"},
        {"text": "loud music", "sort": "category"},
    ],
)
def test_the_list_has_the_log_pages_results(client, api_as, log, query):
    api = api_as(Role.OFFICER, "barbican")
    sign_in_session(client, api.user)
    agency_id = str(agency("barbican").id)
    page_query = {
        name: (
            agency_id
            if name == "agency"
            else [str(value.day), str(value.month), str(value.year)]
            if isinstance(value, date)
            else value
        )
        for name, value in query.items()
    }
    api_query = {
        name: agency_id
        if name == "agency"
        else value.isoformat()
        if isinstance(value, date)
        else value
        for name, value in query.items()
    }

    page = client.get("/incidents", query_string=page_query)
    listed = api.get("/incidents", query_string=api_query)

    assert listed.status_code == 200
    body = listed.get_json()
    assert [item["reference"] for item in body["incidents"]] == references(page)
    assert body["paging"]["per_page"] == 25


def test_paging_counts_and_caps_like_the_log(api_as, log, app, monkeypatch):
    api = api_as(Role.ASB_LEAD, "community-safety")
    monkeypatch.setitem(app.config, "INCIDENT_COUNT_CAP", 20)

    first = api.get("/incidents", query_string={"per_page": 7}).get_json()
    third = api.get("/incidents", query_string={"per_page": 7, "page": 3}).get_json()

    assert first["paging"] == {
        "page": 1,
        "per_page": 7,
        "total": 20,
        "total_is_capped": True,
        "has_next": True,
    }
    assert len(first["incidents"]) == 7 and len(third["incidents"]) == 7
    assert not {item["id"] for item in first["incidents"]} & {
        item["id"] for item in third["incidents"]
    }


def test_restricted_incidents_are_left_out_for_those_who_may_not_see_them(api_as, log):
    housing = api_as(Role.OFFICER, "housing").get("/incidents?per_page=100").get_json()
    barbican = api_as(Role.OFFICER, "barbican").get("/incidents?per_page=100").get_json()

    assert housing["paging"]["total"] == 30
    assert barbican["paging"]["total"] == 28
    assert all(not item["restricted"] for item in barbican["incidents"])


def test_personal_details_only_where_the_policy_allows(api_as):
    own = reported("housing", 2)
    other = reported("barbican", 2)
    db.session.commit()
    api = api_as(Role.OFFICER, "housing")

    mine = api.get(f"/incidents/{own.id}").get_json()
    theirs = api.get(f"/incidents/{other.id}").get_json()

    assert mine["personal_details_shown"] is True
    assert mine["reporter_name"] == "Alex Reporter"
    assert mine["vulnerabilities"] == ["older-person"]
    assert theirs["personal_details_shown"] is False
    assert "Alex Reporter" not in str(theirs)
    assert not {"reporter_name", "reporter_email", "victim_name", "vulnerabilities"} & set(theirs)
    listed = {item["id"]: item for item in api.get("/incidents").get_json()["incidents"]}
    assert "reporter_name" in listed[own.id] and "reporter_name" not in listed[other.id]


def test_every_call_is_audited_with_its_token_and_filters_exactly(api_as):
    api = api_as(Role.OFFICER, "housing")

    api.get("/incidents?category=noise&ward=E05009298&ward=E05009299")

    event = last_event()
    assert event.action == "api.list_incidents"
    assert event.actor_id == api.user.id
    assert event.detail["filters"] == {"category": ["noise"], "ward": ["E05009298", "E05009299"]}
    assert event.detail["token_id"] > 0

    incident = reported("housing", 1)
    db.session.commit()
    api.get(f"/incidents/{incident.id}")
    event = last_event()
    assert (event.action, event.object_type, event.object_id) == (
        "api.show_incident",
        "incidents",
        incident.id,
    )


# Recording --------------------------------------------------------------------------------


def test_an_officer_records_an_incident(api_as):
    api = api_as(Role.OFFICER, "housing")

    response = api.post("/incidents", json=new_incident())

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    incident = db.session.get(Incident, body["id"])
    assert response.headers["Location"].endswith(f"/api/v1/incidents/{incident.id}")
    assert incident.recording_agency == agency("housing")
    assert incident.recorded_by_id == api.user.id
    assert incident.source is IncidentSource.PARTNERSHIP
    assert incident.occurred_from == datetime(2025, 3, 14, 21, 30, tzinfo=UTC)
    assert incident.reporter_name == "Sam Caller"
    assert incident.ward_name  # located as the form locates it
    assert body["reference"] == incident.reference
    event = last_event()
    assert (event.action, event.object_id) == ("api.create_incident", incident.id)
    assert "Sam Caller" not in str(event.detail)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"latitude": 51.6, "longitude": -0.2},
            "latitude",
            "The location must be inside the City of London",
        ),
        (
            {"occurred_at": "2099-01-01T10:00:00+00:00"},
            "occurred_at",
            "must be today or in the past",
        ),
        (
            {"reporter_anonymous": False, "reporter_name": None},
            "reporter_name",
            "Enter the reporter's name",
        ),
        ({"restricted": True}, "restriction_reason", "Enter why the incident is restricted"),
        ({"recording_agency_id": 999999}, "recording_agency_id", "from the list"),
        ({"reporter_phone": "call me"}, "reporter_phone", "using only numbers"),
        ({"occurred_at": "2025-03-14T21:30:00"}, "occurred_at", "aware"),
    ],
)
def test_the_forms_rules_check_what_is_sent(api_as, changes, field, message):
    api = api_as(Role.OFFICER, "housing")

    response = api.post("/incidents", json=new_incident(**changes))

    assert response.status_code == 422
    error = error_of(response)
    assert field in error["fields"], error
    assert any(message in text for text in error["fields"][field]), error
    assert db.session.scalars(select(Incident)).all() == []


def test_likely_duplicates_answer_409_until_the_client_chooses(api_as):
    existing = IncidentFactory(
        recording_agency=agency("barbican"),
        occurred_from=datetime(2025, 3, 14, 20, 0, tzinfo=UTC),
        category=Category.NOISE,
    )
    db.session.commit()
    api = api_as(Role.OFFICER, "housing")

    asked = api.post("/incidents", json=new_incident())

    assert asked.status_code == 409
    error_of(asked)
    assert [item["id"] for item in asked.get_json()["likely_duplicates"]] == [existing.id]
    assert db.session.scalar(select(db.func.count()).select_from(Incident)) == 1

    linked = api.post(
        "/incidents", json=new_incident(on_duplicate="link", duplicate_of=existing.id)
    )

    assert linked.status_code == 200, linked.get_json()
    assert linked.get_json()["incident"]["id"] == existing.id
    report = db.session.scalars(select(IncidentReport)).one()
    assert (report.incident_id, report.reporter_name, report.recorded_by_id) == (
        existing.id,
        "Sam Caller",
        api.user.id,
    )
    assert db.session.scalar(select(db.func.count()).select_from(Incident)) == 1

    created = api.post("/incidents", json=new_incident(on_duplicate="create"))

    assert created.status_code == 201
    assert db.session.scalar(select(db.func.count()).select_from(Incident)) == 2


def test_linking_needs_the_incident_to_link_to(api_as):
    api = api_as(Role.OFFICER, "housing")

    response = api.post("/incidents", json=new_incident(on_duplicate="link"))

    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["duplicate_of"]


def test_linking_to_a_hidden_restricted_incident_is_not_found(api_as):
    hidden = reported("barbican", 2, restricted=True, restriction_reason="Safeguarding")
    db.session.commit()
    api = api_as(Role.OFFICER, "housing")

    response = api.post(
        "/incidents", json=new_incident(on_duplicate="link", duplicate_of=hidden.id)
    )

    assert response.status_code == 404
    assert db.session.scalars(select(IncidentReport)).all() == []


# Changing ---------------------------------------------------------------------------------


def test_a_change_is_saved_with_its_history(api_as):
    incident = reported("housing", 2)
    db.session.commit()
    api = api_as(Role.OFFICER, "housing")

    response = api.patch(
        f"/incidents/{incident.id}",
        json={
            "version": incident.version,
            "description": "Music and shouting",
            "households_affected": 3,
        },
    )

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["description"] == "Music and shouting"
    assert body["version"] == incident.version
    change = db.session.scalars(
        select(IncidentChange).where(IncidentChange.action == "edited")
    ).one()
    assert set(change.changes) == {"description", "households_affected"}
    occurred = datetime.fromisoformat(body["occurred_at"]).astimezone(LONDON)
    assert occurred.strftime("%H:%M") == incident.occurred_from.astimezone(LONDON).strftime("%H:%M")
    assert last_event().detail["fields"] == ["description", "households_affected"]


def test_a_change_needs_the_version(api_as):
    incident = reported("housing", 2)
    db.session.commit()
    api = api_as(Role.OFFICER, "housing")

    response = api.patch(f"/incidents/{incident.id}", json={"description": "No version"})

    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["version"]


@pytest.mark.parametrize(
    ("role", "code", "fields", "expected"),
    [
        (Role.OFFICER, "barbican", {}, 403),
        (Role.ADMIN, "community-safety", {}, 403),
        (Role.PARTNER, "city-police", {}, 403),
        (Role.OFFICER, "barbican", {"restricted": True, "restriction_reason": "Safeguarding"}, 404),
        (Role.ASB_LEAD, "community-safety", {}, 200),
        (Role.OFFICER, "housing", {"source": IncidentSource.POLICE_UK}, 403),
    ],
)
def test_who_may_change_an_incident(api_as, role, code, fields, expected):
    incident = reported("housing", 2, **fields)
    db.session.commit()
    api = api_as(role, code)

    response = api.patch(
        f"/incidents/{incident.id}", json={"version": incident.version, "description": "Changed"}
    )

    assert response.status_code == expected
    db.session.refresh(incident)
    assert (incident.description == "Changed") is (expected == 200)
