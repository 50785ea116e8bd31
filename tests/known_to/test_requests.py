"""Also known to, as officers meet it, and requests for the other agency's details: asked,
answered (approved or refused), withdrawn, expired; each in the disclosure log."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from asb.agreements.models import SharingAgreement
from asb.agreements.vocabulary import DataCategory, LawfulBasis
from asb.auth.models import Role
from asb.calendar import today_in_london
from asb.disclosures.models import Disclosure
from asb.disclosures.vocabulary import DisclosureMethod
from asb.extensions import db
from asb.known_to.models import PersonDetailsRequest
from asb.known_to.vocabulary import RequestStatus
from asb.notifications.models import Notification
from asb.submissions import new_key
from tests.conftest import sign_in_session
from tests.factories import PersonFactory, UserFactory, agency, make_case, reported
from tests.helpers import error_summary, visible_text
from tests.known_to.conftest import BORN, link_incident

REASON = "Planning a joint visit about the noise complaints"


def barbican_details(known) -> list[str]:
    """What only Barbican holds: never on a Housing officer's page before an approval."""
    return [
        "Flat 3, Defoe House",
        "020 7946 0999",
        "Hearing impaired",
        known.barbican_incident.reference,
        "Defoe House stairwell",
        known.barbican_case.reference,
        "Harassment on the Barbican Estate",
    ]


def assert_none_shown(response, values: list[str]) -> None:
    body = response.get_data(as_text=True)
    text = visible_text(response)
    for value in values:
        assert value not in body and value not in text, value


def ask(client, known, reason: str = REASON, **extra):
    barbican = agency("barbican")
    return client.post(
        f"/people/{known.person.id}/details-requests/new",
        data={"agency": str(barbican.id), "reason": reason, **extra},
    )


def sign_in_as(client, role: Role, agency_code: str) -> None:
    user = UserFactory(role=role, agency=agency(agency_code))
    db.session.commit()
    sign_in_session(client, user)


def only_request() -> PersonDetailsRequest:
    return db.session.scalars(select(PersonDetailsRequest)).one()


def answer(client, request_id: int, **data):
    return client.post(f"/details-requests/{request_id}/answer", data=data)


@pytest.fixture
def asked(client, known) -> PersonDetailsRequest:
    sign_in_session(client, known.housing_officer)
    assert ask(client, known).status_code == 302
    return only_request()


# -- Being told -----------------------------------------------------------------------------


def test_the_person_page_says_who_else_knows_them_and_nothing_of_theirs(client, known):
    sign_in_session(client, known.housing_officer)

    response = client.get(f"/people/{known.person.id}")

    text = visible_text(response)
    assert "Also known to Barbican Estates (2 records)" in text
    assert "Ask for their details from Barbican Estates" in text
    assert_none_shown(response, barbican_details(known))
    assert f'href="/people/{known.barbican_person.id}"' not in response.get_data(as_text=True)


def test_adding_a_person_to_a_case_says_who_else_knows_them(client, known):
    sign_in_session(client, known.housing_officer)
    case = make_case("housing")
    db.session.commit()

    response = client.post(
        f"/cases/{case.id}/people/new",
        data={"role": "victim", "name": "Jo Bloggs", "date_of_birth": ["1", "5", "1980"]},
    )

    text = visible_text(response)
    assert "Also known to Barbican Estates (2 records)" in text
    assert "add them to a case: you can then ask from their person record" in text
    assert_none_shown(response, barbican_details(known))


def test_the_incident_page_says_who_else_knows_the_people_named_on_it(client, known):
    sign_in_session(client, known.housing_officer)
    incident = reported(
        "housing", 1, reporter_name="Jo Bloggs", reporter_address="Flat 3, Defoe House"
    )
    db.session.commit()

    response = client.get(f"/incidents/{incident.id}")

    text = visible_text(response)
    assert "The reporter is also known to Barbican Estates (2 records)" in text
    assert known.barbican_incident.reference not in text


