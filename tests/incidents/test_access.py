"""Who reaches which page, and what personal data each of them sees."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.extensions import db
from asb.incidents.models import Incident
from asb.incidents.vocabulary import IncidentSource
from tests.factories import IncidentFactory, agency
from tests.helpers import edit_form, page_text, references, visible_text

USERS = {
    "officer@housing": (Role.OFFICER, "housing"),
    "manager@housing": (Role.MANAGER, "housing"),
    "officer@barbican": (Role.OFFICER, "barbican"),
    "asb-lead": (Role.ASB_LEAD, "community-safety"),
    "partner": (Role.PARTNER, "city-police"),
    "admin": (Role.ADMIN, "community-safety"),
    "anonymous": None,
}

ENDPOINTS = [
    "/incidents",
    "/incidents/new",
    "/incidents/export.csv",
    "/incidents/{open}",
    "/incidents/{open}/edit",
    "/incidents/{open}/status",
    "/incidents/{restricted}",
    "/incidents/{restricted}/edit",
    "/incidents/{restricted}/status",
    "/incidents/{police}",
    "/incidents/{police}/edit",
    "/incidents/{police}/status",
    "/admin/users",
    "/admin/agencies",
    "/admin/local-types",
]

# Expected status for each user, endpoint by endpoint (in the order of ENDPOINTS).
# {open} and {restricted} were recorded by housing; {police} came from police.uk.
# A restricted incident is not admitted to exist (404) for those who may not see it.
# fmt: off
EXPECTED = {
    #                                   open incident  restricted     police.uk      admin
    #                    log  new  csv  show edit stat show edit stat show edit stat usr  agy  typ
    "officer@housing":  [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403, 403, 403, 403, 403],
    "manager@housing":  [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403, 403, 403, 403, 403],
    "officer@barbican": [200, 200, 200, 200, 403, 403, 404, 404, 404, 200, 403, 403, 403, 403, 403],
    "asb-lead":         [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403, 200, 403, 403, 403],
    "partner":          [403, 403, 403, 403, 403, 403, 404, 404, 404, 403, 403, 403, 403, 403, 403],
    "admin":            [403, 403, 403, 403, 403, 403, 404, 404, 404, 403, 403, 403, 200, 200, 200],
    "anonymous":        [302] * len(ENDPOINTS),
}
# fmt: on


@dataclass
class Incidents:
    open: Incident
    restricted: Incident
    police: Incident

    def url(self, endpoint: str) -> str:
        return endpoint.format(
            open=self.open.id, restricted=self.restricted.id, police=self.police.id
        )


@pytest.fixture
def incidents(db_session) -> Incidents:
    found = Incidents(
        open=IncidentFactory(recording_agency=agency("housing")),
        restricted=IncidentFactory(
            recording_agency=agency("housing"),
            restricted=True,
            restriction_reason="Domestic abuse",
            description="Restricted: shouting heard through the wall",
        ),
        police=IncidentFactory(
            recording_agency=agency("city-police"), source=IncidentSource.POLICE_UK
        ),
    )
    db.session.commit()
    return found


def sign_in(login_as, user_key: str):
    if USERS[user_key] is None:
        return None
    role, agency_code = USERS[user_key]
    return login_as(role, agency_code)


def denials() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")))


ACCESS_CASES = [
    pytest.param(user, endpoint, EXPECTED[user][index], id=f"{user}-{endpoint}")
    for user in USERS
    for index, endpoint in enumerate(ENDPOINTS)
]


@pytest.mark.parametrize(("user_key", "endpoint", "status"), ACCESS_CASES)
def test_page_access(client, login_as, incidents, user_key, endpoint, status):
    sign_in(login_as, user_key)
    url = incidents.url(endpoint)
    response = client.get(url)
    assert response.status_code == status
    if status == 302:
        assert response.location.startswith("/sign-in?next=")
    if status == 404:
        assert "Page not found" in page_text(response)
        assert "Domestic abuse" not in page_text(response)
    if status == 403:
        assert "You do not have permission to see this page" in page_text(response)


@pytest.mark.parametrize("status", [403, 404])
def test_denial_is_recorded_in_the_audit_trail(client, login_as, incidents, status):
    officer = login_as(Role.OFFICER, "barbican")
    url = {
        403: f"/incidents/{incidents.open.id}/edit",
        404: f"/incidents/{incidents.restricted.id}",
    }
    before = len(denials())

    response = client.get(url[status])

    assert response.status_code == status
    found = denials()
    assert len(found) == before + 1
    event = found[-1]
    assert event.actor_id == officer.id
    assert event.outcome == "denied"
    assert event.object_type == "incidents"
    assert event.detail["path"] == url[status]


def test_denial_without_a_record_is_recorded_for_the_user(client, login_as, incidents):
    admin = login_as(Role.ADMIN, "community-safety")
    client.get("/incidents")
    event = denials()[-1]
    assert (event.actor_id, event.detail["permission"]) == (admin.id, "view-incident-log")


def test_unknown_incident_is_not_found(client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")
    assert client.get("/incidents/999999").status_code == 404
    assert client.get("/incidents/999999/edit").status_code == 404


REPORTER = ("Alex Reporter", "020 7946 0001", "alex.reporter@example.com")


def test_officer_of_other_agency_sees_no_reporter_details(client, login_as, incidents):
    login_as(Role.OFFICER, "barbican")
    response = client.get(f"/incidents/{incidents.open.id}")
    page = page_text(response)
    for detail in REPORTER:
        assert detail not in page
    assert "Older person" not in page
    assert (
        "Personal details of reporters and victims are shown only to Housing, DCCS and the "
        "ASB lead." in visible_text(response)
    )


@pytest.mark.parametrize(
    ("role", "agency_code"),
    [(Role.OFFICER, "housing"), (Role.MANAGER, "housing"), (Role.ASB_LEAD, "community-safety")],
)
def test_recording_agency_and_asb_lead_see_reporter_details(
    client, login_as, incidents, role, agency_code
):
    user = login_as(role, agency_code)
    page = page_text(client.get(f"/incidents/{incidents.open.id}"))
    for detail in REPORTER:
        assert detail in page
    assert "Older person" in page
    assert "shown only to" not in page
    viewed = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "incident.viewed", AuditEvent.actor_id == user.id
        )
    )
    assert viewed.object_id == incidents.open.id
    assert viewed.detail == {"personal_details": True}


def test_other_agencies_view_is_recorded_without_personal_details(client, login_as, incidents):
    """Every view is on record, and says whether it showed the personal details."""
    officer = login_as(Role.OFFICER, "barbican")
    client.get(f"/incidents/{incidents.open.id}")
    viewed = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "incident.viewed", AuditEvent.actor_id == officer.id
        )
    )
    assert viewed.object_id == incidents.open.id
    assert viewed.detail == {"personal_details": False}


@pytest.fixture
def edited(client, login_as, incidents) -> Incident:
    """The open incident after housing changed its description and the reporter's phone."""
    login_as(Role.OFFICER, "housing")
    incident = incidents.open
    response = client.post(
        f"/incidents/{incident.id}/edit",
        data=edit_form(incident, description="Music and shouting", reporter_phone="020 7946 0999"),
    )
    assert response.status_code == 302
    return incident


