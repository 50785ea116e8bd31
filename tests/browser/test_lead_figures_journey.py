"""The ASB lead reads the hotspot map on month-dated police.uk data, in a real browser.

police.uk dates every record to the first of its month and moves it to an anonymous map
point. The data here end in April 2025: police.uk records on the 1st of each month of May
2024 to April 2025 (one in every square of the City, and a cluster at "On or near Police
Station" around Liverpool Street in 10 of the 12 months), and partnership reports around
the Barbican in every month. The lead opens the map, which ends with the latest data; sees
the hotspots' persistence by calendar month and the police-station warning on the flagged
hotspot; and shows partnership records only, which changes the figures.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime

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
from tests.maps.helpers import BARBICAN_CELL, CENTRAL_CELL, add_incidents, neighbourhood

pytestmark = pytest.mark.browser

MAY_2024 = date(2024, 5, 1)
QUIET_MONTHS = {3, 7}  # August and December 2024: nothing at the police station


def _seed(app) -> None:
    from asb.auth.models import Role
    from asb.auth.services import create_user, find_agency
    from asb.calendar import add_months, start_of_london_day
    from asb.database import utcnow
    from asb.extensions import db
    from asb.incidents.vocabulary import IncidentSource
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
            if user.requires_two_factor:  # set up, with a secret the sign-in helper knows
                user.two_factor_secret = TOTP_SECRETS.setdefault(email, pyotp.random_base32())
                user.two_factor_enabled_at = utcnow()
        everywhere = [int(cell) for cell in grid.study_cells()]
        for number in range(12):
            month = add_months(MAY_2024, number)
            station = [] if number in QUIET_MONTHS else neighbourhood(CENTRAL_CELL) * 4
            add_incidents(
                everywhere + station,
                occurred_from=start_of_london_day(month).astimezone(UTC),
                source=IncidentSource.POLICE_UK,
                location_description=["On or near Cheapside"] * len(everywhere)
                + ["On or near Police Station"] * len(station),
                lsoa_name="City of London 001F",
            )
            add_incidents(
                neighbourhood(BARBICAN_CELL) * 3,
                occurred_from=datetime(month.year, month.month, 15, 12, tzinfo=UTC),
                location_description="Golden Lane Estate",
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
                "figures_browser", tmp_path_factory.mktemp("figures-browser")
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
    thread = threading.Thread(target=server.serve_forever, name="asb-figures-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(
            url=f"http://{LIVE_HOST}:{server.port}",
            user_ids={},
            incident_ids=[],
            restricted_incident_id=0,
        )
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def _hotspot_rows(page):
    return page.get_by_role("region", name="Hotspots").locator("tbody tr")


def _incidents_heading(page):
    return page.locator("#results")


def test_the_lead_reads_persistence_by_month_and_the_police_station_warning(
    open_page,  # noqa: F811 - the fixture imported above
    signed_in_state,  # noqa: F811
    live_server,
):
    page = open_page("asb-lead", storage_state=signed_in_state("asb-lead"))
    # The first analysis of a filter runs 99,999 permutations (then it is cached).
    page.set_default_navigation_timeout(60_000)

    page.goto("/map")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hotspot map")
    expect(page.locator("#latest-data")).to_contain_text(
        "Showing the 12 months to April 2025, the latest data available."
    )
    expect(_incidents_heading(page)).to_contain_text("from 1 May 2024 to 30 April 2025")
    both = _incidents_heading(page).inner_text()

    station = _hotspot_rows(page).filter(has_text="On or near Police Station")
    expect(station).to_have_count(1)
    expect(station).to_contain_text("Persistent")
    expect(station).to_contain_text("stood out in 10 of 12 months")
    expect(station).to_contain_text("Mostly one point")
    barbican = _hotspot_rows(page).filter(has_text="Cripplegate")
    expect(barbican.first).to_contain_text("stood out in 12 of 12 months")
    warning = page.locator(".govuk-warning-text").filter(
        has_text="police.uk moves records to anonymous points such as a police station"
    )
    expect(warning).to_contain_text(re.compile(r"[\d,]+ of these [\d,]+ records are at"))
    expect(warning).to_contain_text("On or near Police Station")
    assert_accessible(page, "the hotspot map on police.uk's months")

    warning.get_by_role("link", name="Show partnership records only").click()

    expect(page).to_have_url(re.compile(r"source=partnership"))
    expect(page.get_by_label("Source")).to_have_value("partnership")
    expect(_incidents_heading(page)).not_to_have_text(both)
    expect(_incidents_heading(page)).to_contain_text("324 incidents")  # 12 months x 27
    expect(page.get_by_text("anonymous points such as a police station")).to_have_count(0)
    expect(_hotspot_rows(page).filter(has_text="On or near Police Station")).to_have_count(0)
    expect(_hotspot_rows(page).first).to_contain_text("Cripplegate")
    assert_accessible(page, "the hotspot map, partnership records only")

    for monitor in open_page.monitors.values():
        assert not monitor.problems(), "\n".join(monitor.problems())