def test_nobody_else_is_told_on_a_page_without_the_persons_details(client, known):
    sign_in_as(client, Role.OFFICER, "mcp")
    incident = reported(
        "housing", 1, reporter_name="Jo Bloggs", reporter_address="Flat 3, Defoe House"
    )
    db.session.commit()

    response = client.get(f"/incidents/{incident.id}")

    assert response.status_code == 200
    assert "also known to" not in visible_text(response)


# -- Asking ---------------------------------------------------------------------------------


def test_an_officer_asks_and_the_request_is_in_the_disclosure_log(client, known):
    sign_in_session(client, known.housing_officer)
    form = client.get(
        f"/people/{known.person.id}/details-requests/new",
        query_string={"agency": agency("barbican").id},
    )
    assert form.status_code == 200
    assert "Ask Barbican Estates for their details" in visible_text(form)
    assert_none_shown(form, barbican_details(known))

    response = ask(client, known)

    request = only_request()
    assert response.location.endswith(f"/details-requests/{request.id}")
    assert (request.status, request.reason) == (RequestStatus.PENDING, REASON)
    assert request.requesting_agency_id == agency("housing").id
    disclosure = request.request_disclosure
    assert disclosure.method is DisclosureMethod.DETAILS_REQUEST
    assert disclosure.description == f"Request for details about person record {known.person.id}"
    assert disclosure.purpose == REASON
    assert (disclosure.disclosing_agency.code, disclosure.recipient_agency.code) == (
        "housing",
        "barbican",
    )
    assert disclosure.lawful_basis is LawfulBasis.PUBLIC_TASK
    assert [subject.person_id for subject in disclosure.subjects] == [known.person.id]
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.link == f"/details-requests/{request.id}")
    ).all()
    assert known.barbican_manager.id in told
    assert known.housing_officer.id not in told

    page = client.get(response.location)
    assert "Waiting for an answer" in visible_text(page)
    assert_none_shown(page, barbican_details(known))
    person_page = client.get(f"/people/{known.person.id}")
    assert "Your request is waiting for an answer" in visible_text(person_page)


def test_the_same_request_sent_twice_is_made_once(client, known):
    sign_in_session(client, known.housing_officer)
    key = new_key()

    first = ask(client, known, submission_key=key)
    second = ask(client, known, submission_key=key)

    assert first.status_code == second.status_code == 302
    assert second.location == first.location
    assert db.session.scalar(select(func.count()).select_from(PersonDetailsRequest)) == 1
    assert db.session.scalar(select(func.count()).select_from(Disclosure)) == 1


def test_a_request_needs_a_reason(client, known):
    sign_in_session(client, known.housing_officer)

    response = ask(client, known, reason="  ")

    assert response.status_code == 200
    assert error_summary(response) == [("#reason", "Enter why you need their details")]
    assert db.session.scalar(select(func.count()).select_from(PersonDetailsRequest)) == 0


@pytest.mark.parametrize(
    ("agency_code", "status"),
    [("mcp", 403), ("housing", 403), ("no-such-agency", 403)],
)
def test_nobody_asks_an_agency_that_does_not_know_the_person(client, known, agency_code, status):
    sign_in_session(client, known.housing_officer)
    found = agency(agency_code)

    response = client.post(
        f"/people/{known.person.id}/details-requests/new",
        data={"agency": str(found.id) if found else "999999", "reason": REASON},
    )

    assert response.status_code == status
    assert db.session.scalar(select(func.count()).select_from(PersonDetailsRequest)) == 0


def test_whoever_may_not_see_the_persons_details_may_not_ask(client, known):
    sign_in_as(client, Role.OFFICER, "mcp")

    assert ask(client, known).status_code == 403


def test_whoever_may_not_know_the_person_exists_is_not_told(client, known):
    hidden = PersonFactory(name="Jo Bloggs", date_of_birth=BORN)
    link_incident(hidden, reported("housing", 2, restricted=True, restriction_reason="Safety"))
    db.session.commit()
    sign_in_as(client, Role.OFFICER, "mcp")

    response = client.post(
        f"/people/{hidden.id}/details-requests/new",
        data={"agency": str(agency("barbican").id), "reason": REASON},
    )

    assert response.status_code == 404


# -- Answering ------------------------------------------------------------------------------


