"""Admins manage users: create, change access, deactivate, reset passwords."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from asb.audit.models import AuditEvent
from asb.auth.models import Role, User
from asb.auth.passwords import verify_password
from asb.database import utcnow
from asb.extensions import db
from tests.conftest import sign_in_session
from tests.factories import agency
from tests.helpers import visible_text

TEMPORARY = "temporary passphrase 42"


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


@pytest.fixture
def admin(client, make_user):
    user = make_user(Role.ADMIN, "community-safety")
    sign_in_session(client, user)
    return user


@pytest.fixture
def target(app, make_user):
    """A housing officer, signed in on a client of their own."""
    user = make_user(Role.OFFICER, "housing", name="Priya Sharma")
    user.client = app.test_client()
    sign_in_session(user.client, user)
    return user


def still_signed_in(user) -> bool:
    return user.client.get("/incidents").status_code == 200


def new_user_form(**changes) -> dict:
    data = {
        "name": "Fiona MacLeod",
        "email": "Fiona.MacLeod@CityOfLondon.gov.uk",
        "agency": str(agency("mcp").id),
        "role": "officer",
        "temporary_password": TEMPORARY,
    }
    data.update(changes)
    return data


def test_users_page_lists_users_by_agency(client, admin, target):
    text = visible_text(client.get("/admin/users"))
    assert "Priya Sharma" in text


def test_admin_creates_a_user_who_must_change_their_password(client, admin):
    response = client.post("/admin/users/new", data=new_user_form())
    assert (response.status_code, response.location) == (302, "/admin/users")
    user = db.session.scalar(select(User).where(User.email == "fiona.macleod@cityoflondon.gov.uk"))
    assert user.name == "Fiona MacLeod"
    assert (user.role, user.agency) == (Role.OFFICER, agency("mcp"))
    assert user.must_change_password is True
    assert verify_password(user.password_hash, TEMPORARY)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.created"))
    assert (event.actor_id, event.object_id) == (admin.id, user.id)
    assert "Fiona MacLeod can now sign in" in visible_text(client.get("/admin/users"))


def test_admin_creates_a_partner_user_for_an_external_agency(client, admin):
    client.post(
        "/admin/users/new",
        data=new_user_form(agency=str(agency("city-police").id), role="partner"),
    )
    user = db.session.scalar(select(User).where(User.email == "fiona.macleod@cityoflondon.gov.uk"))
    assert user.role is Role.PARTNER


NEW_USER_ERRORS = [
    (
        "duplicate email",
        {"email": "PRIYA.existing@example.com"},
        "#email",
        "A user with this email address already exists",
    ),
    (
        "bad email",
        {"email": "fiona"},
        "#email",
        "Enter an email address in the right format, like name@cityoflondon.gov.uk",
    ),
    ("missing name", {"name": ""}, "#name", "Enter the user's full name"),
    ("missing agency", {"agency": ""}, "#agency", "Select the agency"),
    ("unknown agency", {"agency": "999999"}, "#agency", "Select agency from the list"),
    ("missing role", {"role": ""}, "#role", "Select a role"),
    ("unknown role", {"role": "superuser"}, "#role", "Select role from the list"),
    (
        "partner role at an internal agency",
        {"role": "partner"},
        "#role",
        "The partner role is only for users of external agencies",
    ),
    (
        "internal role at an external agency",
        {"role": "officer", "agency": "city-police"},
        "#role",
        "Users of an external partner agency must have the partner role",
    ),
    (
        "short temporary password",
        {"temporary_password": "too short"},
        "#temporary_password",
        "Password must be 12 characters or more",
    ),
]


@pytest.mark.parametrize(
    ("changes", "href", "message"),
    [pytest.param(c, h, m, id=case) for case, c, h, m in NEW_USER_ERRORS],
)
def test_invalid_new_user_is_explained_and_not_created(
    client, admin, make_user, changes, href, message
):
    make_user(Role.OFFICER, "housing", email="priya.existing@example.com")
    if changes.get("agency") == "city-police":
        changes = {**changes, "agency": str(agency("city-police").id)}
    before = user_count()

    response = client.post("/admin/users/new", data=new_user_form(**changes))

    assert response.status_code == 200
    assert f'href="{href}"' in response.get_data(as_text=True)
    assert message in visible_text(response)
    assert user_count() == before


def test_changing_role_and_agency_ends_the_users_sessions(client, admin, target):
    assert still_signed_in(target)
    response = client.post(
        f"/admin/users/{target.id}", data={"agency": str(agency("barbican").id), "role": "manager"}
    )
    assert (response.status_code, response.location) == (302, "/admin/users")
    assert (target.role, target.agency) == (Role.MANAGER, agency("barbican"))
    assert not still_signed_in(target)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.access-changed"))
    assert event.detail == {"role": ["officer", "manager"], "agency": ["housing", "barbican"]}


def test_saving_access_unchanged_keeps_the_users_sessions(client, admin, target):
    client.post(
        f"/admin/users/{target.id}", data={"agency": str(agency("housing").id), "role": "officer"}
    )
    assert still_signed_in(target)


@pytest.mark.parametrize(
    ("agency_code", "role", "message"),
    [
        ("housing", "partner", "The partner role is only for users of external agencies"),
        (
            "city-police",
            "manager",
            "Users of an external partner agency must have the partner role",
        ),
    ],
)
def test_partner_role_only_for_external_agencies(client, admin, target, agency_code, role, message):
    response = client.post(
        f"/admin/users/{target.id}", data={"agency": str(agency(agency_code).id), "role": role}
    )
    assert response.status_code == 200
    assert message in visible_text(response)
    assert (target.role, target.agency) == (Role.OFFICER, agency("housing"))
    assert still_signed_in(target)


def test_deactivating_a_user_signs_them_out_and_reactivating_lets_them_back(client, admin, target):
    response = client.post(f"/admin/users/{target.id}/deactivate")
    assert (response.status_code, response.location) == (302, f"/admin/users/{target.id}")
    assert target.is_active_account is False
    assert not still_signed_in(target)
    assert "has been deactivated and signed out" in visible_text(client.get(response.location))

    client.post(f"/admin/users/{target.id}/reactivate")
    assert target.is_active_account is True
    sign_in_session(target.client, target)
    assert still_signed_in(target)
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == target.id).order_by(AuditEvent.id)
    ).all()
    assert actions[-2:] == ["user.deactivated", "user.reactivated"]


def test_admin_cannot_deactivate_themselves(client, admin):
    response = client.post(f"/admin/users/{admin.id}/deactivate")
    assert response.status_code == 302
    assert admin.is_active_account is True
    assert "You cannot deactivate your own account." in visible_text(client.get(response.location))


def test_reset_password_unlocks_and_ends_sessions(client, admin, target):
    target.failed_sign_in_count = 5
    target.locked_until = utcnow() + timedelta(minutes=10)
    target.last_failed_sign_in_at = utcnow()
    db.session.commit()

    response = client.post(
        f"/admin/users/{target.id}/reset-password", data={"temporary_password": TEMPORARY}
    )

    assert (response.status_code, response.location) == (302, f"/admin/users/{target.id}")
    assert (target.failed_sign_in_count, target.locked_until) == (0, None)
    assert target.must_change_password is True
    assert verify_password(target.password_hash, TEMPORARY)
    assert not still_signed_in(target)
    assert "password has been reset" in visible_text(client.get(response.location))


def test_reset_password_with_a_short_password_is_refused(client, admin, target):
    before = target.password_hash
    response = client.post(
        f"/admin/users/{target.id}/reset-password", data={"temporary_password": "short"}
    )
    assert response.status_code == 200
    assert "Password must be 12 characters or more" in visible_text(response)
    assert target.password_hash == before
    assert still_signed_in(target)


def test_unknown_user_is_not_found(client, admin):
    assert client.get("/admin/users/999999").status_code == 404
    assert client.post("/admin/users/999999/deactivate").status_code == 404


@pytest.mark.parametrize(
    ("agency_code", "role"),
    [("community-safety", "asb-lead"), ("housing", "admin"), ("community-safety", "officer")],
    ids=["the ASB lead", "another agency", "another role"],
)
def test_admin_cannot_change_their_own_role_or_agency(client, admin, agency_code, role):
    response = client.post(
        f"/admin/users/{admin.id}", data={"agency": str(agency(agency_code).id), "role": role}
    )
    assert (response.status_code, response.location) == (302, f"/admin/users/{admin.id}")
    assert (admin.role, admin.agency) == (Role.ADMIN, agency("community-safety"))
    assert "You cannot change your own role or agency" in visible_text(
        client.get(response.location)
    )
    assert client.get("/incidents").status_code == 403  # still no access to the log


def test_admins_own_page_offers_no_access_changes_but_another_admins_does(client, admin, make_user):
    page = client.get(f"/admin/users/{admin.id}")
    text = visible_text(page)
    assert "You cannot change your own role or agency" in text
    assert f'action="/admin/users/{admin.id}"' not in page.get_data(as_text=True)
    assert "Deactivate account" not in text
    assert "Reset password" in text

    other = make_user(Role.ADMIN, "community-safety")
    assert "Deactivate account" in visible_text(client.get(f"/admin/users/{other.id}"))
    response = client.post(
        f"/admin/users/{other.id}",
        data={"agency": str(agency("community-safety").id), "role": "asb-lead"},
    )
    assert response.status_code == 302
    assert other.role is Role.ASB_LEAD


@pytest.mark.parametrize("change", ["access", "deactivate"])
def test_the_service_refuses_a_change_to_ones_own_access(admin, change):
    from asb.auth import services

    with pytest.raises(services.AccessChangeRefused):
        if change == "access":
            services.update_user_access(
                admin, role=Role.ASB_LEAD, agency=agency("community-safety"), actor=admin
            )
        else:
            services.set_account_active(admin, False, actor=admin)
    assert admin.role is Role.ADMIN
    assert admin.is_active_account is True


def test_only_admins_change_access_even_through_the_service(make_user, target):
    from asb.auth import services

    lead = make_user(Role.ASB_LEAD, "community-safety")
    with pytest.raises(services.AccessChangeRefused):
        services.set_account_active(target, False, actor=lead)
    assert target.is_active_account is True
