"""The maps from the keyboard, for a screen reader and without a base map (issue 11, §5).

Tabbing through the incident form and the hotspot map reaches exactly the page's focusable
elements, in order, each with an accessible name: no map shape is a Tab stop (Leaflet would
make every ward outline and square one, unnamed). Ward names are drawn on both maps. When
tiles fail to load, or no tile server is configured, the page says the base map is
unavailable; with ASB_MAP_TILE_URL empty no tile is ever requested.

A live server of its own, seeded with a hotspot, so the hotspot map has squares to draw; its
app is kept so a test can point the tile URL somewhere (the config is read per request).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import numpy as np
import pyotp
import pytest

from tests.browser.conftest import (  # noqa: F401 - fixtures used by name
    LIVE_HOST,
    PASSWORD,
    TOTP_SECRETS,
    USERS,
    LiveServer,
    _axe_source,
    _browser_prerequisites,
    assert_accessible,
    browser,
    expect,
    open_page,
    signed_in_state,
)
from tests.maps.helpers import CENTRAL_CELL, add_incidents, days_ago, neighbourhood

pytestmark = pytest.mark.browser

WARDS = 25
NO_BASE_MAP = "Base map unavailable: the ward outlines and labels still show where things are."
# The location picker's Tab stops, between "Place or address" and "Latitude": the map itself
# (its arrow keys pan it), Leaflet's zoom buttons and its attribution link. No shape.
PICKER_STOPS = ["Map: select the location of the incident", "Zoom in", "Zoom out", "Leaflet"]
# The whole incident form and the hotspot map page, from the skip link to the footer.
FORM_STOPS = 56
MAP_PAGE_STOPS = 79

# The elements a keyboard user should reach, in document order: HTML's focusable elements
# (one radio per group: the checked one, else the first), shown, enabled, and not taken out
# of the Tab order. Each is numbered, so the Tab sequence can be compared with this list.
_EXPECTED_STOPS = """() => {
    const candidates = document.querySelectorAll(
        'a[href], button, input, select, textarea, summary, [tabindex]'
    );
    const stops = [];
    const radioGroups = new Set();
    for (const el of candidates) {
        if (el.tabIndex < 0 || el.disabled || el.type === 'hidden') continue;
        if (!el.checkVisibility({visibilityProperty: true})) continue;
        if (el.type === 'radio') {
            const group = el.form && el.name ? el.form.elements[el.name] : [el];
            const radios = Array.from(group.length ? group : [group]);
            const chosen = radios.find(radio => radio.checked) || radios[0];
            if (el !== chosen || radioGroups.has(el.name)) continue;
            radioGroups.add(el.name);
        }
        el.dataset.asbTabStop = String(stops.length);
        stops.push(stops.length);
    }
    return stops.length;
}"""

# The focused element: its number from _EXPECTED_STOPS (null if it has none), tag and
# accessible name as axe-core computes it (the label, aria-label, title or text).
_FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    return {
        stop: el.dataset ? el.dataset.asbTabStop ?? null : null,
        tag: el.tagName.toLowerCase(),
        name: axe.commons.text.accessibleText(el).trim(),
    };
}"""


def _seed(app) -> None:
    """The users and a hotspot: busy squares in the middle of the City, a little noise."""
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
        rng = np.random.default_rng(11)
        cells = grid.study_cells()
        noise = [
            int(c)
            for c, n in zip(cells, rng.poisson(0.4, len(cells)), strict=True)
            for _ in range(n)
        ]
        hot = neighbourhood(CENTRAL_CELL) * 4 + [CENTRAL_CELL] * 6
        for group in (noise, hot):
            add_incidents(
                group, rng=rng, occurred_from=[days_ago(rng.uniform(1, 80)) for _ in group]
            )
        db.session.commit()


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
                "map_keyboard", tmp_path_factory.mktemp("map-keyboard")
            ),
            "WTF_CSRF_ENABLED": True,
            "MAP_TILE_URL": "",
            "SERVER_NAME": None,
        },
    )
    with app.app_context():
        flask_migrate.upgrade()
    _seed(app)
    server = make_server(LIVE_HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="asb-keyboard-server", daemon=True)
    thread.start()
    try:
        live = LiveServer(
            url=f"http://{LIVE_HOST}:{server.port}",
            user_ids={},
            incident_ids=[],
            restricted_incident_id=0,
        )
        live.app = app
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def tile_url(live_server) -> Iterator[Callable]:
    """Points the live server's maps at a tile URL for one test."""
    config = live_server.app.config

    def use(url: str) -> None:
        config["MAP_TILE_URL"] = url

    yield use
    config["MAP_TILE_URL"] = ""


def _wait_for_maps(page) -> None:
    """Until every map has drawn its ward names (the outlines come by fetch on the form)."""
    expect(page.locator(".asb-map.leaflet-container").first).to_be_visible()
    expect(page.locator(".asb-map-ward-label")).to_have_count(WARDS)


