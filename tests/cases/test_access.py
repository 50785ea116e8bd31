"""Who reaches which case page and may do what to a case: issue 3, section 6, row by row.

A case is visible to its lead agency, its assigned team, its partner agencies and the ASB
lead; personal details and working the case belong to the lead agency, the assigned team and
the ASB lead; a restricted case is seen only by the assigned team and the ASB lead (and is
not admitted to exist for anyone else); partner organisations and admins see nothing.
"""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import Role, User
from asb.cases.models import Case
from asb.cases.vocabulary import CaseStatus
from asb.extensions import db
from asb.policy import Permission, can, visible_cases
from tests.conftest import sign_in_session
from tests.factories import make_case, make_user
from tests.helpers import page_text

# Who asks, by their relationship to the cases below.
USERS = {
    "officer@lead": (Role.OFFICER, "housing"),
    "manager@lead": (Role.MANAGER, "housing"),
    "officer@team": (Role.OFFICER, "barbican"),
    "manager@team": (Role.MANAGER, "barbican"),
    "officer@partner": (Role.OFFICER, "street-enforcement"),
    "manager@partner": (Role.MANAGER, "street-enforcement"),
    "officer@uninvolved": (Role.OFFICER, "mcp"),
    "manager@uninvolved": (Role.MANAGER, "mcp"),
    "asb-lead": (Role.ASB_LEAD, "community-safety"),
    "partner-org": (Role.PARTNER, "city-police"),
    # An internal role at an external agency is still a partner, even one on the case.
    "officer@city-police": (Role.OFFICER, "city-police"),
    "admin": (Role.ADMIN, "community-safety"),
    "deactivated asb-lead": (Role.ASB_LEAD, "community-safety"),
    "anonymous": None,
}
PAGE_USERS = [key for key in USERS if not key.startswith("deactivated")]

# The cases asked about. Housing leads them all; "case" and "restricted" were handed to
# Barbican's team queue, with Street Enforcement and the City Police as partners.
RECORDS = {
    "case": {"team": "barbican", "partners": ["street-enforcement", "city-police"]},
    "restricted": {
        "team": "barbican",
        "partners": ["street-enforcement", "city-police"],
        "restricted": True,
    },
    "queued": {},
    "picked-up": {"officer": True},
    "closed": {"status": CaseStatus.CLOSED},
}


def make_record(key: str) -> Case:
    spec = dict(RECORDS[key])
    if spec.pop("officer", False):
        spec["officer"] = make_user(Role.OFFICER, "housing")
    return make_case("housing", **spec)


def make_person(key: str):
    if USERS[key] is None:
        return AnonymousUserMixin()
    role, agency_code = USERS[key]
    return make_user(role, agency_code, is_active_account=not key.startswith("deactivated"))


# Pages


CASE_ENDPOINTS = [
    "GET /cases",
    "GET /cases/team",
    "GET /cases/all",
    "GET /cases/{case}",
    "GET /cases/{case}/assign",
    "GET /cases/{case}/status",
    "GET /cases/{case}/close",
    "GET /cases/{case}/notes",
    "GET /cases/{case}/actions",
    "GET /cases/{case}/review",
    "GET /cases/{case}/incidents",
    "GET /cases/{case}/risk-assessment/victim",
    "POST /cases/{case}/pick-up",
]
RESTRICTED_ENDPOINTS = [
    "GET /cases/{restricted}",
    "GET /cases/{restricted}/assign",
    "GET /cases/{restricted}/status",
    "GET /cases/{restricted}/notes",
    "GET /cases/{restricted}/risk-assessment/victim",
    "POST /cases/{restricted}/pick-up",
]

