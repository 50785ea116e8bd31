"""Who may log, see and run ASB Case Reviews: role x agency x page -> allowed?"""

from __future__ import annotations

import pytest

from asb.auth.models import Role
from asb.cases.services import open_case
from asb.extensions import db
from tests.case_reviews.helpers import application_form, log_on_page, step_date
from tests.factories import UserFactory, agency, make_application
from tests.helpers import visible_text

OFFICER = (Role.OFFICER, "housing")
MANAGER = (Role.MANAGER, "housing")
OTHER_AGENCY_OFFICER = (Role.OFFICER, "barbican")
LEAD = (Role.ASB_LEAD, "community-safety")
PARTNER = (Role.PARTNER, "city-police")
ADMIN = (Role.ADMIN, "community-safety")

WHO = {
    "officer@housing": OFFICER,
    "manager@housing": MANAGER,
    "officer@barbican": OTHER_AGENCY_OFFICER,
    "asb-lead": LEAD,
    "partner@city-police": PARTNER,
    "admin": ADMIN,
}
INTERNAL = {"officer@housing", "manager@housing", "officer@barbican", "asb-lead"}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/case-reviews", INTERNAL),
        ("/case-reviews/new", INTERNAL),
        ("/case-reviews/figures", {"asb-lead"}),
        ("/case-reviews/figures.csv", {"asb-lead"}),
    ],
)
def test_pages_about_no_application(client, login_as, who, path, allowed):
    login_as(*WHO[who])
    assert client.get(path).status_code == (200 if who in allowed else 403)


@pytest.fixture
def housing_case_application():
    """An application the ASB lead logged, about a Housing case."""
    lead = UserFactory(role=Role.ASB_LEAD, agency=agency("community-safety"))
    case = open_case(
        title="Noise at Crescent House", summary="Noise", lead_agency=agency("housing"), actor=lead
    )
    return make_application(lead, case=case)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(
    ("step", "allowed"),
    [
        ("", {"officer@housing", "manager@housing", "asb-lead"}),
        ("/acknowledge", {"asb-lead"}),
        ("/threshold", {"asb-lead"}),
        ("/spoc", {"asb-lead"}),
        ("/meeting", {"asb-lead"}),
        ("/response", {"asb-lead"}),
        ("/appeal", {"asb-lead"}),
        ("/link-case", {"asb-lead"}),
        ("/complaints", {"asb-lead"}),
    ],
)
def test_pages_about_an_application_on_a_housing_case(
    client, login_as, housing_case_application, who, step, allowed
):
    login_as(*WHO[who])
    response = client.get(f"/case-reviews/{housing_case_application.id}{step}")
    assert response.status_code == (200 if who in allowed else 403)


def test_officers_log_applications_but_do_not_decide_them(client, login_as):
    login_as(*OFFICER)
    show = log_on_page(client)
    page = visible_text(client.get(show))
    assert "Pat Applicant" in page
    assert "Decide the threshold" not in page
    assert "Add a complaint the application cites" in page
    assert client.get(f"{show}/complaints").status_code == 200
    assert client.post(f"{show}/acknowledge", data=step_date()).status_code == 403
    assert client.post(f"{show}/threshold", data={"met": "yes", **step_date()}).status_code == 403
    assert "ASB-CR-" in visible_text(client.get("/case-reviews"))


def test_an_officer_sees_only_applications_they_logged_or_whose_case_they_see(
    client, login_as, housing_case_application
):
    lead = UserFactory(role=Role.ASB_LEAD, agency=agency("community-safety"))
    elsewhere = make_application(lead)
    login_as(*OTHER_AGENCY_OFFICER)
    mine = log_on_page(client)
    page = visible_text(client.get("/case-reviews"))
    assert "1 application" in page
    assert client.get(mine).status_code == 200
    assert client.get(f"/case-reviews/{elsewhere.id}").status_code == 403
    assert housing_case_application.reference not in page


def test_the_single_point_of_contact_sees_the_application(client, login_as):
    spoc = login_as(*OTHER_AGENCY_OFFICER)
    lead = UserFactory(role=Role.ASB_LEAD, agency=agency("community-safety"))
    application = make_application(lead, spoc=spoc)
    db.session.commit()
    assert client.get(f"/case-reviews/{application.id}").status_code == 200


def test_the_applicant_is_shown_only_to_those_who_see_the_cases_personal_details(client, login_as):
    lead = UserFactory(role=Role.ASB_LEAD, agency=agency("community-safety"))
    case = open_case(
        title="Noise at Crescent House", summary="Noise", lead_agency=agency("housing"), actor=lead
    )
    from asb.cases.services import add_partner

    add_partner(case, agency("barbican"), actor=lead)
    application = make_application(lead, case=case)
    login_as(*OTHER_AGENCY_OFFICER)
    page = visible_text(client.get(f"/case-reviews/{application.id}"))
    assert application.reference in page
    assert "Pat Applicant" not in page
    case_page = visible_text(client.get(f"/cases/{case.id}"))
    assert application.reference in case_page
    assert "Pat Applicant" not in case_page


def test_a_restricted_case_is_not_revealed_through_the_log_form(client, login_as):
    lead = UserFactory(role=Role.ASB_LEAD, agency=agency("community-safety"))
    case = open_case(
        title="Safeguarding",
        summary="Restricted",
        lead_agency=agency("housing"),
        actor=lead,
        restricted=True,
        restriction_reason="Domestic abuse",
    )
    db.session.commit()
    login_as(*OTHER_AGENCY_OFFICER)
    assert client.get(f"/case-reviews/new?case={case.id}").status_code == 404
    response = client.post("/case-reviews/new", data=application_form(case_id=str(case.id)))
    assert response.status_code == 404
