"""A restricted incident and a restricted case held by Housing, with a person on each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from asb.auth.models import Role, User
from asb.cases.models import Case
from asb.extensions import db
from asb.incidents.models import Incident
from asb.people.models import Person
from asb.people.vocabulary import PersonRole
from tests.factories import (
    CasePersonFactory,
    IncidentFactory,
    IncidentPersonFactory,
    PersonFactory,
    agency,
    make_case,
    make_user,
)

REASON = "The victim's neighbour called 999 about threats; I need the history to assess the risk."


@dataclass
class Restricted:
    incident: Incident
    case: Case
    victim: Person
    housing_manager: User
    housing_officer: User
    lead: User


@pytest.fixture
def restricted(db_session) -> Restricted:
    housing_manager = make_user(Role.MANAGER, "housing")
    housing_officer = make_user(Role.OFFICER, "housing")
    lead = make_user(Role.ASB_LEAD, "community-safety")
    incident = IncidentFactory(
        restricted=True,
        restriction_reason="Domestic abuse",
        recording_agency=agency("housing"),
        reporter_name="Jo Hidden",
    )
    case = make_case(
        "housing",
        housing_manager,
        title="Safeguarding concern",
        restricted=True,
        restriction_reason="Domestic abuse",
        partners=["barbican"],
    )
    victim = PersonFactory(name="Jo Hidden")
    IncidentPersonFactory(incident=incident, person=victim, role=PersonRole.VICTIM)
    CasePersonFactory(case_id=case.id, person_id=victim.id, role=PersonRole.VICTIM)
    db.session.commit()
    return Restricted(incident, case, victim, housing_manager, housing_officer, lead)


@pytest.fixture
def ask(client) -> Callable[..., object]:
    """Send the emergency access form with a complete answer, some answers changed (None:
    left out, as a browser leaves out a box not ticked)."""

    def send(reference: str, **changes):
        data = {
            "reference": reference,
            "reason": REASON,
            "lawful_basis": "vital-interests",
            "understood": "understood",
            **changes,
        }
        return client.post(
            "/emergency-access/new",
            data={name: value for name, value in data.items() if value is not None},
        )

    return send
