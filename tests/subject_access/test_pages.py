"""Subject access pages: who may use them, logging a request (once), linking the requester's
records, the identity check and closing."""

from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.disclosures.models import Disclosure
from asb.disclosures.vocabulary import DisclosureMethod
from asb.extensions import db
from asb.subject_access.models import SubjectAccessRequest
from asb.subject_access.vocabulary import RequestStatus
from tests.conftest import sign_in_session
from tests.factories import IncidentFactory, IncidentPersonFactory, PersonFactory
from tests.helpers import error_summary, visible_text

ROLES = {
    "officer": (Role.OFFICER, "housing"),
    "manager": (Role.MANAGER, "housing"),
    "partner": (Role.PARTNER, "city-police"),
    "asb lead": (Role.ASB_LEAD, "community-safety"),
    "admin": (Role.ADMIN, "community-safety"),
}
MANAGES = {"asb lead", "admin"}
PAGES = [
    "/subject-access",
    "/subject-access/new",
    "/subject-access/{id}",
    "/subject-access/{id}/identity",
    "/subject-access/{id}/extend",
    "/subject-access/{id}/close",
    "/subject-access/{id}/pack",
    "/subject-access/{id}/pack.json",
]
POSTS = [
    "/subject-access/new",
    "/subject-access/{id}/people",
    "/subject-access/{id}/people/remove",
    "/subject-access/{id}/identity",
    "/subject-access/{id}/extend",
    "/subject-access/{id}/close",
]


@pytest.fixture
def linked_request(log_request):
    person = PersonFactory(name="Sam Caller")
    IncidentPersonFactory(incident=IncidentFactory(), person=person)
    db.session.commit()
    return log_request(people=[person], identity_checked_on=date(2026, 11, 2))


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_only_the_asb_lead_and_admins_open_the_pages(client, make_user, linked_request, who, page):
    sign_in_session(client, make_user(*ROLES[who]))

    response = client.get(page.format(id=linked_request.id))

    assert response.status_code == (200 if who in MANAGES else 403)


@pytest.mark.parametrize("who", sorted(set(ROLES) - MANAGES))
@pytest.mark.parametrize("page", POSTS)
def test_nobody_else_changes_anything(client, make_user, linked_request, who, page):
    sign_in_session(client, make_user(*ROLES[who]))
    version = linked_request.version

    response = client.post(page.format(id=linked_request.id), data={"person_id": "1"})

    assert response.status_code == 403
    db.session.refresh(linked_request)
    assert linked_request.version == version


@pytest.mark.parametrize("who", ["asb lead", "manager"])
def test_the_menu_offers_subject_access_to_those_who_manage_it(client, make_user, who):
    sign_in_session(client, make_user(*ROLES[who]))

    menu = client.get("/incidents").get_data(as_text=True)

    assert ('href="/subject-access"' in menu) is (who in MANAGES)


def _new(**changes) -> dict:
    return {
        "requester_name": "Sam Caller",
        "received_by": "email",
        "received_on": ["31", "1", "2026"],
        "identity_checked": "yes",
        "identity_checked_on": ["2", "2", "2026"],
        "notes": "Asked for everything about the noise complaints",
        "person_id": "",
        **changes,
    }


def test_logging_a_request_sent_twice_logs_it_once(client, lead):
    sign_in_session(client, lead)
    data = _new(submission_key="k" * 40)

    first = client.post("/subject-access/new", data=data)
    again = client.post("/subject-access/new", data=data)

    assert first.status_code == again.status_code == 302
    assert first.location == again.location
    requests = db.session.scalars(select(SubjectAccessRequest)).all()
    assert len(requests) == 1
    (request,) = requests
    assert (request.due_on, request.identity_checked_on) == (date(2026, 2, 28), date(2026, 2, 2))
    page = visible_text(client.get(first.location))
    assert "Answer due 28 February 2026" in page
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "subject_access.logged")
    )
    assert "Sam Caller" not in str(event.detail)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"requester_name": ""}, "Enter the requester's name"),
        ({"received_by": ""}, "Select how the request was received"),
        ({"received_on": ["", "", ""]}, "Enter the date the request was received"),
        ({"received_on": ["31", "2", "2026"]}, "Date received must be a real date"),
        ({"received_on": ["1", "1", "2099"]}, "Date received must be today or in the past"),
        ({"identity_checked_on": ["", "", ""]}, "Enter the date the identity was checked"),
        (
            {"identity_checked_on": ["30", "1", "2026"]},
            "The identity check date must be on or after the day the request was received",
        ),
    ],
)
def test_a_request_with_a_mistake_is_not_logged(client, lead, changes, message):
    sign_in_session(client, lead)

    response = client.post("/subject-access/new", data=_new(**changes))

    assert response.status_code == 200
    assert message in [text for _, text in error_summary(response)]
    assert db.session.scalar(select(func.count()).select_from(SubjectAccessRequest)) == 0


def test_a_request_started_from_a_person_is_linked_to_them(client, lead):
    person = PersonFactory(name="Jo Linked")
    db.session.commit()
    sign_in_session(client, lead)

    form = client.get(f"/subject-access/new?person={person.id}")
    assert 'value="Jo Linked"' in form.get_data(as_text=True)
    response = client.post("/subject-access/new", data=_new(person_id=str(person.id)))

    request = db.session.scalar(select(SubjectAccessRequest))
    assert response.status_code == 302
    assert request.subjects == [person]
    assert client.get("/subject-access/new?person=999999").status_code == 404


