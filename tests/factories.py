"""Factories for every model; they flush into the test's rolled-back transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import factory
from sqlalchemy import select

from asb.auth.models import Agency, Role, User
from asb.auth.passwords import hash_password
from asb.extensions import db
from asb.geo.services import geography
from asb.incidents.models import Incident, LocalAsbType
from asb.incidents.services import next_reference
from asb.incidents.vocabulary import (
    Category,
    IncidentSource,
    IncidentStatus,
    Qualifier,
    ReportingChannel,
    ReportKind,
)

TEST_PASSWORD = "correct horse battery staple"
_TEST_PASSWORD_HASH = hash_password(TEST_PASSWORD)

# A point in Cheap ward, in the middle of the City.
CITY_POINT = (51.5155, -0.0922)


def agency(code: str) -> Agency:
    """One of the standard agencies the migrations create."""
    return db.session.scalar(select(Agency).where(Agency.code == code))


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


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


class LocalAsbTypeFactory(BaseFactory):
    class Meta:
        model = LocalAsbType

    name = factory.Sequence(lambda n: f"Local type {n}")


class IncidentFactory(BaseFactory):
    class Meta:
        model = Incident

    reference = factory.LazyAttribute(lambda o: next_reference("ASB", o.occurred_from.year))
    source = IncidentSource.PARTNERSHIP
    status = IncidentStatus.NEW
    occurred_from = factory.LazyFunction(lambda: datetime.now(UTC) - timedelta(days=2))
    location_description = "Golden Lane Estate, Crescent House"
    latitude = CITY_POINT[0]
    longitude = CITY_POINT[1]
    ward_code = "E05009298"
    ward_name = "Cheap"
    qualifier = Qualifier.NUISANCE
    category = Category.NOISE
    description = "Loud music from a flat late at night"
    reporting_channel = ReportingChannel.PHONE
    report_kind = ReportKind.COMPLAINT
    reporter_anonymous = False
    reporter_name = "Alex Reporter"
    reporter_phone = "020 7946 0001"
    reporter_email = "alex.reporter@example.com"
    reporter_is_victim = True
    vulnerabilities = factory.LazyFunction(lambda: ["older-person"])
    recording_agency = factory.LazyFunction(lambda: agency("housing"))

    @factory.post_generation
    def grid_position(incident, create, extracted, **kwargs):
        """Place the incident on the hotspot grid as recording it would (wards stay as given)."""
        location = geography().locate(incident.latitude, incident.longitude)
        incident.easting = location.easting
        incident.northing = location.northing
        incident.grid_cell = location.grid_cell
