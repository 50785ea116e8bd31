"""The access policy, asked directly: role x agency x record -> allowed?"""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from asb.auth.models import Role
from asb.extensions import db
from asb.incidents.models import Incident
from asb.incidents.vocabulary import IncidentSource
from asb.policy import Permission, can, visible_incidents
from tests.factories import IncidentFactory, UserFactory, agency

# Who asks: role and agency, or a special case.
USERS = {
    "officer@housing": (Role.OFFICER, "housing"),
    "manager@housing": (Role.MANAGER, "housing"),
    "officer@barbican": (Role.OFFICER, "barbican"),
    "manager@barbican": (Role.MANAGER, "barbican"),
    "officer@community-safety": (Role.OFFICER, "community-safety"),
    "asb-lead@community-safety": (Role.ASB_LEAD, "community-safety"),
    "partner@city-police": (Role.PARTNER, "city-police"),
    # An internal role at an external agency is still a partner.
    "officer@city-police": (Role.OFFICER, "city-police"),
    "admin@community-safety": (Role.ADMIN, "community-safety"),
    "deactivated officer@housing": (Role.OFFICER, "housing"),
    "deactivated asb-lead": (Role.ASB_LEAD, "community-safety"),
    "anonymous": None,
    "nobody (None)": None,
}

# What is asked about: the recording agency, and whether restricted or from police.uk.
RECORDS = {
    "housing incident": {"agency": "housing"},
    "restricted housing incident": {"agency": "housing", "restricted": True},
    "barbican incident": {"agency": "barbican"},
    "restricted barbican incident": {"agency": "barbican", "restricted": True},
    "police.uk incident": {"agency": "city-police", "source": IncidentSource.POLICE_UK},
}

INTERNAL = [
    "officer@housing",
    "manager@housing",
    "officer@barbican",
    "manager@barbican",
    "officer@community-safety",
    "asb-lead@community-safety",
]
OPEN_RECORDS = ["housing incident", "barbican incident", "police.uk incident"]
HOUSING_RECORDS = ["housing incident", "restricted housing incident"]
BARBICAN_RECORDS = ["barbican incident", "restricted barbican incident"]

# Permissions about no record in particular: who is allowed.
GENERAL_RULES = {
    Permission.VIEW_INCIDENT_LOG: INTERNAL,
    Permission.RECORD_INCIDENT: INTERNAL,
    Permission.EXPORT_INCIDENTS: INTERNAL,
    Permission.MANAGE_USERS: ["admin@community-safety"],
    Permission.MANAGE_REFERENCE_DATA: ["admin@community-safety"],
}

# Permissions on a record: for each user, the records allowed (anyone not listed: none).
RECORD_RULES = {
    Permission.VIEW_INCIDENT: {
        "officer@housing": [*OPEN_RECORDS, "restricted housing incident"],
        "manager@housing": [*OPEN_RECORDS, "restricted housing incident"],
        "officer@barbican": [*OPEN_RECORDS, "restricted barbican incident"],
        "manager@barbican": [*OPEN_RECORDS, "restricted barbican incident"],
        "officer@community-safety": OPEN_RECORDS,
        "asb-lead@community-safety": list(RECORDS),
    },
    Permission.VIEW_PERSONAL_DETAILS: {
        "officer@housing": HOUSING_RECORDS,
        "manager@housing": HOUSING_RECORDS,
        "officer@barbican": BARBICAN_RECORDS,
        "manager@barbican": BARBICAN_RECORDS,
        "asb-lead@community-safety": list(RECORDS),
    },
    # police.uk records are read-only, even for the ASB lead.
    Permission.EDIT_INCIDENT: {
        "officer@housing": HOUSING_RECORDS,
        "manager@housing": HOUSING_RECORDS,
        "officer@barbican": BARBICAN_RECORDS,
        "manager@barbican": BARBICAN_RECORDS,
        "asb-lead@community-safety": [r for r in RECORDS if r != "police.uk incident"],
    },
    # The status of police.uk records is worked here: by the ASB lead, as the police
    # (their recording agency) are partners.
    Permission.CHANGE_INCIDENT_STATUS: {
        "officer@housing": HOUSING_RECORDS,
        "manager@housing": HOUSING_RECORDS,
        "officer@barbican": BARBICAN_RECORDS,
        "manager@barbican": BARBICAN_RECORDS,
        "asb-lead@community-safety": list(RECORDS),
    },
}


