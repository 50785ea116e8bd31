"""Emergency ("break glass") access to a restricted incident or case, by its reference."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from asb.agreements.vocabulary import DataCategory, LawfulBasis
from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.cases.models import Case
from asb.database import utcnow
from asb.disclosures.models import Disclosure
from asb.disclosures.vocabulary import DisclosureMethod
from asb.emergency_access.models import EmergencyAccess
from asb.extensions import db
from asb.incidents.models import Incident
from asb.notifications.models import Notification
from asb.policy import Permission, can, visible_cases, visible_incidents
from tests.conftest import sign_in_session
from tests.emergency_access.conftest import REASON
from tests.factories import IncidentFactory, agency, make_case, make_user
from tests.helpers import error_summary, visible_text

GRANTS_TABLE = 'govuk-table__caption--m">Emergency access</caption>'


def _grants() -> list[EmergencyAccess]:
    return list(db.session.scalars(select(EmergencyAccess).order_by(EmergencyAccess.id)))


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize("kind", ["incident", "case"])
def test_an_officer_opens_a_restricted_record_by_its_reference(
    client, login_as, restricted, ask, kind
):
    officer = login_as(Role.OFFICER, "barbican")
    record = getattr(restricted, kind)
    path = f"/{kind}s/{record.id}"
    assert client.get(path).status_code == 404

    response = ask(f"  {record.reference.lower()} ")

    assert response.status_code == 302, error_summary(response)
    assert response.location.endswith(path)
    page = client.get(path)
    assert page.status_code == 200
    text = visible_text(page)
    assert f"You have emergency access to {record.reference}." in text
    assert "You have emergency access until" in text
    assert "Jo Hidden" in text or kind == "case"  # the incident's reporter
    assert "Domestic abuse" in text  # why it is restricted: shown with personal details
    [grant] = _grants()
    assert (grant.user, grant.record, grant.reason) == (officer, record, REASON)
    assert grant.expires_at - grant.granted_at == timedelta(hours=24)
    assert grant.lawful_basis is LawfulBasis.VITAL_INTERESTS
    [granted] = _events("emergency-access.granted")
    assert (granted.actor_id, granted.object_id) == (officer.id, grant.id)
    assert REASON not in str(granted.detail)  # free text stays out of the audit trail
    [viewed] = _events("emergency-access.record-viewed")
    assert viewed.detail == {"grant_id": grant.id}
    assert (viewed.object_type, viewed.object_id) == (record.__tablename__, record.id)


@pytest.mark.parametrize(
    ("kind", "categories"),
    [
        ("incident", {"incident-facts", "locations", "people", "vulnerabilities"}),
        ("case", {category.value for category in DataCategory}),
    ],
)
def test_each_grant_is_in_the_disclosure_log(client, login_as, restricted, ask, kind, categories):
    officer = login_as(Role.OFFICER, "barbican")
    record = getattr(restricted, kind)
    ask(record.reference, lawful_basis="public-task")

    [grant] = _grants()
    [disclosure] = db.session.scalars(select(Disclosure)).all()
    assert grant.disclosure == disclosure
    assert disclosure.method is DisclosureMethod.EMERGENCY_ACCESS
    assert disclosure.disclosing_agency == agency("housing")
    assert (disclosure.recipient_agency, disclosure.recipient_name) == (
        agency("barbican"),
        officer.name,
    )
    assert (disclosure.lawful_basis, disclosure.purpose) == (LawfulBasis.PUBLIC_TASK, REASON)
    assert disclosure.agreement is None
    assert set(disclosure.categories) == categories
    assert [subject.person for subject in disclosure.subjects] == [restricted.victim]
    assert getattr(disclosure, kind) == record
    assert disclosure.authorised_by == officer


@pytest.mark.parametrize("kind", ["incident", "case"])
def test_the_owners_and_the_lead_are_told_and_see_the_grant_on_the_record(
    app, client, login_as, restricted, ask, kind
):
    officer = login_as(Role.OFFICER, "barbican")
    record = getattr(restricted, kind)
    ask(record.reference)

    told = set(db.session.scalars(select(Notification.user_id)))
    assert told == {restricted.housing_manager.id, restricted.lead.id}
    note = db.session.scalars(select(Notification)).first()
    assert record.reference in note.message and REASON not in note.message
    for owner in (restricted.housing_manager, restricted.housing_officer, restricted.lead):
        browser = app.test_client()
        sign_in_session(browser, owner)
        page = browser.get(f"/{kind}s/{record.id}")
        assert GRANTS_TABLE in page.get_data(as_text=True)
        text = visible_text(page)
        assert f"{officer.name}, Barbican" in text
        assert REASON in text
    # The holder sees the banner, not the list of everyone who broke the glass.
    page = client.get(f"/{kind}s/{record.id}")
    assert "You have emergency access until" in visible_text(page)
    assert GRANTS_TABLE not in page.get_data(as_text=True)


def test_a_manager_who_may_not_see_the_case_is_not_told_of_it(client, login_as, restricted, ask):
    """A restricted case reassigned away from its lead agency is not the lead agency's."""
    lead_agency_manager = make_user(Role.MANAGER, "street-enforcement")
    case = make_case("street-enforcement", restricted=True, team="housing")
    db.session.commit()
    login_as(Role.OFFICER, "barbican")
    ask(case.reference)

    told = set(db.session.scalars(select(Notification.user_id)))
    assert lead_agency_manager.id not in told
    assert restricted.housing_manager.id in told


