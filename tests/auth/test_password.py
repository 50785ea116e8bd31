"""Changing your own password."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.auth.passwords import verify_password
from asb.extensions import db
from tests.auth.helpers import signed_in
from tests.conftest import sign_in_session
from tests.factories import TEST_PASSWORD
from tests.helpers import visible_text

NEW_PASSWORD = "a quite different passphrase"


@pytest.fixture
def officer(client, make_user):
    user = make_user(Role.OFFICER, "housing", email="tom.brennan@example.test")
    sign_in_session(client, user)
    return user


def change(client, current=TEST_PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post(
        "/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
        },
    )


def test_password_change_keeps_this_session_and_ends_the_others(app, client, officer):
    elsewhere = app.test_client()
    sign_in_session(elsewhere, officer)

    response = change(client)

    assert (response.status_code, response.location) == (302, "/")
    assert "Your password has been changed" in visible_text(client.get("/"))
    assert signed_in(client)
    assert not signed_in(elsewhere)
    assert verify_password(officer.password_hash, NEW_PASSWORD)
    assert not verify_password(officer.password_hash, TEST_PASSWORD)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "auth.password-changed")
    )
    assert event.actor_id == officer.id


def test_password_change_clears_must_change_password(client, make_user):
    user = make_user(Role.OFFICER, "housing", must_change_password=True)
    sign_in_session(client, user)
    assert change(client).location == "/"
    assert user.must_change_password is False
    assert client.get("/incidents").status_code == 200


INVALID = [
    (
        "too short",
        {"new": "short words"},
        "#new_password",
        "Password must be 12 characters or more",
    ),
    (
        "too long",
        {"new": "x" * 201},
        "#new_password",
        "Password must be 200 characters or fewer",
    ),
    (
        "contains the email address",
        {"new": "tom.brennan and some words"},
        "#new_password",
        "Password must not contain your email address",
    ),
    (
        "same as current",
        {"new": TEST_PASSWORD},
        "#new_password",
        "New password must be different from your current password",
    ),
    (
        "confirmation does not match",
        {"confirm": NEW_PASSWORD + "!"},
        "#confirm_password",
        "Passwords do not match: enter the same new password twice",
    ),
    (
        "wrong current password",
        {"current": "not my password"},
        "#current_password",
        "Your current password is not correct",
    ),
    ("missing current", {"current": ""}, "#current_password", "Enter your current password"),
    ("missing new", {"new": "", "confirm": ""}, "#new_password", "Enter a new password"),
    (
        "missing confirmation",
        {"confirm": ""},
        "#confirm_password",
        "Confirm your new password",
    ),
]


@pytest.mark.parametrize(
    ("answers", "href", "message"),
    [pytest.param(answers, href, message, id=case) for case, answers, href, message in INVALID],
)
def test_invalid_password_change_is_explained_and_nothing_changes(
    client, officer, answers, href, message
):
    before = officer.password_hash
    generation = officer.session_generation

    response = change(client, **answers)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert f'href="{href}"' in page
    assert message in visible_text(response)
    assert officer.password_hash == before
    assert officer.session_generation == generation
