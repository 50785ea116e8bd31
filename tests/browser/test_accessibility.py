"""axe-core on every main page the incident journey does not pass through.

Each page is opened by the ASB lead or an administrator, signed in once per run; the
journey (test_incident_journey.py) covers sign-in, home, the new incident form with and
without errors, the incident page and the log with and without filters.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_accessible, expect

pytestmark = pytest.mark.browser

REFERENCE = r"ASB-\d{4}-\d{5}"

# (who, path, status, heading); {incident}, {restricted} and {user} are filled in from the
# live server's data: a partnership incident, a restricted one and the Barbican officer.
PAGES = [
    ("asb-lead", "/incidents", 200, "Incident log"),
    ("asb-lead", "/incidents?category=noise&sort=reference&order=asc", 200, "Incident log"),
    ("asb-lead", "/incidents/{incident}", 200, rf"Incident {REFERENCE}"),
    ("asb-lead", "/incidents/{restricted}", 200, rf"Incident {REFERENCE}"),
    ("asb-lead", "/incidents/{incident}/edit", 200, rf"Edit incident {REFERENCE}"),
    ("asb-lead", "/incidents/{incident}/status", 200, rf"Change the status of {REFERENCE}"),
    ("asb-lead", "/account/password", 200, "Change your password"),
    ("asb-lead", "/incidents/999999", 404, "Page not found"),
    ("asb-lead", "/admin/users", 403, "You do not have permission to see this page"),
    ("admin", "/admin/users", 200, "Users"),
    ("admin", "/admin/users/new", 200, "Add a user"),
    ("admin", "/admin/users/{user}", 200, "Bo Barbican"),
    ("admin", "/admin/agencies", 200, "Agencies"),
    ("admin", "/admin/local-types", 200, "Local ASB types"),
    ("admin", "/account/password", 200, "Change your password"),
    ("admin", "/incidents", 403, "You do not have permission to see this page"),
    ("admin", "/no-such-page", 404, "Page not found"),
    ("asb-lead", "/panels", 200, "ASB panel meetings"),
    ("asb-lead", "/panels/new", 200, "Plan a panel meeting"),
    ("asb-lead", "/panels/{meeting}", 200, r"Panel meeting ASB-P-\d{4}-\d{5}"),
    ("asb-lead", "/panels/{meeting}/agenda", 200, "Add a case to the agenda"),
    ("asb-lead", "/panels/{meeting}/agenda/{item}", 200, r"Record the decision on ASB-C-\S+"),
    ("asb-lead", "/panels/{meeting}/packs/{housing}", 200, "Meeting pack for Housing"),
]


def _path(template: str, live_server) -> str:
    return template.format(
        incident=live_server.incident_ids[1],
        restricted=live_server.restricted_incident_id,
        user=live_server.user_ids["barbican-officer"],
        **live_server.panel_ids,
    )


@pytest.mark.parametrize(
    ("who", "path", "status", "heading"),
    PAGES,
    ids=[f"{who}:{path}" for who, path, _, _ in PAGES],
)
def test_page_is_accessible(open_page, signed_in_state, live_server, who, path, status, heading):
    page = open_page(who, storage_state=signed_in_state(who))
    response = page.goto(_path(path, live_server))
    assert response is not None and response.status == status, (
        f"{path}: HTTP {response and response.status}, expected {status}"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(f"^{heading}$"))
    assert_accessible(page)


@pytest.mark.parametrize(
    ("who", "path", "button", "heading"),
    [
        ("admin", "/admin/users/new", "Create user", "Add a user"),
        ("asb-lead", "/account/password", "Change password", "Change your password"),
        ("asb-lead", "/incidents/{incident}/edit", "Save incident", rf"Edit incident {REFERENCE}"),
    ],
    ids=["admin:add-user", "asb-lead:change-password", "asb-lead:edit-incident"],
)
def test_form_with_errors_is_accessible(
    open_page, signed_in_state, live_server, who, path, button, heading
):
    """Sent with its fields emptied, each form shows the GOV.UK error summary, focused."""
    page = open_page(who, storage_state=signed_in_state(who))
    page.goto(_path(path, live_server))
    for field in page.locator(
        "main form input[type=text], main form input[type=email], main form input[type=password],"
        " main form input[type=tel], main form textarea"
    ).all():
        if field.is_visible():
            field.fill("")
    page.get_by_role("button", name=button).click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(f"^{heading}$"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    for link in summary.locator(".govuk-error-summary__list a").all():
        target = link.get_attribute("href")
        assert target and page.locator(target).count() == 1, f"{target} has no field"
    assert_accessible(page)
