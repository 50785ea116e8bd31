"""The ASB lead's journey on the hotspot map, in a real browser.

The lead opens the map (last 12 months: the biggest hotspot is an old one in the
Barbican), filters it to the last three months of noise with a new cluster near Liverpool
Street, opens that hotspot on the map and reaches its incidents in the log. axe-core checks
the map page before and after the layers are switched, and every page is watched for
Content Security Policy violations, script errors and requests leaving 127.0.0.1.

Uses the browser fixtures of tests/browser (Chromium, watched pages, sign-in) with a live
server of its own, seeded with map data.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pyotp
import pytest

from tests.browser.conftest import (  # noqa: F401 - fixtures used by name
    LIVE_HOST,
    PASSWORD,
    TOTP_SECRETS,
    USERS,
    LiveServer,
    _browser_prerequisites,
    assert_accessible,
    browser,
    expect,
    open_page,
    signed_in_state,
)
from tests.maps.helpers import BARBICAN_CELL, CENTRAL_CELL, add_incidents, days_ago, neighbourhood

pytestmark = pytest.mark.browser


def _seed(app) -> int:
    """Users, three months of noise, a recent cluster and an older, bigger one.

    Returns how many incidents of the last three months are in CENTRAL_CELL.
    """
    from asb.auth.models import Role
    from asb.auth.services import create_user, find_agency
    from asb.database import utcnow
    from asb.extensions import db
    from asb.maps import grid

    with app.app_context():
        for email, name, role, agency_code in USERS.values():
            user = create_user(
                email=email,
                name=name,
                agency=find_agency(agency_code),
                role=Role(role),
                password=PASSWORD,
            )
            if user.requires_two_factor:  # set up, as the sign-in helper expects
                user.two_factor_secret = TOTP_SECRETS.setdefault(email, pyotp.random_base32())
                user.two_factor_enabled_at = utcnow()
        rng = np.random.default_rng(3)
        cells = grid.study_cells()
        noise = [
            int(c)
            for c, n in zip(cells, rng.poisson(0.6, len(cells)), strict=True)
            for _ in range(n)
        ]
        add_incidents(noise, rng=rng, occurred_from=[days_ago(rng.uniform(1, 85)) for _ in noise])
        recent = neighbourhood(CENTRAL_CELL) * 4 + [CENTRAL_CELL] * 4
        add_incidents(
            recent,
            rng=rng,
            occurred_from=[days_ago(rng.uniform(1, 85)) for _ in recent],
            reporter_anonymous=False,
            reporter_name="Robin Reporter",
            reporter_email="robin@example.com",
        )
        old = neighbourhood(BARBICAN_CELL) * 8
        add_incidents(old, rng=rng, occurred_from=[days_ago(rng.uniform(150, 300)) for _ in old])
        db.session.commit()
        return noise.count(CENTRAL_CELL) + recent.count(CENTRAL_CELL)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    import flask_migrate
    from werkzeug.serving import make_server

    from asb import create_app
    from asb.extensions import db
    from tests.conftest import scratch_database_url

    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": scratch_database_url(
                "maps_browser", tmp_path_factory.mktemp("maps-browser")
            ),
            "WTF_CSRF_ENABLED": True,
            "MAP_TILE_URL": "",
            "SERVER_NAME": None,
        },
    )
    with app.app_context():
        flask_migrate.upgrade()
    central_incidents = _seed(app)
    server = make_server(LIVE_HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="asb-maps-server", daemon=True)
    thread.start()
    try:
        live = LiveServer(
            url=f"http://{LIVE_HOST}:{server.port}",
            user_ids={},
            incident_ids=[],
            restricted_incident_id=0,
        )
        live.central_incidents = central_incidents
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def _hotspot_row(page, number: int):
    header = page.get_by_role("rowheader", name=re.compile(rf"^Hotspot {number}\b"))
    return page.locator("#hotspots + .asb-table-scroll tr", has=header)


def _click_on_map(page, latitude: float, longitude: float) -> None:
    """Zoom in on a place and click it, as a person would (the map is folium's map_hotspots)."""
    the_map = page.locator(".asb-map--hotspots")
    the_map.scroll_into_view_if_needed()
    x, y = page.evaluate(
        """([lat, lng]) => {
            map_hotspots.setView([lat, lng], 17, {animate: false});
            const p = map_hotspots.latLngToContainerPoint([lat, lng]);
            return [p.x, p.y];
        }""",
        [latitude, longitude],
    )
    box = the_map.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_the_lead_filters_to_three_months_and_reaches_the_biggest_hotspots_incidents(
    open_page,  # noqa: F811 - the fixture imported above
    signed_in_state,  # noqa: F811
    live_server,
):
    from asb.maps import grid

    page = open_page("asb-lead", storage_state=signed_in_state("asb-lead"))

    page.goto("/map")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hotspot map")
    expect(page.locator(".asb-map--hotspots")).to_have_class(re.compile(r"\bleaflet-container\b"))
    expect(_hotspot_row(page, 1)).to_contain_text("Cripplegate")

    page.get_by_role("group", name="Period").get_by_label("Last 3 months", exact=True).check()
    page.get_by_role("button", name="Show on the map").click()

    expect(page).to_have_url(re.compile(r"period=3-months"))
    biggest = _hotspot_row(page, 1)
    expect(biggest).to_contain_text("Bishopsgate")
    expect(biggest).to_contain_text("99 %")
    expect(biggest).to_contain_text("from one reporter")
    assert_accessible(page, "the hotspot map, last 3 months")
    table_link = biggest.get_by_role("link", name=re.compile("Incidents in its busiest square"))
    expected = urlsplit(table_link.get_attribute("href"))

    # Open the hotspot on the map: its busiest square, in the hot and cold spots layer.
    latitudes, longitudes = grid.cell_centres(np.array([CENTRAL_CELL]))
    with page.expect_navigation():
        _click_on_map(page, float(latitudes[0]), float(longitudes[0]))

    reached = urlsplit(page.url)
    assert reached.path == "/incidents"
    assert parse_qs(reached.query) == parse_qs(expected.query)
    assert parse_qs(reached.query)["cell"] == [str(CENTRAL_CELL)]
    expect(page.get_by_role("heading", level=1)).to_have_text("Incident log")
    expect(page.locator("#result-count")).to_contain_text(
        f"{live_server.central_incidents} incidents match"
    )
    expect(page.get_by_text("Showing only incidents in one 100 metre square")).to_be_visible()

    # Back on the map, every layer can be switched on without a problem.
    page.go_back()
    page.get_by_role("button", name="Layers").focus()  # as from the keyboard
    page.keyboard.press("Enter")
    control = page.locator(".leaflet-control-layers")
    expect(control).to_have_class(re.compile(r"leaflet-control-layers-expanded"))
    for layer in (
        "Incidents per 100 m square",
        "Wards: change on the previous period",
        "Heat map",
        re.compile(r"Incidents \(latest"),
    ):
        choice = control.get_by_label(layer)
        choice.focus()
        page.keyboard.press("Space")
        expect(choice).to_be_checked()
    the_map = page.locator(".asb-map--hotspots")
    expect(the_map.locator("canvas.leaflet-heatmap-layer")).to_be_attached()
    expect(the_map.locator(".marker-cluster").first).to_be_visible()
    expect(the_map.locator("path.leaflet-interactive").first).to_be_attached()
    assert_accessible(page, "the hotspot map with every layer switched on")

    for monitor in open_page.monitors.values():
        assert not monitor.problems(), "\n".join(monitor.problems())
