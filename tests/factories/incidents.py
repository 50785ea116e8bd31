"""Incidents and local ASB types."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import factory

from asb.geo.services import area_lsoa_name, geography, just_outside
from asb.incidents.services import next_reference
from asb.incidents.vocabulary import (
    Category,
    IncidentSource,
    IncidentStatus,
    Qualifier,
    ReportingChannel,
    ReportKind,
)
from asb.models import Incident, LocalAsbType
from tests.factories.base import CITY_POINT, BaseFactory, agency


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
        incident.outside_city_edge = just_outside(
            incident.lsoa_name, location.outside_edge, area_lsoa_name()
        )


def reported(agency_code: str, days: float, **fields) -> Incident:
    """An incident recorded by the agency, that happened some days ago."""
    return IncidentFactory(
        recording_agency=agency(agency_code),
        occurred_from=datetime.now(UTC) - timedelta(days=days),
        **fields,
    )
