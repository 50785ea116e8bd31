"""The hotspot analysis on incidents placed by hand: clusters, reporters, persistence, wards."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

from asb.maps import grid, hotspots
from asb.maps.analysis import Persistence
from asb.maps.filters import MapFilters
from tests.maps.helpers import (
    BARBICAN_CELL,
    CENTRAL_CELL,
    CRIPPLEGATE,
    add_incidents,
    days_ago,
    last_28_days,
    neighbourhood,
    noise,
)


def test_a_hotspot_reported_by_one_person_is_flagged(lead):
    rng = np.random.default_rng(2)
    add_incidents(noise(grid.study_cells(), 0.5, rng), rng=rng)
    cluster = neighbourhood(CENTRAL_CELL)
    add_incidents(
        cluster * 6,
        rng=rng,
        reporter_anonymous=False,
        reporter_name="Chris Complainer",
        reporter_email="chris@example.com",
    )

    hotspot = hotspots.hotspot_data(lead, last_28_days()).hotspots[0]

    assert hotspot.reporting.named_reporters >= 1
    assert hotspot.reporting.top_reporter_complaints == 54
    assert hotspot.reporting.mostly_one_reporter


def test_a_planted_cluster_is_the_biggest_99_percent_hotspot_and_noise_has_none(lead):
    rng = np.random.default_rng(7)
    background = noise(grid.study_cells(), 1.0, rng)
    add_incidents(background, rng=rng, occurred_from=days_ago(3))
    filters = last_28_days()

    assert not [h for h in hotspots.hotspot_data(lead, filters).hotspots if h.confidence == 99]

    cluster = neighbourhood(CENTRAL_CELL)
    add_incidents(cluster * 5 + [CENTRAL_CELL] * 5, rng=rng, occurred_from=days_ago(3))
    data = hotspots.hotspot_data(lead, filters)

    biggest = data.hotspots[0]
    assert biggest.confidence == 99
    assert set(cluster) <= set(biggest.cells)
    assert biggest.busiest_cell == CENTRAL_CELL
    assert "Bishopsgate" in biggest.ward_names
    index = np.searchsorted(data.cells, CENTRAL_CELL)
    assert data.gi.classes[index] == 99
    assert data.total == len(background) + 50


def test_hotspots_are_labelled_persistent_or_new_by_month(lead):
    # Three calendar months; each cluster has 40 incidents.
    filters = MapFilters(date(2026, 1, 1), date(2026, 3, 31))
    rng = np.random.default_rng(4)
    cells = grid.study_cells()
    months = [datetime(2026, month, 15, 12, tzinfo=UTC) for month in (1, 2, 3)]
    for moment in months:  # background in every month
        add_incidents(noise(cells, 0.4, rng), rng=rng, occurred_from=moment)
    steady, recent = neighbourhood(CENTRAL_CELL), neighbourhood(BARBICAN_CELL)
    for moment in months:
        add_incidents(steady * 2, rng=rng, occurred_from=moment)
    add_incidents(recent * 5, rng=rng, occurred_from=datetime(2026, 3, 20, 12, tzinfo=UTC))

    data = hotspots.hotspot_data(lead, filters)

    labels = {
        cell: hotspot.persistence
        for hotspot in data.hotspots
        for cell in hotspot.cells
        if cell in (CENTRAL_CELL, BARBICAN_CELL)
    }
    assert labels == {CENTRAL_CELL: Persistence.PERSISTENT, BARBICAN_CELL: Persistence.NEW}
    assert len(data.periods) == 3


def test_a_ward_filter_tests_the_wards_own_squares(lead):
    rng = np.random.default_rng(9)
    add_incidents(noise(grid.study_cells(), 0.5, rng), rng=rng)

    data = hotspots.hotspot_data(lead, last_28_days(ward_code=CRIPPLEGATE))

    # Squares outside Cripplegate would all count zero and make it look hot.
    assert len(data.cells) == len(grid.study_cells(CRIPPLEGATE)) < len(grid.study_cells()) / 5
    assert data.total == int(data.counts.sum()) + data.outside_area
    assert data.outside_area == sum(data.outside_counts.values())
