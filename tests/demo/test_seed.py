from collections import Counter
from zoneinfo import ZoneInfo

import geopandas as gpd
from sqlalchemy import func, select

from asb.auth.models import Role, User
from asb.demo.partnership_incidents import PARTNERSHIP_INCIDENTS
from asb.demo.seed import DEMO_USERS, seed_demo
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
    # Loaded through the importer as before it: the rows inside the area (40 m tolerance),
    # the last three months of the data new and older ones triaged.
    assert result.police_uk_incidents == 4731
    new_months = {
        incident.occurred_from.astimezone(LONDON).strftime("%Y-%m")
        for incident in police_uk
        if incident.status is IncidentStatus.NEW
    }
    assert new_months == {"2025-02", "2025-03", "2025-04"}

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


def test_partnership_incidents_are_inside_the_area(db_session):
    geo = geography()

    assert all(geo.contains(item.latitude, item.longitude) for item in PARTNERSHIP_INCIDENTS)
