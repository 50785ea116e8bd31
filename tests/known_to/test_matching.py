"""Which other agencies a person is known to: matched on name and date of birth, or name and
address, following merges; only records the viewer may not see the details of."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from asb.auth.models import Role
from asb.extensions import db
from asb.known_to.queries import also_known_to, also_known_to_by_details
from asb.people.services import merge_people
from tests.factories import PersonFactory, UserFactory, agency, make_case, reported
from tests.known_to.conftest import ADDRESS, BORN, link_case, link_incident


def summary(found) -> dict[str, int]:
    return {item.agency.name: item.records for item in found}


def test_same_name_and_date_of_birth_counts_the_other_agencys_incidents_and_cases(known):
    found = also_known_to(known.person, known.housing_officer)

    assert summary(found) == {"Barbican Estates": 2}
    assert found[0].records_words == "2 records"
    assert found[0].may_ask


def test_same_name_and_address_matches_without_a_date_of_birth(known):
    namesake = PersonFactory(name="Jo Bloggs", address=ADDRESS.lower() + " ")
    link_incident(namesake, reported("street-enforcement", 5))
    db.session.commit()

    found = also_known_to(known.person, known.housing_officer)

    assert summary(found) == {"Barbican Estates": 2, "Street Enforcement, Built Environment": 1}


@pytest.mark.parametrize(
    "near_miss",
    [
        {"name": "Jo Bloggs", "date_of_birth": date(1980, 5, 2), "address": "1 Other Street"},
        {"name": "Jo Blogs", "date_of_birth": BORN, "address": ADDRESS},
        {"name": "Joanne Bloggs", "date_of_birth": BORN, "address": None},
        {"name": "Sam Other", "date_of_birth": None, "address": ADDRESS},
    ],
    ids=["other-date-and-address", "name-one-letter-out", "other-first-name", "address-only"],
)
def test_near_misses_are_not_matched(db_session, near_miss):
    officer = UserFactory(role=Role.OFFICER, agency=agency("housing"))
    person = PersonFactory(name="Jo Bloggs", date_of_birth=BORN, address=ADDRESS)
    link_incident(person, reported("housing", 2))
    other = PersonFactory(**near_miss)
    link_incident(other, reported("mcp", 4))
    db.session.commit()

    assert also_known_to(person, officer) == []


def test_a_merged_record_stands_for_the_record_it_was_merged_into(known, lead):
    # The Markets record was merged into one under another name: its records moved with it.
    kept = PersonFactory(name="Joanna Bloggs-Smith", date_of_birth=date(1979, 1, 1))
    merged = PersonFactory(name="Jo Bloggs", date_of_birth=BORN)
    link_case(merged, make_case("mcp"))
    db.session.commit()
    merge_people(kept, merged, actor=lead)
    db.session.commit()

    found = also_known_to(known.person, known.housing_officer)

    assert summary(found) == {"Barbican Estates": 2, "Markets & Consumer Protection": 1}


def test_records_the_viewer_sees_the_details_of_are_not_counted(known):
    # Housing is the team on a case Barbican leads: Housing sees its people already.
    shared = make_case("barbican", team="housing")
    link_case(known.barbican_person, shared)
    db.session.commit()

    assert summary(also_known_to(known.person, known.housing_officer)) == {"Barbican Estates": 2}


def test_the_viewers_own_agency_is_never_listed(known):
    colleague_record = PersonFactory(name="Jo Bloggs", date_of_birth=BORN)
    link_incident(colleague_record, reported("housing", 9))
    db.session.commit()

    names = summary(also_known_to(known.person, known.housing_officer))

    assert "Housing, DCCS" not in names


def test_restricted_records_count_without_saying_so(known):
    restricted = reported("barbican", 1, restricted=True, restriction_reason="Domestic abuse")
    link_incident(known.barbican_person, restricted)
    db.session.commit()

    found = also_known_to(known.person, known.housing_officer)

    assert summary(found) == {"Barbican Estates": 3}


def test_the_asb_lead_sees_everything_so_is_told_of_no_other_agency(known, lead):
    assert also_known_to(known.person, lead) == []


def test_matching_typed_details_before_the_person_is_recorded(known):
    found = also_known_to_by_details(
        known.housing_officer, name=" JO bloggs ", date_of_birth=BORN, address=None
    )

    assert summary(found) == {"Barbican Estates": 2}
    assert also_known_to_by_details(known.housing_officer, name="", address=ADDRESS) == []


def test_matching_takes_a_fixed_number_of_queries_however_many_records(known):
    for _ in range(5):
        link_incident(known.barbican_person, reported("barbican", 2))
        link_case(known.barbican_person, make_case("barbican"))
    db.session.commit()
    db.session.expire_all()
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        found = also_known_to_by_details(
            known.housing_officer, name="Jo Bloggs", date_of_birth=BORN
        )
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert summary(found) == {"Barbican Estates": 12}
    # Incidents, cases, their partners, the agencies' names; the user's agency at most.
    assert 2 <= len(statements) <= 5, statements
