"""Service requests POSTed by a sending organisation land in the triage queue; GET requests
show the public what they may see and nothing more."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.database import utcnow
from asb.extensions import db
from asb.incidents.vocabulary import Category, IncidentStatus, Qualifier
from asb.models import OutboxEmail, PublicReport
from asb.open311.models import Open311Submission
from asb.open311.presenters import DESCRIPTION_WITHHELD
from asb.public_reports.services import submit_public_report
from asb.public_reports.vocabulary import PublicReportChannel, PublicReportStatus
from tests.factories import IncidentFactory
from tests.factories.base import agency, request_context
from tests.open311.conftest import CITY, HACKNEY

REPORTER_VALUES = (
    "Robin",
    "Resident",
    "robin@example.com",
    "020 7946 0000",
    "device-1",
    "account-1",
    "fixmystreet.example",
)


def body(response):
    return json.loads(response.get_data(as_text=True))


def only_report() -> PublicReport:
    return db.session.scalars(select(PublicReport)).one()


def listed(open311, **params) -> list[str]:
    response = open311.get("/open311/v2/requests.json", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [request["service_request_id"] for request in body(response)]


# Into the triage queue -----------------------------------------------------------------------


def test_a_request_lands_in_the_triage_queue_with_its_reporter(send, open311, login_as):
    (answer,) = body(send(**{"attribute[still_happening]": "yes"}))
    report = only_report()
    assert answer["service_request_id"] == report.reference
    assert report.channel is PublicReportChannel.OPEN311
    assert report.status is PublicReportStatus.AWAITING_TRIAGE
    assert report.category is Category.NOISE
    assert report.queue_agency.code == "housing"
    assert (report.latitude, report.longitude) == CITY
    assert report.description == "Loud music from the flat above every night"
    assert report.still_happening is True
    assert not report.reporter_anonymous
    assert (report.reporter_name, report.reporter_email, report.reporter_phone) == (
        "Robin Resident",
        "robin@example.com",
        "020 7946 0000",
    )
    submission = db.session.scalars(select(Open311Submission)).one()
    assert submission.client.organisation == "FixMyStreet"
    assert (submission.device_id, submission.account_id) == ("device-1", "account-1")
    assert submission.media_url == "https://fixmystreet.example/photo/1.jpeg"

    login_as(Role.MANAGER, "housing")
    queue = open311.get("/triage")
    assert report.reference in queue.get_data(as_text=True)


def test_the_request_is_audited_without_personal_details(send):
    send()
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "open311.request-received")
    ).all()
    (event,) = events
    assert event.outcome == "success"
    assert event.object_type == "open311_submissions"
    assert set(event.detail) == {"client_id", "public_report_id", "service_code"}


def test_the_reporter_is_contacted_only_when_an_attribute_says_so(send):
    send()
    assert only_report().may_contact is False
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 0


def test_a_reporter_who_agreed_gets_the_acknowledgement(send):
    send(**{"attribute[may_contact]": "yes"})
    report = only_report()
    assert report.may_contact is True
    (email,) = db.session.scalars(select(OutboxEmail)).all()
    assert email.recipient == "robin@example.com"
    assert report.reference in email.subject


def test_a_request_without_name_or_contact_is_anonymous(send):
    send(first_name=None, last_name=None, email=None, phone=None)
    report = only_report()
    assert report.reporter_anonymous is True
    assert report.may_contact is False


def test_a_request_by_address_string_only(send):
    send(lat=None, long=None, address_string="Outside 10 Cheapside")
    report = only_report()
    assert report.latitude is None
    assert report.location_description == "Outside 10 Cheapside"


def test_the_occurrence_is_read_in_the_w3_format(send):
    send(**{"attribute[occurred_at]": "2026-11-28T22:30:00+01:00"})
    assert only_report().occurred_at.isoformat() == "2026-11-28T21:30:00+00:00"


@pytest.mark.parametrize(
    ("changes", "status", "words"),
    [
        ({"service_code": None}, 400, "service_code is required"),
        ({"service_code": "potholes"}, 404, "not a service"),
        ({"lat": None, "long": None}, 400, "Send where it happened"),
        ({"lat": None, "long": None, "address_id": "123"}, 400, "address_id is not used"),
        ({"long": None}, 400, "both lat and long"),
        ({"lat": "north"}, 400, "lat must be a number"),
        ({"lat": "nan"}, 400, "lat must be a number"),
        ({"lat": "91"}, 400, "lat must be a number"),
        ({"lat": str(HACKNEY[0]), "long": str(HACKNEY[1])}, 400, "outside the City"),
        ({"description": None}, 400, "description is required"),
        ({"description": "x" * 4001}, 400, "4000 characters or fewer"),
        ({"email": "not an address"}, 400, "email must be an email address"),
        ({"phone": "call me"}, 400, "phone must be a telephone number"),
        ({"attribute[colour]": "red"}, 400, "not an attribute"),
        ({"attribute[may_contact]": "perhaps"}, 400, "must be one of"),
        ({"attribute[occurred_at]": "last night"}, 400, "offset from UTC"),
        ({"attribute[occurred_at]": "0001-01-01T00:00:00Z"}, 400, "between 1900 and 2999"),
        ({"description": "bad \x00 text"}, 400, "not text"),
    ],
)
def test_a_bad_request_is_refused_and_nothing_is_saved(send, changes, status, words):
    response = send(**changes)
    assert response.status_code == status
    (error,) = body(response)
    assert error["code"] == status
    assert words in error["description"]
    assert db.session.scalar(select(func.count()).select_from(PublicReport)) == 0
    refusal = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "open311.request-received")
    ).one()
    assert (refusal.outcome, refusal.detail) == ("refused", {"status": status})


@pytest.mark.parametrize("api_key", [None, "", "o311_made-up", "asb_a-personal-token"])
def test_a_request_without_a_valid_api_key_is_forbidden(send, api_key):
    response = send(api_key=api_key)
    assert response.status_code == 403
    assert body(response)[0]["code"] == 403
    assert db.session.scalar(select(func.count()).select_from(PublicReport)) == 0


def test_a_revoked_key_is_forbidden(send, make_client):
    revoked = make_client("Old system", revoked=True)
    assert send(api_key=revoked.api_key).status_code == 403
    assert send().status_code == 200


def test_no_session_cookie_is_set_or_needed(send, open311):
    assert "Set-Cookie" not in send().headers
    assert "Set-Cookie" not in open311.get("/open311/v2/requests.json").headers


def test_requests_past_the_limit_per_key_are_refused(app, send, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN311_RATE_LIMIT_PER_KEY", 2)
    assert [send().status_code for _ in range(3)] == [200, 200, 429]
    refused = send(fmt="xml")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert b"<code>429</code>" in refused.get_data()


def test_calls_past_the_limit_per_address_are_refused(app, open311, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN311_RATE_LIMIT_PER_ADDRESS", 2)
    statuses = [
        open311.get("/open311/v2/services.json", environ_base={"REMOTE_ADDR": "192.0.2.1"})
        for _ in range(3)
    ]
    assert [response.status_code for response in statuses] == [200, 200, 429]
    other = open311.get("/open311/v2/services.json", environ_base={"REMOTE_ADDR": "192.0.2.2"})
    assert other.status_code == 200


# What the public side shows ------------------------------------------------------------------


def test_the_public_side_never_carries_the_reporter_or_the_exact_point(send, open311):
    reference = body(send())[0]["service_request_id"]
    for path in (
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        f"/open311/v2/requests/{reference}.json",
        f"/open311/v2/requests/{reference}.xml",
    ):
        text = open311.get(path).get_data(as_text=True)
        assert reference in text
        for value in REPORTER_VALUES:
            assert value not in text, (path, value)
        for exact in (f">{CITY[0]}<", f">{CITY[1]}<", f": {CITY[0]},", f": {CITY[1]},"):
            assert exact not in text, (path, exact)


def test_points_are_snapped_to_the_centre_of_their_100_metre_square(send, open311):
    send()
    send(lat="51.5152", long="-0.0929")  # another point in the same square
    first, second = body(open311.get("/open311/v2/requests.json"))
    assert (first["lat"], first["long"]) == (second["lat"], second["long"])
    assert (first["lat"], first["long"]) != CITY
    assert abs(first["lat"] - CITY[0]) < 0.001 and abs(first["long"] - CITY[1]) < 0.001
    assert (
        first["address"]
        == "Within 100 metres of this point, in the Cheap ward of the City of London"
    )


def test_a_request_by_address_string_shows_no_place_but_the_city(send, open311):
    send(lat=None, long=None, address_string="Outside 10 Cheapside")
    (request,) = body(open311.get("/open311/v2/requests.json"))
    assert (request["lat"], request["long"], request["address"]) == (None, None, "City of London")
    assert "Cheapside" not in json.dumps(request)


def test_blackbox_requests_are_never_listed_nor_found_by_reference(send, open311):
    send(service_code="nuisance-communications")
    report = only_report()
    assert listed(open311) == []
    assert listed(open311, service_request_id=report.reference) == []
    assert open311.get(f"/open311/v2/requests/{report.reference}.json").status_code == 404


def test_reports_from_the_web_form_are_not_on_the_public_side(open311, db_session):
    with request_context():
        report = submit_public_report(
            channel=PublicReportChannel.WEB,
            description="Music",
            category=Category.NOISE,
            latitude=CITY[0],
            longitude=CITY[1],
            location_description="Golden Lane",
            occurred_at=None,
            still_happening=None,
            reporter_anonymous=True,
            reporter_name=None,
            reporter_email=None,
            reporter_phone=None,
            may_contact=False,
        )
    db.session.commit()
    assert listed(open311) == []
    assert open311.get(f"/open311/v2/requests/{report.reference}").status_code == 404


def _triaged_into(report: PublicReport, **incident_fields) -> None:
    incident = IncidentFactory(**incident_fields)
    report.incident = incident
    report.status = PublicReportStatus.ACCEPTED
    db.session.commit()


def test_a_report_accepted_as_a_personal_incident_has_its_description_withheld(send, open311):
    reference = body(send())[0]["service_request_id"]
    _triaged_into(only_report(), qualifier=Qualifier.PERSONAL)
    (request,) = body(open311.get(f"/open311/v2/requests/{reference}.json"))
    assert request["description"] == DESCRIPTION_WITHHELD
    assert "Loud music" not in json.dumps(request)


@pytest.mark.parametrize(
    ("report_status", "incident_status", "status", "notes"),
    [
        (PublicReportStatus.AWAITING_TRIAGE, None, "open", "waiting for a manager"),
        (PublicReportStatus.ACCEPTED, IncidentStatus.NEW, "open", "Recorded as an incident"),
        (PublicReportStatus.MERGED, IncidentStatus.LINKED, "open", "already reported"),
        (PublicReportStatus.ACCEPTED, IncidentStatus.NO_FURTHER_ACTION, "closed", "no further"),
        (PublicReportStatus.CLOSED, None, "closed", "not anti-social behaviour"),
    ],
)
def test_status_and_notes_for_the_public(
    send, open311, report_status, incident_status, status, notes
):
    reference = body(send())[0]["service_request_id"]
    report = only_report()
    if incident_status is not None:
        report.incident = IncidentFactory(
            status=incident_status, recording_agency=agency("street-enforcement")
        )
    report.status = report_status
    report.closed_reason = "The caller named their neighbour, Mr Smith"
    db.session.commit()
    (request,) = body(open311.get(f"/open311/v2/requests/{reference}.json"))
    assert request["status"] == status
    assert notes in request["status_notes"]
    assert "Smith" not in json.dumps(request)
    if incident_status is not None:
        assert request["agency_responsible"] == "Street Enforcement, Built Environment"
    assert listed(open311, status=status) == [reference]
    assert listed(open311, status="open" if status == "closed" else "closed") == []
    assert listed(open311, status="open,closed") == [reference]


# Filters and defaults ------------------------------------------------------------------------


def _submitted_days_ago(reference: str, days: float) -> None:
    report = db.session.scalars(
        select(PublicReport).where(PublicReport.reference == reference)
    ).one()
    report.submitted_at = utcnow() - timedelta(days=days)
    db.session.commit()


def test_the_default_is_the_last_90_days(send, open311):
    recent = body(send())[0]["service_request_id"]
    old = body(send())[0]["service_request_id"]
    _submitted_days_ago(recent, 89)
    _submitted_days_ago(old, 91)
    assert listed(open311) == [recent]
    start = (utcnow() - timedelta(days=100)).isoformat()
    assert listed(open311, start_date=start) == [recent, old]


def test_dates_filter_by_when_the_request_was_made(send, open311):
    first = body(send())[0]["service_request_id"]
    second = body(send())[0]["service_request_id"]
    _submitted_days_ago(first, 10)
    _submitted_days_ago(second, 5)
    between = {
        "start_date": (utcnow() - timedelta(days=11)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end_date": (utcnow() - timedelta(days=6)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert listed(open311, **between) == [first]
    assert listed(open311, end_date=(utcnow() - timedelta(days=7)).isoformat()) == [first]


def test_service_code_filters_and_takes_a_comma_list(send, open311):
    noise = body(send())[0]["service_request_id"]
    begging = body(send(service_code="begging"))[0]["service_request_id"]
    other = body(send(service_code="other"))[0]["service_request_id"]
    assert listed(open311, service_code="noise") == [noise]
    assert set(listed(open311, service_code="begging,other")) == {begging, other}
    assert listed(open311, service_code="other") == [other]


def test_service_request_ids_override_every_other_parameter(send, open311):
    first = body(send())[0]["service_request_id"]
    second = body(send(service_code="begging"))[0]["service_request_id"]
    body(send())
    _submitted_days_ago(first, 200)
    found = listed(
        open311, service_request_id=f"{first},{second}", service_code="noise", status="closed"
    )
    assert set(found) == {first, second}


def test_at_most_1000_requests_newest_first(open311, send, db_session):
    send()
    client = db.session.scalars(select(Open311Submission)).one().client
    queue = agency("housing")
    now = utcnow()
    db.session.add_all(
        PublicReport(
            reference=f"RPT-2000-{number:05d}",
            channel=PublicReportChannel.OPEN311,
            category=Category.NOISE,
            description="Music",
            queue_agency=queue,
            submitted_at=now - timedelta(minutes=number),
        )
        for number in range(1, 1001)
    )
    db.session.commit()
    found = listed(open311)
    assert len(found) == 1000
    assert found[1] == "RPT-2000-00001"
    assert "RPT-2000-01000" not in found
    assert client.is_live


def test_triage_shows_likely_duplicates_of_a_request_sent_by_open311(send, open311, login_as):
    """The duplicate check runs where a manager decides, as for every public report."""
    earlier = IncidentFactory(occurred_from=utcnow() - timedelta(hours=5))
    db.session.commit()
    send(**{"attribute[occurred_at]": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")})
    report = only_report()
    login_as(Role.MANAGER, "housing")
    page = open311.get(f"/triage/{report.id}").get_data(as_text=True)
    likely = page.partition("Likely duplicates")[2]
    assert earlier.reference in likely
