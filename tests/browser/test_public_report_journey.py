"""The public reporting journey from the issue, in a real browser.

A member of the public, not signed in, reports noise by clicking the map and gets a
reference. A Housing manager signs in, finds the report in their triage queue and adds it
to an incident Housing already has. The reporter's acknowledgement, and the news of the
decision, are in the outbox. Every page on the way is checked with axe-core.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import assert_accessible, expect, sign_in

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")
REPORT_REFERENCE = re.compile(r"RPT-\d{4}-\d{5}")
# The City of London, with a margin: a click near the map's centre must land in here.
CITY_LATITUDES = (51.505, 51.525)
CITY_LONGITUDES = (-0.115, -0.070)


def choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def continue_to(page, heading: str) -> None:
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def report_noise_on_the_map(page, reporter_email: str) -> str:
    """Go through the report form as a member of the public; returns the reference."""
    page.goto("/sign-in")
    page.get_by_role("link", name="Report anti-social behaviour").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report anti-social behaviour")
    expect(page.get_by_role("navigation", name="Main menu")).to_have_count(0)
    assert_accessible(page, "the start page")
    page.get_by_role("button", name="Start now").click()

    # What happened: sent empty first, to see the errors.
    expect(page.get_by_role("heading", level=1)).to_have_text("What happened?")
    assert_accessible(page, "the what page")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: What happened\?"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Select what kind of problem it is")
    expect(summary).to_contain_text("Describe what happened")
    assert_accessible(page, "the what page with errors")
    choose(page, "What kind of problem is it?", "Noise, like loud music, parties or shouting")
    page.get_by_label("Describe what happened").fill(
        "Drumming and loud music from the walkway flats."
    )
    continue_to(page, "Where did it happen?")

    # Where: a point on the map (the street is optional once there is one).
    assert_accessible(page, "the where page")
    picker = page.locator(".asb-map[data-location-picker]")
    expect(picker).to_have_class(re.compile(r"\bleaflet-container\b"))
    box = picker.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 200, f"map too small: {box}"
    picker.click(position={"x": box["width"] / 2 + 10, "y": box["height"] / 2 - 6})
    latitude = float(page.locator("#latitude").input_value())
    longitude = float(page.locator("#longitude").input_value())
    assert CITY_LATITUDES[0] < latitude < CITY_LATITUDES[1], latitude
    assert CITY_LONGITUDES[0] < longitude < CITY_LONGITUDES[1], longitude
    continue_to(page, "When did it happen?")

    assert_accessible(page, "the when page")
    yesterday = datetime.now(LONDON).date() - timedelta(days=1)
    page.locator("#occurred_date-day").fill(str(yesterday.day))
    page.locator("#occurred_date-month").fill(str(yesterday.month))
    page.locator("#occurred_date-year").fill(str(yesterday.year))
    page.get_by_label("Approximate time").fill("22:15")
    choose(page, "Is it still happening?", "No")
    continue_to(page, "About you")

    assert_accessible(page, "the about you page")
    choose(page, "Do you want to tell us who you are?", "Yes, I will give my name")
    page.get_by_label("Your name").fill("Rowan Resident")
    page.get_by_label("Email address (optional)").fill(reporter_email)
    choose(page, "May we contact you about this report?", "Yes")
    continue_to(page, "Check your answers before sending your report")

    assert_accessible(page, "the check your answers page")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Drumming and loud music from the walkway flats.")
    expect(main).to_contain_text("Point on the map")
    expect(main).to_contain_text(reporter_email)
    page.get_by_role("button", name="Send report").click()

    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text("Report sent")
    expect(panel).to_contain_text(REPORT_REFERENCE)
    assert_accessible(page, "the confirmation page")
    return REPORT_REFERENCE.search(panel.inner_text()).group()


def test_the_public_report_noise_and_a_housing_manager_adds_it_to_an_incident(
    open_page, live_server
):
    reporter_email = f"rowan.{uuid.uuid4().hex[:8]}@example.com"
    reference = report_noise_on_the_map(open_page("member of the public"), reporter_email)

    manager = open_page("housing manager")
    sign_in(manager, live_server.email("housing-manager"))
    # The incident Housing already has, to add the report to.
    manager.goto(f"/incidents/{live_server.incident_ids[0]}")
    incident_reference = re.search(
        r"ASB-\d{4}-\d{5}", manager.get_by_role("heading", level=1).inner_text()
    ).group()

    manager.get_by_role("link", name=re.compile(r"^Reports from the public \(\d+\)$")).click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Reports from the public")
    assert_accessible(manager, "the triage queue")
    manager.get_by_role("link", name=reference).click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(
        f"Report from the public {reference}"
    )
    main = manager.get_by_role("main")
    expect(main).to_contain_text("Drumming and loud music from the walkway flats.")
    expect(main).to_contain_text("Rowan Resident")
    expect(main.get_by_role("heading", name="Likely duplicates")).to_be_visible()
    assert_accessible(manager, "a report from the public")

    manager.get_by_label("Reference of the incident to add it to").fill(incident_reference)
    manager.get_by_role("button", name="Add to this incident", exact=True).click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Reports from the public")
    expect(manager.locator(".govuk-notification-banner")).to_contain_text(
        f"Report {reference} added to incident {incident_reference}."
    )
    expect(manager.get_by_role("table")).not_to_contain_text(reference)

    # The incident now counts the reporter's report among its reports.
    manager.goto(f"/incidents/{live_server.incident_ids[0]}")
    expect(manager.get_by_role("main")).to_contain_text("Rowan Resident")

    # The reporter's acknowledgement and the news of the decision are in the outbox.
    admin = open_page("admin")
    sign_in(admin, live_server.email("admin"))
    admin.goto("/outbox")
    outbox = admin.get_by_role("main")
    expect(outbox).to_contain_text(f"We have received your report {reference}")
    expect(outbox).to_contain_text(
        f"Your report {reference} has been added to an incident we know about"
    )
    expect(outbox).to_contain_text(f"To {reporter_email}")