def test_emergency_access_opens_the_page_not_the_lists_nor_the_work(
    client, login_as, restricted, ask
):
    officer = login_as(Role.OFFICER, "barbican")
    for record in (restricted.incident, restricted.case):
        assert client.get(ask(record.reference).location).status_code == 200

    incidents = db.session.scalars(select(Incident.id).where(visible_incidents(officer))).all()
    assert restricted.incident.id not in incidents
    cases = db.session.scalars(select(Case.id).where(visible_cases(officer))).all()
    assert restricted.case.id not in cases
    assert restricted.incident.reference not in visible_text(client.get("/incidents"))
    for permission in (Permission.WORK_CASE, Permission.ADD_CASE_NOTE, Permission.ASSIGN_CASE):
        assert not can(officer, permission, restricted.case)
    assert not can(officer, Permission.EDIT_INCIDENT, restricted.incident)
    assert client.get(f"/cases/{restricted.case.id}/notes").status_code == 403
    assert client.get(f"/incidents/{restricted.incident.id}/edit").status_code == 403


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": ""}, "Enter why you need emergency access to this record"),
        ({"reason": "urgent"}, "Explain in at least a sentence why you need this record now"),
        ({"reason": "need it now please"}, "Explain in at least a sentence"),
        ({"lawful_basis": ""}, "Select the lawful basis for opening this record"),
        ({"lawful_basis": "consent"}, "Select lawful basis from the list"),
        ({"understood": None}, "Confirm that you understand your access will be logged"),
        ({"reference": ""}, "Enter the reference of the incident or case"),
    ],
)
def test_a_request_without_a_reason_or_confirmation_is_refused(
    client, login_as, restricted, ask, changes, message
):
    login_as(Role.OFFICER, "barbican")
    response = ask(**{"reference": restricted.incident.reference, **changes})
    assert response.status_code == 200
    assert any(message in text for _, text in error_summary(response)), error_summary(response)
    assert _grants() == []
    assert _events("emergency-access.granted") == []


NOT_FOUND = "We could not find a restricted record with that reference"


def test_the_form_never_tells_a_missing_record_from_a_hidden_unrestricted_one(
    client, login_as, restricted, ask
):
    login_as(Role.OFFICER, "barbican")
    hidden_case = make_case("street-enforcement")  # not restricted, not Barbican's
    open_incident = IncidentFactory()
    db.session.commit()
    assert client.get(f"/cases/{hidden_case.id}").status_code == 403

    answers = {
        reference: ask(reference)
        for reference in ("ASB-C-2026-99999", hidden_case.reference, open_incident.reference)
    }

    for reference, response in answers.items():
        assert response.status_code == 200
        assert error_summary(response) == [("#reference", NOT_FOUND)], reference
        body = response.get_data(as_text=True).replace(reference, "REFERENCE")
        assert body.count(NOT_FOUND) == 2  # the summary and the field
        assert "hidden_case" not in body and hidden_case.title not in body
    assert _grants() == []


def test_who_can_already_see_a_restricted_record_is_told_to_open_it(client, app, restricted, ask):
    sign_in_session(client, restricted.housing_officer)
    response = ask(restricted.incident.reference)
    assert error_summary(response) == [
        (
            "#reference",
            f"You can already open {restricted.incident.reference}: "
            "you do not need emergency access",
        )
    ]
    assert _grants() == []


def test_a_form_sent_twice_grants_once(client, login_as, restricted, ask):
    login_as(Role.OFFICER, "barbican")
    key = "k" * 43
    first = ask(restricted.incident.reference, submission_key=key)
    second = ask(restricted.incident.reference, submission_key=key)
    assert first.status_code == second.status_code == 302
    assert second.location == first.location
    assert len(_grants()) == 1


def test_a_refused_reference_can_be_corrected_with_the_same_form(client, login_as, restricted, ask):
    login_as(Role.OFFICER, "barbican")
    key = "c" * 43
    assert ask("ASB-2026-99999", submission_key=key).status_code == 200
    assert ask(restricted.incident.reference, submission_key=key).status_code == 302
    assert len(_grants()) == 1


