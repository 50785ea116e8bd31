"""The overview's figures with police.uk's quirks: records of one source only, anonymous points
listed apart, and records just outside the City kept out of its wards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from asb.auth.models import Role
from asb.incidents.vocabulary import Category, IncidentSource
from asb.overview import queries, repeats
from asb.overview.queries import JUST_OUTSIDE, OverviewFilters, Signal
from tests.factories import IncidentFactory, agency

POLICE_STATION = "On or near Police Station"


def police_uk(**fields):
    return IncidentFactory(
        source=IncidentSource.POLICE_UK,
        recording_agency=agency("city-police"),
        category=Category.ROWDY_BEHAVIOUR,
        **fields,
    )


@pytest.fixture
def records(db_session):
    """Last month: two partnership complaints, five police.uk records at the police station
    in the square of one of them, and two police.uk records placed in Islington."""
    recent = datetime.now(UTC) - timedelta(days=10)
    first = IncidentFactory(occurred_from=recent, location_description="Cheapside, outside No. 1")
    IncidentFactory(occurred_from=recent, location_description="Golden Lane Estate")
    for _ in range(5):
        police_uk(
            occurred_from=recent,
            location_description=POLICE_STATION,
            lsoa_name="City of London 001F",
        )
    for _ in range(2):
        police_uk(
            occurred_from=recent,
            location_description="On or near Baltic Street West",
            lsoa_name="Islington 022H",
            latitude=first.latitude + 0.002,  # two squares to the north
            longitude=first.longitude,
        )
    return first


@pytest.mark.parametrize(
    ("source", "complaints", "police_uk_records"),
    [(None, 2, 7), (IncidentSource.PARTNERSHIP, 2, 0), (IncidentSource.POLICE_UK, 0, 7)],
)
def test_the_lead_chooses_partnership_police_uk_or_both(
    records, lead, source, complaints, police_uk_records
):
    over_time = queries.incidents_over_time(lead, OverviewFilters(months=3, source=source))

    assert over_time.total(Signal.COMPLAINTS) == complaints
    assert over_time.total(Signal.POLICE_UK) == police_uk_records


def test_records_in_a_neighbouring_boroughs_lsoa_are_in_no_ward(records, lead):
    wards = {row.label: row for row in queries.incident_mix(lead, OverviewFilters()).wards}

    assert wards[JUST_OUTSIDE].total == 2
    assert wards[JUST_OUTSIDE].key == ""  # not linked to a ward's incidents
    assert sum(row.total for row in wards.values()) == 9


def test_anonymous_points_are_listed_apart_and_mark_the_square_they_dominate(records, lead):
    points = repeats.anonymous_points(lead, OverviewFilters())
    places = repeats.repeat_locations(lead, OverviewFilters())

    [point] = points
    assert (point.place, point.records, point.square_incidents) == (POLICE_STATION, 5, 7)
    assert point.dominates_square
    assert POLICE_STATION not in {location.place for location in places.locations}


def test_the_page_shows_the_choice_the_points_and_carries_the_source(records, client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")

    html = unescape(client.get("/overview?source=partnership").get_data(as_text=True))

    assert '<option value="partnership" selected>Partnership records only</option>' in html
    assert "Partnership records only, and count only" in html
    assert "source=partnership" in html[html.index('id="wards"') :]
    # Partnership only: no anonymous point qualifies.
    assert "No anonymous point has 3 or more records" in html

    both = unescape(client.get("/overview").get_data(as_text=True))
    points = both[both.index('id="anonymous-points"') : both.index('id="repeat-victims"')]
    assert POLICE_STATION in points and "Mostly this point" in points
    assert JUST_OUTSIDE in both
