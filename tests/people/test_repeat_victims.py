"""Repeat victimisation is noticed across agencies, and the Case Review is explained."""

from __future__ import annotations

from datetime import date

import pytest
from flask import render_template_string
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.case_reviews.models import CaseReviewExplanation
from asb.cases.services import link_incident
from asb.extensions import db
from asb.people import prompts, victimisation
from asb.people.services import link_person_to_incident
from asb.people.vocabulary import PersonRole
from tests.factories import PersonFactory, UserFactory, make_case, reported

ADDRESS = "Flat 3, 12 Crescent House, EC1Y 0SL"


def _victim_of(person, *incidents):
    actor = UserFactory()
    for incident in incidents:
        link_person_to_incident(incident, person, PersonRole.VICTIM, actor=actor)


def test_three_reports_to_three_agencies_within_six_months_make_a_repeat_victim(db_session):
    person = PersonFactory(name="Sam Caller")
    incidents = [
        reported("housing", 150),
        reported("barbican", 80),
        reported("street-enforcement", 5),
    ]
    _victim_of(person, *incidents)

    victims = victimisation.repeat_victims(date.today())

    [victim] = [v for v in victims if v.person is not None]
    assert victim.person == person
    assert victim.count == 3
    assert sorted(victim.incident_ids) == sorted(i.id for i in incidents)
    assert victim.agencies == [
        "Housing, DCCS",
        "Barbican Estates",
        "Street Enforcement, Built Environment",
    ]
    assert victim.first == incidents[0].occurred_from
    assert victim.last == incidents[2].occurred_from
    flag = victimisation.repeat_flag_for_incident(incidents[1])
    assert flag is not None
    assert flag.text == (
        "Repeat victim: 3 reports in 6 months across Housing, DCCS; Barbican Estates; "
        "Street Enforcement, Built Environment"
    )
    assert all(victimisation.is_repeat_victim_incident(incident) for incident in incidents)


def test_one_report_to_housing_and_two_to_barbican_at_one_address_make_three(db_session):
    incidents = [
        reported("housing", 100, reporter_address=ADDRESS),
        reported("barbican", 60, reporter_address="flat 3 12 crescent house ec1y0sl"),
        reported(
            "barbican", 2, reporter_anonymous=True, reporter_name=None, victim_address=ADDRESS
        ),
    ]

    victims = victimisation.repeat_victims(date.today())

    [victim] = victims
    assert victim.person is None
    assert victim.address in {ADDRESS, "flat 3 12 crescent house ec1y0sl"}
    assert victim.count == 3
    assert sorted(victim.incident_ids) == sorted(i.id for i in incidents)
    flag = victimisation.repeat_flag_for_incident(incidents[0])
    assert flag.agencies == ["Housing, DCCS", "Barbican Estates"]
    assert (
        flag.text == "Repeat victim: 3 reports in 6 months across Housing, DCCS; Barbican Estates"
    )


def test_a_person_record_address_counts_with_the_incidents_addresses(db_session):
    person = PersonFactory(name="Sam Caller", address="Apartment 3, 12 Crescent House EC1Y 0SL")
    first = reported("housing", 30)
    _victim_of(person, first)
    reported("barbican", 20, victim_address=ADDRESS)
    reported("mcp", 10, reporter_address=ADDRESS)

    assert [v.count for v in victimisation.repeat_victims(date.today()) if v.address] == [3]
    assert victimisation.is_repeat_victim_incident(first)


def test_three_reports_spread_over_more_than_six_months_are_not_flagged(db_session):
    person = PersonFactory()
    incidents = [reported("housing", 200), reported("barbican", 100), reported("mcp", 10)]
    _victim_of(person, *incidents)

    assert victimisation.repeat_victims(date.today()) == []
    assert not any(victimisation.is_repeat_victim_incident(incident) for incident in incidents)


def test_an_old_incident_is_flagged_when_its_victim_was_a_repeat_victim_then(db_session):
    person = PersonFactory()
    incidents = [reported("housing", 400), reported("barbican", 350), reported("mcp", 300)]
    _victim_of(person, *incidents)

    assert victimisation.repeat_victims(date.today()) == []
    assert victimisation.is_repeat_victim_incident(incidents[0])


def test_witnesses_and_perpetrators_do_not_count(db_session):
    person = PersonFactory()
    actor = UserFactory()
    for days in (30, 20, 10):
        link_person_to_incident(
            reported("housing", days), person, PersonRole.PERPETRATOR, actor=actor
        )

    assert victimisation.repeat_victims(date.today()) == []


def test_the_threshold_and_window_are_configurable(app, db_session, monkeypatch):
    person = PersonFactory()
    incidents = [reported("housing", 100), reported("barbican", 10)]
    _victim_of(person, *incidents)
    assert victimisation.repeat_victims(date.today()) == []

    monkeypatch.setitem(app.config, "REPEAT_VICTIM_THRESHOLD", 2)
    [victim] = victimisation.repeat_victims(date.today())
    assert victim.count == 2
    assert victimisation.repeat_flag_for_incident(incidents[1]).text.startswith(
        "Repeat victim: 2 reports in 6 months"
    )

    monkeypatch.setitem(app.config, "REPEAT_VICTIM_WINDOW_DAYS", 60)
    assert victimisation.repeat_victims(date.today()) == []


