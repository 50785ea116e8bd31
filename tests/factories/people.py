"""People, and their parts in cases and incidents."""

from __future__ import annotations

import factory

from asb.models import CasePerson, IncidentPerson, Person
from asb.people.services import normalise_address, normalise_name
from asb.people.vocabulary import PersonRole
from tests.factories.base import BaseFactory


class PersonFactory(BaseFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    name_key = factory.LazyAttribute(lambda o: normalise_name(o.name))
    address = None
    address_key = factory.LazyAttribute(lambda o: normalise_address(o.address))


class CasePersonFactory(BaseFactory):
    """A person on a case, put there directly (the service also records it on the timeline)."""

    class Meta:
        model = CasePerson

    role = PersonRole.VICTIM


class IncidentPersonFactory(BaseFactory):
    class Meta:
        model = IncidentPerson

    role = PersonRole.VICTIM
