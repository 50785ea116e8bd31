"""Editing an incident and changing its status: every change leaves history."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from asb.auth.models import Role
from asb.extensions import db
from asb.incidents.models import IncidentChange
from asb.incidents.vocabulary import Category, IncidentSource, IncidentStatus, ReportKind
from tests.factories import IncidentFactory, LocalAsbTypeFactory, agency
from tests.helpers import edit_form, error_summary, page_text, visible_text


def history(incident) -> list[IncidentChange]:
    return list(
        db.session.scalars(
            select(IncidentChange)
            .where(IncidentChange.incident_id == incident.id)
            .order_by(IncidentChange.id)
        )
    )


def saved_incident(**fields):
    # Whole minutes, as the form shows them, so that saving the form unchanged changes nothing.
    fields.setdefault("occurred_from", datetime(2025, 3, 14, 21, 30, tzinfo=UTC))
    incident = IncidentFactory(**fields)
    db.session.commit()
    return incident


def test_edit_form_opens_with_the_current_answers(client, login_as):
    login_as(Role.OFFICER, "housing")
    incident = saved_incident(description="Shouting in the stairwell")
    page = page_text(client.get(f"/incidents/{incident.id}/edit"))
    assert "Shouting in the stairwell" in page
    assert 'value="51.515500"' in page
    assert f'name="version" type="hidden" value="{incident.version}"' in page


def test_edit_is_saved_with_old_and_new_values_in_history(client, login_as):
    officer = login_as(Role.OFFICER, "housing")
    incident = saved_incident(description="Loud music", category=Category.NOISE)

    response = client.post(
        f"/incidents/{incident.id}/edit",
        data=edit_form(
            incident, description="Loud music and shouting", category="rowdy-neighbours"
        ),
    )

    assert response.status_code == 302
    assert response.location == f"/incidents/{incident.id}"
    assert incident.description == "Loud music and shouting"
    assert incident.category is Category.ROWDY_NEIGHBOURS
    edit = history(incident)[-1]
    assert edit.action == "edited"
    assert edit.changed_by == officer
    assert edit.changes == {
        "description": ["Loud music", "Loud music and shouting"],
        "category": ["noise", "rowdy-neighbours"],
    }
    page = visible_text(client.get(response.location))
    assert f"Incident {incident.reference} updated." in page
    assert "What happened Loud music Loud music and shouting" in page
    assert "Category Noise Rowdy or nuisance neighbours" in page


def test_saving_without_changes_adds_no_history(client, login_as):
    login_as(Role.OFFICER, "housing")
    incident = saved_incident()
    before = len(history(incident))
    response = client.post(f"/incidents/{incident.id}/edit", data=edit_form(incident))
    assert response.status_code == 302
    assert len(history(incident)) == before
    assert "No changes to save." in page_text(client.get(response.location))


def test_moving_the_point_moves_the_ward(client, login_as):
    login_as(Role.OFFICER, "housing")
    incident = saved_incident()
    client.post(
        f"/incidents/{incident.id}/edit",
        data=edit_form(incident, latitude="51.518886", longitude="-0.078506"),
    )
    assert (incident.ward_code, incident.ward_name) == ("E05009292", "Bishopsgate")


def test_edit_against_a_stale_version_is_refused_and_nothing_saved(client, login_as):
    login_as(Role.OFFICER, "housing")
    incident = saved_incident(description="Loud music")
    opened = edit_form(incident, description="My change")
    # Someone else saves first.
    incident.description = "Their change"
    db.session.commit()
    before = len(history(incident))

    response = client.post(f"/incidents/{incident.id}/edit", data=opened)

    assert response.status_code == 200
    assert "This incident changed since you opened it" in page_text(response)
    db.session.refresh(incident)
    assert incident.description == "Their change"
    assert len(history(incident)) == before


def test_anonymous_reporter_clears_reporter_contact_details(client, login_as):
    login_as(Role.OFFICER, "housing")
    incident = saved_incident()
    response = client.post(
        f"/incidents/{incident.id}/edit",
        data=edit_form(incident, reporter_anonymous="anonymous"),
    )
    assert response.status_code == 302
    assert incident.reporter_anonymous is True
    assert (
        incident.reporter_name,
        incident.reporter_phone,
        incident.reporter_email,
        incident.reporter_address,
    ) == (None, None, None, None)
    changes = history(incident)[-1].changes
    assert changes["reporter_anonymous"] == [False, True]
    assert changes["reporter_name"] == ["Alex Reporter", None]


def test_invalid_edit_is_explained_and_nothing_saved(client, login_as):
    login_as(Role.OFFICER, "housing")
    incident = saved_incident(description="Loud music")
    response = client.post(
        f"/incidents/{incident.id}/edit",
        data=edit_form(incident, description="Changed", latitude="51.5007", longitude="-0.1246"),
    )
    assert response.status_code == 200
    assert error_summary(response)[0][0] == "#latitude"
    db.session.refresh(incident)
    assert incident.description == "Loud music"


def test_asb_lead_edits_another_agencys_incident(client, login_as):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    incident = saved_incident(recording_agency=agency("barbican"))
    response = client.post(
        f"/incidents/{incident.id}/edit", data=edit_form(incident, households_affected="7")
    )
    assert response.status_code == 302
    assert incident.households_affected == 7
    assert history(incident)[-1].changed_by == lead


def test_incident_with_a_retired_local_type_can_still_be_edited(client, login_as):
    login_as(Role.OFFICER, "housing")
    retired = LocalAsbTypeFactory(name="Pigeon feeding", is_active=False)
    incident = saved_incident(local_type=retired)
    response = client.post(
        f"/incidents/{incident.id}/edit", data=edit_form(incident, households_affected="3")
    )
    assert error_summary(response) == []
    assert response.status_code == 302
    assert incident.local_type == retired


def status_history(incident) -> list[dict]:
    return [change.changes for change in history(incident) if change.action == "status"]


def test_status_change_is_recorded_in_history(client, login_as):
    officer = login_as(Role.OFFICER, "housing")
    incident = saved_incident()
    response = client.post(f"/incidents/{incident.id}/status", data={"status": "triaged"})
    assert response.status_code == 302
    assert incident.status is IncidentStatus.TRIAGED
    assert status_history(incident) == [{"status": ["new", "triaged"]}]
    assert history(incident)[-1].changed_by == officer
    page = visible_text(client.get(response.location))
    assert "Status changed by" in page
    assert "Status New Triaged" in page


def test_no_further_action_needs_a_reason(client, login_as):
    login_as(Role.OFFICER, "housing")
    incident = saved_incident()
    response = client.post(
        f"/incidents/{incident.id}/status", data={"status": "no-further-action", "reason": ""}
    )
    assert response.status_code == 200
    assert error_summary(response) == [("#reason", "Enter why no further action is needed")]
    db.session.refresh(incident)
    assert incident.status is IncidentStatus.NEW
    assert status_history(incident) == []


def test_no_further_action_keeps_its_reason(client, login_as):
    login_as(Role.OFFICER, "housing")
    incident = saved_incident()
    client.post(
        f"/incidents/{incident.id}/status",
        data={"status": "no-further-action", "reason": "Resolved by a letter to the tenant"},
    )
    assert incident.status is IncidentStatus.NO_FURTHER_ACTION
    assert incident.no_further_action_reason == "Resolved by a letter to the tenant"
    assert status_history(incident) == [
        {
            "status": ["new", "no-further-action"],
            "no_further_action_reason": [None, "Resolved by a letter to the tenant"],
        }
    ]
    # Reopening clears the reason, and says so.
    client.post(f"/incidents/{incident.id}/status", data={"status": "triaged"})
    assert incident.no_further_action_reason is None
    assert status_history(incident)[-1]["no_further_action_reason"] == [
        "Resolved by a letter to the tenant",
        None,
    ]


@pytest.mark.parametrize(
    ("status", "message"),
    [("", "Select a status"), ("linked", "Select status from the list")],
)
def test_status_must_be_one_an_officer_may_set(client, login_as, status, message):
    login_as(Role.OFFICER, "housing")
    incident = saved_incident()
    response = client.post(f"/incidents/{incident.id}/status", data={"status": status})
    assert error_summary(response) == [("#status", message)]
    assert incident.status is IncidentStatus.NEW


def test_asb_lead_changes_the_status_of_a_police_uk_record(client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")
    incident = saved_incident(
        source=IncidentSource.POLICE_UK, recording_agency=agency("city-police")
    )
    response = client.post(f"/incidents/{incident.id}/status", data={"status": "triaged"})
    assert response.status_code == 302
    assert incident.status is IncidentStatus.TRIAGED


def test_tampered_version_is_refused_not_a_server_error(client, login_as):
    login_as(Role.OFFICER, "housing")
    incident = saved_incident(description="Loud music")
    response = client.post(
        f"/incidents/{incident.id}/edit",
        data=edit_form(incident, description="My change", version="abc"),
    )
    assert response.status_code == 200
    assert "There is a problem" in page_text(response)
    db.session.refresh(incident)
    assert incident.description == "Loud music"


def test_an_observation_with_no_reporter_is_edited_without_inventing_one(client, login_as):
    login_as(Role.OFFICER, "housing")
    incident = saved_incident(
        report_kind=ReportKind.OBSERVATION,
        reporter_anonymous=False,
        reporter_name=None,
        reporter_phone=None,
        reporter_email=None,
        reporter_address=None,
        description="Seen on patrol: graffiti",
    )
    soup = BeautifulSoup(client.get(f"/incidents/{incident.id}/edit").text, "html.parser")
    checked = [radio["value"] for radio in soup.select("input[name=reporter_anonymous][checked]")]
    assert checked == []

    response = client.post(
        f"/incidents/{incident.id}/edit",
        data=edit_form(incident, reporter_anonymous="", description="Seen on patrol: tags"),
    )

    assert response.status_code == 302
    assert incident.description == "Seen on patrol: tags"
    assert incident.reporter_name is None
    assert incident.reporter_anonymous is False
