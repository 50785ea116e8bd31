"""People on cases: adding them, who sees their names, and who reaches their pages."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from asb.auth.models import Role
from asb.cases.models import TimelineEntry
from asb.cases.services import link_incident
from asb.cases.vocabulary import TimelineKind
from asb.extensions import db
from asb.people import services
from asb.people.forms import CHOOSE_MATCH
from asb.people.models import CasePerson, IncidentPerson, Person
from asb.people.vocabulary import PersonRole
from tests.factories import PersonFactory, UserFactory, make_case, reported
from tests.helpers import error_summary

BORN = date(1980, 5, 1)


def _details(**changes) -> dict:
    data = {
        "role": "victim",
        "name": "Sam Caller",
        "date_of_birth": ["1", "5", "1980"],
        "address": "Flat 3, 12 Crescent House, EC1Y 0SL",
        "phone": "020 7946 0002",
        "email": "sam.caller@example.com",
        "vulnerability_notes": "Hearing impaired",
    }
    data.update(changes)
    return data


def test_an_officer_adds_a_new_person_to_their_case(client, login_as):
    officer = login_as(Role.OFFICER, "housing")
    case = make_case(actor=officer)
    db.session.commit()

    assert client.get(f"/cases/{case.id}/people/new").status_code == 200
    response = client.post(f"/cases/{case.id}/people/new", data=_details())

    assert response.status_code == 302
    [link] = case.people
    person = link.person
    assert link.role is PersonRole.VICTIM
    assert (person.name, person.name_key, person.date_of_birth) == (
        "Sam Caller",
        "sam caller",
        BORN,
    )
    assert person.address_key == "flat 3 12 crescent house ec1y 0sl"
    entry = db.session.scalar(
        select(TimelineEntry).where(TimelineEntry.kind == TimelineKind.PERSON)
    )
    assert entry.summary == "Victim added to the case"
    assert "Sam" not in entry.summary


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"role": ""}, "Select the person&#39;s role in the case"),
        ({"name": " "}, "Enter the person&#39;s full name"),
        ({"date_of_birth": ["31", "2", "1980"]}, "Date of birth must be a real date"),
        ({"date_of_birth": ["1", "1", "2999"]}, "Date of birth must be in the past"),
        ({"email": "not-an-email"}, "Enter the email address in the right format"),
        ({"phone": "call me"}, "Enter the phone number using only numbers"),
    ],
)
def test_the_person_form_says_what_to_fix(client, login_as, changes, message):
    officer = login_as(Role.OFFICER, "housing")
    case = make_case(actor=officer)
    db.session.commit()

    response = client.post(f"/cases/{case.id}/people/new", data=_details(**changes))

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert case.people == []


def test_possible_matches_are_offered_and_an_existing_person_can_be_chosen(client, login_as):
    officer = login_as(Role.OFFICER, "housing")
    case = make_case(actor=officer)
    earlier_case = make_case(actor=officer)
    existing = PersonFactory(name="Sam Caller", date_of_birth=BORN, phone=None)
    services.add_person_to_case(
        earlier_case, role=PersonRole.VICTIM, actor=officer, person=existing
    )
    db.session.commit()
    url = f"/cases/{case.id}/people/new"

    offered = client.post(url, data=_details(address=""))
    page = offered.get_data(as_text=True)
    assert offered.status_code == 200
    assert "We found records that may be the same person" in page
    assert f'value="{existing.id}"' in page
    assert "There is a problem" not in page
    assert case.people == []

    unanswered = client.post(url, data=_details(address="", matches_shown="yes"))
    assert "Select the person if they already have a record" in unanswered.get_data(as_text=True)

    chosen = client.post(
        url, data=_details(address="", matches_shown="yes", existing_person=str(existing.id))
    )

    assert chosen.status_code == 302
    assert [link.person_id for link in case.people] == [existing.id]
    assert existing.phone == "020 7946 0002"  # a blank filled from what the officer entered
    assert db.session.scalar(select(db.func.count()).select_from(Person)) == 1


def test_the_officer_can_add_a_new_person_despite_a_match(client, login_as):
    officer = login_as(Role.OFFICER, "housing")
    case = make_case(actor=officer)
    services.add_person_to_case(
        make_case(actor=officer),
        role=PersonRole.VICTIM,
        actor=officer,
        person=PersonFactory(name="Sam Caller", date_of_birth=BORN),
    )
    db.session.commit()

    response = client.post(
        f"/cases/{case.id}/people/new", data=_details(matches_shown="yes", existing_person="new")
    )

    assert response.status_code == 302
    assert db.session.scalar(select(db.func.count()).select_from(Person)) == 2


def test_matches_held_only_by_other_agencies_are_not_shown(client, login_as):
    barbican_case = make_case("barbican")
    services.add_person_to_case(
        barbican_case,
        role=PersonRole.VICTIM,
        actor=barbican_case.created_by,
        person=PersonFactory(name="Sam Caller", date_of_birth=BORN, address="Barbican secret"),
    )
    officer = login_as(Role.OFFICER, "housing")
    case = make_case(actor=officer)
    db.session.commit()

    response = client.post(f"/cases/{case.id}/people/new", data=_details())

    assert response.status_code == 302
    assert "Barbican secret" not in response.get_data(as_text=True)


def test_a_person_named_on_a_linked_incident_is_offered_and_linked_to_it(client, login_as):
    officer = login_as(Role.OFFICER, "housing")
    incident = reported("housing", 3, reporter_name="Alex Reporter")
    case = make_case(actor=officer)
    link_incident(case, incident, actor=officer)
    db.session.commit()

    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    add_url = f"/cases/{case.id}/people/new?incident={incident.id}&amp;named=reporter"
    assert "Alex Reporter, reporter on " + incident.reference in page
    assert add_url in page
    form = client.get(add_url.replace("&amp;", "&")).get_data(as_text=True)
    assert 'value="Alex Reporter"' in form

    response = client.post(
        f"/cases/{case.id}/people/new",
        data=_details(
            name="Alex Reporter",
            address="",
            date_of_birth=["", "", ""],
            incident_id=str(incident.id),
            named_as="reporter",
        ),
    )

    assert response.status_code == 302
    [link] = case.people
    roles = db.session.scalars(
        select(IncidentPerson.role).where(IncidentPerson.person_id == link.person_id)
    ).all()
    assert sorted(roles) == [PersonRole.REPORTER, PersonRole.VICTIM]
    assert "Alex Reporter, reporter on" not in client.get(f"/cases/{case.id}").get_data(
        as_text=True
    )


def test_the_lead_agency_sees_names_and_partner_agencies_see_counts(client, login_as):
    actor = UserFactory()
    case = make_case(actor=actor, partners=("barbican",))
    for role, name in ((PersonRole.VICTIM, "Sam Caller"), (PersonRole.PERPETRATOR, "Pat Noisy")):
        services.add_person_to_case(case, role=role, actor=actor, name=name)
    db.session.commit()

    login_as(Role.OFFICER, "housing")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Sam Caller" in page and "Pat Noisy" in page
    assert "Add a person" in page

    login_as(Role.OFFICER, "barbican")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Sam Caller" not in page and "Pat Noisy" not in page
    assert "Details withheld" in page
    assert "Alleged perpetrator" in page
    assert "Add a person" not in page
    assert "Victim added to the case" in page


def test_a_repeat_victim_is_flagged_on_the_case_page(client, login_as):
    officer = login_as(Role.OFFICER, "housing")
    case = make_case(actor=officer)
    person = PersonFactory(name="Sam Caller")
    services.add_person_to_case(case, role=PersonRole.VICTIM, actor=officer, person=person)
    for code, days in (("housing", 40), ("barbican", 30), ("mcp", 20)):
        services.link_person_to_incident(
            reported(code, days), person, PersonRole.VICTIM, actor=officer
        )
    db.session.commit()

    page = client.get(f"/cases/{case.id}").get_data(as_text=True)

    assert "Repeat victim" in page
    assert "3 reports in 6 months across Housing, DCCS; Barbican Estates" in page


ACCESS = [
    # who, agency, status of the person page and of the add-person page
    ("lead agency officer", Role.OFFICER, "housing", 200, 200),
    ("lead agency manager", Role.MANAGER, "housing", 200, 200),
    ("partner agency on the case", Role.OFFICER, "barbican", 403, 403),
    ("uninvolved agency", Role.OFFICER, "street-enforcement", 404, 403),
    ("asb lead", Role.ASB_LEAD, "community-safety", 200, 200),
    ("external partner", Role.PARTNER, "city-police", 404, 403),
    ("admin", Role.ADMIN, "community-safety", 404, 403),
]


@pytest.mark.parametrize(
    ("who", "role", "agency_code", "person_page", "add_page"),
    ACCESS,
    ids=[row[0] for row in ACCESS],
)
def test_who_reaches_a_persons_page(
    client, login_as, who, role, agency_code, person_page, add_page
):
    actor = UserFactory()
    case = make_case(actor=actor, partners=("barbican",))
    link = services.add_person_to_case(case, role=PersonRole.VICTIM, actor=actor, name="Sam Caller")
    db.session.commit()
    login_as(role, agency_code)

    response = client.get(f"/people/{link.person_id}")

    assert response.status_code == person_page
    assert ("Sam Caller" in response.get_data(as_text=True)) is (person_page == 200)
    assert client.get(f"/cases/{case.id}/people/new").status_code == add_page


def test_a_person_only_on_a_restricted_case_is_not_admitted_to_exist(client, login_as):
    actor = UserFactory()
    case = make_case(actor=actor, restricted=True, restriction_reason="Domestic abuse")
    link = services.add_person_to_case(case, role=PersonRole.VICTIM, actor=actor, name="Sam")
    db.session.commit()
    login_as(Role.OFFICER, "barbican")

    assert client.get(f"/people/{link.person_id}").status_code == 404
    assert client.get(f"/cases/{case.id}/people/new").status_code == 404


def test_the_person_page_lists_only_records_whose_people_the_user_may_see(client, login_as):
    actor = UserFactory()
    case = make_case(actor=actor)
    hidden_case = make_case("barbican")
    person = PersonFactory(name="Sam Caller")
    services.add_person_to_case(case, role=PersonRole.VICTIM, actor=actor, person=person)
    services.add_person_to_case(
        hidden_case, role=PersonRole.WITNESS, actor=hidden_case.created_by, person=person
    )
    partner_case = make_case("barbican", partners=("housing",))
    services.add_person_to_case(
        partner_case, role=PersonRole.VICTIM, actor=partner_case.created_by, person=person
    )
    own = reported("housing", 5)
    restricted = reported("barbican", 4, restricted=True, restriction_reason="Safeguarding")
    shared = reported("barbican", 3)
    for incident in (own, restricted, shared):
        services.link_person_to_incident(incident, person, PersonRole.VICTIM, actor=actor)
    db.session.commit()
    login_as(Role.OFFICER, "housing")

    page = client.get(f"/people/{person.id}").get_data(as_text=True)

    assert case.reference in page
    assert own.reference in page
    # Housing sees these records, but not who is on them.
    assert hidden_case.reference not in page
    assert partner_case.reference not in page
    assert restricted.reference not in page
    assert shared.reference not in page


def test_a_person_cannot_be_added_twice_in_the_same_role(db_session):
    actor = UserFactory()
    case = make_case(actor=actor)
    person = PersonFactory()
    services.add_person_to_case(case, role=PersonRole.VICTIM, actor=actor, person=person)

    with pytest.raises(services.PeopleError, match="already on this case as a victim"):
        services.add_person_to_case(case, role=PersonRole.VICTIM, actor=actor, person=person)
    services.add_person_to_case(case, role=PersonRole.WITNESS, actor=actor, person=person)
    assert len(db.session.scalars(select(CasePerson)).all()) == 2


def test_the_possible_match_question_has_its_legend_and_an_error_summary(client, login_as):
    officer = login_as(Role.OFFICER, "housing")
    case = make_case(actor=officer)
    existing = PersonFactory(name="Sam Caller", date_of_birth=BORN, phone=None)
    services.add_person_to_case(
        make_case(actor=officer), role=PersonRole.VICTIM, actor=officer, person=existing
    )
    db.session.commit()
    url = f"/cases/{case.id}/people/new"

    offered = BeautifulSoup(client.post(url, data=_details(address="")).text, "html.parser")
    legend = offered.select_one("input[name=existing_person]").find_parent("fieldset").legend
    assert legend.get_text(strip=True) == "Is this one of these people?"

    unanswered = client.post(url, data=_details(address="", matches_shown="yes"))
    assert ("#existing_person", CHOOSE_MATCH) in error_summary(unanswered)
    assert BeautifulSoup(unanswered.text, "html.parser").title.get_text().startswith("Error:")
