"""Complaints count from the day they were made, and the application says which incidents count.

An officer often types complaints into asb long after they were made; the threshold must not
count them from that day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time
from sqlalchemy import select

from asb.auth.models import Role
from asb.auth.services import create_user, find_agency
from asb.case_reviews import queries
from asb.case_reviews.complaints import complaint_made_on
from asb.case_reviews.deadlines import case_review_settings
from asb.case_reviews.models import CaseReviewApplication
from asb.cases.services import open_case
from asb.demo.case_reviews import load_demo_case_review
from asb.demo.cases import load_demo_cases
from asb.demo.seed import DEMO_USERS, load_partnership_incidents
from asb.extensions import db
from asb.incidents.models import IncidentReport
from asb.incidents.vocabulary import IncidentSource, ReportingChannel, ReportKind
from asb.policy import Permission, can
from tests.case_reviews.helpers import application_form, at_noon, complaint_incident, logged_id
from tests.factories import IncidentFactory, UserFactory, agency
from tests.helpers import visible_text

# The application is received on 15 August 2026: six months back is 15 February.
RECEIVED = "2026-08-15 10:00"


def _verdicts(application_id: int) -> dict[int, str]:
    """Each cited incident's reason, by incident id."""
    application = db.session.get(CaseReviewApplication, application_id)
    result = queries.threshold_result(application, case_review_settings())
    return {
        complaint.incident_id: verdict.reason
        for complaint, verdict in zip(
            queries.ordered_complaints(application), result.verdicts, strict=True
        )
    }


def test_a_complaint_typed_in_today_counts_from_the_day_it_happened(db_session):
    with freeze_time(RECEIVED):
        incident = IncidentFactory(occurred_from=at_noon(date(2026, 6, 20)))
    assert incident.created_at.date() == date(2026, 8, 15)
    assert complaint_made_on(incident) == date(2026, 6, 20)


def test_a_complaint_sent_through_the_report_form_counts_from_the_day_it_was_sent(db_session):
    with freeze_time(RECEIVED):
        incident = complaint_incident(date(2026, 6, 20), date(2026, 6, 23))
    assert complaint_made_on(incident) == date(2026, 6, 23)


def test_the_complaint_date_is_the_london_day(db_session):
    incident = IncidentFactory(
        occurred_from=datetime(2026, 6, 30, 23, 30, tzinfo=UTC),  # 1 July in London
        created_at=datetime(2026, 8, 1, 9, 0, tzinfo=UTC),
    )
    assert complaint_made_on(incident) == date(2026, 7, 1)


@pytest.mark.parametrize(
    ("behaviour_on", "complained_on", "reason"),
    [
        # Six months before the application: the last day that counts, and the day before.
        (date(2026, 2, 15), date(2026, 2, 15), "counted"),
        (date(2026, 2, 14), date(2026, 2, 14), "made more than six months before the application"),
        # One month after the behaviour: the last day that counts, and the day after.
        (date(2026, 7, 15), date(2026, 8, 15), "counted"),
        (date(2026, 7, 14), date(2026, 8, 15), "made more than one month after the behaviour"),
    ],
)
def test_the_threshold_counts_by_the_day_the_complaint_was_made_at_the_windows_edges(
    client, login_as, behaviour_on, complained_on, reason
):
    with freeze_time(RECEIVED):
        login_as(Role.ASB_LEAD, "community-safety")
        incident = complaint_incident(behaviour_on, complained_on)
        db.session.commit()
        application_id = logged_id(
            client.post(
                "/case-reviews/new", data=application_form(incident_references=incident.reference)
            )
        )
        assert _verdicts(application_id) == {incident.id: reason}