def make_user(key: str):
    if key == "anonymous":
        return AnonymousUserMixin()
    if key == "nobody (None)":
        return None
    role, agency_code = USERS[key]
    return UserFactory(
        role=role,
        agency=agency(agency_code),
        is_active_account=not key.startswith("deactivated"),
    )


def make_record(key: str) -> Incident:
    spec = RECORDS[key]
    return IncidentFactory(
        recording_agency=agency(spec["agency"]),
        restricted=spec.get("restricted", False),
        restriction_reason="Safeguarding" if spec.get("restricted") else None,
        source=spec.get("source", IncidentSource.PARTNERSHIP),
    )


GENERAL_CASES = [
    pytest.param(permission, user, user in allowed, id=f"{permission.value}-{user}")
    for permission, allowed in GENERAL_RULES.items()
    for user in USERS
]

RECORD_CASES = [
    pytest.param(
        permission,
        user,
        record,
        record in rules.get(user, []),
        id=f"{permission.value}-{user}-{record.replace(' ', '-')}",
    )
    for permission, rules in RECORD_RULES.items()
    for user in USERS
    for record in RECORDS
]


@pytest.mark.parametrize(("permission", "user_key", "allowed"), GENERAL_CASES)
def test_general_permission(db_session, permission, user_key, allowed):
    user = make_user(user_key)
    assert can(user, permission) is allowed


@pytest.mark.parametrize(("permission", "user_key", "record_key", "allowed"), RECORD_CASES)
def test_record_permission(db_session, permission, user_key, record_key, allowed):
    user = make_user(user_key)
    record = make_record(record_key)
    assert can(user, permission, record) is allowed


@pytest.mark.parametrize("permission", list(RECORD_RULES))
def test_record_permission_without_a_record_is_refused(db_session, permission):
    lead = make_user("asb-lead@community-safety")
    assert can(lead, permission) is False
    assert can(lead, permission, None) is False


def test_general_permission_does_not_depend_on_a_record(db_session):
    officer = make_user("officer@barbican")
    restricted = make_record("restricted housing incident")
    assert can(officer, Permission.VIEW_INCIDENT_LOG, restricted) is True


def test_unknown_permission_is_refused(db_session):
    admin = make_user("admin@community-safety")
    lead = make_user("asb-lead@community-safety")
    assert can(admin, "delete-everything") is False
    assert can(lead, "delete-everything", make_record("housing incident")) is False


@pytest.mark.parametrize("permission", list(Permission))
@pytest.mark.parametrize(
    "user_key",
    ["anonymous", "nobody (None)", "deactivated officer@housing", "deactivated asb-lead"],
)
def test_signed_out_and_deactivated_users_may_do_nothing(db_session, permission, user_key):
    """Every permission, including those of other features, with or without a record."""
    user = make_user(user_key)
    assert can(user, permission) is False
    assert can(user, permission, make_record("housing incident")) is False


@pytest.mark.parametrize("user_key", list(USERS))
def test_visible_incidents_filter_matches_view_permission(db_session, user_key):
    records = [make_record(key) for key in RECORDS for _ in range(2)]
    user = make_user(user_key)
    ids = [record.id for record in records]
    found = set(
        db.session.scalars(select(Incident.id).where(Incident.id.in_(ids), visible_incidents(user)))
    )
    expected = {record.id for record in records if can(user, Permission.VIEW_INCIDENT, record)}
    assert found == expected
