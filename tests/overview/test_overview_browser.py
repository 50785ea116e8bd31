"""The overview in Chromium: axe-core finds nothing, and nothing loads from elsewhere.

Reuses the browser package's helpers (tests/browser/conftest.py): its seeded users, its
page monitor (console errors, CSP violations, failed or foreign requests) and its axe-core
check, against a live server on a scratch database of its own.

Chromium runs in a thread of its own: Playwright's sync API allows one instance per thread,
and the browser package (and the map's tests) keep theirs open for the whole session.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator

import pytest

from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LIVE_HOST,
    USERS,
    PageMonitor,
    _missing_prerequisites,
    _seed,
    assert_accessible,
    expect,
    sign_in,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory) -> Iterator[str]:
    missing = _missing_prerequisites()
    if missing:
        reason = "browser tests cannot run: " + "; ".join(missing)
        if os.environ.get("ASB_REQUIRE_BROWSER") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)

    import flask_migrate
    from werkzeug.serving import make_server

    from asb import create_app
    from asb.extensions import db
    from tests.conftest import scratch_database_url

    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": scratch_database_url(
                "overview_browser", tmp_path_factory.mktemp("overview-browser")
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
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LIVE_HOST}:{server.port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def in_own_thread(action: Callable[[], None]) -> None:
    """Run `action` in a new thread and re-raise whatever it raised."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as error:  # re-raised in the test's thread below
            failure.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


@pytest.mark.parametrize("query", ["", "?months=3&interval=week"])
def test_the_overview_passes_axe_core_and_loads_nothing_from_elsewhere(live_server, query):
    from playwright.sync_api import sync_playwright

    def check() -> None:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            context = browser.new_context(
                base_url=live_server,
                locale="en-GB",
                timezone_id="Europe/London",
                viewport={"width": 1280, "height": 900},
            )
            context.set_default_timeout(10_000)
            page = context.new_page()
            monitor = PageMonitor(label="the overview")
            monitor.attach(context, page)
            sign_in(page, USERS["asb-lead"][0])
            response = page.goto(f"/overview{query}")

            assert response is not None and response.status == 200
            expect(page.get_by_role("heading", level=1)).to_have_text("ASB overview")
            expect(page.get_by_role("img", name="Incidents by category")).to_be_visible()
            assert_accessible(page)
            assert monitor.problems() == []
            browser.close()

    in_own_thread(check)