def test_the_holding_agencys_managers_see_it_waiting(client, known, asked):
    sign_in_session(client, known.barbican_manager)

    home = client.get("/")
    queue = client.get("/details-requests")
    page = client.get(f"/details-requests/{asked.id}")

    assert "1 request for details waiting for an answer" in visible_text(home)
    assert f"Request {asked.id}" in visible_text(queue)
    text = visible_text(page)
    assert "Jo Bloggs" in text and REASON in text
    assert "Send answer" in text


ANSWERERS = {
    "manager of the holding agency": ((Role.MANAGER, "barbican"), 302),
    "asb lead": ((Role.ASB_LEAD, "community-safety"), 302),
    "officer of the holding agency": ((Role.OFFICER, "barbican"), 404),
    "manager of the asking agency": ((Role.MANAGER, "housing"), 404),
    "manager of another agency": ((Role.MANAGER, "street-enforcement"), 404),
    "police partner": ((Role.PARTNER, "city-police"), 404),
    "admin": ((Role.ADMIN, "community-safety"), 404),
}


@pytest.mark.parametrize("who", ANSWERERS)
def test_who_may_answer(client, known, asked, who):
    (role, code), status = ANSWERERS[who]
    sign_in_as(client, role, code)

    response = answer(client, asked.id, decision="refuse", note="Not for this purpose")

    assert response.status_code == status
    db.session.expire_all()
    expected = RequestStatus.REFUSED if status == 302 else RequestStatus.PENDING
    assert only_request().status is expected


def test_the_requester_never_answers_their_own_request(client, known, asked):
    response = answer(client, asked.id, decision="approve", categories="people", days="30")

    assert response.status_code == 403
    assert only_request().status is RequestStatus.PENDING
    assert "Send answer" not in visible_text(client.get(f"/details-requests/{asked.id}"))


def test_an_approval_shows_the_requester_what_was_approved_until_it_expires(client, known, asked):
    sign_in_session(client, known.barbican_manager)
    response = answer(
        client,
        asked.id,
        decision="approve",
        categories=["people", "incident-facts"],
        days="7",
        note="",
    )
    assert response.status_code == 302
    request = only_request()
    approved_on = today_in_london()
    assert request.status is RequestStatus.APPROVED
    assert request.approved_categories == ["incident-facts", "people"]
    assert request.approved_until == approved_on + timedelta(days=7)
    disclosure = request.answer_disclosure
    assert disclosure.method is DisclosureMethod.DETAILS_REQUEST
    assert (disclosure.disclosing_agency.code, disclosure.recipient_agency.code) == (
        "barbican",
        "housing",
    )
    assert set(disclosure.categories) == {"people", "incident-facts"}
    assert disclosure.authorised_by_id == known.barbican_manager.id
    assert {subject.person_id for subject in disclosure.subjects} == {
        known.person.id,
        known.barbican_person.id,
    }

    sign_in_session(client, known.housing_officer)
    details = client.get(f"/details-requests/{request.id}/details")
    assert details.status_code == 200
    text = visible_text(details)
    for shown in ["Flat 3, Defoe House", "020 7946 0999", known.barbican_incident.reference]:
        assert shown in text
    # Not approved: vulnerabilities, locations, case work.
    assert_none_shown(
        details,
        [
            "Hearing impaired",
            "Defoe House stairwell",
            known.barbican_case.reference,
            "Harassment on the Barbican Estate",
        ],
    )
    assert "See their details from Barbican Estates" in visible_text(
        client.get(f"/people/{known.person.id}")
    )

    with freeze_time(approved_on + timedelta(days=7, hours=12)):
        sign_in_session(client, known.housing_officer)
        assert client.get(f"/details-requests/{request.id}/details").status_code == 200
    with freeze_time(approved_on + timedelta(days=8, hours=12)):
        sign_in_session(client, known.housing_officer)
        assert client.get(f"/details-requests/{request.id}/details").status_code == 403
        page = client.get(f"/details-requests/{request.id}")
        assert "Expired" in visible_text(page)
        assert "See their details" not in visible_text(page)
        person_page = client.get(f"/people/{known.person.id}")
        assert "Ask for their details from Barbican Estates" in visible_text(person_page)