def test_the_prompt_appears_at_the_victims_second_report_within_six_months(db_session):
    person = PersonFactory()
    first = reported("housing", 90)
    second = reported("barbican", 5)
    _victim_of(person, first, second)

    assert victimisation.prior_reports_within_window(first) == 0
    assert victimisation.prior_reports_within_window(second) == 1
    assert prompts.case_review_prompt(first) is None
    prompt = prompts.case_review_prompt(second)
    assert prompt.report_number == 2
    assert not prompt.explained
    assert prompt.text == (
        "This is the victim's 2nd report in 6 months: explain the ASB Case Review "
        "(Community Trigger) to them and record that you did"
    )


def test_no_prompt_when_the_earlier_report_is_more_than_six_months_before(db_session):
    person = PersonFactory()
    old = reported("housing", 200)
    new = reported("barbican", 5)
    _victim_of(person, old, new)

    assert prompts.case_review_prompt(new) is None


def _incident_page_partials(client, incident):
    """Render the partials as the incident page will, with what the lead's view passes."""
    with client.application.test_request_context():
        return render_template_string(
            '{% include "people/_repeat_flag.html" %}{% include "people/_incident_prompt.html" %}',
            incident=incident,
            repeat=prompts.case_review_prompt(incident),
            flag=victimisation.repeat_flag_for_incident(incident),
        )


def test_recording_that_the_case_review_was_explained(client, login_as):
    officer = login_as(Role.OFFICER, "barbican")
    person = PersonFactory()
    first = reported("housing", 90)
    second = reported("barbican", 5)
    _victim_of(person, first, second)
    db.session.commit()
    assert "explain the ASB Case Review" in _incident_page_partials(client, second)

    page = client.get(f"/incidents/{second.id}/case-review-explained")
    assert page.status_code == 200
    assert "2nd report in 6 months" in page.get_data(as_text=True)
    refused = client.post(f"/incidents/{second.id}/case-review-explained", data={})
    assert "Select how you explained the ASB Case Review" in refused.get_data(as_text=True)

    response = client.post(f"/incidents/{second.id}/case-review-explained", data={"how": "phone"})

    assert response.status_code == 302
    assert response.location.endswith(f"/incidents/{second.id}")
    explanation = db.session.scalar(select(CaseReviewExplanation))
    assert (explanation.incident_id, explanation.person_id) == (second.id, person.id)
    assert (explanation.explained_by_id, explanation.how) == (officer.id, "phone")
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "incident.case-review-explained")
    )
    shown = _incident_page_partials(client, second)
    assert "explain the ASB Case Review" not in shown
    assert "explained to the victim by phone" in shown


def test_only_those_who_see_the_victims_details_record_the_explanation(client, login_as):
    incident = reported("housing", 5)
    db.session.commit()
    login_as(Role.OFFICER, "barbican")

    assert client.get(f"/incidents/{incident.id}/case-review-explained").status_code == 403
    assert (
        client.post(
            f"/incidents/{incident.id}/case-review-explained", data={"how": "phone"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("role", "agency_code", "status"),
    [
        (Role.ASB_LEAD, "community-safety", 200),
        (Role.OFFICER, "housing", 403),
        (Role.MANAGER, "housing", 403),
        (Role.OFFICER, "community-safety", 403),
        (Role.PARTNER, "city-police", 403),
        (Role.ADMIN, "community-safety", 403),
    ],
)
def test_only_the_asb_lead_sees_the_repeat_victims_list(
    client, login_as, role, agency_code, status
):
    login_as(role, agency_code)
    assert client.get("/repeat-victims").status_code == status


def test_the_repeat_victims_list_shows_people_and_addresses_across_agencies(client, login_as):
    person = PersonFactory(name="Sam Caller")
    _victim_of(person, reported("housing", 40), reported("barbican", 30), reported("mcp", 20))
    for code, days in (("housing", 50), ("barbican", 25), ("street-enforcement", 3)):
        reported(code, days, reporter_anonymous=True, reporter_name=None, victim_address=ADDRESS)
    db.session.commit()
    login_as(Role.ASB_LEAD, "community-safety")

    page = client.get("/repeat-victims").get_data(as_text=True)

    assert "Sam Caller" in page
    assert ADDRESS in page
    assert "Street Enforcement" in page
    assert "3 or more incidents in the last 6 months" in page


def test_a_case_is_flagged_when_the_victim_of_one_of_its_incidents_is_a_repeat_victim(db_session):
    actor = UserFactory()
    case = make_case(actor=actor)
    incidents = [
        reported(code, days, victim_address=ADDRESS)
        for code, days in (("housing", 90), ("barbican", 60), ("mcp", 30))
    ]
    assert victimisation.repeat_flag_for_case(case) is None

    link_incident(case, incidents[0], actor=actor)

    flag = victimisation.repeat_flag_for_case(case)
    assert flag.count == 3
    assert flag.text.startswith("Repeat victim: 3 reports in 6 months across Housing, DCCS")
