from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import geopandas as gpd
from sqlalchemy import func, select

from asb.auth.models import Role, User
from asb.demo.partnership_incidents import PARTNERSHIP_INCIDENTS
from asb.demo.seed import (
    DEMO_USERS,
    WITHHELD_LOCATION,
    month_period,
    police_uk_location,
    seed_demo,
)
from asb.demo.two_factor import DEMO_SECRETS
from asb.extensions import db
from asb.geo.services import BRITISH_NATIONAL_GRID, WGS84, geography
from asb.incidents.models import Incident, IncidentChange
from asb.incidents.vocabulary import IncidentSource, IncidentStatus

LONDON = ZoneInfo("Europe/London")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_loads_users_and_incidents_once(db_session):
    result = seed_demo("demo-password-2026")

    assert result.created
    roles = Counter(
        (user.agency.code, user.role)
        for user in db.session.scalars(select(User).where(User.email.like("%@demo.asb.local")))
    )
    for code in ("housing", "barbican", "street-enforcement", "mcp"):
        assert roles[code, Role.OFFICER] == 1
        assert roles[code, Role.MANAGER] == 1
    assert roles["community-safety", Role.ASB_LEAD] == 1
    assert roles["community-safety", Role.OFFICER] == 1
    assert roles["community-safety", Role.ADMIN] == 1
    assert roles["city-police", Role.PARTNER] == 1
    assert [login.email for login in result.logins] == [user.email for user in DEMO_USERS]
    # Those whose role requires two factors have them, with the published demo secrets.
    two_factor = {
        user.email: user.two_factor_secret
        for user in db.session.scalars(select(User).where(User.email.like("%@demo.asb.local")))
        if user.has_two_factor
    }
    assert two_factor == DEMO_SECRETS

    police_uk = db.session.scalars(
        select(Incident).where(Incident.source == IncidentSource.POLICE_UK)
    ).all()
    assert result.police_uk_incidents == len(police_uk) > 4000
    assert all(incident.ward_code for incident in police_uk)
    points = gpd.GeoSeries(
        gpd.points_from_xy(
            [incident.longitude for incident in police_uk],
            [incident.latitude for incident in police_uk],
        ),
        crs=WGS84,
    ).to_crs(BRITISH_NATIONAL_GRID)
    assert points.within(geography().area_with_tolerance).all()
    assert {incident.status for incident in police_uk} == {
        IncidentStatus.NEW,
        IncidentStatus.TRIAGED,
    }

    partnership = db.session.scalars(
        select(Incident).where(Incident.source == IncidentSource.PARTNERSHIP)
    ).all()
    assert result.partnership_incidents == len(partnership) == len(PARTNERSHIP_INCIDENTS)
    assert all(incident.ward_code and incident.recorded_by for incident in partnership)
    assert any(incident.restricted for incident in partnership)
    assert any(incident.status is IncidentStatus.NO_FURTHER_ACTION for incident in partnership)
    assert _count(IncidentChange) >= _count(Incident)

    incidents = _count(Incident)
    again = seed_demo("another-password")
    assert not again.created
    assert again.logins == result.logins
    assert _count(Incident) == incidents


def test_police_uk_incidents_span_their_month_in_london_time():
    start, end = month_period(date(2024, 3, 1))

    assert start == datetime(2024, 3, 1, tzinfo=LONDON)
    assert end == datetime(2024, 3, 31, 23, 59, tzinfo=LONDON)
    assert month_period(date(2024, 12, 1))[1] == datetime(2024, 12, 31, 23, 59, tzinfo=LONDON)


def test_police_uk_locations_read_naturally():
    assert police_uk_location("On or near ") == WITHHELD_LOCATION
    assert police_uk_location("On or near Sandy'S Row") == "On or near Sandy's Row"


def test_partnership_incidents_are_inside_the_area(db_session):
    geo = geography()

    assert all(geo.contains(item.latitude, item.longitude) for item in PARTNERSHIP_INCIDENTS)