def test_history_hides_personal_changes_from_other_agencies(client, login_as, edited):
    login_as(Role.OFFICER, "barbican")
    response = client.get(f"/incidents/{edited.id}")
    text = visible_text(response)
    assert "What happened Loud music from a flat late at night Music and shouting" in text
    assert "020 7946 0999" not in text
    assert "020 7946 0001" not in text
    assert "Reporter's phone number" not in text
    assert "1 change to personal details not shown." in text


def test_history_shows_personal_changes_to_the_recording_agency(client, login_as, edited):
    login_as(Role.MANAGER, "housing")
    text = visible_text(client.get(f"/incidents/{edited.id}"))
    assert "Reporter's phone number 020 7946 0001 020 7946 0999" in text
    assert "not shown" not in text


def test_history_hides_the_reason_for_restricting_from_other_agencies(client, login_as, incidents):
    login_as(Role.OFFICER, "housing")
    restricted = incidents.restricted
    response = client.post(
        f"/incidents/{restricted.id}/edit",
        data=edit_form(restricted, restricted="no", restriction_reason=""),
    )
    assert response.status_code == 302
    login_as(Role.OFFICER, "barbican")
    text = visible_text(client.get(f"/incidents/{restricted.id}"))
    assert "Domestic abuse" not in text


def test_restricted_incident_is_only_in_the_recording_agencys_and_leads_log(
    client, login_as, incidents
):
    login_as(Role.OFFICER, "barbican")
    assert incidents.restricted.reference not in references(client.get("/incidents"))
    assert incidents.open.reference in references(client.get("/incidents"))
    login_as(Role.OFFICER, "housing")
    assert incidents.restricted.reference in references(client.get("/incidents"))
    login_as(Role.ASB_LEAD, "community-safety")
    assert incidents.restricted.reference in references(client.get("/incidents"))