def test_an_approval_never_opens_restricted_records(client, known, asked):
    restricted = reported("barbican", 1, restricted=True, restriction_reason="Domestic abuse")
    link_incident(known.barbican_person, restricted)
    db.session.commit()
    sign_in_session(client, known.barbican_manager)
    answer(client, asked.id, decision="approve", categories=["incident-facts"], days="30")

    sign_in_session(client, known.housing_officer)
    details = client.get(f"/details-requests/{asked.id}/details")

    assert known.barbican_incident.reference in visible_text(details)
    assert restricted.reference not in details.get_data(as_text=True)


def test_only_the_asking_agency_sees_the_approved_details(client, known, asked):
    sign_in_session(client, known.barbican_manager)
    answer(client, asked.id, decision="approve", categories=["people"], days="30")
    answers = {}
    for role, code in [(Role.OFFICER, "mcp"), (Role.ADMIN, "community-safety")]:
        sign_in_as(client, role, code)
        answers[code] = client.get(f"/details-requests/{asked.id}/details").status_code

    assert answers == {"mcp": 404, "community-safety": 404}


def test_a_refusal_needs_a_reason_and_discloses_nothing(client, known, asked):
    sign_in_session(client, known.barbican_manager)

    missing = answer(client, asked.id, decision="refuse", note="")
    assert error_summary(missing) == [("#note", "Enter why you are refusing")]
    refused = answer(client, asked.id, decision="refuse", note="Ask the police instead")

    assert refused.status_code == 302
    request = only_request()
    assert (request.status, request.answer_note) == (
        RequestStatus.REFUSED,
        "Ask the police instead",
    )
    disclosure = request.answer_disclosure
    assert disclosure.categories == []
    assert "refused: nothing disclosed" in disclosure.description
    assert (disclosure.disclosing_agency.code, disclosure.recipient_agency.code) == (
        "barbican",
        "housing",
    )
    sign_in_session(client, known.housing_officer)
    assert client.get(f"/details-requests/{request.id}/details").status_code == 403
    page = client.get(f"/details-requests/{request.id}")
    assert "Refused" in visible_text(page) and "Ask the police instead" in visible_text(page)
    assert_none_shown(page, barbican_details(known))


def test_an_approval_needs_something_to_share(client, known, asked):
    sign_in_session(client, known.barbican_manager)

    response = answer(client, asked.id, decision="approve", days="30")

    assert error_summary(response) == [("#categories", "Select what you will share")]
    assert only_request().status is RequestStatus.PENDING


def test_an_answer_sent_twice_is_recorded_once(client, known, asked):
    sign_in_session(client, known.barbican_manager)
    key = new_key()
    data = {"decision": "approve", "categories": "people", "days": "30", "submission_key": key}

    first = answer(client, asked.id, **data)
    second = answer(client, asked.id, **data)
    third = answer(client, asked.id, decision="refuse", note="Changed my mind")

    assert first.status_code == second.status_code == third.status_code == 302
    assert only_request().status is RequestStatus.APPROVED
    answers = select(func.count()).where(Disclosure.description.like("Details about%"))
    assert db.session.scalar(answers) == 1


def test_the_requester_withdraws_a_waiting_request(client, known, asked):
    response = client.post(f"/details-requests/{asked.id}/withdraw")

    assert response.status_code == 302
    assert only_request().status is RequestStatus.WITHDRAWN
    sign_in_session(client, known.barbican_manager)
    late = answer(client, asked.id, decision="approve", categories="people", days="30")
    assert late.status_code == 302
    db.session.expire_all()
    assert only_request().status is RequestStatus.WITHDRAWN


def test_nobody_else_withdraws_it(client, known, asked):
    sign_in_session(client, known.barbican_manager)

    response = client.post(f"/details-requests/{asked.id}/withdraw")

    assert response.status_code == 403
    assert only_request().status is RequestStatus.PENDING