def _tab_through(page) -> tuple[int, list[dict]]:
    """The number of stops the page should have, and what Tab reaches, from the top of the
    page until the focus leaves it."""
    expected = page.evaluate(_EXPECTED_STOPS)
    page.evaluate(_axe_source())
    page.evaluate("axe.setup(document)")
    reached: list[dict] = []
    page.locator("body").focus()
    for _ in range(expected + 20):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None or (reached and focused == reached[0]):
            break
        reached.append(focused)
    page.evaluate("axe.teardown()")
    return expected, reached


def _assert_keyboard_order(reached: list[dict], expected: int) -> None:
    unexpected = [stop for stop in reached if stop["stop"] is None]
    assert not unexpected, f"Tab reaches elements that should not be Tab stops: {unexpected}"
    assert [int(stop["stop"]) for stop in reached] == list(range(expected)), reached
    unnamed = [stop for stop in reached if not stop["name"]]
    assert not unnamed, f"Tab stops with no accessible name: {unnamed}"


def test_the_incident_forms_map_puts_no_shape_in_the_tab_order(
    open_page,  # noqa: F811 - the fixture imported above
    signed_in_state,  # noqa: F811
):
    page = open_page("housing-officer", storage_state=signed_in_state("housing-officer"))
    page.goto("/incidents/new")
    _wait_for_maps(page)

    expected, reached = _tab_through(page)

    _assert_keyboard_order(reached, expected)
    assert len(reached) == FORM_STOPS
    names = [stop["name"] for stop in reached]
    place = names.index("Place or address")
    assert names[place + 1 : names.index("Latitude")] == PICKER_STOPS
    picker = page.locator(".asb-map[data-location-picker]")
    assert picker.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 0
    assert picker.locator(".leaflet-overlay-pane path:not([aria-hidden=true])").count() == 0
    expect(picker.locator(".asb-map-ward-label", has_text="Cripplegate")).to_be_visible()
    assert_accessible(page, "the incident form with its map drawn")


def test_the_hotspot_map_reaches_its_squares_through_the_tables(
    open_page,  # noqa: F811 - the fixture imported above
    signed_in_state,  # noqa: F811
):
    page = open_page("asb-lead", storage_state=signed_in_state("asb-lead"))
    page.goto("/map")
    _wait_for_maps(page)
    the_map = page.locator(".asb-map--hotspots")
    expect(the_map.locator("path.leaflet-interactive").first).to_be_attached()

    expected, reached = _tab_through(page)

    _assert_keyboard_order(reached, expected)
    assert len(reached) == MAP_PAGE_STOPS, [stop["name"] for stop in reached]
    assert not [stop for stop in reached if stop["tag"] == "path"]
    names = [stop["name"] for stop in reached]
    assert "Layers" in names
    assert any(name.startswith("Incidents in its busiest square") for name in names)
    assert the_map.locator(".leaflet-overlay-pane path:not([aria-hidden=true])").count() == 0
    assert the_map.locator(".leaflet-overlay-pane path:not([tabindex='-1'])").count() == 0
    expect(the_map.locator(".asb-map-ward-label", has_text="Bishopsgate")).to_be_visible()
    assert_accessible(page, "the hotspot map")


@pytest.mark.parametrize("path", ["/incidents/new", "/map"])
def test_when_tiles_cannot_load_the_page_says_the_base_map_is_unavailable(
    open_page,  # noqa: F811 - the fixture imported above
    signed_in_state,  # noqa: F811
    live_server,
    tile_url,
    path,
):
    tile_url(f"{live_server.url}/no-tiles/{{z}}/{{x}}/{{y}}.png")
    page = open_page("asb-lead", storage_state=signed_in_state("asb-lead"))
    page.goto(path)
    _wait_for_maps(page)

    expect(page.get_by_role("status").filter(has_text=NO_BASE_MAP)).to_be_visible()
    expect(page.locator(".asb-map-ward-label", has_text="Cripplegate")).to_be_visible()

    # The tile server is down on purpose: its failures are what this test is about.
    monitor = open_page.monitor(page)
    tiles = [failed for failed in monitor.failed_requests if "/no-tiles/" in failed]
    assert tiles, "no tile was requested"
    monitor.failed_requests[:] = [f for f in monitor.failed_requests if f not in tiles]


@pytest.mark.parametrize("path", ["/incidents/new", "/map"])
def test_with_no_tile_url_no_tile_is_requested(
    open_page,  # noqa: F811 - the fixture imported above
    signed_in_state,  # noqa: F811
    live_server,
    path,
):
    page = open_page("asb-lead", storage_state=signed_in_state("asb-lead"))
    images: list[str] = []
    page.on(
        "request",
        lambda request: images.append(request.url) if request.resource_type == "image" else None,
    )
    page.goto(path)
    _wait_for_maps(page)

    expect(page.get_by_role("status").filter(has_text=NO_BASE_MAP)).to_be_visible()
    assert page.locator(".leaflet-tile").count() == 0
    assert [url for url in images if not url.startswith(f"{live_server.url}/static/")] == []
