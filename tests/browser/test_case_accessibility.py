"""axe-core on the case pages the case journey (test_case_journey.py) does not pass through.

Every page is opened by the ASB lead. First, once per module, the lead prepares what the
pages show, through the pages themselves: an open case with a victim and an alleged
perpetrator, a Community Protection Warning and then a Notice served on him, and an ASB Case
Review application about the case; and a second case, assigned across agencies to the
housing officer (so the outbox has an email), then closed (so it can be reopened).

Each form is also sent empty, or with its fields emptied, to check the page with its GOV.UK
error summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import PageMonitor, assert_accessible, expect

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")
CASE = r"ASB-C-\d{4}-\d{5}"
CASE_REVIEW = r"ASB-CR-\d{4}-\d{5}"
VICTIM = "Val Access-Victim"
PERPETRATOR = "Piers Access-Tagger"


@dataclass(frozen=True)
class LeadCases:
    case: int  # open, with people, interventions and a Case Review application
    closed: int
    intervention: int  # the Community Protection Notice on the open case
    person: int  # the victim
    review: int  # the Case Review application

    def path(self, template: str) -> str:
        return template.format(
            case=self.case,
            closed=self.closed,
            intervention=self.intervention,
            person=self.person,
            review=self.review,
        )


def choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def fill_date(page, question: str, day: date) -> None:
    group = page.get_by_role("group", name=question)
    group.get_by_label("Day", exact=True).fill(str(day.day))
    group.get_by_label("Month", exact=True).fill(str(day.month))
    group.get_by_label("Year", exact=True).fill(str(day.year))


def _last_number(url: str) -> int:
    return int(urlsplit(url).path.rstrip("/").rsplit("/", 1)[1])


def _expect_saved(page, message: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(message)


def _open_case(page, title: str, incident: int | None = None) -> int:
    page.goto("/cases/new" + (f"?incident={incident}" if incident else ""))
    page.get_by_label("Case title").fill(title)
    page.get_by_label("Summary of the problem").fill(f"{title}: reported by several residents.")
    choose(page, "Restrict this case?", "No")
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(f"^Case {CASE}$"))
    return _last_number(page.url)


def _add_person(page, case: int, role: str, name: str, born: date) -> int:
    page.goto(f"/cases/{case}/people/new")
    choose(page, "Role in the case", role)
    page.get_by_label("Full name").fill(name)
    fill_date(page, "Date of birth", born)
    page.get_by_role("button", name="Add person").click()
    _expect_saved(page, f"{name} added to the case")
    link = page.get_by_role("table", name="People on this case").get_by_role("link", name=name)
    return _last_number(link.get_attribute("href"))


def _record_intervention(page, case: int, kind: str) -> int:
    page.goto(f"/cases/{case}/interventions/new")
    choose(page, "Kind of intervention", kind)
    page.get_by_label("Served on").select_option(label=f"{PERPETRATOR} (Alleged perpetrator)")
    fill_date(page, "Date of issue", datetime.now(LONDON).date())
    page.get_by_role("button", name="Record intervention").click()
    _expect_saved(page, f"{kind} recorded.")
    return _last_number(page.url)


@pytest.fixture(scope="module")
def lead_cases(browser, live_server, signed_in_state) -> LeadCases:
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", storage_state=signed_in_state("asb-lead")
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    monitor = PageMonitor(label="the ASB lead preparing cases")
    monitor.attach(context, page)
    try:
        # With an incident, so the Case Review application lists whether it counts.
        case = _open_case(
            page, "Graffiti in the London Wall car park", incident=live_server.incident_ids[0]
        )
        person = _add_person(page, case, "Victim", VICTIM, date(1961, 5, 14))
        _add_person(page, case, "Alleged perpetrator", PERPETRATOR, date(1994, 2, 3))
        _record_intervention(page, case, "Community Protection Warning")
        # A Notice needs the Warning first; its page has an appeal clock and a penalty field.
        intervention = _record_intervention(page, case, "Community Protection Notice")

        page.goto(f"/case-reviews/new?case={case}")
        page.get_by_label("Applicant's name").fill(VICTIM)
        page.get_by_label("How to contact the applicant").fill("020 7946 0456")
        choose(page, "How was the application made?", "Phone")
        page.get_by_role("button", name="Log application").click()
        _expect_saved(page, "ASB Case Review application")
        review = _last_number(page.url)

        closed = _open_case(page, "Begging at Moorgate station entrance")
        page.goto(f"/cases/{closed}/assign")
        page.get_by_label("Team").select_option(label="Housing, DCCS")
        page.get_by_label("Officer").select_option(label="Hana Housing (Housing, DCCS)")
        page.get_by_role("button", name="Assign case").click()
        _expect_saved(page, "assigned.")
        page.goto(f"/cases/{closed}/close")
        choose(page, "Outcome", "Referred to another service")
        page.get_by_label("Closing summary").fill("Referred to the outreach team.")
        page.get_by_role("button", name="Close case").click()
        _expect_saved(page, "closed.")
    finally:
        context.close()
    assert not monitor.problems(), "\n".join(monitor.problems())
    return LeadCases(
        case=case, closed=closed, intervention=intervention, person=person, review=review
    )


# (path, heading): {case}, {closed}, {intervention}, {person} and {review} come from lead_cases.
# The forms in FORMS are checked there, as first shown and with errors.
PAGES = [
    ("/cases/all", "All open cases"),
    ("/cases/team", "My team's cases"),
    ("/cases/{case}", f"Case {CASE}"),
    ("/cases/{closed}", f"Case {CASE}"),
    ("/cases/{case}?show=person&show=intervention", f"Case {CASE}"),
    ("/cases/{case}/assign", "Assign the case"),
    ("/cases/{case}/risk-assessment/perpetrator", "Alleged perpetrator risk assessment"),
    ("/interventions/deadlines", "Intervention deadlines"),
    ("/case-reviews", "ASB Case Reviews"),
    ("/case-reviews/{review}", f"ASB Case Review {CASE_REVIEW}"),
    ("/case-reviews/{review}/acknowledge", "Record the acknowledgement"),
    ("/case-reviews/{review}/spoc", "Appoint the single point of contact"),
    ("/case-reviews/figures", "ASB Case Review figures"),
    ("/repeat-victims", "Repeat victims"),
    ("/people/{person}", VICTIM),
    ("/notifications", "Notifications"),
    ("/outbox", "Email outbox"),
]


@pytest.mark.parametrize(("path", "heading"), PAGES, ids=[path for path, _ in PAGES])
def test_case_page_is_accessible(open_page, signed_in_state, lead_cases, path, heading):
    page = open_page("asb lead", storage_state=signed_in_state("asb-lead"))
    response = page.goto(lead_cases.path(path))
    assert response is not None and response.status == 200, (
        f"{path}: HTTP {response and response.status}"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(f"^{heading}$"))
    assert_accessible(page)


def test_outbox_shows_the_assignment_email(open_page, signed_in_state, lead_cases):
    """The lead's cross-agency assignment was emailed to the officer (no mail server here)."""
    page = open_page("asb lead", storage_state=signed_in_state("asb-lead"))
    page.goto("/outbox")
    expect(page.get_by_text("hana.housing@example.test").first).to_be_visible()
    expect(page.locator("main")).to_contain_text(re.compile(f"Case {CASE} has been assigned"))


