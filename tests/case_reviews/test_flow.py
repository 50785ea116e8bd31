"""An ASB Case Review from application to appeal, through the pages, as the ASB lead."""

from __future__ import annotations

from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.case_reviews.models import CaseReviewApplication
from asb.cases.models import CaseAction, TimelineEntry
from asb.cases.vocabulary import TimelineKind
from asb.extensions import db
from asb.incidents.vocabulary import ReportKind
from asb.notifications.models import Notification
from tests.case_reviews.helpers import (
    application_form,
    complaint_incident,
    days_ago,
    log_on_page,
    logged_id,
    step_date,
)
from tests.factories import UserFactory, agency
from tests.helpers import date_parts, error_summary, visible_text


def test_the_asb_lead_runs_a_review_from_application_to_appeal(client, login_as):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    housing_officer = UserFactory(role=Role.OFFICER, agency=agency("housing"))
    noise = complaint_incident(days_ago(100), days_ago(99))
    party = complaint_incident(days_ago(60), days_ago(60))
    # The same party reported to Barbican Estates as well: the same behaviour.
    party_again = complaint_incident(
        days_ago(60), days_ago(58), recording_agency=agency("barbican")
    )
    shouting = complaint_incident(days_ago(20), days_ago(19))
    db.session.commit()

    response = client.post(
        "/case-reviews/new",
        data=application_form(
            incident_references=(
                f"{noise.reference}\n{party.reference}, {party_again.reference.lower()}\n"
                f"{shouting.reference}"
            ),
        ),
    )
    application_id = logged_id(response)
    application = db.session.get(CaseReviewApplication, application_id)
    assert application.reference.startswith(f"ASB-CR-{days_ago(0).year}-")
    assert application.created_by_id == lead.id
    assert len(application.complaints) == 4
    keys = {c.incident_id: c.behaviour_key for c in application.complaints}
    assert keys[party.id] == keys[party_again.id] != keys[noise.id]
    by_incident = {c.incident_id: c for c in application.complaints}
    assert by_incident[party_again.id].complained_on == days_ago(58)
    assert by_incident[party_again.id].behaviour_on == days_ago(60)
    assert by_incident[party_again.id].agency == agency("barbican")

    page = visible_text(client.get(response.location))
    assert f"ASB Case Review application {application.reference} logged." in page
    assert "3 qualifying complaints about separate behaviour (3 needed): threshold met." in page
    assert "Same behaviour as complaint 2: counted once" in page
    assert "Pat Applicant" in page

    # A complaint made to the police long ago, entered by hand, does not count.
    show = f"/case-reviews/{application_id}"
    response = client.post(
        f"{show}/complaints",
        data={
            "reference": "",
            "agency": str(agency("city-police").id),
            "behaviour_on": date_parts(days_ago(300)),
            "complained_on": date_parts(days_ago(299)),
            "description": "Shouting in the courtyard",
            "same_as": "",
        },
    )
    assert response.status_code == 302, error_summary(response)
    page = visible_text(client.get(show))
    assert "Made more than six months before the application" in page

    assert client.post(f"{show}/acknowledge", data=step_date()).status_code == 302
    response = client.post(f"{show}/spoc", data={"spoc": str(housing_officer.id)})
    assert response.status_code == 302, error_summary(response)
    assert db.session.scalar(
        select(Notification).where(Notification.user_id == housing_officer.id)
    ).message.startswith("You are the single point of contact")

    threshold_page = visible_text(client.get(f"{show}/threshold"))
    assert "Decide whether the threshold is met" in threshold_page
    response = client.post(f"{show}/threshold", data={"met": "yes", **step_date(), "notes": ""})
    assert response.status_code == 302, error_summary(response)
    db.session.refresh(application)
    assert application.threshold_met is True
    assert application.threshold_notes.startswith("Confirmed asb's count.")

    response = client.post(
        f"{show}/meeting",
        data={**step_date(), "victim_view": "Happy with the plan if the patrols happen at night"},
    )
    assert response.status_code == 302, error_summary(response)

    # Recommendations need a case: asb says so, then the lead opens one.
    response = client.get(f"{show}/recommendations")
    assert response.status_code == 302
    assert "Link the application to a case, or open one" in visible_text(client.get(show))
    response = client.post(
        f"{show}/open-case",
        data={
            "title": f"ASB Case Review {application.reference}",
            "summary": "Repeated noise and parties at Crescent House",
            "lead_agency": str(agency("housing").id),
            "restricted": "no",
            "restriction_reason": "",
        },
    )
    assert response.status_code == 302, error_summary(response)
    db.session.refresh(application)
    case = application.case
    assert case is not None
    assert {link.incident_id for link in case.incident_links} == {
        noise.id,
        party.id,
        party_again.id,
        shouting.id,
    }

    due = days_ago(-14)
    response = client.post(
        f"{show}/recommendations",
        data={
            "description": "Night-time noise patrols for four weeks",
            "owner": str(housing_officer.id),
            "due_on": date_parts(due),
        },
    )
    assert response.status_code == 302, error_summary(response)
    action = db.session.scalar(
        select(CaseAction).where(CaseAction.case_review_id == application.id)
    )
    assert (action.case_id, action.owner_id, action.due_on) == (case.id, housing_officer.id, due)

    assert client.post(f"{show}/response", data=step_date()).status_code == 302
    db.session.refresh(application)
    assert application.made_recommendations is True
    assert client.post(f"{show}/appeal", data=step_date()).status_code == 302
    response = client.post(
        f"{show}/appeal-outcome", data={"outcome": "Upheld: the review was carried out properly"}
    )
    assert response.status_code == 302, error_summary(response)

    page = visible_text(client.get(show))
    assert "Appeal decided" in page
    assert "Night-time noise patrols for four weeks" in page
    assert "Happy with the plan if the patrols happen at night" in page

    case_page = visible_text(client.get(f"/cases/{case.id}"))
    assert f"{application.reference} from Pat Applicant" in case_page
    assert "Appeal decided" in case_page

    timeline = db.session.scalars(
        select(TimelineEntry.summary).where(
            TimelineEntry.case_id == case.id, TimelineEntry.kind == TimelineKind.REVIEW
        )
    ).all()
    assert any("linked to this case" in entry for entry in timeline)
    assert any("recommended: Night-time noise patrols" in entry for entry in timeline)
    assert any("appeal decided" in entry for entry in timeline)
    actions = set(
        db.session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_type == "case_review_applications",
                AuditEvent.object_id == application.id,
            )
        )
    )
    assert actions >= {
        "case-review.logged",
        "case-review.complaint-added",
        "case-review.acknowledged",
        "case-review.spoc-appointed",
        "case-review.threshold-decided",
        "case-review.meeting-recorded",
        "case-review.case-linked",
        "case-review.recommendation-added",
        "case-review.response-sent",
        "case-review.appeal-received",
        "case-review.appeal-decided",
    }


