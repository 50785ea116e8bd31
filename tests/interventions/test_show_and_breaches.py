"""An intervention's page: its clocks and breaches, and who sees the personal details."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.cases.models import TimelineEntry
from asb.extensions import db
from asb.interventions import services
from asb.interventions.models import InterventionBreach
from asb.interventions.rules import InterventionKind
from tests.factories import UserFactory, agency


def parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


@pytest.fixture
def case(open_case):
    return open_case(partners=("housing",))


@pytest.fixture
def record(app, case, add_person):
    """Record interventions on the case through the service, as its lead officer."""
    person = add_person(case, "Sam Perpetrator")
    actor = UserFactory(role=Role.OFFICER, agency=agency("street-enforcement"))

    def make(kind: InterventionKind, issued_on: date, **fields):
        details = services.InterventionDetails(
            kind=kind, issued_on=issued_on, served_on_person=person, **fields
        )
        with app.test_request_context():
            intervention = services.record_intervention(case, details, actor=actor)
        db.session.commit()
        return intervention

    return make


@pytest.fixture
def notice(record):
    record(InterventionKind.COMMUNITY_PROTECTION_WARNING, date(2025, 3, 1))
    return record(
        InterventionKind.COMMUNITY_PROTECTION_NOTICE,
        date(2025, 3, 3),
        conditions="Not to leave bags on the pavement",
    )


def page_of(client, intervention) -> str:
    url = f"/cases/{intervention.case_id}/interventions/{intervention.id}"
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def breach(client, intervention, **fields):
    data = {"occurred_on": parts(date(2025, 4, 1)), "description": "Bags left again", **fields}
    url = f"/cases/{intervention.case_id}/interventions/{intervention.id}/breaches"
    return client.post(url, data=data)


def test_page_shows_the_clocks_and_served_on(client, officer, notice):
    page = page_of(client, notice)
    assert "Appeal deadline" in page
    assert "23 March 2025" in page
    assert "Sam Perpetrator" in page
    assert "Not to leave bags on the pavement" in page
    assert "at most £100" in page
    assert "Record a breach" in page


def test_partner_agency_sees_the_clocks_but_not_who_it_was_served_on(client, login_as, notice):
    login_as(Role.OFFICER, "housing")
    page = page_of(client, notice)
    assert "23 March 2025" in page
    assert "Sam Perpetrator" not in page
    assert "Not to leave bags" not in page
    assert "Record a breach" not in page
    assert breach(client, notice).status_code == 403

    case_page = client.get(f"/cases/{notice.case_id}").get_data(as_text=True)
    assert "Community Protection Notice" in case_page
    assert "Sam Perpetrator" not in case_page
    assert "Record an intervention" not in case_page


def test_case_page_lists_interventions_with_their_next_deadline(client, officer, record):
    today = date.today()
    contract = record(InterventionKind.ACCEPTABLE_BEHAVIOUR_CONTRACT, today)
    page = client.get(f"/cases/{contract.case_id}").get_data(as_text=True)
    assert "Acceptable Behaviour Contract or Agreement" in page
    assert "Sam Perpetrator" in page
    assert "Review due:" in page
    assert "Record an intervention" in page


@pytest.mark.parametrize(
    ("role", "agency_code", "status"),
    [
        (Role.OFFICER, "barbican", 403),
        (Role.PARTNER, "city-police", 403),
        (Role.ADMIN, "community-safety", 403),
        (Role.ASB_LEAD, "community-safety", 200),
    ],
)
def test_who_may_see_an_intervention(client, login_as, notice, role, agency_code, status):
    login_as(role, agency_code)
    url = f"/cases/{notice.case_id}/interventions/{notice.id}"
    assert client.get(url).status_code == status


def test_intervention_of_another_case_is_not_found(client, officer, notice, open_case):
    other = open_case()
    assert client.get(f"/cases/{other.id}/interventions/{notice.id}").status_code == 404


def test_breach_with_a_fixed_penalty_is_recorded(client, officer, notice):
    response = breach(client, notice, fixed_penalty_gbp="100")
    assert response.status_code == 302
    (recorded,) = db.session.scalars(
        select(InterventionBreach).where(InterventionBreach.intervention_id == notice.id)
    ).all()
    assert recorded.occurred_on == date(2025, 4, 1)
    assert recorded.fixed_penalty_gbp == 100
    assert recorded.recorded_by_id == officer.id
    assert db.session.scalar(
        select(TimelineEntry).where(
            TimelineEntry.case_id == notice.case_id,
            TimelineEntry.summary.like("Breach of the Community Protection Notice%"),
        )
    )
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "intervention.breach-recorded")
    )
    page = page_of(client, notice)
    assert "Bags left again" in page
    assert "£100" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"fixed_penalty_gbp": "150"}, "Fixed penalty must be £100 or less"),
        ({"fixed_penalty_gbp": "lots"}, "Fixed penalty must be a whole number of pounds"),
        ({"description": ""}, "Enter what happened"),
        ({"occurred_on": ["", "", ""]}, "Enter the date the breach happened"),
        ({"occurred_on": parts(date(2025, 3, 2))}, "must be on or after the date of issue"),
        ({"occurred_on": parts(date(2099, 1, 1))}, "must be today or in the past"),
    ],
)
def test_breach_refused_with_a_message(client, officer, notice, fields, message):
    response = breach(client, notice, **fields)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert "There is a problem" in page
    assert db.session.scalars(select(InterventionBreach)).all() == []


def test_no_fixed_penalty_for_a_kind_without_one(client, officer, record):
    warning = record(InterventionKind.COMMUNITY_PROTECTION_WARNING, date(2025, 3, 1))
    assert "Fixed penalty, in pounds" not in page_of(client, warning)
    response = breach(client, warning, occurred_on=parts(date(2025, 3, 2)), fixed_penalty_gbp="50")
    assert (
        "A fixed penalty cannot be given for breaching a Community Protection Warning"
        in response.get_data(as_text=True)
    )
