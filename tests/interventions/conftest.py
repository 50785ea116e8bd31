"""Fixtures for the interventions register: cases with an alleged perpetrator on them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from asb.auth.models import Role, User
from asb.cases.models import Case
from asb.extensions import db
from asb.people.models import Person
from asb.people.vocabulary import PersonRole
from tests.factories import CasePersonFactory, PersonFactory


@pytest.fixture
def open_case(make_case) -> Callable[..., Case]:
    """A committed case led by the agency given, with partners if asked."""

    def make(
        lead: str = "street-enforcement", *, title: str = "Begging outside the station", **fields
    ) -> Case:
        return make_case(lead, title=title, summary="Aggressive begging most mornings", **fields)

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
        person = PersonFactory(name=name, date_of_birth=date_of_birth)
        CasePersonFactory(case_id=case.id, person_id=person.id, role=role)
        db.session.commit()
        return person

    return add


@pytest.fixture
def officer(login_as) -> User:
    """A Street Enforcement officer, signed in."""
    return login_as(Role.OFFICER, "street-enforcement")