def test_a_review_whose_threshold_is_not_met_responds_without_a_meeting(client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")
    incident = complaint_incident(days_ago(30), days_ago(29))
    db.session.commit()
    show = log_on_page(client, incident_references=incident.reference)

    response = client.post(f"{show}/threshold", data={"met": "no", **step_date(), "notes": ""})
    assert response.status_code == 302, error_summary(response)
    page = visible_text(client.get(show))
    assert "Threshold not met" in page
    assert "Tell the applicant the decision" in page
    assert "Record the review meeting" not in page
    assert client.post(f"{show}/meeting", data=step_date()).status_code == 200
    assert client.post(f"{show}/response", data=step_date()).status_code == 302
    application = db.session.get(CaseReviewApplication, int(show.rsplit("/", 1)[1]))
    assert application.made_recommendations is None


def test_a_decision_against_the_count_needs_reasons(client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")
    incident = complaint_incident(days_ago(30), days_ago(29))
    db.session.commit()
    show = log_on_page(client, incident_references=incident.reference)

    response = client.post(f"{show}/threshold", data={"met": "yes", **step_date(), "notes": ""})
    assert error_summary(response) == [
        ("#notes", "Explain why the decision differs from the count of qualifying complaints")
    ]
    response = client.post(
        f"{show}/threshold",
        data={
            "met": "yes",
            **step_date(),
            "notes": "Persistent targeting of a vulnerable victim; the response has not been "
            "adequate",
        },
    )
    assert response.status_code == 302
    application = db.session.get(CaseReviewApplication, int(show.rsplit("/", 1)[1]))
    assert application.threshold_met is True
    assert application.threshold_notes.startswith("Persistent targeting")


def test_the_lead_links_an_existing_case(client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")
    from asb.cases.services import open_case

    case = open_case(
        title="Noise at Crescent House",
        summary="Noise",
        lead_agency=agency("housing"),
        actor=UserFactory(role=Role.OFFICER),
    )
    db.session.commit()
    show = log_on_page(client)
    response = client.post(f"{show}/link-case", data={"reference": "ASB-C-1999-00001"})
    assert error_summary(response) == [("#reference", "No case you can see has this reference")]
    response = client.post(f"{show}/link-case", data={"reference": case.reference.lower()})
    assert response.status_code == 302
    assert "ASB Case Review" in visible_text(client.get(f"/cases/{case.id}"))


def test_complaints_are_fixed_once_the_threshold_is_decided(client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")
    incident = complaint_incident(days_ago(30), days_ago(29))
    other = complaint_incident(days_ago(10), days_ago(9))
    db.session.commit()
    application_id = logged_id(
        client.post(
            "/case-reviews/new", data=application_form(incident_references=incident.reference)
        )
    )
    show = f"/case-reviews/{application_id}"
    client.post(f"{show}/threshold", data={"met": "no", **step_date(), "notes": ""})

    response = client.post(
        f"{show}/complaints",
        data={"reference": other.reference, "same_as": "", "agency": ""},
    )
    assert error_summary(response) == [
        (
            "#reference",
            "The threshold has been decided, so the complaints it was decided on cannot change",
        )
    ]
    complaint = db.session.get(CaseReviewApplication, application_id).complaints[0]
    response = client.post(f"{show}/complaints/{complaint.id}/remove")
    assert response.status_code == 302
    assert len(db.session.get(CaseReviewApplication, application_id).complaints) == 1


def test_a_complaint_can_be_marked_as_the_same_behaviour_as_another(client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")
    incident = complaint_incident(days_ago(30), days_ago(29))
    db.session.commit()
    application_id = logged_id(
        client.post(
            "/case-reviews/new", data=application_form(incident_references=incident.reference)
        )
    )
    first = db.session.get(CaseReviewApplication, application_id).complaints[0]
    response = client.post(
        f"/case-reviews/{application_id}/complaints",
        data={
            "reference": "",
            "agency": str(agency("city-police").id),
            "behaviour_on": date_parts(days_ago(30)),
            "complained_on": date_parts(days_ago(30)),
            "same_as": str(first.id),
        },
    )
    assert response.status_code == 302, error_summary(response)
    complaints = db.session.get(CaseReviewApplication, application_id).complaints
    assert len({c.behaviour_key for c in complaints}) == 1
    page = visible_text(client.get(f"/case-reviews/{application_id}"))
    assert "1 qualifying complaint about separate behaviour" in page


def test_an_officers_observation_is_not_a_complaint(client, login_as):
    login_as(Role.OFFICER, "housing")
    observed = complaint_incident(days_ago(5), days_ago(5), report_kind=ReportKind.OBSERVATION)
    db.session.commit()
    response = client.post(
        "/case-reviews/new", data=application_form(incident_references=observed.reference)
    )
    assert error_summary(response) == [
        (
            "#incident_references",
            f"{observed.reference} is an officer's observation, not a complaint, so it cannot "
            "be cited",
        )
    ]


def test_recommendation_dates_and_steps_out_of_order_are_refused(client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")
    show = log_on_page(client, received_on=date_parts(days_ago(3)))
    response = client.post(f"{show}/acknowledge", data=step_date(days_ago(4)))
    assert error_summary(response) == [
        (
            "#on-day",
            "The date must be the same as or after the date the application was received "
            f"({days_ago(3).day} {days_ago(3):%B %Y})",
        )
    ]
    response = client.post(f"{show}/acknowledge", data=step_date(days_ago(-1)))
    assert error_summary(response) == [
        ("#on-day", "Date the acknowledgement was sent must be today or in the past")
    ]
    assert error_summary(client.post(f"{show}/response", data=step_date())) == [
        ("#on-day", "Decide whether the threshold is met before responding")
    ]
    assert error_summary(client.post(f"{show}/appeal", data=step_date())) == [
        ("#on-day", "An appeal can be recorded once the response has been sent")
    ]


def test_a_local_threshold_of_two_applies_to_the_pages(
    client, login_as, app, tmp_path, monkeypatch
):
    config = tmp_path / "case_review.json"
    config.write_text(
        '{"threshold": {"qualifying_complaints": 2, "complaint_within_months_of_behaviour": 1,'
        ' "application_within_months_of_complaint": 6}, "deadlines": {"acknowledge": 5,'
        ' "threshold_decision": 10, "meeting": 20, "response": 5}}'
    )
    monkeypatch.setitem(app.config, "ASB_CASE_REVIEW_CONFIG", str(config))
    login_as(Role.ASB_LEAD, "community-safety")
    first = complaint_incident(days_ago(30), days_ago(29))
    second = complaint_incident(days_ago(10), days_ago(9))
    db.session.commit()
    show = log_on_page(client, incident_references=f"{first.reference}\n{second.reference}")
    page = visible_text(client.get(show))
    assert (
        "The threshold is 2 qualifying complaints about separate behaviour, each made within "
        "one month of the behaviour, with the application made within six months of the "
        "complaint." in page
    )
    assert "2 qualifying complaints about separate behaviour (2 needed): threshold met." in page