def test_the_lead_links_and_unlinks_the_requesters_records(client, lead, log_request):
    same_name = PersonFactory(name="Sam  CALLER")
    other = PersonFactory(name="Someone Else")
    db.session.commit()
    request = log_request()
    sign_in_session(client, lead)

    page = visible_text(client.get(f"/subject-access/{request.id}"))
    assert "Person records that may be the requester's" in page
    assert "Someone Else" not in page
    client.post(f"/subject-access/{request.id}/people", data={"person_id": str(same_name.id)})
    assert request.subjects == [same_name]
    again = client.post(
        f"/subject-access/{request.id}/people", data={"person_id": str(same_name.id)}
    )
    assert "already linked" in visible_text(client.get(again.location))
    client.post(f"/subject-access/{request.id}/people", data={"person_id": str(other.id)})
    client.post(f"/subject-access/{request.id}/people/remove", data={"person_id": str(other.id)})

    db.session.refresh(request)
    assert request.subjects == [same_name]
    missing = client.post(f"/subject-access/{request.id}/people", data={"person_id": "999999"})
    assert missing.status_code == 404


def test_completing_needs_the_identity_check_and_releases_the_pack_into_the_log(
    client, lead, log_request
):
    person = PersonFactory(name="Sam Caller")
    IncidentPersonFactory(incident=IncidentFactory(), person=person)
    db.session.commit()
    request = log_request(people=[person], received_on=date(2026, 11, 2))
    data = {
        "status": "completed",
        "closed_on": ["20", "11", "2026"],
        "note": "",
        "version": str(request.version),
    }

    with freeze_time("2026-11-20 12:00"):
        sign_in_session(client, lead)
        refused = client.post(f"/subject-access/{request.id}/close", data=data)
        assert "Record the identity check before completing the request" in visible_text(refused)
        checked = client.post(
            f"/subject-access/{request.id}/identity",
            data={"checked_on": ["3", "11", "2026"], "version": str(request.version)},
        )
        assert checked.status_code == 302
        db.session.refresh(request)
        done = client.post(
            f"/subject-access/{request.id}/close", data={**data, "version": str(request.version)}
        )

    assert done.status_code == 302
    db.session.refresh(request)
    assert (request.status, request.completed_on) == (RequestStatus.COMPLETED, date(2026, 11, 20))
    disclosure = db.session.scalar(
        select(Disclosure).where(Disclosure.method == DisclosureMethod.SUBJECT_ACCESS)
    )
    assert disclosure.recipient_name == "Sam Caller"
    assert disclosure.lawful_basis.value == "legal-obligation"
    assert [subject.person_id for subject in disclosure.subjects] == [person.id]
    assert request.released_at == disclosure.disclosed_at
    sign_in_session(client, lead)
    assert "recorded in the disclosure log" in visible_text(
        client.get(f"/subject-access/{request.id}")
    )
    # An ended request cannot be changed again.
    again = client.post(
        f"/subject-access/{request.id}/close", data={**data, "version": str(request.version)}
    )
    assert "it cannot be changed" in visible_text(again)
    assert db.session.scalar(select(func.count()).select_from(Disclosure)) == 1


def test_a_refusal_needs_its_reason_and_records_no_disclosure(client, lead, log_request):
    request = log_request(received_on=date(2026, 11, 2))
    with freeze_time("2026-11-20 12:00"):
        sign_in_session(client, lead)
        data = {
            "status": "refused",
            "closed_on": ["20", "11", "2026"],
            "note": "",
            "version": str(request.version),
        }
        refused = client.post(f"/subject-access/{request.id}/close", data=data)
        assert "Enter why the request was refused" in visible_text(refused)
        done = client.post(
            f"/subject-access/{request.id}/close",
            data={**data, "note": "Manifestly excessive: the fifth this month"},
        )

    assert done.status_code == 302
    assert request.status is RequestStatus.REFUSED
    assert db.session.scalar(select(func.count()).select_from(Disclosure)) == 0


def test_a_stale_form_changes_nothing(client, lead, log_request):
    request = log_request(received_on=date(2026, 11, 2))
    with freeze_time("2026-11-20 12:00"):
        sign_in_session(client, lead)
        response = client.post(
            f"/subject-access/{request.id}/extend",
            data={
                "extended_to": ["1", "1", "2027"],
                "reason": "Complex",
                "version": str(request.version - 1),
            },
        )

    assert "changed since you opened it" in visible_text(response)
    db.session.refresh(request)
    assert request.extended_to is None


def test_the_person_page_offers_the_lead_a_request_about_them(client, lead, make_user):
    person = PersonFactory(name="Jo Linked")
    IncidentPersonFactory(incident=IncidentFactory(), person=person)
    db.session.commit()
    link = f'href="/subject-access/new?person={person.id}"'

    sign_in_session(client, lead)
    assert link in client.get(f"/people/{person.id}").get_data(as_text=True)
    sign_in_session(client, make_user(Role.MANAGER, "housing"))
    assert link not in client.get(f"/people/{person.id}").get_data(as_text=True)
