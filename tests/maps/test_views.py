"""The /map page: who sees it, what it contains and what it never contains."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from asb.auth.models import Role
from asb.maps import grid
from tests.factories import IncidentFactory
from tests.maps.helpers import (
    BARBICAN_CELL,
    CENTRAL_CELL,
    add_incidents,
    days_ago,
    labelled_features,
    neighbourhood,
    noise,
)

ACCESS = [
    (Role.OFFICER, "housing", 200),
    (Role.MANAGER, "barbican", 200),
    (Role.ASB_LEAD, "community-safety", 200),
    (Role.PARTNER, "city-police", 403),
    (Role.ADMIN, "community-safety", 403),
]


@pytest.fixture
def hotspot(db_session):
    """Noise over the City and a cluster around CENTRAL_CELL in the last four weeks."""
    rng = np.random.default_rng(7)
    add_incidents(noise(grid.study_cells(), 0.5, rng), rng=rng, occurred_from=days_ago(5))
    add_incidents(neighbourhood(CENTRAL_CELL) * 5 + [CENTRAL_CELL] * 5, rng=rng)


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/map")

    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(("role", "agency_code", "status"), ACCESS)
def test_internal_users_see_the_map_and_partners_and_admins_do_not(
    client, login_as, role, agency_code, status
):
    login_as(role, agency_code)

    assert client.get("/map").status_code == status


def test_officers_and_managers_see_the_map_without_personal_details(client, login_as):
    IncidentFactory(
        reporter_name="Zebedee Quarrington",
        reporter_email="zebedee@example.org",
        reporter_phone="020 7946 0999",
        reporter_address="Flat 9, Hidden House",
        victim_name="Ottoline Victim",
        description="A description that only the incident page shows",
        location_description="Golden Lane Estate, Crescent House",
        occurred_from=days_ago(3),
    )
    IncidentFactory(
        reporter_name="Zebedee Quarrington",
        occurred_from=days_ago(4),
        location_description="Golden Lane Estate, Crescent House",
    )

    for role in (Role.OFFICER, Role.MANAGER):
        login_as(role, "housing")
        html = client.get("/map").get_data(as_text=True)
        assert "Golden Lane Estate, Crescent House" in html  # the repeat location
        for secret in (
            "Zebedee",
            "Quarrington",
            "zebedee@example.org",
            "7946 0999",
            "Hidden House",
            "Ottoline",
            "only the incident page shows",
        ):
            assert secret not in html, f"{secret!r} appears on the map page for a {role}"


_URL_ATTRIBUTE = re.compile(r"""\b(?:src|href|action|poster|data)\s*=\s*["']([^"']*)["']""")
_CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)""")
_ANY_URL = re.compile(r"""(?:https?:)?//[^\s"'<>)\\]+""")


def _external_urls(html: str) -> set[str]:
    found = set(_URL_ATTRIBUTE.findall(html)) | set(_CSS_URL.findall(html))
    found |= set(_ANY_URL.findall(html))
    return {unescape(url) for url in found if urlsplit(unescape(url)).netloc}


def test_the_page_loads_nothing_from_outside_but_the_tile_server(client, login_as, hotspot):
    login_as(Role.ASB_LEAD, "community-safety")

    html = client.get("/map").get_data(as_text=True)

    assert _external_urls(html) == {"https://tile.openstreetmap.org/{z}/{x}/{y}.png"}
    for url in re.findall(r'<script[^>]*src="([^"]+)"', html):
        assert url.startswith("/static/dist/")
    for url in re.findall(r'<link[^>]*href="([^"]+)"', html):
        assert url.startswith("/static/")


def test_the_map_loads_leaflet_by_its_fingerprinted_names(client, login_as, hotspot):
    """So the browser may cache Leaflet for a year, as it does the app's own assets."""
    login_as(Role.ASB_LEAD, "community-safety")

    html = client.get("/map").get_data(as_text=True)

    assert re.search(r'src="/static/dist/leaflet/leaflet\.[0-9a-f]{10}\.js"', html)
    assert re.search(r'href="/static/dist/leaflet/leaflet\.[0-9a-f]{10}\.css"', html)


