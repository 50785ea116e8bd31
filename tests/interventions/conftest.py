"""Fixtures for the interventions register: cases with an alleged perpetrator on them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask

from asb.auth.models import Role, User
from asb.cases import services as case_services
from asb.cases.models import Case
from asb.extensions import db
from asb.people.models import CasePerson, Person
from asb.people.vocabulary import PersonRole
from tests.factories import UserFactory, agency


@pytest.fixture
def open_case(app: Flask, db_session) -> Callable[..., Case]:
    """A committed case led by the agency given, with partners if asked."""

    def make(
        lead: str = "street-enforcement",
        *,
        partners: tuple[str, ...] = (),
        restricted: bool = False,
        title: str = "Begging outside the station",
    ) -> Case:
        actor = UserFactory(role=Role.MANAGER, agency=agency(lead))
        with app.test_request_context():
            case = case_services.open_case(
                title=title,
                summary="Aggressive begging most mornings",
                lead_agency=agency(lead),
                actor=actor,
                restricted=restricted,
                restriction_reason="Domestic abuse" if restricted else None,
            )
            for code in partners:
                case_services.add_partner(case, agency(code), actor=actor)
        db.session.commit()
        return case

    return make


@pytest.fixture
def add_person(db_session) -> Callable[..., Person]:
    def add(
        case: Case,
        name: str = "Sam Example",
        *,
        role: PersonRole = PersonRole.PERPETRATOR,
        date_of_birth: date | None = None,
    ) -> Person:
        person = Person(name=name, name_key=name.lower(), date_of_birth=date_of_birth)
        db.session.add(person)
        db.session.flush()
        db.session.add(CasePerson(case_id=case.id, person_id=person.id, role=role))
        db.session.commit()
        return person

    return add


@pytest.fixture
def officer(login_as) -> User:
    """A Street Enforcement officer, signed in."""
    return login_as(Role.OFFICER, "street-enforcement")
