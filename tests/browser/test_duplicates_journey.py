"""In a real browser: an officer records what turns out to be another report of an incident
already on the log, adds it to that incident, and sees it among the incident's reports."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import assert_accessible, expect

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")
QUESTION = "This may have been reported already"
# Forty days ago at 03:17, fireworks: nothing seeded or recorded by other tests is near it.
WHEN = datetime.now(LONDON).date() - timedelta(days=40)


def choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def record(page, reporter: str) -> None:
    page.goto("/incidents/new")
    page.locator("#occurred_date-day").fill(str(WHEN.day))
    page.locator("#occurred_date-month").fill(str(WHEN.month))
    page.locator("#occurred_date-year").fill(str(WHEN.year))
    page.get_by_label("Time it happened").fill("03:17")
    page.get_by_label("Place or address").fill("Aldermanbury Square")
    page.get_by_label("Latitude").fill("51.516900")
    page.get_by_label("Longitude").fill("-0.093300")
    choose(page, "Kind of anti-social behaviour", "Nuisance: causes trouble to the community")
    page.get_by_label("Category", exact=True).select_option(label="Fireworks")
    page.get_by_label("What happened", exact=True).fill(f"Fireworks let off, told by {reporter}")
    choose(page, "Was it motivated by hate?", "No")
    choose(page, "Could it also be a crime?", "No")
    choose(
        page,
        "Is this a complaint or your own observation?",
        "A complaint from a member of the public or a business",
    )
    choose(page, "How was it reported?", "Email")
    choose(page, "Is the reporter named or anonymous?", "Named")
    page.get_by_label("Reporter's name").fill(reporter)
    choose(page, "Is the reporter also the victim?", "Yes")
    choose(page, "Restrict this incident?", "No")
    page.get_by_role("button", name="Save incident").click()


def test_a_second_report_is_added_to_the_incident(open_page, signed_in_state):
    page = open_page("housing officer", storage_state=signed_in_state("housing-officer"))

    record(page, "Robin First")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Incident ASB-\d{4}-\d{5}$"))
    reference = heading.inner_text().removeprefix("Incident ")

    record(page, "Kim Second")
    expect(heading).to_have_text(QUESTION)
    expect(page.locator("main")).to_contain_text("Aldermanbury Square")
    assert "Robin First" not in page.content()
    assert_accessible(page, "the likely duplicates question")

    # Continuing without a choice asks again, with the error summary.
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: This may have been reported already"))
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(page, "the likely duplicates question with an error")

    choose(
        page,
        "Is this another report of one of these incidents?",
        f"Yes, add it to {reference} as another report",
    )
    page.get_by_role("button", name="Continue").click()
    expect(heading).to_have_text(f"Incident {reference}")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Report added to incident {reference}."
    )
    reports = page.locator("main")
    expect(reports).to_contain_text("Reported 2 times")
    expect(reports).to_contain_text("Kim Second")
    assert_accessible(page, "an incident with a further report")
