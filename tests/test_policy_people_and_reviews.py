"""Policy rows for people records and ASB Case Review applications."""

from __future__ import annotations

import pytest
from flask import current_app

from asb.auth.models import Role
from asb.cases.services import add_partner, open_case
from asb.people.vocabulary import PersonRole
from asb.policy import Permission, can
from tests.factories import (
    CasePersonFactory,
    CaseReviewApplicationFactory,
    PersonFactory,
    UserFactory,
    agency,
)

USERS = {
    "housing officer": (Role.OFFICER, "housing"),
    "barbican officer (partner on the case)": (Role.OFFICER, "barbican"),
    "mcp officer (uninvolved)": (Role.OFFICER, "mcp"),
    "asb lead": (Role.ASB_LEAD, "community-safety"),
    "police partner": (Role.PARTNER, "city-police"),
    "admin": (Role.ADMIN, "community-safety"),
}


@pytest.fixture
def world(db_session):
    """A Housing case with Barbican as partner, a victim on it and a Case Review application."""
    users = {
        name: UserFactory(role=role, agency=agency(code)) for name, (role, code) in USERS.items()
    }
    with current_app.test_request_context():
        case = open_case(
            title="Noise",
            summary="Loud music",
            lead_agency=agency("housing"),
            actor=users["housing officer"],
        )
        add_partner(case, agency("barbican"), actor=users["housing officer"])
    victim = PersonFactory(name="Margaret Ellison")
    stranger = PersonFactory(name="Nobody Linked")
    CasePersonFactory(case_id=case.id, person_id=victim.id, role=PersonRole.VICTIM)
    application = CaseReviewApplicationFactory(
        reference="ASB-CR-2026-99999",
        case_id=case.id,
        applicant_name="Margaret Ellison",
        applicant_contact="020 7946 0999",
        consent_confirmed=True,
        received_on=case.opened_at.date(),
        created_by_id=users["mcp officer (uninvolved)"].id,
    )
    return users, victim, stranger, application


@pytest.mark.parametrize(
    ("user", "sees_person", "sees_details"),
    [
        ("housing officer", True, True),
        ("barbican officer (partner on the case)", True, False),
        ("mcp officer (uninvolved)", False, False),
        ("asb lead", True, True),
        ("police partner", False, False),
        ("admin", False, False),
    ],
)
def test_person_records_follow_their_cases(world, user, sees_person, sees_details):
    users, victim, _, _ = world
    assert can(users[user], Permission.VIEW_PERSON, victim) is sees_person
    assert can(users[user], Permission.VIEW_PERSON_DETAILS, victim) is sees_details


def test_a_person_with_no_records_is_the_asb_leads_alone(world):
    users, _, stranger, _ = world
    assert can(users["asb lead"], Permission.VIEW_PERSON_DETAILS, stranger)
    assert not can(users["housing officer"], Permission.VIEW_PERSON, stranger)


@pytest.mark.parametrize(
    ("user", "may_merge"),
    [
        ("housing officer", False),  # the stranger has no record the officer can see
        ("barbican officer (partner on the case)", False),
        ("asb lead", True),
        ("admin", False),
    ],
)
def test_merging_needs_sight_of_every_record_of_both(world, user, may_merge):
    users, victim, stranger, _ = world
    assert can(users[user], Permission.MERGE_PEOPLE, (victim, stranger)) is may_merge


@pytest.mark.parametrize(
    ("user", "sees_application", "sees_applicant"),
    [
        ("housing officer", True, True),
        ("barbican officer (partner on the case)", True, False),
        ("mcp officer (uninvolved)", True, True),  # logged it
        ("asb lead", True, True),
        ("police partner", False, False),
        ("admin", False, False),
    ],
)
def test_case_review_applications(world, user, sees_application, sees_applicant):
    users, _, _, application = world
    assert can(users[user], Permission.VIEW_CASE_REVIEW, application) is sees_application
    assert can(users[user], Permission.VIEW_CASE_REVIEW_APPLICANT, application) is sees_applicant


@pytest.mark.parametrize(
    ("role", "code", "allowed"),
    [
        (Role.ASB_LEAD, "community-safety", True),
        (Role.MANAGER, "housing", True),
        (Role.OFFICER, "housing", False),
        (Role.PARTNER, "city-police", False),
        (Role.ADMIN, "community-safety", False),
    ],
)
def test_overview_is_for_the_asb_lead_and_managers(db_session, role, code, allowed):
    assert can(UserFactory(role=role, agency=agency(code)), Permission.VIEW_OVERVIEW) is allowed
