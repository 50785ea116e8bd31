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
    ("admin", "/admin/open311-senders", 200, "Open311 senders"),
    ("admin", "/account/password", 200, "Change your password"),
    ("admin", "/incidents", 403, "You do not have permission to see this page"),
    ("admin", "/no-such-page", 404, "Page not found"),
    ("asb-lead", "/account/two-factor", 200, "Two-factor sign-in"),
    ("admin", "/admin/users/{lead}/reset-two-factor", 200, r"Reset Lee Lead's two-factor .+\?"),
    ("barbican-officer", "/emergency-access/new", 200, "Emergency access to a restricted record"),
    ("asb-lead", "/emergency-access", 200, "Emergency access"),
    ("asb-lead", "/panels", 200, "ASB panel meetings"),
    ("asb-lead", "/panels/new", 200, "Plan a panel meeting"),
    ("asb-lead", "/panels/{meeting}", 200, r"Panel meeting ASB-P-\d{4}-\d{5}"),
    ("asb-lead", "/panels/{meeting}/agenda", 200, "Add a case to the agenda"),
    ("asb-lead", "/panels/{meeting}/agenda/{item}", 200, r"Record the decision on ASB-C-\S+"),
    ("asb-lead", "/panels/{meeting}/packs/{housing}", 200, "Meeting pack for Housing, DCCS"),
    ("asb-lead", "/subject-access", 200, "Subject access requests"),
    ("asb-lead", "/subject-access/new", 200, "Log a subject access request"),
    ("asb-lead", "/subject-access/{sar}", 200, r"Subject access request SAR-\d{4}-\d{5}"),
    ("asb-lead", "/subject-access/{sar}/extend", 200, "Extend the deadline"),
    ("asb-lead", "/subject-access/{sar}/close", 200, "Close the request"),
    ("asb-lead", "/subject-access/{sar}/pack", 200, r"Subject access pack for request SAR-\S+"),
    ("barbican-officer", "/record-of-processing", 200, "Record of processing"),
    ("housing-officer", "/people/{known_person}", 200, "Kit Known"),
    (
        "housing-officer",
        "/people/{known_person}/details-requests/new?agency={known_agency}",
        200,
        "Ask Street Enforcement, Built Environment for their details",
    ),
    ("housing-officer", "/details-requests/{known_approved}/details", 200, "Details from .+"),
    ("asb-lead", "/details-requests", 200, "Requests for details"),
    ("asb-lead", "/details-requests/{known_request}", 200, "Request for details"),
    ("asb-lead", "/cases/{shared_case}", 200, r"Case ASB-C-\d{4}-\d{5}"),
    (
        "asb-lead",
        "/cases/{unshared_case}/share",
        200,
        "Share this case with a partner organisation",
    ),
    (
        "asb-lead",
        "/cases/{shared_case}/shares/{share}/withdraw",
        200,
        "Withdraw sharing with City of London Police",
    ),
    ("police-partner", "/", 200, "ASB case management"),
    ("police-partner", "/shared/cases/{shared_case}", 200, r"Shared case ASB-C-\d{4}-\d{5}"),
    ("police-partner", "/shared/cases/{shared_case}/notes", 200, "Add a note to a shared case"),
    (
        "police-partner",
        "/shared/cases/{shared_case}/incidents/new",
        200,
        "Record an incident on a shared case",
    ),
    ("police-partner", "/cases/{shared_case}", 403, "You do not have permission to see this page"),
    ("admin", "/", 200, "ASB case management"),
    ("asb-lead", "/agreements", 200, "Information sharing agreements"),
    ("asb-lead", "/agreements?state=in-force", 200, "Information sharing agreements"),
    ("asb-lead", "/agreements/new", 200, "Add an information sharing agreement"),
    ("asb-lead", "/agreements/{agreement}", 200, r"Agreement ISA-\d{4}-\d{5}"),
    ("asb-lead", "/agreements/{agreement}/edit", 200, r"Edit agreement ISA-\d{4}-\d{5}"),
    ("asb-lead", "/agreements/{agreement}/end", 200, r"End agreement ISA-\d{4}-\d{5}"),
    ("asb-lead", "/agreements/{agreement}/document", 200, "Upload the signed agreement"),
    ("asb-lead", "/disclosures", 200, "Disclosure log"),
    ("asb-lead", "/disclosures?method=case-share", 200, "Disclosure log"),
    ("asb-lead", "/disclosures/{disclosure}", 200, r"Disclosure \d+"),
    ("asb-lead", "/cases/{unshared_case}/disclosures/new", 200, "Record a disclosure"),
    ("asb-lead", "/people/{victim}", 200, "Vic Golden"),
    ("asb-lead", "/audit", 200, "Audit trail"),
    ("admin", "/audit?action=case.&outcome=success", 200, "Audit trail"),
    ("asb-lead", "/audit?person=abc", 200, "Audit trail"),
    ("asb-lead", "/report", 200, "Report anti-social behaviour"),
    ("asb-lead", "/report/what", 200, r"What happened\?"),
    ("asb-lead", "/triage", 200, "Reports from the public"),
    ("asb-lead", "/triage/{public_report}", 200, r"Report from the public RPT-\d{4}-\d{5}"),
    ("asb-lead", "/triage/{public_report}/accept", 200, "Record an incident"),
    ("asb-lead", "/api/v1/docs", 200, "asb REST API"),
    ("housing-officer", "/account/api-tokens", 200, "Personal API tokens"),
]


def _path(template: str, live_server) -> str:
    return template.format(
        incident=live_server.incident_ids[1],
        restricted=live_server.restricted_incident_id,
        user=live_server.user_ids["barbican-officer"],
        lead=live_server.user_ids["asb-lead"],
        **live_server.panel_ids,
        sar=live_server.subject_access_id,
        **live_server.known_to_ids,
        **live_server.sharing_ids,
        public_report=live_server.public_report_id,
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
        ("housing-officer", "/account/api-tokens", "Create token", "Personal API tokens"),
        ("asb-lead", "/incidents/{incident}/edit", "Save incident", rf"Edit incident {REFERENCE}"),
        (
            "barbican-officer",
            "/emergency-access/new",
            "Open the record",
            "Emergency access to a restricted record",
        ),
        ("asb-lead", "/subject-access/new", "Log the request", "Log a subject access request"),
        (
            "asb-lead",
            "/cases/{unshared_case}/share",
            "Share case",
            "Share this case with a partner organisation",
        ),
        (
            "police-partner",
            "/shared/cases/{shared_case}/notes",
            "Add note",
            "Add a note to a shared case",
        ),
        (
            "housing-officer",
            "/people/{known_person}/details-requests/new?agency={known_agency}",
            "Send request",
            "Ask Street Enforcement, Built Environment for their details",
        ),
        (
            "asb-lead",
            "/agreements/new",
            "Add agreement",
            "Add an information sharing agreement",
        ),
        (
            "asb-lead",
            "/cases/{unshared_case}/disclosures/new",
            "Record disclosure",
            "Record a disclosure",
        ),
    ],
    ids=[
        "admin:add-user",
        "asb-lead:change-password",
        "housing-officer:api-token",
        "asb-lead:edit-incident",
        "barbican-officer:emergency-access",
        "asb-lead:subject-access-request",
        "asb-lead:share-case",
        "police-partner:shared-case-note",
        "housing-officer:ask-for-details",
        "asb-lead:add-agreement",
        "asb-lead:record-disclosure",
    ],
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
