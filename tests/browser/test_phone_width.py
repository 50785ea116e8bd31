"""Pages that fit the screen: at 375 px wide (a phone) the log, a case and the map never
scroll the page sideways (a wide table scrolls in its own box), and at 1,280 px the log uses
the window's width, so its last column (Status) is not cut off."""

from __future__ import annotations

import pytest

from tests.browser.conftest import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
PAGE_SCROLLS_SIDEWAYS = "() => document.documentElement.scrollWidth > window.innerWidth"


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/incidents", "Incident log"),
        ("/cases/{shared_case}", "ASB-C-"),
        ("/map", "Hotspot map"),
    ],
)
def test_a_phone_never_scrolls_the_page_sideways(
    open_page, signed_in_state, live_server, path, heading
):
    page = open_page("asb-lead", storage_state=signed_in_state("asb-lead"))
    page.set_viewport_size(PHONE)
    page.goto(path.format(**live_server.sharing_ids))
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)

    assert not page.evaluate(PAGE_SCROLLS_SIDEWAYS)


def test_the_logs_wide_table_scrolls_in_its_own_labelled_box_on_a_phone(open_page, signed_in_state):
    page = open_page("asb-lead", storage_state=signed_in_state("asb-lead"))
    page.set_viewport_size(PHONE)
    page.goto("/incidents")

    region = page.get_by_role("region", name="Incidents")
    expect(region).to_be_visible()
    assert region.evaluate("box => box.scrollWidth > box.clientWidth")
    region.focus()
    expect(region).to_be_focused()


def test_the_log_uses_the_full_width_so_its_status_column_shows_at_1280(open_page, signed_in_state):
    page = open_page("asb-lead", storage_state=signed_in_state("asb-lead"))
    page.goto("/incidents")

    status = page.get_by_role("columnheader", name="Status")
    expect(status).to_be_visible()
    right_edge = status.evaluate("cell => cell.getBoundingClientRect().right")
    assert right_edge <= page.evaluate("() => window.innerWidth")
    region = page.get_by_role("region", name="Incidents")
    assert not region.evaluate("box => box.scrollWidth > box.clientWidth")
