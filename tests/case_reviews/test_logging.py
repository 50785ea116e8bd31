"""Logging an application: who may apply, and the complaints it cites."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from asb.auth.models import Role
from asb.case_reviews import services
from asb.case_reviews.vocabulary import ApplicationRoute
from asb.extensions import db
from tests.case_reviews.helpers import application_form, days_ago
from tests.factories import IncidentFactory, UserFactory, agency, make_application
from tests.helpers import date_parts, error_summary


def log(**changes):
    fields = {
        "applicant_name": "Pat Applicant",
        "applicant_contact": "020 7946 0123",
        "on_behalf_of": None,
        "consent_confirmed": False,
        "route": ApplicationRoute.PAPER,
        "received_on": date(2026, 11, 2),
        "complaints": [],
        "actor": UserFactory(role=Role.OFFICER),
    }
    fields.update(changes)
    return services.log_application(**fields)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"applicant_name": "Anonymous"}, "applicant_name", "cannot be anonymous"),
        ({"applicant_name": " "}, "applicant_name", "Enter the applicant's name"),
        (
            {"on_behalf_of": "Sam Victim", "consent_confirmed": False},
            "consent_confirmed",
            "Confirm that the victim has consented",
        ),
        ({"applicant_contact": " "}, "applicant_contact", "Enter how to contact the applicant"),
    ],
)
def test_the_service_refuses_anonymous_applications_and_ones_without_consent(
    db_session, changes, field, message
):
    with pytest.raises(services.CaseReviewError, match=message) as refused:
        log(**changes)
    assert refused.value.field == field


def test_someone_may_apply_for_a_victim_who_consents(db_session):
    application = log(
        applicant_name="Cllr Jo Member", on_behalf_of="Sam Victim", consent_confirmed=True
    )
    assert (application.on_behalf_of, application.consent_confirmed) == ("Sam Victim", True)
    assert application.route == "paper"
    assert application.reference == "ASB-CR-2026-" + application.reference[-5:]


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"applicant_name": "anon"},
            [
                (
                    "#applicant_name",
                    "Enter the applicant's name: an ASB Case Review application cannot be "
                    "anonymous",
                )
            ],
        ),
        (
            {"on_behalf_of": "Sam Victim", "consent_confirmed": "no"},
            [
                (
                    "#consent_confirmed",
                    "Confirm that the victim has consented to the application made on their behalf",
                )
            ],
        ),
        (
            {"applicant_contact": "", "route": ""},
            [
                ("#applicant_contact", "Enter how to contact the applicant"),
                ("#route", "Select how the application was made"),
            ],
        ),
        (
            {"received_on": ["", "", ""]},
            [("#received_on-day", "Enter the date the application was received")],
        ),
        (
            {"received_on": date_parts(days_ago(-1))},
            [
                (
                    "#received_on-day",
                    "Date the application was received must be today or in the past",
                )
            ],
        ),
        (
            {"incident_references": "ASB-1999-00001"},
            [("#incident_references", "No incident you can see has the reference ASB-1999-00001")],
        ),
    ],
)
def test_the_log_form_says_what_to_fix(client, login_as, changes, errors):
    login_as(Role.OFFICER, "housing")
    response = client.post("/case-reviews/new", data=application_form(**changes))
    assert response.status_code == 200
    assert error_summary(response) == errors


def test_a_restricted_incident_of_another_agency_cannot_be_cited(client, login_as):
    incident = IncidentFactory(
        recording_agency=agency("barbican"), restricted=True, restriction_reason="Safeguarding"
    )
    db.session.commit()
    login_as(Role.OFFICER, "housing")
    response = client.post(
        "/case-reviews/new",
        data=application_form(incident_references=incident.reference),
    )
    assert error_summary(response) == [
        ("#incident_references", f"No incident you can see has the reference {incident.reference}")
    ]


def test_the_same_incident_cannot_be_cited_twice(client, login_as):
    incident = IncidentFactory()
    db.session.commit()
    login_as(Role.OFFICER, "housing")
    response = client.post(
        "/case-reviews/new",
        data=application_form(incident_references=f"{incident.reference}\n{incident.reference}"),
    )
    assert error_summary(response) == [
        ("#incident_references", f"{incident.reference} is cited more than once")
    ]


def test_a_cited_incident_gives_its_dates_agency_and_behaviour(db_session):
    incident = IncidentFactory(
        occurred_from=datetime(2026, 6, 30, 23, 30, tzinfo=UTC),  # 1 July in London
        created_at=datetime(2026, 7, 2, 9, 0, tzinfo=UTC),
        recording_agency=agency("street-enforcement"),
    )
    cited = services.CitedComplaint.from_incident(incident)
    # With no date of reporting, the complaint was made the day it happened, not when typed in.
    assert (cited.behaviour_on, cited.complained_on) == (date(2026, 7, 1), date(2026, 7, 1))
    application = log(complaints=[cited])
    (complaint,) = application.complaints
    assert complaint.behaviour_key == f"incident-{incident.id}"
    assert complaint.agency == agency("street-enforcement")


def test_recommendations_need_a_meeting_and_a_case(db_session):
    lead = UserFactory(role=Role.ASB_LEAD, agency=agency("community-safety"))
    application = make_application(lead, threshold_met=True, threshold_decided_on=days_ago(5))
    recommend = {
        "description": "Patrols",
        "owner": lead,
        "due_on": days_ago(-7),
        "actor": lead,
    }
    with pytest.raises(services.CaseReviewError, match="Record the review meeting"):
        services.add_recommendation(application, **recommend)
    application.meeting_on = days_ago(1)
    with pytest.raises(services.CaseReviewError, match="Link the application to a case"):
        services.add_recommendation(application, **recommend)


def test_a_meeting_is_held_only_when_the_threshold_is_met(db_session):
    lead = UserFactory(role=Role.ASB_LEAD, agency=agency("community-safety"))
    application = make_application(lead, threshold_met=False, threshold_decided_on=days_ago(5))
    with pytest.raises(services.CaseReviewError, match="only when the threshold is met"):
        services.record_meeting(application, meeting_on=days_ago(1), victim_view=None, actor=lead)


def test_a_partner_cannot_be_the_single_point_of_contact(db_session):
    lead = UserFactory(role=Role.ASB_LEAD, agency=agency("community-safety"))
    partner = UserFactory(role=Role.PARTNER, agency=agency("city-police"))
    application = make_application(lead)
    with pytest.raises(services.CaseReviewError, match="cannot be the single point of contact"):
        services.appoint_spoc(application, partner, actor=lead)