def test_restricted_incident_is_not_found_by_its_reference_by_others(client, login_as, incidents):
    login_as(Role.OFFICER, "barbican")
    response = client.get("/incidents", query_string={"text": incidents.restricted.reference})
    assert references(response) == []
    assert "No incidents match these filters." in page_text(response)


def export(client) -> dict[str, dict[str, str]]:
    response = client.get("/incidents/export.csv")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    rows = csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    return {row["Reference"]: row for row in rows}


def test_restricted_incident_is_not_in_another_agencys_export(client, login_as, incidents):
    login_as(Role.OFFICER, "barbican")
    rows = export(client)
    assert incidents.open.reference in rows
    assert incidents.restricted.reference not in rows


def test_restricted_incident_is_in_the_leads_export(client, login_as, incidents):
    login_as(Role.ASB_LEAD, "community-safety")
    rows = export(client)
    assert set(rows) == {
        incidents.open.reference,
        incidents.restricted.reference,
        incidents.police.reference,
    }


PERSONAL_COLUMNS = [
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


def test_export_withholds_personal_details_of_other_agencies_incidents(client, login_as, incidents):
    IncidentFactory(recording_agency=agency("barbican"), reporter_name="Barbican Caller")
    db.session.commit()
    login_as(Role.OFFICER, "barbican")
    rows = export(client)
    housing_row = rows[incidents.open.reference]
    assert housing_row["Reporter anonymous"] == "Withheld"
    assert all(housing_row[column] == "" for column in PERSONAL_COLUMNS)
    assert "Alex Reporter" not in str(rows)
    own_row = next(row for row in rows.values() if row["Recording agency"] == "Barbican Estates")
    assert own_row["Reporter anonymous"] == "No"
    assert own_row["Reporter name"] == "Barbican Caller"
    assert own_row["Reporter phone"] == "020 7946 0001"
    assert own_row["Vulnerability"] == "Older person"


def test_export_includes_personal_details_for_the_lead(client, login_as, incidents):
    login_as(Role.ASB_LEAD, "community-safety")
    row = export(client)[incidents.open.reference]
    assert (row["Reporter name"], row["Reporter email"]) == (
        "Alex Reporter",
        "alex.reporter@example.com",
    )


@pytest.mark.parametrize(
    ("description", "exported"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+44 20 7946 0001 rang", "'+44 20 7946 0001 rang"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("Noise = music", "Noise = music"),
    ],
)
def test_export_neutralises_spreadsheet_formulas(client, login_as, description, exported):
    incident = IncidentFactory(
        recording_agency=agency("housing"),
        description=description,
        reporter_name="=cmd|'/c calc'!A1",
    )
    db.session.commit()
    login_as(Role.OFFICER, "housing")
    row = export(client)[incident.reference]
    assert row["Description"] == exported
    assert row["Reporter name"] == "'=cmd|'/c calc'!A1"
    assert row["Longitude"] == "-0.092200"  # numbers stay numbers