# Expected status for each user, endpoint by endpoint (in the order of the lists above).
# Picking up redirects to the case (302) when allowed; anonymous users are sent to sign in.
# fmt: off
EXPECTED_CASE = {
    #                      my   team all  show asgn stat clos note actn revw inc  risk pick
    "officer@lead":        [200, 200, 403, 200, 403, 200, 200, 200, 200, 200, 200, 200, 403],
    "manager@lead":        [200, 200, 403, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403],
    "officer@team":        [200, 200, 403, 200, 403, 200, 200, 200, 200, 200, 200, 200, 302],
    "manager@team":        [200, 200, 403, 200, 200, 200, 200, 200, 200, 200, 200, 200, 302],
    "officer@partner":     [200, 200, 403, 200, 403, 403, 403, 200, 403, 403, 403, 403, 403],
    "manager@partner":     [200, 200, 403, 200, 403, 403, 403, 200, 403, 403, 403, 403, 403],
    "officer@uninvolved":  [200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403],
    "manager@uninvolved":  [200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403],
    "asb-lead":            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403],
    "partner-org":         [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403],
    "officer@city-police": [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403],
    "admin":               [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403],
    "anonymous":           [302] * len(CASE_ENDPOINTS),
}
# A restricted case is not admitted to exist (404) for anyone outside the team and the lead,
# not even the lead agency that opened it once another team has it.
EXPECTED_RESTRICTED = {
    #                      show asgn stat note risk pick
    "officer@lead":        [404, 404, 404, 404, 404, 404],
    "manager@lead":        [404, 404, 404, 404, 404, 404],
    "officer@team":        [200, 403, 200, 200, 200, 302],
    "manager@team":        [200, 200, 200, 200, 200, 302],
    "officer@partner":     [404, 404, 404, 404, 404, 404],
    "manager@partner":     [404, 404, 404, 404, 404, 404],
    "officer@uninvolved":  [404, 404, 404, 404, 404, 404],
    "manager@uninvolved":  [404, 404, 404, 404, 404, 404],
    "asb-lead":            [200, 200, 200, 200, 200, 403],
    "partner-org":         [404, 404, 404, 404, 404, 404],
    "officer@city-police": [404, 404, 404, 404, 404, 404],
    "admin":               [404, 404, 404, 404, 404, 404],
    "anonymous":           [302] * len(RESTRICTED_ENDPOINTS),
}
# fmt: on

PAGE_CASES = [
    pytest.param(key, endpoint, expected[key][index], id=f"{key}-{endpoint}")
    for endpoints, expected in [
        (CASE_ENDPOINTS, EXPECTED_CASE),
        (RESTRICTED_ENDPOINTS, EXPECTED_RESTRICTED),
    ]
    for key in PAGE_USERS
    for index, endpoint in enumerate(endpoints)
]


def test_the_page_tables_have_a_row_for_every_user_and_a_column_for_every_endpoint():
    for endpoints, expected in [
        (CASE_ENDPOINTS, EXPECTED_CASE),
        (RESTRICTED_ENDPOINTS, EXPECTED_RESTRICTED),
    ]:
        assert set(expected) == set(PAGE_USERS)
        assert all(len(row) == len(endpoints) for row in expected.values())


@pytest.mark.parametrize(("user_key", "endpoint", "status"), PAGE_CASES)
def test_page_access(client, user_key, endpoint, status):
    cases = {"case": make_record("case"), "restricted": make_record("restricted")}
    person = make_person(user_key)
    db.session.commit()
    if isinstance(person, User):
        sign_in_session(client, person)
    method, path = endpoint.split(" ")
    url = path.format(**{key: case.id for key, case in cases.items()})

    response = client.open(url, method=method)

    assert response.status_code == status
    if status == 302 and user_key == "anonymous":
        assert response.location.startswith("/sign-in?next=")
    elif status == 302:
        assert response.location == url.removesuffix("/pick-up")
    if status == 404:
        page = page_text(response)
        assert "Page not found" in page
        assert cases["restricted"].reference not in page
        assert "Domestic abuse" not in page
    if status == 403:
        assert "You do not have permission to see this page" in page_text(response)