def test_backdated_complaints_meet_the_threshold(client, login_as):
    """Five complaints over five months, all typed into asb on the day of the application."""
    with freeze_time(RECEIVED):
        login_as(Role.ASB_LEAD, "community-safety")
        incidents = [
            IncidentFactory(occurred_from=at_noon(day))
            for day in (date(2026, 3, 3), date(2026, 4, 14), date(2026, 5, 20), date(2026, 7, 1))
        ]
        db.session.commit()
        response = client.post(
            "/case-reviews/new",
            data=application_form(
                incident_references="\n".join(incident.reference for incident in incidents)
            ),
        )
        page = visible_text(client.get(response.location))
    assert "4 qualifying complaints about separate behaviour (3 needed): threshold met." in page
    assert set(_verdicts(logged_id(response)).values()) == {"counted"}


def _case_incidents_table(response) -> dict[str, tuple[str, str]]:
    """The table of the case's incidents: reference -> (complaint made on, counts?)."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    caption = soup.find("caption", string=lambda text: text and "Incidents on the case" in text)
    assert caption is not None
    rows = {}
    for row in caption.find_parent("table").find("tbody").find_all("tr"):
        cells = [" ".join(cell.get_text(" ").split()) for cell in row.find_all("td")]
        rows[cells[0]] = (cells[2], cells[3])
    return rows


def test_the_application_says_which_incidents_on_its_case_count_and_why_others_do_not(
    client, login_as
):
    with freeze_time(RECEIVED):
        lead = login_as(Role.ASB_LEAD, "community-safety")
        cited = IncidentFactory(occurred_from=at_noon(date(2026, 7, 1)))
        reported_again = IncidentFactory(occurred_from=at_noon(date(2026, 7, 8)))
        db.session.add(
            IncidentReport(
                incident=reported_again,
                channel=ReportingChannel.PHONE,
                reported_at=at_noon(date(2026, 7, 9)),
            )
        )
        not_cited = IncidentFactory(occurred_from=at_noon(date(2026, 7, 20)))
        observed = IncidentFactory(
            occurred_from=at_noon(date(2026, 7, 21)), report_kind=ReportKind.OBSERVATION
        )
        police_uk = IncidentFactory(
            occurred_from=at_noon(date(2026, 6, 1)), source=IncidentSource.POLICE_UK
        )
        hidden = IncidentFactory(
            occurred_from=at_noon(date(2026, 7, 22)),
            restricted=True,
            restriction_reason="Safeguarding",
            recording_agency=agency("housing"),
        )
        case = open_case(
            title="Noise",
            summary="Noise",
            lead_agency=agency("community-safety"),
            actor=lead,
            incidents=[cited, reported_again, not_cited, observed, police_uk, hidden],
        )
        db.session.commit()
        response = client.post(
            "/case-reviews/new",
            data=application_form(
                case_id=str(case.id),
                incident_references=f"{cited.reference}\n{reported_again.reference}",
            ),
        )
        show = response.location
        rows = _case_incidents_table(client.get(show))

        assert rows[cited.reference] == ("1 July 2026", "Counts Complaint 1: counted")
        assert rows[reported_again.reference] == (
            "8 July 2026",
            "Counts Complaint 2: counted Reported 1 more time: the incident counts once",
        )
        assert rows[not_cited.reference] == (
            "20 July 2026",
            "Does not count A complaint the application does not cite: add it if the "
            "applicant relies on it",
        )
        assert rows[observed.reference] == (
            "Not a complaint",
            "Does not count An officer's observation, not a complaint",
        )
        assert rows[police_uk.reference][1].startswith("Does not count A police.uk record")
        assert rows[hidden.reference][1] == (
            "Does not count A complaint the application does not cite: add it if the "
            "applicant relies on it"
        )

        # Someone who may not see the restricted incident is not told of it.
        officer = UserFactory(role=Role.OFFICER, agency=agency("street-enforcement"))
        assert not can(officer, Permission.VIEW_INCIDENT, hidden)
        application = db.session.get(CaseReviewApplication, logged_id(response))
        threshold = queries.threshold_result(application, case_review_settings())
        shown = queries.case_incident_rows(
            officer, application.case, queries.complaint_rows(officer, application, threshold)
        )
        assert hidden.id not in {row.incident.id for row in shown}
        assert cited.id in {row.incident.id for row in shown}


def test_an_application_with_no_case_has_no_table_of_case_incidents(client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")
    response = client.post("/case-reviews/new", data=application_form())
    page = client.get(response.location).get_data(as_text=True)
    assert "Incidents on the case" not in page


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({}, "Complaint made on 20 June 2026"),
        ({"report_kind": ReportKind.OBSERVATION}, "Complaint made on Not a complaint"),
        ({"source": IncidentSource.POLICE_UK}, "Complaint made on Not a complaint"),
    ],
)
def test_each_incident_shows_the_day_its_complaint_was_made(client, login_as, fields, shown):
    with freeze_time(RECEIVED):
        login_as(Role.ASB_LEAD, "community-safety")
        incident = IncidentFactory(occurred_from=at_noon(date(2026, 6, 20)), **fields)
        db.session.commit()
        page = visible_text(client.get(f"/incidents/{incident.id}"))
    assert shown in page


def test_the_demo_application_meets_the_threshold_on_its_backdated_complaints(app, db_session):
    users = {
        spec.email: create_user(
            email=spec.email,
            name=spec.name,
            agency=find_agency(spec.agency_code),
            role=spec.role,
            password="demo-password-2026",
        )
        for spec in DEMO_USERS
    }
    load_partnership_incidents(
        {spec.agency_code: users[spec.email] for spec in DEMO_USERS if spec.role is Role.OFFICER}
    )
    with app.test_request_context():
        load_demo_cases(users)
        application = load_demo_case_review(users)
    db.session.commit()

    result = queries.threshold_result(application, case_review_settings())
    # Mrs Ellison's complaints were all typed in on the day the demo was loaded.
    assert all(c.incident.created_at.date() >= c.complained_on for c in application.complaints)
    assert result.met
    assert result.qualifying == 5
    assert len(application.complaints) == 6  # two reports of one party count once
    assert db.session.scalars(select(CaseReviewApplication)).all() == [application]


def test_a_complaint_can_still_be_given_its_own_dates(client, login_as):
    """What the applicant says about when they complained overrides asb's dates."""
    with freeze_time(RECEIVED):
        login_as(Role.ASB_LEAD, "community-safety")
        incident = IncidentFactory(occurred_from=at_noon(date(2026, 6, 1)))
        db.session.commit()
        application_id = logged_id(client.post("/case-reviews/new", data=application_form()))
        response = client.post(
            f"/case-reviews/{application_id}/complaints",
            data={
                "reference": incident.reference,
                "agency": "",
                "behaviour_on": ["1", "6", "2026"],
                "complained_on": ["10", "7", "2026"],
                "same_as": "",
            },
        )
        assert response.status_code == 302
        assert _verdicts(application_id) == {
            incident.id: "made more than one month after the behaviour"
        }


def test_logging_an_application_on_a_case_shows_which_incidents_can_be_cited(client, login_as):
    with freeze_time(RECEIVED):
        lead = login_as(Role.ASB_LEAD, "community-safety")
        complaint = IncidentFactory(occurred_from=at_noon(date(2026, 7, 1)))
        observed = IncidentFactory(
            occurred_from=at_noon(date(2026, 7, 2)), report_kind=ReportKind.OBSERVATION
        )
        case = open_case(
            title="Noise",
            summary="Noise",
            lead_agency=agency("community-safety"),
            actor=lead,
            incidents=[complaint, observed],
        )
        db.session.commit()
        page = visible_text(client.get(f"/case-reviews/new?case={case.id}"))
    assert f"{complaint.reference} 1 July 2026 1 July 2026 Yes" in page
    assert (
        f"{observed.reference} 2 July 2026 Not a complaint "
        "No: an officer's observation, not a complaint"
    ) in page