# (path, button, heading): each form as first shown, then sent with its text fields emptied.
FORMS = [
    ("/cases/new", "Open case", "Open a case"),
    ("/cases/{case}/notes", "Add to timeline", "Add a note or contact"),
    ("/cases/{case}/actions", "Add action", "Add an action"),
    ("/cases/{case}/review", "Record review", "Record a review"),
    ("/cases/{case}/incidents", "Link incident", "Link an incident"),
    ("/cases/{case}/status", "Change status", "Change the case status"),
    ("/cases/{case}/risk-assessment/victim", "Save risk assessment", "Victim risk assessment"),
    ("/cases/{closed}/reopen", "Reopen case", "Reopen the case"),
    ("/cases/{case}/documents/new", "Upload document", "Upload a document"),
    ("/cases/{case}/people/new", "Add person", "Add a person to the case"),
    ("/cases/{case}/interventions/new", "Record intervention", "Record an intervention"),
    (
        "/cases/{case}/interventions/{intervention}",
        "Record breach",
        "Community Protection Notice",
    ),
    ("/case-reviews/new", "Log application", "Log an ASB Case Review application"),
]
TEXT_FIELDS = (
    "main form input[type=text], main form input[type=tel], main form input[type=email],"
    " main form input:not([type]), main form textarea"
)


@pytest.mark.parametrize(
    ("path", "button", "heading"), FORMS, ids=[f"{path}:{button}" for path, button, _ in FORMS]
)
def test_case_form_and_its_errors_are_accessible(
    open_page, signed_in_state, lead_cases, path, button, heading
):
    """The form as first shown; then, sent with its text fields emptied, the GOV.UK error
    summary, focused, each of its links leading to a field."""
    page = open_page("asb lead", storage_state=signed_in_state("asb-lead"))
    response = page.goto(lead_cases.path(path))
    assert response is not None and response.status == 200, (
        f"{path}: HTTP {response and response.status}"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(f"^{heading}$"))
    assert_accessible(page, f"{path} as first shown")

    page.locator(TEXT_FIELDS).evaluate_all("fields => fields.forEach(f => { f.value = ''; })")
    page.get_by_role("button", name=button, exact=True).click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(f"^{heading}$"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    targets = summary.locator(".govuk-error-summary__list a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    assert targets, "the error summary lists no problems"
    for target in targets:
        assert target and page.locator(target).count() == 1, f"{target} has no field"
    assert_accessible(page, f"{path} with errors")