def test_unknown_case_is_not_found(client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")
    assert client.get("/cases/999999").status_code == 404
    assert client.get("/cases/999999/status").status_code == 404
    assert client.post("/cases/999999/pick-up").status_code == 404


def test_unknown_risk_assessment_subject_is_not_found(client, login_as):
    login_as(Role.OFFICER, "housing")
    case = make_case("housing")
    db.session.commit()
    assert client.get(f"/cases/{case.id}/risk-assessment/witness").status_code == 404


def test_team_holding_a_restricted_case_sees_why_it_is_restricted(client, login_as):
    case = make_case("housing", restricted=True, restriction_reason="Victim fled domestic abuse")
    db.session.commit()
    login_as(Role.OFFICER, "housing")
    assert "Victim fled domestic abuse" in page_text(client.get(f"/cases/{case.id}"))


@pytest.mark.parametrize(
    ("user_key", "can_work"),
    [("officer@lead", True), ("officer@team", True), ("officer@partner", False)],
)
def test_case_page_offers_work_only_to_those_who_hold_the_case(client, user_key, can_work):
    case = make_record("case")
    person = make_person(user_key)
    db.session.commit()
    sign_in_session(client, person)

    page = page_text(client.get(f"/cases/{case.id}"))

    assert f"/cases/{case.id}/notes" in page
    for link in ("status", "close", "actions", "review", "incidents", "risk-assessment/victim"):
        assert (f"/cases/{case.id}/{link}" in page) is can_work, link


def test_partner_agency_adds_a_note_but_cannot_change_the_status(client, login_as):
    case = make_record("case")
    db.session.commit()
    login_as(Role.OFFICER, "street-enforcement")

    noted = client.post(f"/cases/{case.id}/notes", data={"contact_method": "", "text": "Seen"})
    refused = client.post(
        f"/cases/{case.id}/status", data={"status": "investigating", "version": case.version}
    )

    assert noted.status_code == 302
    assert refused.status_code == 403
    db.session.refresh(case)
    assert case.status is CaseStatus.OPEN


# The policy, asked directly

INTERNAL = [
    "officer@lead",
    "manager@lead",
    "officer@team",
    "manager@team",
    "officer@partner",
    "manager@partner",
    "officer@uninvolved",
    "manager@uninvolved",
    "asb-lead",
]
LEAD_CASES = ["queued", "picked-up", "closed"]
ALL = list(RECORDS)

GENERAL_RULES = {
    Permission.OPEN_CASE: INTERNAL,
    Permission.VIEW_TEAM_QUEUE: INTERNAL,
    Permission.VIEW_ALL_CASES: ["asb-lead"],
    Permission.VIEW_OUTBOX: ["asb-lead", "admin"],
}

# For each permission and user, the cases allowed (anyone not listed: none).
RECORD_RULES = {
    Permission.VIEW_CASE: {
        "officer@lead": ["case", *LEAD_CASES],
        "manager@lead": ["case", *LEAD_CASES],
        "officer@team": ["case", "restricted"],
        "manager@team": ["case", "restricted"],
        "officer@partner": ["case"],
        "manager@partner": ["case"],
        "asb-lead": ALL,
    },
    # Personal details follow the incident rule: the agencies holding the case, not partners.
    Permission.VIEW_CASE_PERSONAL_DETAILS: {
        "officer@lead": ["case", *LEAD_CASES],
        "manager@lead": ["case", *LEAD_CASES],
        "officer@team": ["case", "restricted"],
        "manager@team": ["case", "restricted"],
        "asb-lead": ALL,
    },
    Permission.ADD_CASE_NOTE: {
        "officer@lead": ["case", *LEAD_CASES],
        "manager@lead": ["case", *LEAD_CASES],
        "officer@team": ["case", "restricted"],
        "manager@team": ["case", "restricted"],
        "officer@partner": ["case"],
        "manager@partner": ["case"],
        "asb-lead": ALL,
    },
    Permission.WORK_CASE: {
        "officer@lead": ["case", *LEAD_CASES],
        "manager@lead": ["case", *LEAD_CASES],
        "officer@team": ["case", "restricted"],
        "manager@team": ["case", "restricted"],
        "asb-lead": ALL,
    },
    Permission.ASSIGN_CASE: {
        "manager@lead": ["case", *LEAD_CASES],
        "manager@team": ["case", "restricted"],
        "asb-lead": ALL,
    },
    # An open case with no officer yet, by an officer or manager of the team it is with.
    Permission.PICK_UP_CASE: {
        "officer@lead": ["queued"],
        "manager@lead": ["queued"],
        "officer@team": ["case", "restricted"],
        "manager@team": ["case", "restricted"],
    },
}

GENERAL_CASES = [
    pytest.param(permission, key, key in allowed, id=f"{permission.value}-{key}")
    for permission, allowed in GENERAL_RULES.items()
    for key in USERS
]
RECORD_CASES = [
    pytest.param(key, record, id=f"{key}-{record}") for key in USERS for record in RECORDS
]


@pytest.mark.parametrize(("permission", "user_key", "allowed"), GENERAL_CASES)
def test_general_case_permission(db_session, permission, user_key, allowed):
    assert can(make_person(user_key), permission) is allowed


@pytest.mark.parametrize(("user_key", "record_key"), RECORD_CASES)
def test_case_permissions(db_session, in_request, user_key, record_key):
    """Every case permission for one user and one case, against the table above."""
    record = make_record(record_key)
    person = make_person(user_key)

    allowed = {permission: can(person, permission, record) for permission in RECORD_RULES}

    assert allowed == {
        permission: record_key in rules.get(user_key, [])
        for permission, rules in RECORD_RULES.items()
    }


@pytest.mark.parametrize("permission", list(RECORD_RULES))
def test_case_permission_without_a_case_is_refused(db_session, permission):
    assert can(make_person("asb-lead"), permission) is False


@pytest.mark.parametrize("user_key", list(USERS))
def test_visible_cases_filter_matches_the_view_permission(db_session, in_request, user_key):
    records = [make_record(key) for key in RECORDS]
    # A restricted case kept by its lead agency, and one with a partner but no restriction.
    records.append(make_case("housing", restricted=True, partners=["street-enforcement"]))
    records.append(make_case("mcp", team="street-enforcement", partners=["barbican"]))
    person = make_person(user_key)
    ids = [record.id for record in records]

    found = set(db.session.scalars(select(Case.id).where(Case.id.in_(ids), visible_cases(person))))

    expected = {record.id for record in records if can(person, Permission.VIEW_CASE, record)}
    assert found == expected


# Refusals are audited


def denials() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "access.denied").order_by(AuditEvent.id)
        )
    )


