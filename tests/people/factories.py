"""Factories for cases and people; they flush into the test's rolled-back transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import factory

from asb.auth.models import Role, User
from asb.cases.models import Case
from asb.cases.services import add_partner, open_case
from asb.people.models import Person
from asb.people.services import normalise_address, normalise_name
from tests.factories import BaseFactory, IncidentFactory, UserFactory, agency


class PersonFactory(BaseFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    name_key = factory.LazyAttribute(lambda o: normalise_name(o.name))
    address = None
    address_key = factory.LazyAttribute(lambda o: normalise_address(o.address))


def make_case(
    agency_code: str = "housing",
    *,
    actor: User | None = None,
    partners: tuple[str, ...] = (),
    **fields,
) -> Case:
    """An open case led by the agency, opened through the service as an officer would."""
    lead = agency(agency_code)
    actor = actor or UserFactory(role=Role.OFFICER, agency=lead)
    fields.setdefault("title", "Noise from 12 Crescent House")
    fields.setdefault("summary", "Repeated loud music late at night")
    case = open_case(lead_agency=lead, actor=actor, **fields)
    for code in partners:
        add_partner(case, agency(code), actor=actor)
    return case


def days_ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def reported(agency_code: str, days: float, **fields):
    """An incident recorded by the agency, that happened some days ago."""
    return IncidentFactory(
        recording_agency=agency(agency_code), occurred_from=days_ago(days), **fields
    )