def test_request_pages_name_no_record_of_the_holding_agency(client, known, asked):
    for path in [
        f"/details-requests/{asked.id}",
        f"/people/{known.person.id}",
        "/",
    ]:
        response = client.get(path)
        assert response.status_code == 200
        assert_none_shown(response, barbican_details(known))
        assert not re.search(
            r"ASB-(C-)?\d{4}-\d{5}",
            visible_text(response).replace(known.housing_incident.reference, ""),
        )


def test_categories_offered_are_those_the_details_page_shows(client, known, asked):
    sign_in_session(client, known.barbican_manager)
    page = client.get(f"/details-requests/{asked.id}").get_data(as_text=True)

    offered = set(re.findall(r'name="categories"[^>]*value="([^"]+)"', page)) | set(
        re.findall(r'value="([^"]+)"[^>]*name="categories"', page)
    )

    assert offered == {
        category.value for category in DataCategory if category is not DataCategory.DOCUMENTS
    }


# -- Agreements -----------------------------------------------------------------------------


def test_with_a_partner_organisation_the_agreement_in_force_is_the_basis(client, known, lead):
    police_record = PersonFactory(name="Jo Bloggs", date_of_birth=BORN)
    link_incident(police_record, reported("city-police", 6))
    today = today_in_london()
    agreement = SharingAgreement(
        reference="ISA-KNOWN-00001",
        title="City Police ASB information sharing",
        partner_agency=agency("city-police"),
        purpose="Preventing and reducing anti-social behaviour in the City",
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        categories=[DataCategory.PEOPLE.value, DataCategory.INCIDENT_FACTS.value],
        starts_on=today - timedelta(days=30),
        review_on=today + timedelta(days=90),
        owner=lead,
    )
    db.session.add(agreement)
    db.session.commit()
    sign_in_session(client, known.housing_officer)

    client.post(
        f"/people/{known.person.id}/details-requests/new",
        data={"agency": str(agency("city-police").id), "reason": REASON},
    )
    request = only_request()
    sign_in_session(client, lead)
    answer(client, request.id, decision="approve", categories="incident-facts", days="30")

    db.session.expire_all()
    asked, answered = request.request_disclosure, request.answer_disclosure
    assert (asked.agreement_id, asked.lawful_basis) == (agreement.id, None)
    assert (answered.agreement_id, answered.lawful_basis) == (agreement.id, None)
    assert (answered.disclosing_agency.code, answered.recipient_agency.code) == (
        "city-police",
        "housing",
    )


def test_beyond_the_agreements_categories_the_answer_rests_on_the_public_task(client, known, lead):
    police_record = PersonFactory(name="Jo Bloggs", date_of_birth=BORN)
    link_incident(police_record, reported("city-police", 6))
    today = today_in_london()
    db.session.add(
        SharingAgreement(
            reference="ISA-KNOWN-00002",
            title="City Police ASB information sharing",
            partner_agency=agency("city-police"),
            purpose="Preventing and reducing anti-social behaviour in the City",
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            categories=[DataCategory.PEOPLE.value],
            starts_on=today - timedelta(days=30),
            review_on=today + timedelta(days=90),
            owner=lead,
        )
    )
    db.session.commit()
    sign_in_session(client, known.housing_officer)
    client.post(
        f"/people/{known.person.id}/details-requests/new",
        data={"agency": str(agency("city-police").id), "reason": REASON},
    )
    request = only_request()
    sign_in_session(client, lead)
    answer(client, request.id, decision="approve", categories="vulnerabilities", days="30")

    db.session.expire_all()
    assert request.answer_disclosure.agreement_id is None
    assert request.answer_disclosure.lawful_basis is LawfulBasis.PUBLIC_TASK


def test_asking_again_while_a_request_is_open_leads_to_it(client, known, asked):
    again = client.get(
        f"/people/{known.person.id}/details-requests/new",
        query_string={"agency": agency("barbican").id},
    )
    sent = ask(client, known, reason="Asking again")

    assert again.status_code == sent.status_code == 302
    assert again.location.endswith(f"/details-requests/{asked.id}")
    assert sent.location == again.location
    assert db.session.scalar(select(func.count()).select_from(PersonDetailsRequest)) == 1
