"""Is a point inside the City, and which ward is it in?"""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely import Point

from asb.geo.services import BRITISH_NATIONAL_GRID, WGS84, geography


@pytest.fixture(scope="module")
def geo(app):
    with app.app_context():
        return geography()


@pytest.mark.parametrize(
    ("latitude", "longitude", "code", "name"),
    [
        (51.5155, -0.0922, "E05009298", "Cheap"),
        (51.518886, -0.078506, "E05009292", "Bishopsgate"),
        (51.515566, -0.075662, "E05009308", "Portsoken"),
    ],
)
def test_known_point_is_in_its_ward(geo, latitude, longitude, code, name):
    assert geo.contains(latitude, longitude)
    ward = geo.ward_at(latitude, longitude)
    assert (ward.code, ward.name) == (code, name)


def test_wards_of_many_points_at_once(geo):
    wards = geo.wards_at([51.5155, 51.5007, 51.518886], [-0.0922, -0.1246, -0.078506])
    assert [ward.code if ward else None for ward in wards] == ["E05009298", None, "E05009292"]


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(51.5007, -0.1246), (51.5033, -0.0195), (0.0, 0.0)],
    ids=["Westminster", "Canary Wharf", "null island"],
)
def test_point_well_outside_is_in_no_ward(geo, latitude, longitude):
    assert geo.contains(latitude, longitude) is False
    assert geo.ward_at(latitude, longitude) is None


def north_of_the_area(geo, metres: float) -> tuple[float, float]:
    """A point this many metres due north of the area's northernmost point."""
    max_y = geo.area.bounds[3]
    polygons = getattr(geo.area, "geoms", [geo.area])
    top_x = next(x for polygon in polygons for x, y in polygon.exterior.coords if y == max_y)
    point = gpd.GeoSeries([Point(top_x, max_y + metres)], crs=BRITISH_NATIONAL_GRID).to_crs(WGS84)
    return point.iloc[0].y, point.iloc[0].x


def test_point_just_outside_the_generalised_boundary_still_counts(geo):
    latitude, longitude = north_of_the_area(geo, 20)
    grid_point = (
        gpd.GeoSeries([Point(longitude, latitude)], crs=WGS84).to_crs(BRITISH_NATIONAL_GRID).iloc[0]
    )
    assert not geo.area.contains(grid_point)
    assert geo.contains(latitude, longitude) is True
    assert geo.ward_at(latitude, longitude) is not None


def test_point_beyond_the_tolerance_does_not_count(geo):
    latitude, longitude = north_of_the_area(geo, geo.tolerance_metres + 20)
    assert geo.contains(latitude, longitude) is False
    assert geo.ward_at(latitude, longitude) is None


def test_all_25_wards_are_loaded(geo):
    codes = [ward.code for ward in geo.ward_list]
    assert len(codes) == 25
    assert len(set(codes)) == 25
    assert all(code.startswith("E0500") for code in codes)
    assert [ward.name for ward in geo.ward_list] == sorted(ward.name for ward in geo.ward_list)
    assert geo.ward_name("E05009298") == "Cheap"
    assert geo.ward_name("E99999999") is None
