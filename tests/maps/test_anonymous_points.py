"""police.uk's anonymous points, records just outside the City, and rates that mean something."""

from __future__ import annotations

import csv
import re
from html import unescape
from pathlib import Path

import numpy as np
import pytest

from asb.auth.models import Role
from asb.incidents.vocabulary import IncidentSource
from asb.maps import grid, hotspots, queries
from asb.maps.anonymous_points import ANONYMOUS_POINTS, KINDS_OF_PLACE, is_anonymous_point
from tests.maps.helpers import (
    BARBICAN_CELL,
    CENTRAL_CELL,
    add_incidents,
    days_ago,
    labelled_features,
    last_28_days,
    neighbourhood,
    noise,
)

DEMO_FILE = (
    Path(__file__).parents[2]
    / "asb/demo/data/police_uk_city_of_london_asb_2017-01_to_2025-04-street.csv"
)
POLICE_STATION = "On or near Police Station"


def demo_locations() -> set[str]:
    with DEMO_FILE.open(newline="") as rows:
        return {row["Location"] for row in csv.DictReader(rows)}


def test_every_kind_of_anonymous_point_is_one_police_uk_uses_in_the_city():
    # Petrol Station is in police.uk's monthly files of all crimes, not in the ASB extract.
    assert set(ANONYMOUS_POINTS) - demo_locations() == {"On or near Petrol Station"}
    assert len(KINDS_OF_PLACE) == 15


def test_every_kind_of_place_in_the_real_data_is_an_anonymous_point():
    # A street is never written with a slash; the kinds of place often are.
    slashed = {place for place in demo_locations() if "/" in place}
    assert slashed and all(is_anonymous_point(place) for place in slashed)


@pytest.mark.parametrize(
    "place",
    [
        "On or near Bishopsgate",
        "On or near Middlesex Street",
        "On or near A201",
        "On or near City Thameslink",
        "On or near St Paul's",
        "On or near Station Road",
        "Police Station",
        "Location withheld by police.uk",
    ],
)
def test_streets_stations_and_other_texts_are_not_anonymous_points(place):
    assert not is_anonymous_point(place)


@pytest.mark.parametrize(
    "place", [POLICE_STATION, "On or near Supermarket", " On or near Nightclub "]
)
def test_kinds_of_place_are_anonymous_points(place):
    assert is_anonymous_point(place)


@pytest.fixture
def police_station(db_session):
    """Background over the City, 74 police.uk records at the police station around
    CENTRAL_CELL and a few partnership reports there, all in the last four weeks.

    (police.uk's point lies in one square; spread over nine here, they make a hotspot the
    test can find whatever the background.)"""
    rng = np.random.default_rng(11)
    add_incidents(noise(grid.study_cells(), 0.5, rng), rng=rng, occurred_from=days_ago(5))
    add_incidents(
        neighbourhood(CENTRAL_CELL) * 8 + [CENTRAL_CELL] * 2,
        rng=rng,
        source=IncidentSource.POLICE_UK,
        location_description=POLICE_STATION,
        lsoa_name="City of London 001F",
        lsoa_code="E01032739",
    )
    add_incidents(neighbourhood(CENTRAL_CELL), rng=rng, occurred_from=days_ago(3))


def test_a_hotspot_made_by_the_police_station_is_marked(police_station, lead):
    data = hotspots.hotspot_data(lead, last_28_days())

    [hotspot] = [spot for spot in data.hotspots if CENTRAL_CELL in spot.cells]
    assert hotspot.anonymous_point.place == POLICE_STATION
    assert hotspot.anonymous_point.records == 74
    assert hotspot.anonymous_point.incidents == hotspot.incidents
    assert hotspot.anonymous_point.dominant
    assert data.anonymous_squares[CENTRAL_CELL].records == 10