@pytest.mark.parametrize(
    ("hours", "allowed_after", "refused_after"),
    [
        (24, timedelta(hours=23, minutes=59), timedelta(hours=24, minutes=1)),
        (2, timedelta(hours=1, minutes=59), timedelta(hours=2, minutes=1)),
    ],
)
def test_access_lasts_the_configured_hours(
    app, client, restricted, ask, monkeypatch, hours, allowed_after, refused_after
):
    monkeypatch.setitem(app.config, "ASB_EMERGENCY_ACCESS_HOURS", hours)
    officer = make_user(Role.OFFICER, "barbican")
    db.session.commit()
    path = f"/incidents/{restricted.incident.id}"
    start = utcnow().replace(microsecond=0)
    with freeze_time(start):
        sign_in_session(client, officer)
        ask(restricted.incident.reference)
    with freeze_time(start + allowed_after):
        sign_in_session(client, officer)  # a new sign-in: sessions end after idle minutes
        page = client.get(path)
        assert page.status_code == 200
        assert "You have emergency access until" in visible_text(page)
    with freeze_time(start + refused_after):
        sign_in_session(client, officer)
        assert client.get(path).status_code == 404
        assert not can(officer, Permission.VIEW_PERSONAL_DETAILS, restricted.incident)


def test_the_lead_ends_a_grant_early(app, client, login_as, restricted, ask):
    officer = login_as(Role.OFFICER, "barbican")
    ask(restricted.case.reference)
    [grant] = _grants()
    lead = app.test_client()
    sign_in_session(lead, restricted.lead)
    listing = visible_text(lead.get("/emergency-access"))
    assert "Live emergency access" in listing and restricted.case.reference in listing
    assert REASON in listing

    response = lead.post(f"/emergency-access/{grant.id}/end")

    assert response.status_code == 302
    assert "ended" in visible_text(lead.get(response.location))
    db.session.refresh(grant)
    assert grant.ended_at is not None and grant.ended_by == restricted.lead
    assert client.get(f"/cases/{restricted.case.id}").status_code == 404
    [ended] = _events("emergency-access.ended")
    assert (ended.actor_id, ended.object_id) == (restricted.lead.id, grant.id)
    assert "ended early" in visible_text(lead.get("/emergency-access"))
    # Ending it again changes nothing.
    again = lead.post(f"/emergency-access/{grant.id}/end")
    assert "had already ended" in visible_text(lead.get(again.location))
    assert len(_events("emergency-access.ended")) == 1
    told = db.session.scalars(select(Notification).where(Notification.user_id == officer.id))
    assert any("ended your emergency access" in note.message for note in told)


ROLES = {
    "officer": (Role.OFFICER, "barbican"),
    "manager": (Role.MANAGER, "barbican"),
    "asb lead": (Role.ASB_LEAD, "community-safety"),
    "admin": (Role.ADMIN, "community-safety"),
    "police partner": (Role.PARTNER, "city-police"),
}
# (asks for emergency access, reads every grant and ends them)
ACCESS = {
    "officer": (True, False),
    "manager": (True, False),
    "asb lead": (False, True),
    "admin": (False, False),
    "police partner": (False, False),
}


@pytest.mark.parametrize("who", ROLES)
def test_who_may_ask_for_and_who_may_review_emergency_access(
    app, client, login_as, restricted, who
):
    asker = make_user(Role.OFFICER, "barbican")
    db.session.commit()
    grant_client = app.test_client()
    sign_in_session(grant_client, asker)
    grant_client.post(
        "/emergency-access/new",
        data={
            "reference": restricted.incident.reference,
            "reason": REASON,
            "lawful_basis": "vital-interests",
            "understood": "understood",
        },
    )
    [grant] = _grants()
    login_as(*ROLES[who])
    may_ask, may_review = ACCESS[who]

    form = client.get("/emergency-access/new")
    sent = client.post(
        "/emergency-access/new",
        data={
            "reference": restricted.incident.reference,
            "reason": REASON,
            "lawful_basis": "vital-interests",
            "understood": "understood",
        },
    )
    assert form.status_code == (200 if may_ask else 403)
    assert sent.status_code == (302 if may_ask else 403)
    assert client.get("/emergency-access").status_code == (200 if may_review else 403)
    ended = client.post(f"/emergency-access/{grant.id}/end")
    assert ended.status_code == (302 if may_review else 403)
    assert len(_grants()) == (2 if may_ask else 1)


def test_the_links_to_the_form_and_the_list(client, login_as):
    login_as(Role.OFFICER, "barbican")
    for path in ("/incidents", "/cases", "/account/password"):
        assert "/emergency-access/new" in client.get(path).get_data(as_text=True), path
    login_as(Role.ASB_LEAD, "community-safety")
    assert 'href="/emergency-access"' in client.get("/cases").get_data(as_text=True)
    login_as(Role.PARTNER, "city-police")
    assert "/emergency-access" not in client.get("/account/password").get_data(as_text=True)


def test_the_lead_home_page_counts_who_has_emergency_access_now(
    app, client, login_as, restricted, ask
):
    login_as(Role.OFFICER, "barbican")
    ask(restricted.incident.reference)
    assert "emergency access to a restricted record now" not in visible_text(client.get("/"))
    sign_in_session(client, restricted.lead)
    assert "1 person has emergency access to a restricted record now" in visible_text(
        client.get("/")
    )
