"""Records accepted by the boundary tolerance but lying just outside the City: flagged when
recorded, edited, imported or migrated, and counted apart from the ward they are nearest."""

from __future__ import annotations

import importlib
import re

import geopandas as gpd
import pytest
from sqlalchemy import select

from asb.auth.models import Role
from asb.calendar import today_in_london
from asb.extensions import db
from asb.geo.services import BRITISH_NATIONAL_GRID
from asb.incidents.models import Incident
from asb.maps import queries as map_queries
from asb.overview import queries as overview_queries
from asb.overview.queries import JUST_OUTSIDE, OverviewFilters
from asb.policeuk.services import import_street_file
from tests.factories import IncidentFactory, agency
from tests.helpers import edit_form, error_summary, incident_form, page_text
from tests.maps.helpers import last_28_days
from tests.policeuk.helpers import asb_row, write_street_file

# Just outside the City's polygon, within the 40 m tolerance (checked below).
BALTIC_STREET_WEST = ("51.523156", "-0.097210")  # nearest ward: Cripplegate
CHARTERHOUSE_STREET = ("51.519500", "-0.103000")  # nearest ward: Farringdon Without
CHEAPSIDE = ("51.515500", "-0.092200")


def recorded(client, point: tuple[str, str], place: str) -> Incident:
    latitude, longitude = point
    day = today_in_london()
    response = client.post(
        "/incidents/new",
        data=incident_form(
            agency("housing"),
            latitude=latitude,
            longitude=longitude,
            location_description=place,
            occurred_date=[str(day.day), str(day.month), str(day.year)],
            occurred_time="00:01",
        ),
    )
    assert response.status_code == 302, error_summary(response)
    incident_id = int(re.search(r"/incidents/(\d+)$", response.location).group(1))
    return db.session.get(Incident, incident_id)


@pytest.mark.parametrize(
    ("point", "ward_name"),
    [(BALTIC_STREET_WEST, "Cripplegate"), (CHARTERHOUSE_STREET, "Farringdon Without")],
)
def test_a_point_just_outside_is_recorded_flagged_and_keeps_its_nearest_ward(
    client, login_as, point, ward_name
):
    login_as(Role.OFFICER, "housing")

    incident = recorded(client, point, "Outside the pub")

    assert incident.outside_city_edge
    assert incident.ward_name == ward_name  # for the officer's context only
    page = page_text(client.get(f"/incidents/{incident.id}"))
    assert "Just outside the City boundary (accepted within 40 m)" in page
    assert f"nearest ward {ward_name}, not counted in it" in page


def test_a_point_inside_is_not_flagged(client, login_as):
    login_as(Role.OFFICER, "housing")

    incident = recorded(client, CHEAPSIDE, "Cheapside")

    assert not incident.outside_city_edge
    page = page_text(client.get(f"/incidents/{incident.id}"))
    assert "Just outside the City boundary" not in page
    assert "Cheap" in page


def test_the_test_points_are_outside_the_polygon_but_within_the_tolerance(app):
    area = gpd.read_file(app.config["ASB_AREA_BOUNDARY"]).to_crs(BRITISH_NATIONAL_GRID)
    boundary = area.geometry.union_all()
    for latitude, longitude in (BALTIC_STREET_WEST, CHARTERHOUSE_STREET):
        point = gpd.GeoSeries(
            gpd.points_from_xy([float(longitude)], [float(latitude)]), crs="EPSG:4326"
        ).to_crs(BRITISH_NATIONAL_GRID)[0]
        assert not boundary.contains(point)
        assert 0 < boundary.distance(point) <= 40


def test_moving_a_record_across_the_boundary_sets_and_clears_the_flag(client, login_as):
    login_as(Role.OFFICER, "housing")
    incident = recorded(client, CHEAPSIDE, "Cheapside")

    latitude, longitude = CHARTERHOUSE_STREET
    response = client.post(
        f"/incidents/{incident.id}/edit",
        data=edit_form(incident, latitude=latitude, longitude=longitude),
    )
    assert response.status_code == 302, error_summary(response)
    assert incident.outside_city_edge

    latitude, longitude = CHEAPSIDE
    response = client.post(
        f"/incidents/{incident.id}/edit",
        data=edit_form(incident, latitude=latitude, longitude=longitude),
    )
    assert response.status_code == 302, error_summary(response)
    assert not incident.outside_city_edge


def test_records_just_outside_are_counted_apart_on_the_map_and_the_overview(client, login_as, lead):
    login_as(Role.OFFICER, "housing")
    recorded(client, BALTIC_STREET_WEST, "Baltic Street West")
    recorded(client, CHARTERHOUSE_STREET, "Charterhouse Street")
    recorded(client, CHEAPSIDE, "Cheapside")

    map_wards = {
        ward.name: ward.incidents for ward in map_queries.ward_data(lead, last_28_days()).wards
    }
    assert map_wards["Just outside the City boundary"] == 2
    assert map_wards.get("Cripplegate", 0) == 0
    assert map_wards.get("Farringdon Without", 0) == 0
    assert map_wards["Cheap"] == 1

    mix = overview_queries.incident_mix(lead, OverviewFilters())
    overview_wards = {row.label: row.total for row in mix.wards}
    assert overview_wards[JUST_OUTSIDE] == 2
    assert "Cripplegate" not in overview_wards
    assert "Farringdon Without" not in overview_wards

    login_as(Role.ASB_LEAD, "community-safety")
    html = client.get("/map?period=28-days").get_data(as_text=True)
    assert "Just outside the City boundary</th>" in html


def test_police_uk_import_flags_by_lsoa(db_session, tmp_path):
    path = write_street_file(
        tmp_path / "2024-03-city-of-london-street.csv",
        [
            asb_row(
                point=("-0.097210", "51.523156"),
                location="On or near Baltic Street West",
                lsoa=("E01033490", "Islington 022H"),
            ),
            asb_row(),
        ],
    )

    import_street_file(path, police=agency("city-police"))

    flags = dict(
        db.session.execute(select(Incident.location_description, Incident.outside_city_edge)).all()
    )
    assert flags == {"On or near Baltic Street West": True, "On or near Cheapside": False}


def test_the_migration_backfill_flags_existing_rows(app, db_session):
    migration = importlib.import_module("migrations.versions.0024_incident_boundary_edges")
    inside = IncidentFactory(latitude=float(CHEAPSIDE[0]), longitude=float(CHEAPSIDE[1]))
    partnership_edge = IncidentFactory(
        latitude=float(CHARTERHOUSE_STREET[0]), longitude=float(CHARTERHOUSE_STREET[1])
    )
    police_edge = IncidentFactory(lsoa_name="Islington 022H")  # at Cheapside, by its LSOA
    police_inside = IncidentFactory(
        latitude=float(BALTIC_STREET_WEST[0]),
        longitude=float(BALTIC_STREET_WEST[1]),
        lsoa_name="City of London 001A",
    )
    db.session.flush()
    db.session.execute(Incident.__table__.update().values(outside_city_edge=False))
    area = gpd.read_file(app.config["ASB_AREA_BOUNDARY"]).to_crs(BRITISH_NATIONAL_GRID)

    flagged = migration.flag_edges(
        db.session.connection(), area.geometry.union_all(), "City of London"
    )

    db.session.expire_all()
    assert flagged == 2
    assert [
        incident.outside_city_edge
        for incident in (inside, partnership_edge, police_edge, police_inside)
    ] == [False, True, True, False]
