"""The hotspot map's page for keyboard, screen reader and intranet users (issue 11, §5).

What the browser does with it is tested in tests/browser/test_map_keyboard.py; here, what
the page sends: the "base map unavailable" status, the handler that fills it when a tile
fails, the ward names drawn on the map and the shapes kept out of the Tab order.
"""

from __future__ import annotations

import re

import pytest

from asb.auth.models import Role
from asb.maps.folium_map import NO_BASE_MAP
from tests.maps.helpers import CENTRAL_CELL, add_incidents, days_ago, neighbourhood

OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


@pytest.fixture
def mapped(db_session):
    cells = neighbourhood(CENTRAL_CELL) * 3
    add_incidents(cells, occurred_from=[days_ago(5) for _ in cells])


@pytest.fixture
def tiles(app):
    def use(url: str) -> None:
        app.config["MAP_TILE_URL"] = url

    yield use
    app.config["MAP_TILE_URL"] = OSM


def _status(html: str) -> str:
    found = re.search(r'<p [^>]*id="map-status"[^>]*role="status">([^<]*)</p>', html)
    assert found, "the map has no status message"
    return found.group(1)


def test_with_no_tile_url_the_page_says_the_base_map_is_unavailable(
    client, login_as, mapped, tiles
):
    login_as(Role.ASB_LEAD, "community-safety")
    tiles("")

    html = client.get("/map").get_data(as_text=True)

    assert _status(html) == NO_BASE_MAP
    assert "L.tileLayer" not in html
    assert "tileerror" not in html


def test_with_a_tile_server_the_status_waits_for_a_tile_to_fail(client, login_as, mapped, tiles):
    login_as(Role.ASB_LEAD, "community-safety")
    tiles(OSM)

    html = client.get("/map").get_data(as_text=True)

    assert _status(html) == ""
    tile_layer = re.search(r"var (tile_layer_\w+) = L\.tileLayer\(", html).group(1)
    assert f"{tile_layer}.on('tileerror'" in html
    assert '"map-status"' in html and f'"{NO_BASE_MAP}"' in html


def test_the_wards_are_named_on_the_map_and_no_shape_is_a_tab_stop(client, login_as, mapped):
    login_as(Role.ASB_LEAD, "community-safety")

    html = client.get("/map").get_data(as_text=True)

    assert '"Ward outlines and names"' in html
    assert "className: 'asb-map-ward-label'" in html and "permanent: true" in html
    assert '"name": "Cripplegate"' in html
    # Every GeoJSON layer's features are hidden from the Tab order and assistive technology.
    layers = re.findall(r"function geo_json_\w+_onEachFeature\(feature, layer\) \{", html)
    assert layers
    assert html.count("shape.setAttribute('tabindex', '-1')") >= len(layers)
    assert html.count("shape.setAttribute('aria-hidden', 'true')") >= len(layers)