def test_the_page_warns_and_offers_partnership_records_only(police_station, client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")

    html = unescape(client.get("/map?period=28-days").get_data(as_text=True))

    warning = re.search(
        r"police\.uk moves records to anonymous points such as a police station[^<]*", html
    )
    assert warning
    assert re.search(
        "74 of these \\d+ records are at \u2018On or near Police Station\u2019", warning.group()
    )
    assert (
        'href="/map?period=28-days&source=partnership#results">Show partnership records only'
        in html
    )
    # Listed apart from real places.
    points = html[html.index('id="anonymous-points"') :]
    places = html[html.index('id="repeat-locations"') : html.index('id="anonymous-points"')]
    assert POLICE_STATION in points and POLICE_STATION not in places

    partnership = unescape(
        client.get("/map?period=28-days&source=partnership").get_data(as_text=True)
    )
    assert "anonymous points such as a police station" not in partnership
    assert POLICE_STATION not in partnership


def test_partnership_records_only_changes_the_figures(police_station, lead):
    both = hotspots.hotspot_data(lead, last_28_days())
    partnership = hotspots.hotspot_data(lead, last_28_days(source="partnership"))

    assert both.total - partnership.total == 74
    assert all(spot.anonymous_point is None for spot in partnership.hotspots)


def test_repeat_locations_list_anonymous_points_apart(police_station, lead):
    places = queries.repeat_locations(lead, last_28_days())
    points = queries.repeat_locations(lead, last_28_days(), anonymous=True)

    assert POLICE_STATION not in {place.place for place in places}
    assert {point.place for point in points} == {POLICE_STATION}
    assert sum(point.incidents for point in points) == 74


@pytest.fixture
def just_outside(db_session):
    """In Cripplegate's squares: three partnership reports, and five police.uk records that
    police.uk places in Islington (Baltic Street West), one in the previous period."""
    add_incidents([BARBICAN_CELL] * 3)
    add_incidents(
        [BARBICAN_CELL] * 4,
        source=IncidentSource.POLICE_UK,
        location_description="On or near Baltic Street West",
        lsoa_code="E01002704",
        lsoa_name="Islington 022H",
    )
    add_incidents(
        [BARBICAN_CELL],
        source=IncidentSource.POLICE_UK,
        location_description="On or near Golden Lane",
        lsoa_code="E01000002",
        lsoa_name="City of London 001B",
    )


def test_records_in_a_neighbouring_boroughs_lsoa_are_not_added_to_a_ward(just_outside, lead):
    wards = queries.ward_data(lead, last_28_days())
    data = hotspots.hotspot_data(lead, last_28_days())

    by_name = {ward.name: ward for ward in wards.wards}
    assert by_name["Cripplegate"].incidents == 4
    assert by_name["Just outside the City boundary"].incidents == 4
    assert wards.edge_cases == 4
    assert data.edge_cases == 4 and data.total == 8
    assert int(data.counts[np.searchsorted(data.cells, BARBICAN_CELL)]) == 4
    assert data.outside_counts[BARBICAN_CELL] == 4


def test_the_page_shows_records_just_outside_apart(just_outside, client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")

    html = client.get("/map?period=28-days").get_data(as_text=True)

    assert "4 records just outside the City boundary: within 40 m of it but in a" in html
    assert "Just outside the City boundary</th>" in html


def test_rates_under_500_people_are_hidden_and_the_source_is_given(db_session, client, login_as):
    add_incidents([CENTRAL_CELL] * 3)
    login_as(Role.ASB_LEAD, "community-safety")

    html = client.get("/map?period=28-days").get_data(as_text=True)

    assert "Where the populations come from: ESTIMATES" in html
    assert "Census 2021" in html
    assert "Rates are not shown for a population under 500" in html
    assert "Not shown: 120 residents" in html  # Bishopsgate
    aldersgate = re.search(r"Aldersgate</a></th>(.*?)</tr>", html, re.S).group(1)
    assert "Not shown" not in aldersgate  # 1,450 residents


def test_the_squares_on_the_map_name_the_anonymous_point(police_station, client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")

    features = labelled_features(client.get("/map?period=28-days").get_data(as_text=True))

    marked = [label for label in features if "police.uk's anonymous point" in label]
    assert any(
        label.startswith("Hot spot") and label.endswith(f"anonymous point: {POLICE_STATION}")
        for label in marked
    )
