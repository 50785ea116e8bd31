"""The public report form: no sign-in, one question per page, a reference at the end."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from asb.auth.models import Role
from asb.extensions import db
from asb.incidents.vocabulary import Category
from asb.models import OutboxEmail, OutboxText, PublicReport
from asb.public_reports.vocabulary import PublicReportChannel, PublicReportStatus
from tests.helpers import error_summary, page_text, visible_text
from tests.public_reports.helpers import HACKNEY, answers

REFERENCE = re.compile(r"RPT-\d{4}-\d{5}")


def _reports() -> list[PublicReport]:
    return list(db.session.scalars(select(PublicReport).order_by(PublicReport.id)))


def test_the_start_page_needs_no_sign_in_and_explains_what_happens_and_privacy(client):
    response = client.get("/report")
    assert response.status_code == 200
    text = page_text(response)
    assert "Report anti-social behaviour" in text
    assert "What happens next" in text
    assert "How we use what you tell us" in text
    assert "call 999" in text
    # The public layout: no staff menu, no account.
    assert "Main menu" not in text and "Sign out" not in text


def test_the_sign_in_page_links_to_the_report_form(client):
    assert 'href="/report"' in client.get("/sign-in").get_data(as_text=True)


def test_a_report_in_full_lands_in_housings_queue_with_a_reference(client, report_sent):
    confirmation = report_sent()
    text = page_text(confirmation)
    reference = REFERENCE.search(text).group()
    assert "Report sent" in text and "Your reference is" in text
    [report] = _reports()
    assert report.reference == reference
    assert report.channel is PublicReportChannel.WEB
    assert report.status is PublicReportStatus.AWAITING_TRIAGE
    assert report.category is Category.NOISE
    assert report.queue_agency.code == "housing"
    assert report.description == "Very loud music from the flat above"
    assert report.location_description == "Crescent House, Golden Lane Estate"
    assert (report.latitude, report.longitude) == (51.5155, -0.0922)
    assert report.still_happening is True
    assert report.occurred_at.astimezone().hour is not None
    assert (report.reporter_name, report.reporter_email) == ("Robin Resident", "robin@example.com")
    assert report.may_contact is True
    # The answers are gone from the session: the form starts afresh.
    assert "Very loud music" not in page_text(client.get("/report/what"))


def test_the_check_page_shows_every_answer_with_change_links(client, fill_in):
    text = page_text(fill_in())
    for answer in (
        "Noise, like loud music, parties or shouting",
        "Very loud music from the flat above",
        "Crescent House, Golden Lane Estate",
        "at about 23:30",
        "Robin Resident",
        "robin@example.com",
    ):
        assert answer in text
    assert text.count("Change") >= 8


def test_a_street_or_postcode_alone_is_enough_without_the_map(report_sent):
    report_sent(where={"latitude": "", "longitude": "", "location_description": "EC2Y 8DS"})
    [report] = _reports()
    assert report.location_description == "EC2Y 8DS"
    assert report.latitude is None and report.longitude is None


def test_something_else_has_no_category_and_goes_to_community_safety(report_sent):
    report_sent(what={"category": "something-else"})
    [report] = _reports()
    assert report.category is None
    assert report.queue_agency.code == "community-safety"


@pytest.mark.parametrize(
    ("category", "agency"),
    [
        ("street-drinking", "street-enforcement"),
        ("rowdy-neighbours", "housing"),
        ("fireworks", "community-safety"),
    ],
)
def test_the_category_chooses_the_queue(report_sent, category, agency):
    report_sent(what={"category": category})
    assert _reports()[0].queue_agency.code == agency


@pytest.mark.parametrize(
    ("page", "data", "expected"),
    [
        (
            "what",
            {"category": "", "description": ""},
            ["Select what kind of problem it is", "Describe what happened"],
        ),
        (
            "what",
            {"category": "burglary", "description": "x"},
            ["Select what kind of problem it is"],
        ),
        (
            "where",
            {"location_description": "", "latitude": "", "longitude": ""},
            ["Enter the street, building or postcode, or select the place on the map"],
        ),
        (
            "where",
            {"location_description": "", "latitude": "north", "longitude": "-0.09"},
            ["Latitude must be a number between -90 and 90, like 51.5155"],
        ),
        (
            "when",
            {"occurred_date": ["", "", ""], "occurred_time": "", "still_happening": ""},
            ["Enter the date it happened", "Select yes if it is still happening"],
        ),
        (
            "when",
            {
                "occurred_date": ["1", "1", "2999"],
                "occurred_time": "25:99",
                "still_happening": "no",
            },
            [
                "The date it happened must be today or in the past",
                "Enter approximate time as hours and minutes, like 21:30",
            ],
        ),
        (
            "about-you",
            {"reporter_anonymous": ""},
            ["Select whether you want to tell us who you are"],
        ),
        (
            "about-you",
            {"reporter_anonymous": "named", "reporter_name": "", "may_contact": ""},
            ["Enter your name", "Select yes if we may contact you"],
        ),
        (
            "about-you",
            {
                "reporter_anonymous": "named",
                "reporter_name": "Robin",
                "reporter_email": "",
                "reporter_phone": "",
                "may_contact": "yes",
            },
            ["Enter an email address or a phone number, so that we can contact you"],
        ),
        (
            "about-you",
            {
                "reporter_anonymous": "named",
                "reporter_name": "Robin",
                "reporter_email": "not-an-email",
                "reporter_phone": "call me",
                "may_contact": "yes",
            },
            [
                "Enter an email address in the right format, like name@example.com",
                "Enter a phone number, like 07700 900 982",
            ],
        ),
    ],
)
def test_each_page_explains_its_errors_in_the_error_summary(client, page, data, expected):
    pages = answers()
    for earlier in list(pages)[: list(pages).index(page)]:
        assert client.post(f"/report/{earlier}", data=pages[earlier]).status_code == 302
    response = client.post(f"/report/{page}", data=data)
    assert response.status_code == 200
    assert [message for _, message in error_summary(response)] == expected
    assert _reports() == []


def test_a_point_outside_the_city_is_refused_with_where_to_report_it(client, fill_in):
    pages = answers()
    client.post("/report/what", data=pages["what"])
    response = client.post(
        "/report/where",
        data={"location_description": "", "latitude": HACKNEY[0], "longitude": HACKNEY[1]},
    )
    text = page_text(response)
    assert "The place you chose is outside the City of London" in text
    assert "find the local council on GOV.UK" in text
    assert "call 101" in text


def test_pages_out_of_order_send_the_reporter_to_the_first_unanswered_question(client):
    assert client.get("/report/check").headers["Location"].endswith("/report/what")
    assert client.get("/report/about-you").headers["Location"].endswith("/report/what")
    client.post("/report/what", data=answers()["what"])
    assert client.get("/report/when").headers["Location"].endswith("/report/where")
    assert client.post("/report/check", data={}).headers["Location"].endswith("/report/where")


def test_an_anonymous_report_keeps_no_details_and_sends_nothing(report_sent):
    report_sent(about_you={"reporter_anonymous": "anonymous", "may_contact": "yes"})
    [report] = _reports()
    assert report.reporter_anonymous is True
    assert (report.reporter_name, report.reporter_email, report.reporter_phone) == (None,) * 3
    assert report.may_contact is False
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 0


def test_a_contactable_reporter_gets_the_acknowledgement_by_email(report_sent):
    report_sent()
    [report] = _reports()
    [email] = db.session.scalars(select(OutboxEmail)).all()
    assert email.recipient == "robin@example.com"
    assert report.reference in email.subject
    assert report.reference in email.body and "What happens next" in email.body
    assert "Very loud music" not in email.body


def test_a_named_reporter_who_said_no_to_contact_gets_nothing(report_sent):
    report_sent(about_you={"may_contact": "no"})
    assert _reports()[0].reporter_name == "Robin Resident"
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 0


def test_a_reporter_with_only_a_phone_number_gets_a_text_message(client, login_as, report_sent):
    report_sent(about_you={"reporter_email": "", "reporter_phone": "07700 900982"})
    [report] = _reports()
    [text] = db.session.scalars(select(OutboxText)).all()
    assert text.recipient == "07700 900982"
    assert report.reference in text.body
    assert text.sent_at is None
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 0
    # The outbox page lists it, waiting for a text-message provider.
    login_as(Role.ASB_LEAD, "community-safety")
    outbox = visible_text(client.get("/outbox"))
    assert "To 07700 900982" in outbox
    assert f"We have received your report {report.reference}" in outbox


def test_sending_the_report_twice_makes_one_report(client, fill_in):
    page = fill_in().get_data(as_text=True)
    key = re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="submission_key" value="([^"]+)"', page
    )
    data = {"submission_key": key.group(1)}
    with client.session_transaction() as session:
        answers_sent = dict(session["public_report"])
    first = client.post("/report/check", data=data)
    # The second is sent with the answers still in the browser's session, as a double click
    # sends it before the first answer arrives; it leads to the same confirmation.
    with client.session_transaction() as session:
        session["public_report"] = answers_sent
    second = client.post("/report/check", data=data)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert len(_reports()) == 1
    assert "You sent this form more than once" in page_text(client.get(second.headers["Location"]))


def test_the_confirmation_page_needs_its_signed_link(client):
    assert client.get("/report/sent/RPT-2026-00001").status_code == 404
