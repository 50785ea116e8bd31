"""People known to several agencies: Housing's record of Jo Bloggs, and other agencies'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from asb.auth.models import Role, User
from asb.cases.models import Case
from asb.extensions import db
from asb.incidents.models import Incident
from asb.people.models import Person
from asb.people.vocabulary import PersonRole
from tests.factories import (
    CasePersonFactory,
    IncidentPersonFactory,
    PersonFactory,
    UserFactory,
    agency,
    make_case,
    reported,
)

BORN = date(1980, 5, 1)
ADDRESS = "12 Crescent House, EC1Y 0SL"


@dataclass
class Known:
    housing_officer: User
    barbican_manager: User
    person: Person  # Housing's record: on a Housing incident
    barbican_person: Person  # same name and date of birth: on a Barbican incident and case
    barbican_incident: Incident
    barbican_case: Case
    housing_incident: Incident


def link_incident(person: Person, incident: Incident) -> None:
    IncidentPersonFactory(incident_id=incident.id, person_id=person.id, role=PersonRole.VICTIM)


def link_case(person: Person, case: Case) -> None:
    CasePersonFactory(case_id=case.id, person_id=person.id, role=PersonRole.VICTIM)


@pytest.fixture
def known(db_session) -> Known:
    housing_officer = UserFactory(role=Role.OFFICER, agency=agency("housing"))
    barbican_manager = UserFactory(role=Role.MANAGER, agency=agency("barbican"))
    person = PersonFactory(name="Jo Bloggs", date_of_birth=BORN, address=ADDRESS)
    housing_incident = reported("housing", 3)
    link_incident(person, housing_incident)
    barbican_person = PersonFactory(
        name="jo  BLOGGS",
        date_of_birth=BORN,
        address="Flat 3, Defoe House",
        phone="020 7946 0999",
        vulnerability_notes="Hearing impaired",
    )
    barbican_incident = reported(
        "barbican", 20, location_description="Defoe House stairwell", description="Shouting"
    )
    link_incident(barbican_person, barbican_incident)
    barbican_case = make_case("barbican", title="Harassment on the Barbican Estate")
    link_case(barbican_person, barbican_case)
    db.session.commit()
    return Known(
        housing_officer=housing_officer,
        barbican_manager=barbican_manager,
        person=person,
        barbican_person=barbican_person,
        barbican_incident=barbican_incident,
        barbican_case=barbican_case,
        housing_incident=housing_incident,
    )
