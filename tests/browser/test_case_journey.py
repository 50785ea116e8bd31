"""The case journey from issue 3, in a real browser.

A Street Enforcement manager opens a case, adds the alleged perpetrator and assigns the case
to an officer of the team. The officer, told of it by an in-app notification, finds the case
on My cases, records a Community Protection Warning served on that person and an action of
their own due in a week, then closes the case as resolved (an empty close form first, to see
its errors). The case page then shows it closed, its outcome, the warning and the action,
cancelled by the closing. Every page on the way is checked with axe-core.

The live server's fixed users have no Street Enforcement staff, so the administrator adds a
manager and an officer through the Users pages first; each changes the temporary password at
first sign-in, as a new user would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import PASSWORD, PageMonitor, assert_accessible, expect, sign_in

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")
CASE_REFERENCE = re.compile(r"^Case (ASB-C-\d{4}-\d{5})$")
STREET_ENFORCEMENT = "Street Enforcement, Built Environment"
TEMPORARY_PASSWORD = "temporary words for now 2026"
PERPETRATOR = "Rory Fly-Tipper"


@dataclass(frozen=True)
class StaffMember:
    name: str
    email: str
    role: str  # the label of the role on the Add a user page


MANAGER = StaffMember("Meg Street-Manager", "meg.streetmanager@example.com", "Manager")
OFFICER = StaffMember("Oli Street-Officer", "oli.streetofficer@example.com", "Officer")


def choose(page, question: str, answer: str) -> None:
    """Check the radio labelled answer in the fieldset whose legend is question."""
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def fill_date(page, question: str, day: date) -> None:
    """Fill the day, month and year boxes of a GOV.UK date input."""
    group = page.get_by_role("group", name=question)
    group.get_by_label("Day", exact=True).fill(str(day.day))
    group.get_by_label("Month", exact=True).fill(str(day.month))
    group.get_by_label("Year", exact=True).fill(str(day.year))


def success_banner(page):
    return page.locator(".govuk-notification-banner--success")


def summary_value(page, key: str):
    """The value of the GOV.UK summary list row whose key is key."""
    label = re.compile(rf"^\s*{re.escape(key)}\s*$")
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=label)
    )
    return row.locator(".govuk-summary-list__value")


# Street Enforcement staff, added by the administrator ----------------------------------------


def _add_user(page, member: StaffMember) -> None:
    page.goto("/admin/users/new")
    page.get_by_label("Full name").fill(member.name)
    page.get_by_label("Email address").fill(member.email)
    page.get_by_label("Agency").select_option(label=STREET_ENFORCEMENT)
    choose(page, "Role", member.role)
    page.get_by_label("Temporary password", exact=True).fill(TEMPORARY_PASSWORD)
    page.get_by_role("button", name="Create user").click()
    expect(success_banner(page)).to_contain_text(f"{member.name} can now sign in")


def _first_sign_in(page, member: StaffMember) -> None:
    sign_in(page, member.email, TEMPORARY_PASSWORD)
    expect(page).to_have_url(re.compile(r"/account/password$"))
    page.get_by_label("Current password", exact=True).fill(TEMPORARY_PASSWORD)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm new password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ASB case management")


@pytest.fixture(scope="module")
def street_enforcement(browser, live_server) -> dict[str, StaffMember]:
    """A Street Enforcement manager and officer, with their own passwords set."""
    monitor = PageMonitor(label="adding Street Enforcement staff")
    contexts = []

    def new_page():
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        monitor.attach(context, page)
        return page

    try:
        admin = new_page()
        sign_in(admin, live_server.email("admin"))
        for member in (MANAGER, OFFICER):
            _add_user(admin, member)
            _first_sign_in(new_page(), member)
    finally:
        for context in contexts:
            context.close()
    assert not monitor.problems(), "\n".join(monitor.problems())
    return {"manager": MANAGER, "officer": OFFICER}


# The journey ---------------------------------------------------------------------------------


def _manager_opens_and_assigns(page, manager: StaffMember, officer: StaffMember) -> str:
    """Returns the new case's reference."""
    page.goto("/sign-in")
    sign_in(page, manager.email)
    page.get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    assert_accessible(page, "the manager's My cases")

    # Only an incident's page links to the open case form, so a case about no incident yet
    # is opened by its address.
    page.goto("/cases/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a case")
    assert_accessible(page, "the open case form")
    page.get_by_label("Case title").fill("Fly-tipping behind 4 Bastion Highwalk")
    page.get_by_label("Summary of the problem").fill(
        "Bags of trade waste dumped behind the bins most nights; residents name the man who "
        "leaves them."
    )
    lead = page.get_by_label("Lead agency")
    expect(lead.locator("option:checked")).to_have_text(STREET_ENFORCEMENT)
    choose(page, "Restrict this case?", "No")
    page.get_by_role("button", name="Open case").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(CASE_REFERENCE)
    reference = CASE_REFERENCE.match(heading.inner_text()).group(1)
    expect(success_banner(page)).to_contain_text(f"Case {reference} opened.")
    expect(summary_value(page, "Case officer")).to_have_text("Not yet picked up")
    assert_accessible(page, "the new case's page")

    # The alleged perpetrator, so the warning can be served on him.
    page.get_by_role("link", name="Add a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a person to the case")
    assert_accessible(page, "the add person form")
    choose(page, "Role in the case", "Alleged perpetrator")
    page.get_by_label("Full name").fill(PERPETRATOR)
    page.get_by_label("Address", exact=True).fill("Flat 9, 1 Example Street, London EC2Y 0AA")
    page.get_by_role("button", name="Add person").click()
    expect(success_banner(page)).to_contain_text(
        f"{PERPETRATOR} added to the case as alleged perpetrator."
    )
    people = page.get_by_role("table", name="People on this case")
    expect(people.get_by_role("row", name=re.compile(PERPETRATOR))).to_contain_text(
        "Alleged perpetrator"
    )

    # Assigning the case to the officer.
    page.get_by_role("link", name="Assign", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assign the case")
    assert_accessible(page, "the assign form")
    expect(page.get_by_label("Team").locator("option:checked")).to_have_text(STREET_ENFORCEMENT)
    page.get_by_label("Officer").select_option(label=f"{officer.name} ({STREET_ENFORCEMENT})")
    page.get_by_role("button", name="Assign case").click()
    expect(success_banner(page)).to_contain_text(f"Case {reference} assigned.")
    expect(summary_value(page, "Case officer")).to_have_text(officer.name)
    expect(summary_value(page, "Team")).to_have_text(STREET_ENFORCEMENT)
    assert_accessible(page, "the case page after assigning")
    return reference


def _officer_is_told(page, reference: str) -> None:
    """The assignment reached the officer as an in-app notification, counted in the header."""
    nav = page.get_by_role("navigation", name="Main menu")
    notifications = nav.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(notifications).to_contain_text("1 unread")
    notifications.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    message = page.get_by_role("link", name=f"Case {reference} has been assigned to you")
    expect(message).to_be_visible()
    expect(page.locator(".asb-history__item").filter(has=message)).to_contain_text("New")
    assert_accessible(page, "the officer's notifications")


def _officer_records_warning(page, reference: str) -> None:
    page.get_by_role("link", name="Record an intervention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an intervention")
    assert_accessible(page, "the intervention form")
    choose(page, "Kind of intervention", "Community Protection Warning")
    page.get_by_label("Served on").select_option(label=f"{PERPETRATOR} (Alleged perpetrator)")
    fill_date(page, "Date of issue", datetime.now(LONDON).date())
    page.get_by_label("Conditions or terms").fill(
        "Stop leaving trade waste on the highwalk; use a licensed waste carrier."
    )
    page.get_by_role("button", name="Record intervention").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Community Protection Warning")
    expect(success_banner(page)).to_contain_text("Community Protection Warning recorded.")
    expect(summary_value(page, "Served on")).to_have_text(PERPETRATOR)
    expect(summary_value(page, "Date of issue")).to_have_text(
        re.compile(rf"\b{datetime.now(LONDON).year}\b")
    )
    assert_accessible(page, "the Community Protection Warning's page")
    page.get_by_role("link", name=f"Back to {reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")


def _officer_adds_action(page, officer: StaffMember) -> str:
    page.get_by_role("link", name="Add an action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an action")
    assert_accessible(page, "the add action form")
    description = "Check the highwalk each morning for new dumping"
    page.get_by_label("What needs doing").fill(description)
    page.get_by_label("Owner").select_option(label=f"{officer.name} ({STREET_ENFORCEMENT})")
    fill_date(page, "Due date", datetime.now(LONDON).date() + timedelta(days=7))
    page.get_by_role("button", name="Add action").click()
    expect(success_banner(page)).to_contain_text("Action added.")
    actions = page.get_by_role("table", name="Actions on this case")
    row = actions.get_by_role("row", name=re.compile(description))
    expect(row).to_contain_text(officer.name)
    # The button's hidden text names the action.
    done = re.compile("^Mark as done \u2013 " + re.escape(description) + "$")
    expect(row.get_by_role("button", name=done)).to_be_visible()
    assert_accessible(page, "the case page with an action")
    return description


def _officer_closes(page, reference: str) -> None:
    page.get_by_role("link", name="Close case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close the case")
    assert_accessible(page, "the close form")

    # Sent empty: the error summary, focused, links to both questions.
    page.get_by_role("button", name="Close case").click()
    expect(page).to_have_title(re.compile(r"^Error: Close the case"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    links = summary.locator(".govuk-error-summary__list a")
    expect(links).to_have_text(["Select the outcome of the case", "Enter a closing summary"])
    for href in [link.get_attribute("href") for link in links.all()]:
        assert href and page.locator(href).count() == 1, f"error link {href} has no field"
    summary.get_by_role("link", name="Select the outcome of the case").click()
    expect(page.get_by_role("group", name="Outcome").get_by_role("radio").first).to_be_focused()
    assert_accessible(page, "the close form showing errors")

    choose(page, "Outcome", "Resolved")
    page.get_by_label("Closing summary").fill(
        "Warning served; no dumping seen for a week after it. Residents told."
    )
    page.get_by_role("button", name="Close case").click()
    expect(success_banner(page)).to_contain_text(f"Case {reference} closed.")


def _check_closed_case(page, reference: str, action: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
    expect(page.locator("main .govuk-tag").first).to_have_text("Closed")
    expect(summary_value(page, "Outcome")).to_have_text("Resolved")
    expect(summary_value(page, "Closing summary")).to_contain_text("Warning served")
    expect(summary_value(page, "Next review due")).to_have_text("Closed")

    interventions = page.get_by_role("table", name="Interventions on this case")
    warning = interventions.get_by_role("row", name=re.compile("Community Protection Warning"))
    expect(warning).to_contain_text(PERPETRATOR)
    expect(warning.get_by_role("link", name="Community Protection Warning")).to_be_visible()

    # Closing cancelled the open action.
    actions = page.get_by_role("table", name="Actions on this case")
    expect(actions.get_by_role("row", name=re.compile(action))).to_contain_text("Cancelled")
    expect(actions.get_by_role("button")).to_have_count(0)

    # A closed case can only be reopened.
    expect(page.get_by_role("link", name="Reopen case")).to_be_visible()
    for gone in ["Close case", "Add an action", "Assign", "Record an intervention"]:
        expect(page.get_by_role("link", name=gone, exact=True)).to_have_count(0)

    timeline = page.locator("ol.asb-history")
    for entry in ["Intervention", "Action", "Status change", "Assignment", "Person added"]:
        expect(timeline).to_contain_text(entry)
    assert_accessible(page, "the closed case's page")


def test_manager_assigns_officer_warns_acts_and_closes(open_page, street_enforcement):
    manager, officer = street_enforcement["manager"], street_enforcement["officer"]

    manager_page = open_page("street enforcement manager")
    reference = _manager_opens_and_assigns(manager_page, manager, officer)

    page = open_page("street enforcement officer")
    page.goto("/sign-in")
    sign_in(page, officer.email)
    _officer_is_told(page, reference)

    page.get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    mine = page.get_by_role("table", name="Cases assigned to you")
    row = mine.get_by_role("row", name=re.compile(reference))
    expect(row).to_contain_text("Fly-tipping behind 4 Bastion Highwalk")
    expect(row).to_contain_text("Open")
    assert_accessible(page, "the officer's My cases")
    row.get_by_role("link", name=reference).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
    expect(summary_value(page, "Case officer")).to_have_text(officer.name)
    # Already assigned to them: nothing to pick up.
    expect(page.get_by_role("button", name="Pick up this case")).to_have_count(0)
    assert_accessible(page, "the case page, as the officer")

    _officer_records_warning(page, reference)
    action = _officer_adds_action(page, officer)
    _officer_closes(page, reference)
    _check_closed_case(page, reference, action)

    # The case has left the officer's open work.
    page.get_by_role("link", name="Back to cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    expect(page.get_by_role("link", name=reference)).to_have_count(0)
