"""Common and easily guessed passwords are refused wherever a password is set."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from asb.auth.forms import validate_new_password
from asb.auth.models import Role, User
from asb.auth.password_strength import COMMON, weakness
from asb.extensions import db
from tests.conftest import sign_in_session
from tests.factories import TEST_PASSWORD, agency
from tests.helpers import visible_text

HARDER = "Choose a password that is harder to guess"
# The three the audit found accepted, each 12 characters, and why each is refused.
WEAK = [
    ("password1234", COMMON),
    ("123456789012", HARDER),
    ("qwertyuiopas", HARDER),
    ("Password1234", COMMON),
    ("aaaaaaaaaaaaaaaa", HARDER + ': repeats like "aaa" are easy to guess'),
    ("abcdefghijklmnop", HARDER + ': sequences like "abc" or "6543" are easy to guess'),
]
WEAK_IDS = [password for password, _ in WEAK]


@pytest.mark.parametrize(("password", "reason"), WEAK, ids=WEAK_IDS)
def test_changing_to_a_weak_password_is_refused_with_the_reason(
    client, make_user, password, reason
):
    user = make_user(email="tom.brennan@example.test")
    sign_in_session(client, user)
    before = user.password_hash
    response = client.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": password,
            "confirm_password": password,
        },
    )
    assert response.status_code == 200
    assert 'href="#new_password"' in response.get_data(as_text=True)
    assert reason in visible_text(response)
    assert user.password_hash == before


@pytest.mark.parametrize(("password", "reason"), WEAK[:3], ids=WEAK_IDS[:3])
def test_admins_cannot_set_a_weak_password(client, make_user, password, reason):
    admin = make_user(Role.ADMIN, "community-safety")
    target = make_user(Role.OFFICER, "housing")
    sign_in_session(client, admin)

    created = client.post(
        "/admin/users/new",
        data={
            "name": "Fiona MacLeod",
            "email": "fiona.macleod@example.test",
            "agency": str(agency("mcp").id),
            "role": "officer",
            "temporary_password": password,
        },
    )
    reset = client.post(
        f"/admin/users/{target.id}/reset-password", data={"temporary_password": password}
    )

    for response in (created, reset):
        assert response.status_code == 200
        assert reason in visible_text(response)
    assert db.session.scalar(select(User).where(User.email == "fiona.macleod@example.test")) is None


@pytest.mark.parametrize(("password", "reason"), WEAK[:3], ids=WEAK_IDS[:3])
def test_the_command_line_refuses_a_weak_password(app, db_session, password, reason):
    result = app.test_cli_runner().invoke(
        args=[
            "asb",
            "create-user",
            "--email",
            "eleanor.whitcombe@example.test",
            "--name",
            "Eleanor Whitcombe",
            "--agency",
            "community-safety",
            "--role",
            "asb-lead",
            "--password-stdin",
        ],
        input=f"{password}\n",
    )
    assert result.exit_code != 0
    assert reason in result.output


def test_the_persons_own_name_counts_against_a_password(app):
    hints = ("b.tom@example.test", "Tom Brennan")
    assert weakness("brennantom99", hints=hints).startswith(HARDER)
    assert weakness("brennantom99") is None


@pytest.mark.parametrize(
    "password",
    [
        TEST_PASSWORD,
        "demo-password-2026",
        "temporary words for now 2026",
        (TEST_PASSWORD + " ") * 6,
    ],
    ids=["test password", "demo password", "browser test password", "174 characters"],
)
def test_strong_and_demo_passwords_pass(app, password):
    with app.test_request_context():
        validate_new_password(password)
