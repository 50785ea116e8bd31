"""Whoever records a restricted record keeps access to it (issue 9 §3).

Before, an officer who recorded an incident on behalf of another agency and marked it
restricted met "Page not found" on their own record straight after the success banner.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from asb.auth.models import Role
from asb.cases.models import Case
from asb.extensions import db
from asb.incidents.models import Incident
from asb.policy import visible_cases
from tests.conftest import sign_in_session
from tests.factories import agency, make_user
from tests.helpers import error_summary, incident_form, visible_text


def _recorded_restricted_incident(client) -> tuple[Incident, object]:
    response = client.post(
        "/incidents/new",
        data=incident_form(
            agency("housing"), restricted="yes", restriction_reason="Domestic abuse"
        ),
    )
    assert response.status_code == 302, error_summary(response)
    incident_id = int(re.search(r"/incidents/(\d+)$", response.location).group(1))
    return db.session.get(Incident, incident_id), response


def test_the_recorder_of_a_restricted_incident_for_another_agency_opens_it(client, login_as):
    recorder = login_as(Role.OFFICER, "street-enforcement")
    incident, response = _recorded_restricted_incident(client)
    assert incident.recording_agency == agency("housing")
    assert incident.recorded_by == recorder

    page = client.get(response.location)

    assert page.status_code == 200
    text = visible_text(page)
    assert f"Incident {incident.reference} recorded." in text
    assert "Sam Caller" in text  # the personal details they typed in
    assert "Domestic abuse" in text


def test_the_recorder_finds_it_in_the_log_and_its_export_with_personal_details(client, login_as):
    login_as(Role.OFFICER, "street-enforcement")
    incident, _ = _recorded_restricted_incident(client)

    assert incident.reference in visible_text(client.get("/incidents"))
    export = client.get("/incidents/export.csv").get_data(as_text=True)
    row = next(line for line in export.splitlines() if incident.reference in line)
    assert "Sam Caller" in row


def test_a_colleague_of_the_recorder_still_meets_page_not_found(app, client, login_as):
    login_as(Role.OFFICER, "street-enforcement")
    incident, response = _recorded_restricted_incident(client)
    colleague = make_user(Role.OFFICER, "street-enforcement")
    db.session.commit()
    other = app.test_client()
    sign_in_session(other, colleague)

    assert other.get(response.location).status_code == 404
    assert incident.reference not in visible_text(other.get("/incidents"))


def test_whoever_opens_a_restricted_case_led_by_another_agency_keeps_it(client, login_as):
    opener = login_as(Role.OFFICER, "street-enforcement")
    response = client.post(
        "/cases/new",
        data={
            "title": "Safeguarding concern",
            "summary": "Threats to a neighbour",
            "lead_agency": str(agency("housing").id),
            "restricted": "yes",
            "restriction_reason": "Safeguarding",
        },
    )
    assert response.status_code == 302, error_summary(response)
    case = db.session.get(Case, int(re.search(r"/cases/(\d+)$", response.location).group(1)))
    assert (case.restricted, case.lead_agency, case.created_by) == (
        True,
        agency("housing"),
        opener,
    )

    page = client.get(response.location)

    assert page.status_code == 200
    assert f"Case {case.reference} opened." in visible_text(page)
    assert "Safeguarding" in visible_text(page)  # the reason, a personal detail
    # Lists built on the SQL form of the rule (linked cases, Case Reviews) name it too.
    assert case.id in db.session.scalars(select(Case.id).where(visible_cases(opener))).all()
