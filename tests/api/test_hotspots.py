"""Hotspots through the API: the map's own analysis for the same window and filters."""

from __future__ import annotations

import numpy as np

from asb.auth.models import Role
from asb.maps import grid, hotspots
from tests.api.conftest import error_of
from tests.maps.helpers import CENTRAL_CELL, add_incidents, last_28_days, neighbourhood, noise


def test_the_hotspots_are_the_maps(api_as):
    api = api_as(Role.ASB_LEAD, "community-safety")
    rng = np.random.default_rng(2)
    add_incidents(noise(grid.study_cells(), 0.5, rng), rng=rng)
    add_incidents(neighbourhood(CENTRAL_CELL) * 6, rng=rng)
    window = last_28_days()
    expected = hotspots.hotspot_data(api.user, window)

    response = api.get("/hotspots", query_string={"period": "28-days"})

    assert response.status_code == 200
    body = response.get_json()
    assert (body["date_from"], body["date_to"]) == (
        window.date_from.isoformat(),
        window.date_to.isoformat(),
    )
    assert body["total"] == expected.total
    assert expected.hotspots
    assert [spot["cells"] for spot in body["hotspots"]] == [
        [int(cell) for cell in spot.cells] for spot in expected.hotspots
    ]
    assert body["hotspots"][0]["confidence"] == expected.hotspots[0].confidence
    assert int(CENTRAL_CELL) in body["hotspots"][0]["cells"]


def test_a_custom_window_needs_both_days_in_order(api_as):
    api = api_as(Role.OFFICER, "housing")

    response = api.get(
        "/hotspots",
        query_string={"period": "custom", "date_from": "2026-03-01", "date_to": "2026-02-01"},
    )

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["date_to"]
