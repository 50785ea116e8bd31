"""Triage: managers of the queue's agency and the ASB lead decide what each report becomes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from asb.auth.models import Role
from asb.extensions import db
from asb.incidents.vocabulary import IncidentStatus
from asb.models import AuditEvent, Incident, IncidentReport, Notification, OutboxEmail
from asb.public_reports.vocabulary import PublicReportStatus
from tests.factories import IncidentFactory
from tests.factories.base import agency
from tests.helpers import error_summary, incident_form, page_text, visible_text


def _emails_to(address: str) -> list[OutboxEmail]:
    return list(
        db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.recipient == address).order_by(OutboxEmail.id)
        )
    )


# Who may open the queue and a Housing report: (role, agency, queue, report).
ACCESS = [
    (Role.MANAGER, "housing", 200, 200),
    (Role.MANAGER, "street-enforcement", 200, 403),
    (Role.ASB_LEAD, "community-safety", 200, 200),
    (Role.OFFICER, "housing", 403, 403),
    (Role.OFFICER, "street-enforcement", 403, 403),
    (Role.ADMIN, "community-safety", 403, 403),
    (Role.PARTNER, "city-police", 403, 403),
]


@pytest.mark.parametrize(("role", "agency_code", "queue", "report"), ACCESS)
def test_who_may_triage(client, login_as, public_report, role, agency_code, queue, report):
    noise = public_report()
    login_as(role, agency_code)
    assert client.get("/triage").status_code == queue
    assert client.get(f"/triage/{noise.id}").status_code == report
    answer = client.post(f"/triage/{noise.id}/close", data={"version": "1", "reason": "x"})
    assert answer.status_code == (302 if report == 200 else 403)
    menu = "Reports from the public (" in client.get("/").get_data(as_text=True)
    assert menu is (queue == 200)


def test_signed_out_triage_pages_send_to_sign_in(client, public_report):
    noise = public_report()
    for url in ("/triage", f"/triage/{noise.id}", f"/triage/{noise.id}/accept"):
        assert "/sign-in" in client.get(url).headers["Location"]


def test_the_queue_lists_the_agencys_waiting_reports_oldest_first(client, login_as, public_report):
    first = public_report()
    second = public_report(description="Shouting in the courtyard")
    street = public_report(category=None)  # community safety's queue
    closed = public_report()
    closed.status = PublicReportStatus.CLOSED
    db.session.commit()
    login_as(Role.MANAGER, "housing")
    response = client.get("/triage")
    text = visible_text(response)
    assert "2 reports are waiting for triage in your agency's queue" in text
    assert text.index(first.reference) < text.index(second.reference)
    assert street.reference not in text and closed.reference not in text
    assert "Reports from the public (2)" in text


def test_the_report_page_shows_what_it_says_and_likely_duplicates(client, login_as, public_report):
    existing = IncidentFactory()
    db.session.commit()
    noise = public_report()
    login_as(Role.MANAGER, "housing")
    text = visible_text(client.get(f"/triage/{noise.id}"))
    for shown in (
        "Very loud music from the flat above",
        "Crescent House, Golden Lane Estate",
        "Robin Resident",
        "robin@example.com",
        "Likely duplicates",
        existing.reference,
    ):
        assert shown in text
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "public-report.viewed", AuditEvent.object_id == noise.id
        )
    )


def test_accepting_opens_the_incident_form_with_the_reports_answers_and_saves_both(
    client, login_as, public_report
):
    noise = public_report()
    manager = login_as(Role.MANAGER, "housing")
    form = client.get(f"/triage/{noise.id}/accept")
    html = page_text(form)
    assert "Very loud music from the flat above" in html
    assert 'value="Crescent House, Golden Lane Estate"' in html
    assert 'value="robin@example.com"' in html
    data = incident_form(
        agency("housing"),
        description="Very loud music from the flat above",
        version=str(noise.version),
    )
    response = client.post(f"/triage/{noise.id}/accept", data=data)
    assert response.status_code == 302
    db.session.refresh(noise)
    assert noise.status is PublicReportStatus.ACCEPTED
    assert noise.triaged_by_id == manager.id
    incident = noise.incident
    assert response.headers["Location"].endswith(f"/incidents/{incident.id}")
    assert incident.status is IncidentStatus.NEW
    assert incident.recording_agency.code == "housing"
    [_, accepted] = _emails_to("robin@example.com")
    assert noise.reference in accepted.subject and "Housing" in accepted.body


def test_a_named_reporters_details_are_carried_over_even_without_contact(
    client, login_as, public_report
):
    noise = public_report(may_contact=False, reporter_phone="020 7946 0999")
    login_as(Role.MANAGER, "housing")
    html = page_text(client.get(f"/triage/{noise.id}/accept"))
    assert 'value="Robin Resident"' in html and 'value="020 7946 0999"' in html


def test_an_anonymous_reporter_is_anonymous_on_the_incident_form(client, login_as, public_report):
    noise = public_report(reporter_anonymous=True)
    login_as(Role.MANAGER, "housing")
    html = page_text(client.get(f"/triage/{noise.id}/accept"))
    assert 'value="anonymous" checked' in html or 'checked value="anonymous"' in html
    assert "Robin Resident" not in html


def test_accepting_twice_records_one_incident(client, login_as, public_report):
    noise = public_report()
    login_as(Role.MANAGER, "housing")
    data = incident_form(agency("housing"), description="Sent twice", version=str(noise.version))
    first = client.post(f"/triage/{noise.id}/accept", data=data)
    second = client.post(f"/triage/{noise.id}/accept", data=data)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"].endswith(f"/triage/{noise.id}")
    incidents = db.session.scalars(select(Incident).where(Incident.description == "Sent twice"))
    assert len(incidents.all()) == 1


def test_an_incomplete_incident_form_saves_neither(client, login_as, public_report):
    noise = public_report()
    login_as(Role.MANAGER, "housing")
    data = incident_form(agency("housing"), qualifier="", version=str(noise.version))
    response = client.post(f"/triage/{noise.id}/accept", data=data)
    assert response.status_code == 200
    assert error_summary(response)
    db.session.refresh(noise)
    assert noise.status is PublicReportStatus.AWAITING_TRIAGE
    assert (
        db.session.scalar(select(Incident).where(Incident.description == data["description"]))
        is None
    )


def test_merging_keeps_the_reporter_as_another_report_of_the_incident(
    client, login_as, public_report
):
    existing = IncidentFactory()
    db.session.commit()
    noise = public_report()
    manager = login_as(Role.MANAGER, "housing")
    response = client.post(
        f"/triage/{noise.id}/merge",
        data={"version": str(noise.version), "incident_reference": existing.reference.lower()},
    )
    assert response.status_code == 302
    db.session.refresh(noise)
    assert noise.status is PublicReportStatus.MERGED
    assert noise.incident_id == existing.id
    [added] = db.session.scalars(
        select(IncidentReport).where(IncidentReport.incident_id == existing.id)
    ).all()
    assert added.public_report_id == noise.id
    assert (added.reporter_name, added.reporter_email) == ("Robin Resident", "robin@example.com")
    assert added.description == "Very loud music from the flat above"
    assert added.recorded_by_id == manager.id
    assert "added your report" in _emails_to("robin@example.com")[-1].body


def test_merging_into_an_incident_the_manager_cannot_see_is_refused(
    client, login_as, public_report
):
    hidden = IncidentFactory(restricted=True, recording_agency=agency("barbican"))
    db.session.commit()
    noise = public_report()
    login_as(Role.MANAGER, "housing")
    for reference in (hidden.reference, "ASB-1999-99999", "nonsense"):
        response = client.post(
            f"/triage/{noise.id}/merge",
            data={"version": str(noise.version), "incident_reference": reference},
        )
        assert response.status_code == 400
        assert error_summary(response) == [
            (
                "#incident_reference",
                "Enter the reference of an incident you can see, like ASB-2026-00042",
            )
        ]
    db.session.refresh(noise)
    assert noise.status is PublicReportStatus.AWAITING_TRIAGE


def test_passing_moves_the_report_and_tells_the_other_agencys_managers(
    client, login_as, make_user, public_report
):
    street_manager = make_user(Role.MANAGER, "street-enforcement")
    noise = public_report()
    login_as(Role.MANAGER, "housing")
    street = agency("street-enforcement")
    response = client.post(
        f"/triage/{noise.id}/pass",
        data={"version": str(noise.version), "agency": str(street.id), "note": "Street noise"},
    )
    assert response.status_code == 302
    db.session.refresh(noise)
    assert noise.queue_agency_id == street.id
    assert noise.status is PublicReportStatus.AWAITING_TRIAGE
    assert noise.pass_note == "Street noise"
    [notification] = db.session.scalars(
        select(Notification).where(Notification.user_id == street_manager.id)
    ).all()
    assert noise.reference in notification.message
    assert "Street Enforcement" in _emails_to("robin@example.com")[-1].subject
    # Housing's manager no longer triages it; Street Enforcement's does.
    assert client.get(f"/triage/{noise.id}").status_code == 403


def test_passing_needs_an_agency_and_a_note(client, login_as, public_report):
    noise = public_report()
    login_as(Role.MANAGER, "housing")
    response = client.post(
        f"/triage/{noise.id}/pass", data={"version": str(noise.version), "agency": "", "note": ""}
    )
    assert response.status_code == 400
    assert [message for _, message in error_summary(response)] == [
        "Select the agency to pass the report to",
        "Enter why you are passing the report on",
    ]


def test_closing_tells_the_reporter_why(client, login_as, public_report):
    noise = public_report()
    login_as(Role.MANAGER, "housing")
    reason = "This is a planning matter: contact the planning team on 020 7332 1710."
    response = client.post(
        f"/triage/{noise.id}/close", data={"version": str(noise.version), "reason": reason}
    )
    assert response.status_code == 302
    db.session.refresh(noise)
    assert noise.status is PublicReportStatus.CLOSED
    assert noise.closed_reason == reason
    assert reason in _emails_to("robin@example.com")[-1].body


def test_an_anonymous_reporter_is_told_nothing_of_triage(client, login_as, public_report):
    noise = public_report(reporter_anonymous=True)
    login_as(Role.MANAGER, "housing")
    client.post(f"/triage/{noise.id}/close", data={"version": "1", "reason": "Not ASB"})
    assert db.session.scalars(select(OutboxEmail)).all() == []


def test_the_second_of_two_managers_is_told_it_was_already_triaged(client, login_as, public_report):
    existing = IncidentFactory()
    db.session.commit()
    noise = public_report()
    login_as(Role.MANAGER, "housing")
    opened_version = str(noise.version)
    # Another manager closed it after this one opened the page.
    assert (
        client.post(
            f"/triage/{noise.id}/close", data={"version": opened_version, "reason": "Not ASB"}
        ).status_code
        == 302
    )
    for action, data in (
        ("merge", {"incident_reference": existing.reference}),
        ("close", {"reason": "Also not ASB"}),
        ("pass", {"agency": str(agency("barbican").id), "note": "Theirs"}),
    ):
        response = client.post(
            f"/triage/{noise.id}/{action}",
            data={"version": opened_version, **data},
            follow_redirects=True,
        )
        assert "has already been triaged" in visible_text(response)
    db.session.refresh(noise)
    assert noise.closed_reason == "Not ASB"
    assert db.session.scalars(select(IncidentReport)).all() == []


def test_a_stale_version_on_an_open_report_saves_nothing(client, login_as, public_report):
    noise = public_report()
    login_as(Role.MANAGER, "housing")
    street = agency("street-enforcement")
    client.post(
        f"/triage/{noise.id}/pass",
        data={"version": str(noise.version), "agency": str(street.id), "note": "Theirs"},
    )
    login_as(Role.ASB_LEAD, "community-safety")
    response = client.post(
        f"/triage/{noise.id}/close",
        data={"version": "1", "reason": "Not ASB"},
        follow_redirects=True,
    )
    assert "was triaged by someone else while you had it open" in visible_text(response)
    db.session.refresh(noise)
    assert noise.status is PublicReportStatus.AWAITING_TRIAGE
