"""Emergency access in a real browser: a Barbican officer opens Housing's restricted incident
by its reference from the incident log, giving a reason; the ASB lead sees the grant on the
incident and on the emergency access page, and ends it; the officer's access ends at once.
Every page on the way is checked with axe-core."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_accessible, expect

pytestmark = pytest.mark.browser

REASON = "The victim's neighbour reported threats tonight and I need the history to assess risk."


def test_an_officer_breaks_the_glass_and_the_lead_ends_it(open_page, signed_in_state, live_server):
    lead = open_page("asb-lead", storage_state=signed_in_state("asb-lead"))
    restricted = f"/incidents/{live_server.restricted_incident_id}"
    lead.goto(restricted)
    heading = lead.get_by_role("heading", level=1).inner_text()
    reference = heading.removeprefix("Incident ").strip()

    officer = open_page("barbican-officer", storage_state=signed_in_state("barbican-officer"))
    assert officer.goto(restricted).status == 404
    officer.goto("/incidents")
    officer.get_by_role("link", name="ask for emergency access to a restricted record").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(
        "Emergency access to a restricted record"
    )
    assert_accessible(officer)
    officer.get_by_label("Reference of the incident or case").fill(reference)
    officer.get_by_label("Why do you need this record now?").fill(REASON)
    officer.get_by_label("Someone's life or safety is at risk", exact=False).check()
    officer.get_by_label("I understand that my access will be logged", exact=False).check()
    officer.get_by_role("button", name="Open the record").click()

    expect(officer.get_by_role("heading", level=1)).to_have_text(f"Incident {reference}")
    expect(officer.locator("main")).to_contain_text("You have emergency access until")
    assert_accessible(officer)

    lead.goto(restricted)
    grants = lead.get_by_role("table", name="Emergency access")
    expect(grants).to_contain_text("Bo Barbican, Barbican")
    expect(grants).to_contain_text(REASON)
    assert_accessible(lead)
    lead.goto("/emergency-access")
    live = lead.get_by_role("table", name="Live emergency access")
    expect(live).to_contain_text(reference)
    assert_accessible(lead)
    live.get_by_role("button", name=re.compile("^End now")).click()
    expect(lead.locator(".govuk-notification-banner--success")).to_contain_text("ended")
    expect(lead.get_by_role("table", name="Past emergency access")).to_contain_text("ended early")
    assert_accessible(lead)

    assert officer.goto(restricted).status == 404
