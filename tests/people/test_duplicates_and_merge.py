"""Duplicate people are found and merged, and nothing the duplicate said is lost."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.case_reviews.models import CaseReviewExplanation
from asb.extensions import db
from asb.people import queries, services
from asb.people.models import CasePerson, IncidentPerson, PersonMerge
from asb.people.vocabulary import ExplanationMethod, PersonRole
from tests.factories import PersonFactory, UserFactory, make_case, reported

BORN = date(1980, 5, 1)


def test_same_name_and_date_of_birth_is_a_possible_duplicate(db_session):
    person = PersonFactory(name="Sam Caller", date_of_birth=BORN)
    same = PersonFactory(name="  sam   CALLER", date_of_birth=BORN)
    PersonFactory(name="Sam Caller", date_of_birth=date(1981, 5, 1))
    PersonFactory(name="Sam Callers", date_of_birth=BORN)

    assert queries.find_duplicates(person) == [same]


def test_same_name_without_a_date_of_birth_is_not_enough(db_session):
    person = PersonFactory(name="Sam Caller")
    PersonFactory(name="Sam Caller")

    assert queries.find_duplicates(person) == []


def test_same_address_is_a_possible_duplicate(db_session):
    person = PersonFactory(name="Sam Caller", address="Flat 3, 12 Crescent House, EC1Y 0SL")
    same = PersonFactory(name="Alex Other", address="apartment 3 12 crescent house ec1y0sl")
    PersonFactory(name="Sam Caller", address="Flat 4, 12 Crescent House, EC1Y 0SL")

    assert queries.find_duplicates(person) == [same]


def test_merged_records_are_never_offered_as_duplicates(db_session):
    person = PersonFactory(name="Sam Caller", date_of_birth=BORN)
    kept = PersonFactory(name="Sam Caller", date_of_birth=BORN)
    merged = PersonFactory(name="Sam Caller", date_of_birth=BORN)
    services.merge_people(kept, merged, actor=UserFactory())

    assert queries.find_duplicates(person) == [kept]


def test_merge_moves_every_link_and_keeps_the_duplicates_details(db_session):
    actor = UserFactory()
    case = make_case(actor=actor)
    other_case = make_case(actor=actor)
    incident = reported("housing", 10)
    keep = PersonFactory(name="Sam Caller", date_of_birth=BORN, phone=None)
    duplicate = PersonFactory(
        name="Samuel Caller",
        address="Flat 3, 12 Crescent House",
        phone="020 7946 0002",
        vulnerability_notes="Hearing impaired: text, do not call",
    )
    services.add_person_to_case(case, role=PersonRole.VICTIM, actor=actor, person=keep)
    services.add_person_to_case(case, role=PersonRole.VICTIM, actor=actor, person=duplicate)
    services.add_person_to_case(case, role=PersonRole.WITNESS, actor=actor, person=duplicate)
    services.add_person_to_case(other_case, role=PersonRole.REPORTER, actor=actor, person=duplicate)
    services.link_person_to_incident(incident, duplicate, PersonRole.VICTIM, actor=actor)
    services.link_person_to_incident(incident, keep, PersonRole.VICTIM, actor=actor)
    services.link_person_to_incident(incident, duplicate, PersonRole.REPORTER, actor=actor)
    services.record_case_review_explained(
        incident, how=ExplanationMethod.PHONE, actor=actor, person=duplicate
    )

    merge = services.merge_people(keep, duplicate, actor=actor)

    case_links = db.session.scalars(select(CasePerson).order_by(CasePerson.id)).all()
    assert {(link.case_id, link.person_id, link.role) for link in case_links} == {
        (case.id, keep.id, PersonRole.VICTIM),
        (case.id, keep.id, PersonRole.WITNESS),
        (other_case.id, keep.id, PersonRole.REPORTER),
    }
    incident_links = db.session.scalars(select(IncidentPerson)).all()
    assert {(link.person_id, link.role) for link in incident_links} == {
        (keep.id, PersonRole.VICTIM),
        (keep.id, PersonRole.REPORTER),
    }
    assert db.session.scalar(select(CaseReviewExplanation.person_id)) == keep.id
    assert (keep.name, keep.date_of_birth) == ("Sam Caller", BORN)
    assert keep.phone == "020 7946 0002"
    assert keep.address == "Flat 3, 12 Crescent House"
    assert keep.address_key == "flat 3 12 crescent house"
    assert keep.vulnerability_notes == "Hearing impaired: text, do not call"
    assert duplicate.merged_into_id == keep.id

    assert db.session.scalar(select(PersonMerge)) is merge
    assert (merge.kept_person_id, merge.merged_person_id, merge.merged_by_id) == (
        keep.id,
        duplicate.id,
        actor.id,
    )
    details = merge.merged_details
    assert details["name"] == "Samuel Caller"
    assert details["phone"] == "020 7946 0002"
    assert details["vulnerability_notes"] == "Hearing impaired: text, do not call"
    assert {(link["case_id"], link["role"], link["dropped"]) for link in details["case_links"]} == {
        (case.id, "victim", True),
        (case.id, "witness", False),
        (other_case.id, "reporter", False),
    }
    assert sorted(details["filled_on_kept_record"]) == ["address", "phone", "vulnerability_notes"]
    db.session.commit()  # audit entries are written when their transaction commits
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.merged"))
    assert event.detail == {"merged_person_id": duplicate.id}


def test_merge_keeps_both_sets_of_vulnerability_notes(db_session):
    keep = PersonFactory(vulnerability_notes="Uses a wheelchair")
    duplicate = PersonFactory(vulnerability_notes="Hearing impaired")

    services.merge_people(keep, duplicate, actor=UserFactory())

    assert keep.vulnerability_notes == "Uses a wheelchair\n\nHearing impaired"


def test_a_record_cannot_be_merged_twice_or_into_itself(db_session):
    actor = UserFactory()
    keep, duplicate = PersonFactory(), PersonFactory()
    services.merge_people(keep, duplicate, actor=actor)

    for pair in ((keep, keep), (keep, duplicate), (duplicate, keep)):
        try:
            services.merge_people(*pair, actor=actor)
        except services.PeopleError:
            continue
        raise AssertionError(f"merged {pair}")


def _two_records_on_a_housing_case():
    actor = UserFactory()
    case = make_case(actor=actor)
    keep = PersonFactory(name="Sam Caller", date_of_birth=BORN)
    duplicate = PersonFactory(name="Sam Caller", date_of_birth=BORN, phone="020 7946 0002")
    services.add_person_to_case(case, role=PersonRole.VICTIM, actor=actor, person=keep)
    services.add_person_to_case(case, role=PersonRole.WITNESS, actor=actor, person=duplicate)
    db.session.commit()
    return case, keep, duplicate


def test_an_officer_merges_duplicates_after_confirming(client, login_as):
    case, keep, duplicate = _two_records_on_a_housing_case()
    login_as(Role.OFFICER, "housing")

    page = client.get(f"/people/{keep.id}").get_data(as_text=True)
    assert "Possible duplicates" in page
    assert f"/people/{keep.id}/merge?duplicate_id={duplicate.id}" in page
    confirm = client.get(f"/people/{keep.id}/merge?duplicate_id={duplicate.id}")
    assert confirm.status_code == 200
    assert "Record to merge into it" in confirm.get_data(as_text=True)
    assert db.session.get(type(duplicate), duplicate.id).merged_into_id is None

    response = client.post(f"/people/{keep.id}/merge", data={"duplicate_id": duplicate.id})

    assert response.status_code == 302
    assert response.location.endswith(f"/people/{keep.id}")
    assert duplicate.merged_into_id == keep.id
    assert {link.person_id for link in case.people} == {keep.id}


def test_a_merged_persons_page_redirects_to_the_kept_record(client, login_as):
    _case, keep, duplicate = _two_records_on_a_housing_case()
    services.merge_people(keep, duplicate, actor=UserFactory())
    db.session.commit()
    login_as(Role.OFFICER, "housing")

    response = client.get(f"/people/{duplicate.id}")

    assert response.status_code == 302
    assert response.location.endswith(f"/people/{keep.id}")


def test_only_the_asb_lead_merges_records_held_by_other_agencies(client, login_as):
    _case, keep, _ = _two_records_on_a_housing_case()
    elsewhere = PersonFactory(name="Sam Caller", date_of_birth=BORN)
    barbican_case = make_case("barbican")
    services.add_person_to_case(
        barbican_case, role=PersonRole.VICTIM, actor=barbican_case.created_by, person=elsewhere
    )
    db.session.commit()

    login_as(Role.OFFICER, "housing")
    page = client.get(f"/people/{keep.id}").get_data(as_text=True)
    assert f"duplicate_id={elsewhere.id}" not in page
    url = f"/people/{keep.id}/merge"
    assert client.get(f"{url}?duplicate_id={elsewhere.id}").status_code == 404
    assert client.post(url, data={"duplicate_id": elsewhere.id}).status_code == 404
    assert elsewhere.merged_into_id is None

    login_as(Role.ASB_LEAD, "community-safety")
    assert f"duplicate_id={elsewhere.id}" in client.get(f"/people/{keep.id}").get_data(as_text=True)
    assert client.post(url, data={"duplicate_id": elsewhere.id}).status_code == 302
    assert elsewhere.merged_into_id == keep.id