def test_a_configured_tile_server_is_the_only_outside_address(app, client, login_as, hotspot):
    login_as(Role.ASB_LEAD, "community-safety")
    app.config["MAP_TILE_URL"] = "https://tiles.intranet.example/{z}/{x}/{y}.png"
    try:
        html = client.get("/map").get_data(as_text=True)
    finally:
        app.config["MAP_TILE_URL"] = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

    assert _external_urls(html) == {"https://tiles.intranet.example/{z}/{x}/{y}.png"}


def test_without_tiles_the_outlines_still_draw(app, client, login_as, hotspot):
    login_as(Role.ASB_LEAD, "community-safety")
    app.config["MAP_TILE_URL"] = ""
    try:
        html = client.get("/map").get_data(as_text=True)
    finally:
        app.config["MAP_TILE_URL"] = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

    assert "L.tileLayer" not in html
    assert not _external_urls(html)
    assert '"name": "Cripplegate"' in html  # ward outlines
    assert "City outline" not in html  # drawn, but not offered in the layer list


def test_every_script_runs_under_the_nonce_and_nothing_is_styled_inline(client, login_as, hotspot):
    login_as(Role.OFFICER, "housing")

    response = client.get("/map")

    html = response.get_data(as_text=True)
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert len(scripts) >= 5
    for attributes in scripts:
        assert f'nonce="{nonce}"' in attributes
    assert "<style" not in html
    assert not re.search(r"\sstyle\s*=", html)
    assert "$(" not in html and "jQuery" not in html


def test_the_map_has_the_layers_to_switch_between(client, login_as, hotspot):
    login_as(Role.ASB_LEAD, "community-safety")

    html = client.get("/map").get_data(as_text=True)

    for layer in (
        "Hot and cold spots (Gi*)",
        "Incidents per 100 m square",
        "Wards: incidents",
        "Wards: change on the previous period",
        "Heat map",
        "Incidents (latest ",
        "Ward outlines",
    ):
        assert f'"{layer}' in html, layer
    assert "L.control.layers" in html
    assert "L.heatLayer" in html and "L.markerClusterGroup" in html


def test_squares_and_wards_open_the_incident_list_with_the_same_filters(client, login_as, hotspot):
    login_as(Role.ASB_LEAD, "community-safety")
    args = "?period=28-days&category=noise&source=partnership"

    html = client.get("/map" + args).get_data(as_text=True)

    features = labelled_features(html)
    hot = features[next(label for label in features if label.startswith("Hot spot, 99 %"))]
    query = parse_qs(urlsplit(hot["properties"]["url"]).query)
    assert urlsplit(hot["properties"]["url"]).path == "/incidents"
    assert query["category"] == ["noise"] and query["source"] == ["partnership"]
    assert len(query["date_from"]) == 3 and len(query["date_to"]) == 3

    square = features[next(label for label in features if "in this 100 m square" in label)]
    count = int(square["properties"]["label"].split()[0].replace(",", ""))
    listing = client.get(square["properties"]["url"]).get_data(as_text=True)
    assert re.search(rf"\b{count:,} incidents? match", listing)

    ward = features[next(label for label in features if label.startswith("Bishopsgate: "))]
    assert parse_qs(urlsplit(ward["properties"]["url"]).query)["ward"] == ["E05009292"]
    ward_count = int(re.search(r"Bishopsgate: ([\d,]+) incident", ward["properties"]["label"])[1])
    listing = client.get(ward["properties"]["url"]).get_data(as_text=True)
    assert re.search(rf"\b{ward_count:,} incidents? match", listing)


def test_the_biggest_hotspot_links_to_its_busiest_square(client, login_as, hotspot):
    login_as(Role.ASB_LEAD, "community-safety")

    html = client.get("/map").get_data(as_text=True)

    table = html[html.index('id="hotspots"') :]
    link = re.search(r'href="([^"]+)">Incidents in its busiest square', table)[1]
    assert f"cell={CENTRAL_CELL}" in unescape(link)
    assert "99 %" in table[: table.index("</tr>", table.index("Hotspot 1"))]
    listing = client.get(unescape(link)).get_data(as_text=True)
    assert re.search(r"\b\d+ incidents match", listing)


