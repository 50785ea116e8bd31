"""Recording a disclosure by hand, and where it shows: the case page and the person's page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from asb.agreements.models import SharingAgreement
from asb.agreements.vocabulary import LawfulBasis
from asb.audit.models import AuditEvent
from asb.auth.models import Role, User
from asb.cases.models import Case
from asb.disclosures.models import Disclosure
from asb.disclosures.vocabulary import DisclosureMethod
from asb.extensions import db
from asb.people.models import Person
from asb.people.vocabulary import PersonRole
from tests.agreements.helpers import make_agreement
from tests.factories import (
    CasePersonFactory,
    IncidentFactory,
    IncidentPersonFactory,
    PersonFactory,
    agency,
)
from tests.helpers import error_summary, visible_text

ROLES = {
    "officer of the lead agency": (Role.OFFICER, "housing"),
    "manager of the lead agency": (Role.MANAGER, "housing"),
    "officer of a partner agency on the case": (Role.OFFICER, "barbican"),
    "officer of another agency": (Role.OFFICER, "street-enforcement"),
    "asb lead": (Role.ASB_LEAD, "community-safety"),
    "police partner": (Role.PARTNER, "city-police"),
    "admin": (Role.ADMIN, "community-safety"),
}
# Who sees the people on the case, and so may record what was disclosed about them.
RECORDERS = {"officer of the lead agency", "manager of the lead agency", "asb lead"}


@dataclass
class World:
    case: Case
    victim: Person
    perpetrator: Person
    agreement: SharingAgreement
    owner: User


@pytest.fixture
def world(make_case, lead) -> World:
    case = make_case("housing", partners=("barbican",))
    victim = PersonFactory(name="Vera Victim")
    perpetrator = PersonFactory(name="Percy Noisy")
    CasePersonFactory(case_id=case.id, person_id=victim.id)
    CasePersonFactory(case_id=case.id, person_id=perpetrator.id, role=PersonRole.PERPETRATOR)
    agreement = make_agreement(
        lead, categories=["incident-facts", "locations", "people"], starts_on=date(2026, 1, 1)
    )
    db.session.commit()
    return World(case, victim, perpetrator, agreement, lead)


def disclosure_form(world: World, **changes) -> dict:
    data = {
        "method": "phone",
        "disclosed_on": ["20", "11", "2026"],
        "disclosed_time": "14:30",
        "description": "Told PC Ahmed the times of the loud music and who lives at the flat",
        "categories": ["incident-facts", "people"],
        "subjects": [str(world.perpetrator.id)],
        "recipient_agency": str(agency("city-police").id),
        "recipient_name": "PC Ahmed, Bishopsgate",
        "purpose": "To plan a joint visit to the flat",
        "agreement": str(world.agreement.id),
        "lawful_basis": "",
        "legal_basis_note": "",
        "authorised_by": "",
    }
    data.update(changes)
    return data


def entries() -> list[Disclosure]:
    return list(db.session.scalars(select(Disclosure).order_by(Disclosure.id)))


def post(client, world: World, user: User, **changes):
    form = disclosure_form(world, **{"authorised_by": str(user.id), **changes})
    return client.post(f"/cases/{world.case.id}/disclosures/new", data=form)


@pytest.mark.parametrize("who", ROLES)
def test_who_may_record_a_disclosure_about_a_case(client, login_as, world, who):
    user = login_as(*ROLES[who])
    page = client.get(f"/cases/{world.case.id}/disclosures/new")
    assert page.status_code == (200 if who in RECORDERS else 403)
    response = post(client, world, user)
    assert response.status_code == (302 if who in RECORDERS else 403)
    assert len(entries()) == (1 if who in RECORDERS else 0)


@pytest.mark.parametrize("who", ROLES)
def test_who_may_record_a_disclosure_about_a_person(client, login_as, world, who):
    login_as(*ROLES[who])
    response = client.get(f"/people/{world.victim.id}/disclosures/new")
    # Those who see none of the person's records are not told the person exists.
    sees_a_record = who in RECORDERS or who == "officer of a partner agency on the case"
    assert response.status_code == (200 if who in RECORDERS else 403 if sees_a_record else 404)


@freeze_time("2026-11-29 10:00")
def test_a_disclosure_under_an_agreement_goes_into_the_log_and_onto_the_pages(
    client, login_as, world
):
    officer = login_as(Role.OFFICER, "housing")
    response = post(client, world, officer)
    assert response.location == f"/cases/{world.case.id}#disclosures"
    (entry,) = entries()
    assert entry.method is DisclosureMethod.PHONE
    assert entry.agreement_id == world.agreement.id and entry.lawful_basis is None
    assert entry.case_id == world.case.id
    assert [subject.person_id for subject in entry.subjects] == [world.perpetrator.id]
    assert entry.recipient_agency.code == "city-police"
    assert entry.disclosing_agency.code == "housing"
    assert entry.recorded_by_id == officer.id and entry.authorised_by_id == officer.id
    assert entry.disclosed_at.isoformat() == "2026-11-20T14:30:00+00:00"
    assert entry.categories == ["incident-facts", "people"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "disclosure.recorded"))
    assert event.object_id == entry.id
    assert event.detail["subject_ids"] == [world.perpetrator.id]
    assert "PC Ahmed" not in str(event.detail)

    case_page = visible_text(client.get(f"/cases/{world.case.id}"))
    assert "Disclosure recorded in the disclosure log" in case_page
    assert "Told PC Ahmed the times of the loud music" in case_page
    assert world.agreement.reference in case_page
    person_page = visible_text(client.get(f"/people/{world.perpetrator.id}"))
    assert "Told PC Ahmed the times of the loud music" in person_page
    victim_page = visible_text(client.get(f"/people/{world.victim.id}"))
    assert "Nothing about Vera Victim has been recorded as disclosed" in victim_page


def test_a_disclosure_without_an_agreement_names_its_lawful_basis(client, login_as, world):
    manager = login_as(Role.MANAGER, "housing")
    response = post(
        client,
        world,
        manager,
        recipient_agency="",
        recipient_name="Dr Jones, GP surgery",
        agreement="none",
        lawful_basis="vital-interests",
        legal_basis_note="Risk to life",
        method="email",
    )
    assert response.status_code == 302
    (entry,) = entries()
    assert entry.agreement is None and entry.lawful_basis is LawfulBasis.VITAL_INTERESTS
    assert entry.recipient_agency is None and entry.recipient_name == "Dr Jones, GP surgery"
    assert entry.legal_basis_note == "Risk to life"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"agreement": ""}, "Select the agreement it was disclosed under, or 'No agreement'"),
        (
            {"agreement": "none", "lawful_basis": ""},
            "Select the lawful basis for disclosing without an agreement",
        ),
        ({"method": "case-share"}, "Select how was it disclosed? from the list"),
        ({"method": ""}, "Select how it was disclosed"),
        ({"description": ""}, "Enter what was disclosed"),
        ({"purpose": ""}, "Enter why it was disclosed"),
        ({"categories": []}, "Select the kinds of information disclosed"),
        ({"disclosed_on": ["", "", ""]}, "Enter the date it was disclosed"),
        (
            {"disclosed_on": ["30", "11", "2026"]},
            "The date it was disclosed must be today or in the past",
        ),
        ({"disclosed_time": "25:00"}, "Enter time (optional) as hours and minutes, like 21:30"),
        (
            {"recipient_agency": "", "recipient_name": ""},
            "Select the organisation it was disclosed to, or enter who received it",
        ),
        (
            {"subjects": ["999999"]},
            "Select who was it about? (select all that apply) from the list",
        ),
        ({"authorised_by": "999999"}, "Select authorised by from the list"),
    ],
)
@freeze_time("2026-11-29 10:00")
def test_the_form_says_what_to_correct(client, login_as, world, changes, message):
    officer = login_as(Role.OFFICER, "housing")
    response = post(client, world, officer, **changes)
    assert response.status_code == 200
    assert message in [text for _, text in error_summary(response)]
    assert entries() == []


@freeze_time("2026-11-29 10:00")
def test_the_agreement_must_be_with_the_recipient_in_force_and_cover_what_was_disclosed(
    client, login_as, world, lead
):
    officer = login_as(Role.OFFICER, "housing")
    with_housing = make_agreement(lead, partner="barbican", categories=["incident-facts"])
    narrow = make_agreement(lead, categories=["incident-facts"])
    ended = make_agreement(lead, categories=["incident-facts", "people"], ends_on=date(2026, 11, 1))
    db.session.commit()
    refusals = {
        with_housing.id: f"Agreement {with_housing.reference} is with Barbican",
        narrow.id: "does not cover every kind of information disclosed",
        ended.id: "was not in force on the day of the disclosure",
    }
    for agreement_id, words in refusals.items():
        response = post(client, world, officer, agreement=str(agreement_id))
        assert any(words in text for _, text in error_summary(response)), words
    assert entries() == []


@freeze_time("2026-11-29 10:00")
def test_a_disclosure_sent_twice_is_recorded_once(client, login_as, world):
    officer = login_as(Role.OFFICER, "housing")
    key = "d" * 43
    first = post(client, world, officer, submission_key=key)
    second = post(client, world, officer, submission_key=key)
    assert second.location == first.location
    assert len(entries()) == 1


@freeze_time("2026-11-29 10:00")
def test_the_authoriser_is_the_recorder_a_manager_of_their_agency_or_the_lead(
    client, login_as, world, make_user
):
    housing_manager = make_user(Role.MANAGER, "housing", name="Helen Manager")
    barbican_manager = make_user(Role.MANAGER, "barbican", name="Boris Manager")
    officer = login_as(Role.OFFICER, "housing")
    page = visible_text(client.get(f"/cases/{world.case.id}/disclosures/new"))
    assert "Helen Manager" in page and world.owner.name in page
    assert "Boris Manager" not in page
    post(client, world, officer, authorised_by=str(housing_manager.id))
    assert entries()[0].authorised_by_id == housing_manager.id
    refused = post(client, world, officer, authorised_by=str(barbican_manager.id))
    assert refused.status_code == 200


@freeze_time("2026-11-29 10:00")
def test_from_a_person_page_the_disclosure_is_about_that_person(client, login_as, world):
    officer = login_as(Role.OFFICER, "housing")
    page = client.get(f"/people/{world.victim.id}/disclosures/new")
    assert f'value="{world.victim.id}" checked' in page.get_data(as_text=True)
    form = disclosure_form(world, subjects=[str(world.victim.id)], authorised_by=str(officer.id))
    response = client.post(f"/people/{world.victim.id}/disclosures/new", data=form)
    assert response.location == f"/people/{world.victim.id}#disclosures"
    (entry,) = entries()
    assert entry.case_id is None
    assert [subject.person_id for subject in entry.subjects] == [world.victim.id]


@freeze_time("2026-11-29 10:00")
def test_only_those_who_see_the_case_people_see_its_disclosures(client, login_as, world):
    officer = login_as(Role.OFFICER, "housing")
    post(client, world, officer)
    login_as(Role.OFFICER, "barbican")
    partner_view = visible_text(client.get(f"/cases/{world.case.id}"))
    assert "Told PC Ahmed" not in partner_view
    assert "Record a disclosure" not in partner_view
    login_as(Role.ASB_LEAD, "community-safety")
    lead_view = client.get(f"/cases/{world.case.id}")
    assert "Told PC Ahmed" in visible_text(lead_view)
    entry = entries()[0]
    assert f'href="/disclosures/{entry.id}"' in lead_view.get_data(as_text=True)


@freeze_time("2026-11-29 10:00")
def test_a_person_page_shows_disclosures_only_to_those_who_see_the_person(client, login_as, world):
    officer = login_as(Role.OFFICER, "housing")
    post(client, world, officer)
    for role, code in [(Role.OFFICER, "barbican"), (Role.OFFICER, "street-enforcement")]:
        login_as(role, code)
        response = client.get(f"/people/{world.perpetrator.id}")
        assert response.status_code in {403, 404}
        assert "Told PC Ahmed" not in visible_text(response)
    login_as(Role.MANAGER, "housing")
    assert "Told PC Ahmed" in visible_text(client.get(f"/people/{world.perpetrator.id}"))


@pytest.mark.parametrize("who", ROLES)
@freeze_time("2026-11-29 10:00")
def test_a_disclosure_about_an_incident_is_recorded_by_who_sees_its_people(
    client, login_as, world, who
):
    incident = IncidentFactory(recording_agency=agency("housing"))
    IncidentPersonFactory(incident=incident, person=world.victim)
    db.session.commit()
    user = login_as(*ROLES[who])
    path = f"/incidents/{incident.id}/disclosures/new"
    records = who in {"officer of the lead agency", "manager of the lead agency", "asb lead"}
    assert client.get(path).status_code == (200 if records else 403)
    form = disclosure_form(world, subjects=[str(world.victim.id)], authorised_by=str(user.id))
    response = client.post(path, data=form)
    if not records:
        assert response.status_code == 403 and entries() == []
        assert "Record a disclosure" not in visible_text(client.get(f"/incidents/{incident.id}"))
        return
    assert response.location == f"/incidents/{incident.id}#disclosures"
    (entry,) = entries()
    assert entry.incident_id == incident.id and entry.case_id is None
    assert [subject.person_id for subject in entry.subjects] == [world.victim.id]
    page = visible_text(client.get(f"/incidents/{incident.id}"))
    assert "Told PC Ahmed the times of the loud music" in page
