"""Agencies and users."""

from __future__ import annotations

import factory

from asb.auth.models import Role
from asb.auth.passwords import hash_password
from asb.models import Agency, User
from tests.factories.base import TEST_PASSWORD, BaseFactory, agency

_TEST_PASSWORD_HASH = hash_password(TEST_PASSWORD)


class AgencyFactory(BaseFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"Agency {n}")
    is_external = False


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    name = factory.Sequence(lambda n: f"Test User {n}")
    agency = factory.LazyFunction(lambda: agency("housing"))
    role = Role.OFFICER
    password_hash = _TEST_PASSWORD_HASH


def make_user(role: Role | str = Role.OFFICER, agency_code: str = "housing", **fields) -> User:
    """A flushed user of one of the standard agencies (the `make_user` fixture commits one)."""
    return UserFactory(role=Role(role), agency=agency(agency_code), **fields)
