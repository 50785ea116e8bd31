"""The staff incident form asks before saving what may be another report of an incident."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from asb.auth.models import Role
from asb.extensions import db
from asb.incidents.models import Incident, IncidentReport
from asb.incidents.vocabulary import Category, ReportingChannel
from asb.submissions import REPEATED
from tests.factories import IncidentFactory, agency
from tests.helpers import error_summary, incident_form, visible_text

# incident_form's answers: noise at Golden Lane on 14 March 2025 at 21:30 (GMT), told by Sam.
HEARD_AT = datetime(2025, 3, 14, 21, 30, tzinfo=UTC)
QUESTION = "This may have been reported already"

_HIDDEN = re.compile(r"<input\b[^>]*\btype=\"hidden\"[^>]*>")
_ATTRIBUTE = re.compile(r'\b(name|value)="([^"]*)"')


def incident_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Incident))


def further_reports(incident: Incident) -> list[IncidentReport]:
    return list(
        db.session.scalars(select(IncidentReport).where(IncidentReport.incident_id == incident.id))
    )


def already_reported(**fields) -> Incident:
    """Noise at the same place an hour before, recorded by Housing, told by Alex."""
    fields.setdefault("occurred_from", datetime(2025, 3, 14, 20, 30, tzinfo=UTC))
    fields.setdefault("recording_agency", agency("housing"))
    incident = IncidentFactory(category=Category.NOISE, **fields)
    db.session.commit()
    return incident


def carried(response, **answers) -> MultiDict:
    """What the question page sends back: its hidden answers, and the choice made."""
    data = MultiDict()
    for tag in _HIDDEN.findall(response.get_data(as_text=True)):
        attributes = dict(_ATTRIBUTE.findall(tag))
        data.add(attributes["name"], html.unescape(attributes.get("value", "")))
    for name, value in answers.items():
        data.add(name, value)
    return data


def test_a_likely_duplicate_is_offered_before_anything_is_saved(client, login_as):
    login_as(Role.OFFICER, "housing")
    existing = already_reported()
    before = incident_count()

    response = client.post("/incidents/new", data=incident_form(agency("housing")))

    assert response.status_code == 200
    page = visible_text(response)
    assert QUESTION in page
    assert f"Yes, add it to {existing.reference} as another report" in page
    assert "No, save it as a new incident" in page
    assert "Noise" in page and "Golden Lane Estate, Crescent House" in page
    assert "14 March 2025" in page
    # A suggestion names no one: not its reporter, nor what they said.
    assert "Alex Reporter" not in page
    assert existing.description not in page
    assert incident_count() == before
    # The answers travel with the question, as they were sent.
    sent = carried(response)
    assert sent.getlist("occurred_date") == ["14", "3", "2025"]
    assert sent["reporter_name"] == "Sam Caller"
    assert sent["description"] == "Loud music from a flat late at night"


def test_adding_it_to_the_incident_keeps_the_reporter_as_another_report(client, login_as):
    officer = login_as(Role.OFFICER, "housing")
    existing = already_reported()
    before = incident_count()
    question = client.post("/incidents/new", data=incident_form(agency("housing")))

    response = client.post("/incidents/new", data=carried(question, duplicate_of=str(existing.id)))

    assert response.status_code == 302
    assert response.location.endswith(f"/incidents/{existing.id}#further-reports")
    assert incident_count() == before
    (report,) = further_reports(existing)
    assert (report.reporter_name, report.reporter_email, report.reporter_phone) == (
        "Sam Caller",
        "sam.caller@example.com",
        "020 7946 0002",
    )
    assert report.description == "Loud music from a flat late at night"
    assert report.channel is ReportingChannel.PHONE
    assert report.recorded_by == officer
    page = visible_text(client.get(response.location))
    assert f"Report added to incident {existing.reference}." in page
    assert "Reported 2 times" in page
    assert "Sam Caller" in page and "Reported again" in page


def test_saving_it_as_new_records_a_new_incident(client, login_as):
    login_as(Role.OFFICER, "housing")
    existing = already_reported()
    before = incident_count()
    question = client.post("/incidents/new", data=incident_form(agency("housing")))

    response = client.post("/incidents/new", data=carried(question, duplicate_of="new"))

    assert response.status_code == 302
    assert incident_count() == before + 1
    assert further_reports(existing) == []
    assert "Reported once." in visible_text(client.get(response.location))


def test_the_choice_sent_twice_is_saved_once(client, login_as):
    login_as(Role.OFFICER, "housing")
    existing = already_reported()
    before = incident_count()
    question = client.post("/incidents/new", data=incident_form(agency("housing")))
    choice = carried(question, duplicate_of=str(existing.id))

    first = client.post("/incidents/new", data=choice)
    second = client.post("/incidents/new", data=choice)

    assert second.status_code == 302 and second.location == first.location
    assert len(further_reports(existing)) == 1
    assert incident_count() == before
    assert REPEATED in visible_text(client.get(second.location))

    new_question = client.post("/incidents/new", data=incident_form(agency("housing")))
    as_new = carried(new_question, duplicate_of="new")
    client.post("/incidents/new", data=as_new)
    client.post("/incidents/new", data=as_new)
    assert incident_count() == before + 1


def test_choosing_nothing_asks_again_with_the_answers(client, login_as):
    login_as(Role.OFFICER, "housing")
    existing = already_reported()
    question = client.post("/incidents/new", data=incident_form(agency("housing")))

    response = client.post("/incidents/new", data=carried(question))

    assert response.status_code == 200
    assert error_summary(response) == [
        (
            "#duplicate_of",
            "Select the incident this is another report of, or save it as a new incident",
        )
    ]
    assert carried(response)["reporter_name"] == "Sam Caller"
    assert further_reports(existing) == []


def test_an_incident_not_offered_cannot_be_chosen(client, login_as):
    login_as(Role.OFFICER, "housing")
    already_reported()
    hidden = already_reported(
        recording_agency=agency("street-enforcement"),
        restricted=True,
        restriction_reason="Safeguarding",
    )
    question = client.post("/incidents/new", data=incident_form(agency("housing")))
    assert hidden.reference not in visible_text(question)

    response = client.post("/incidents/new", data=carried(question, duplicate_of=str(hidden.id)))

    assert response.status_code == 200
    assert error_summary(response)[0][1].startswith("The incident you chose is no longer offered")
    assert further_reports(hidden) == []


def test_a_restricted_incident_of_another_agency_is_never_offered(client, login_as):
    login_as(Role.OFFICER, "housing")
    already_reported(
        recording_agency=agency("street-enforcement"),
        restricted=True,
        restriction_reason="Safeguarding",
    )
    before = incident_count()

    response = client.post("/incidents/new", data=incident_form(agency("housing")))

    assert response.status_code == 302
    assert incident_count() == before + 1


def test_changing_the_answers_shows_the_form_as_filled_in(client, login_as):
    login_as(Role.OFFICER, "housing")
    already_reported()
    question = client.post("/incidents/new", data=incident_form(agency("housing")))
    before = incident_count()

    response = client.post("/incidents/new", data=carried(question, change_answers="Change"))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Record an incident" in visible_text(response)
    assert 'value="Sam Caller"' in page
    assert error_summary(response) == []
    assert incident_count() == before


def test_further_reports_name_their_reporters_only_to_who_may_see_personal_details(
    client, login_as
):
    housing = login_as(Role.OFFICER, "housing")
    existing = already_reported()
    question = client.post("/incidents/new", data=incident_form(agency("housing")))
    client.post("/incidents/new", data=carried(question, duplicate_of=str(existing.id)))
    assert "Sam Caller" in visible_text(client.get(f"/incidents/{existing.id}"))
    del housing

    login_as(Role.OFFICER, "street-enforcement")
    page = visible_text(client.get(f"/incidents/{existing.id}"))
    assert "Reported 2 times" in page
    assert "Loud music from a flat late at night" in page  # what was said, as for the incident
    assert "Sam Caller" not in page
    assert "sam.caller@example.com" not in page
    assert "Reporters' details are shown only to Housing, DCCS and the ASB lead." in page