@pytest.mark.parametrize(
    ("path", "status", "permission"),
    [
        ("/cases/{case}/assign", 403, "assign-case"),
        ("/cases/{case}/status", 403, "work-case"),
        ("/cases/{restricted}", 404, "view-case"),
    ],
)
def test_a_denial_writes_an_audit_event(client, login_as, path, status, permission):
    cases = {"case": make_record("case"), "restricted": make_record("restricted")}
    db.session.commit()
    officer = login_as(Role.OFFICER, "street-enforcement")
    url = path.format(**{key: case.id for key, case in cases.items()})
    before = len(denials())

    response = client.get(url)

    assert response.status_code == status
    found = denials()
    assert len(found) == before + 1
    event = found[-1]
    assert (event.actor_id, event.outcome) == (officer.id, "denied")
    assert event.object_type == "cases"
    assert event.object_id == cases["restricted" if status == 404 else "case"].id
    assert event.detail == {"permission": permission, "path": url}


def test_a_denied_queue_is_audited_for_the_user(client, login_as):
    officer = login_as(Role.OFFICER, "housing")
    assert client.get("/cases/all").status_code == 403
    event = denials()[-1]
    assert (event.actor_id, event.object_type, event.detail["permission"]) == (
        officer.id,
        None,
        "view-all-cases",
    )
