"""Time as police.uk dates it: every record on the first of its month.

Persistence is judged by calendar month, a month too sparse to test says so, and the map
opens on the latest months with data rather than on empty ones.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from asb.auth.models import Role
from asb.calendar import add_months, start_of_london_day, today_in_london
from asb.incidents.vocabulary import IncidentSource
from asb.maps import grid, hotspots
from asb.maps.analysis import Persistence
from asb.maps.filters import MapFilters
from tests.maps.helpers import CENTRAL_CELL, add_incidents, neighbourhood

MAY_2024 = date(2024, 5, 1)
TWELVE_MONTHS = MapFilters(MAY_2024, date(2025, 4, 30))


def month_dated(month: date) -> datetime:
    """When police.uk says a record of ``month`` happened: the first, at London midnight."""
    return start_of_london_day(month).astimezone(UTC)


def police_uk_months(months_with_cluster: set[int]) -> None:
    """One record in every square of the City each month of May 2024 to April 2025, and three
    more in each square around CENTRAL_CELL in the months numbered (0 = May 2024) given."""
    cells = [int(cell) for cell in grid.study_cells()]
    for number in range(12):
        when = month_dated(add_months(MAY_2024, number))
        squares = cells + (neighbourhood(CENTRAL_CELL) * 3 if number in months_with_cluster else [])
        add_incidents(squares, occurred_from=when, source=IncidentSource.POLICE_UK)


@pytest.mark.parametrize(
    ("quiet_months", "label"),
    [({3, 7}, Persistence.PERSISTENT), ({3, 7, 9}, Persistence.INTERMITTENT)],
)
def test_a_square_hot_in_10_of_12_months_is_persistent(db_session, lead, quiet_months, label):
    police_uk_months(set(range(12)) - quiet_months)

    data = hotspots.hotspot_data(lead, TWELVE_MONTHS)

    [hotspot] = [spot for spot in data.hotspots if CENTRAL_CELL in spot.cells]
    assert data.periods[0].month == MAY_2024
    assert len(data.periods) == 12
    assert hotspot.active_periods == [number not in quiet_months for number in range(12)]
    assert hotspot.persistence == label


def test_the_page_says_persistent_10_of_12_months(client, login_as, db_session):
    police_uk_months(set(range(12)) - {3, 7})
    login_as(Role.ASB_LEAD, "community-safety")

    html = client.get(
        "/map?period=custom&date_from=1&date_from=5&date_from=2024"
        "&date_to=30&date_to=4&date_to=2025"
    ).get_data(as_text=True)

    assert re.search(r"Persistent\s*</strong>\s*<span[^>]*>stood out in 10 of 12 months", html)


def test_over_one_month_persistence_is_not_judged(db_session, lead):
    police_uk_months(set(range(12)))

    data = hotspots.hotspot_data(lead, MapFilters(date(2025, 4, 1), date(2025, 4, 30)))

    assert data.hotspots
    assert not data.persistence_judged
    assert {spot.persistence for spot in data.hotspots} == {Persistence.NOT_JUDGED}


def sparse_month(month: date) -> None:
    """About 100 records over the City's 290 squares, on the first of ``month``."""
    cells = [int(cell) for cell in grid.study_cells()][::3]
    add_incidents(
        cells + [CENTRAL_CELL] * 4,
        occurred_from=month_dated(month),
        source=IncidentSource.POLICE_UK,
        location_description=["On or near Cheapside"] * len(cells)
        + ["On or near Police Station"] * 4,
    )


def test_a_month_with_too_few_incidents_says_so_and_offers_longer_periods(
    client, login_as, db_session
):
    sparse_month(date(2025, 4, 1))
    login_as(Role.ASB_LEAD, "community-safety")

    html = client.get(
        "/map?period=custom&date_from=1&date_from=4&date_from=2025"
        "&date_to=30&date_to=4&date_to=2025&source=police.uk"
    ).get_data(as_text=True)

    assert "Too few incidents in this period to test for hotspots" in html
    assert "No hotspots:" not in html
    assert 'href="/map?period=3-months&amp;source=police.uk#results"' in html
    assert 'href="/map?period=12-months&amp;source=police.uk#results"' in html
    # The wards and the busiest places still show.
    assert 'id="wards"' in html and "Incidents by ward" in html
    assert "On or near Police Station" in html


def test_enough_incidents_without_a_hotspot_is_not_too_few(db_session, lead):
    police_uk_months(set())

    data = hotspots.hotspot_data(lead, TWELVE_MONTHS)

    assert data.hotspots == []
    assert not data.too_few_to_test


def test_the_map_opens_on_the_latest_months_with_data(client, login_as, db_session):
    police_uk_months({11})
    login_as(Role.ASB_LEAD, "community-safety")

    html = client.get("/map").get_data(as_text=True)

    assert "Showing the 12 months to April 2025, the latest data available." in html
    assert "from 1 May 2024 to 30 April 2025" in html
    three = client.get("/map?period=3-months").get_data(as_text=True)
    assert "Showing the 3 months to April 2025, the latest data available." in three
    assert "from 1 February 2025 to 30 April 2025" in three


def test_the_map_ends_today_when_this_month_has_data(client, login_as, db_session):
    today = today_in_london()
    add_incidents([CENTRAL_CELL], occurred_from=start_of_london_day(today).astimezone(UTC))
    login_as(Role.ASB_LEAD, "community-safety")

    html = client.get("/map").get_data(as_text=True)

    assert "the latest data available" not in html
    assert f"to {today.day} {today:%B %Y}</h2>" in html