def test_wards_are_shaded_by_count_and_by_change(client, login_as):
    # Cripplegate: 4 now, none before. Bishopsgate: 1 now, 4 before (-75 %).
    add_incidents([BARBICAN_CELL] * 4, occurred_from=days_ago(3))
    add_incidents([CENTRAL_CELL], occurred_from=days_ago(3))
    add_incidents([CENTRAL_CELL] * 4, occurred_from=days_ago(40))
    login_as(Role.ASB_LEAD, "community-safety")

    features = labelled_features(client.get("/map?period=28-days").get_data(as_text=True))

    def fill(label: str) -> str:
        return features[label]["properties"]["style"]["fillColor"]

    from asb.maps.map_style import CHANGE_COLOURS, WARD_COLOURS

    assert fill("Cripplegate: 4 incidents") == WARD_COLOURS[-1]
    assert fill("Bishopsgate: 1 incident") == WARD_COLOURS[0]
    assert fill("Cheap: 0 incidents") == "#ffffff"
    assert fill("Cripplegate: 4, previous period 0, change +4") == CHANGE_COLOURS[4]
    assert fill("Bishopsgate: 1, previous period 4, change -3 (-75%)") == CHANGE_COLOURS[0]
    assert fill("Cheap: 0, previous period 0, change +0") == CHANGE_COLOURS[2]


def test_the_clustered_layer_is_capped(app, client, login_as):
    add_incidents([CENTRAL_CELL] * 8)
    login_as(Role.ASB_LEAD, "community-safety")
    app.config["MAP_POINTS_CAP"] = 5
    try:
        html = client.get("/map").get_data(as_text=True)
    finally:
        app.config.pop("MAP_POINTS_CAP")

    assert '"Incidents (latest 5)"' in html
    assert "latest 5 incidents of 8" in html
    assert len(re.findall(r'"MAP-\d{6}"', html)) == 5


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=custom", "Enter the first day of the period"),
        (
            "period=custom&date_from=1&date_from=4&date_from=2025",
            "Enter the last day of the period",
        ),
        (
            "period=custom&date_from=1&date_from=4&date_from=2025"
            "&date_to=31&date_to=3&date_to=2025",
            "The last day must be the same as or after the first day",
        ),
        (
            "period=custom&date_from=1&date_from=1&date_from=2020&date_to=1&date_to=1&date_to=2025",
            "The period must be 3 years or shorter",
        ),
        ("period=custom&date_from=1&date_from=13&date_from=2025", "From must be a real date"),
        ("period=custom&date_from=1&date_from=1&date_from=2999", "The first day must be today"),
        ("period=fortnight", "Select period from the list"),
        ("category=graffiti", "Select category from the list"),
        ("ward=E99999999", "Select ward from the list"),
        ("source=twitter", "Select source from the list"),
    ],
)
def test_bad_filters_are_explained_in_an_error_summary(client, login_as, query, message):
    login_as(Role.OFFICER, "housing")

    html = client.get(f"/map?{query}").get_data(as_text=True)

    assert "govuk-error-summary" in html
    assert message in html
    assert "<title>Error: Hotspot map" in html
    assert "L.map(" not in html


def test_a_preset_period_ignores_half_typed_dates(client, login_as):
    login_as(Role.OFFICER, "housing")

    html = client.get("/map?period=3-months&date_from=1&date_from=&date_from=").get_data(
        as_text=True
    )

    assert "govuk-error-summary" not in html
    assert "L.map(" in html


def test_a_repeat_location_opens_its_incidents(client, login_as):
    add_incidents([CENTRAL_CELL] * 3, location_description="Sun Street Passage")
    add_incidents([CENTRAL_CELL], location_description="Liverpool Street station")
    login_as(Role.OFFICER, "housing")

    html = client.get("/map").get_data(as_text=True)

    table = html[html.index('id="repeat-locations"') :]
    link = unescape(re.search(r'href="([^"]+)">Sun Street Passage</a>', table)[1])
    assert parse_qs(urlsplit(link).query)["text"] == ["Sun Street Passage"]
    listing = client.get(link).get_data(as_text=True)
    assert re.search(r"\b3 incidents match", listing)
    assert "Liverpool Street station" not in table
