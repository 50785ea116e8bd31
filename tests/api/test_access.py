"""Who gets what through the API: each role against each endpoint and record, the policy's
answers exactly as on the pages (403 where refused, 404 where a record must not be admitted
to exist), and the people and case details only for those who may see them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from asb.auth.models import Role
from asb.extensions import db
from asb.people.vocabulary import PersonRole
from tests.factories import IncidentPersonFactory, PersonFactory
from tests.factories.incidents import reported

USERS = {
    "housing officer": (Role.OFFICER, "housing"),
    "housing manager": (Role.MANAGER, "housing"),
    "barbican officer": (Role.OFFICER, "barbican"),
    "asb lead": (Role.ASB_LEAD, "community-safety"),
    "admin": (Role.ADMIN, "community-safety"),
    "police partner": (Role.PARTNER, "city-police"),
}


@dataclass
class Records:
    incident: int
    restricted_incident: int
    case: int
    restricted_case: int
    person: int


@pytest.fixture
def records(db_session, make_case) -> Records:
    incident = reported("housing", 3)
    restricted = reported("housing", 3, restricted=True, restriction_reason="Safeguarding")
    case = make_case("housing")
    restricted_case = make_case("housing", restricted=True)
    person = PersonFactory(name="Jo Victim")
    IncidentPersonFactory(incident=incident, person=person, role=PersonRole.VICTIM)
    db.session.commit()
    return Records(incident.id, restricted.id, case.id, restricted_case.id, person.id)


def _paths(records: Records) -> dict[str, str]:
    return {
        "incident log": "/incidents",
        "incident": f"/incidents/{records.incident}",
        "restricted incident": f"/incidents/{records.restricted_incident}",
        "cases": "/cases",
        "case": f"/cases/{records.case}",
        "restricted case": f"/cases/{records.restricted_case}",
        "person": f"/people/{records.person}",
        "wards": "/reference/wards",
        "hotspots": "/hotspots",
    }


ALL_SHOWN = dict.fromkeys(
    [
        "incident log",
        "incident",
        "restricted incident",
        "cases",
        "case",
        "restricted case",
        "person",
        "wards",
        "hotspots",
        "record an incident",
    ],
    200,
) | {"record an incident": 422}
NOTHING_BUT_REFERENCE_DATA = {
    "incident log": 403,
    "incident": 403,
    "restricted incident": 404,
    "cases": 403,
    "case": 403,
    "restricted case": 404,
    "person": 404,
    "wards": 200,
    "hotspots": 403,
    "record an incident": 403,
}
EXPECTED = {
    "housing officer": ALL_SHOWN,
    "housing manager": ALL_SHOWN,
    "asb lead": ALL_SHOWN,
    "barbican officer": ALL_SHOWN
    | {"restricted incident": 404, "case": 403, "restricted case": 404},
    "admin": NOTHING_BUT_REFERENCE_DATA,
    "police partner": NOTHING_BUT_REFERENCE_DATA,
}


@pytest.mark.parametrize("who", USERS)
def test_each_role_gets_what_the_policy_gives_it(api_as, records, who):
    api = api_as(*USERS[who])

    answers = {name: api.get(path).status_code for name, path in _paths(records).items()}
    answers["record an incident"] = api.post("/incidents", json={}).status_code

    assert answers == EXPECTED[who]


def test_a_person_is_named_only_to_those_who_see_their_records_details(api_as, records):
    housing = api_as(Role.OFFICER, "housing").get(f"/people/{records.person}").get_json()
    barbican = api_as(Role.OFFICER, "barbican").get(f"/people/{records.person}").get_json()

    assert housing["personal_details_shown"] is True and housing["name"] == "Jo Victim"
    assert barbican == {
        "id": records.person,
        "merged_into_id": None,
        "personal_details_shown": False,
    }


def test_lists_leave_out_what_the_user_may_not_see(api_as, records):
    barbican = api_as(Role.OFFICER, "barbican")

    incidents = {item["id"] for item in barbican.get("/incidents").get_json()["incidents"]}
    cases = {item["id"] for item in barbican.get("/cases").get_json()["cases"]}

    assert records.incident in incidents and records.restricted_incident not in incidents
    assert cases == set()
    lead_cases = api_as(Role.ASB_LEAD, "community-safety").get("/cases").get_json()
    assert {item["id"] for item in lead_cases["cases"]} == {records.case, records.restricted_case}
