"""flask asb create-user: the first accounts of a new installation."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from asb.auth import passwords
from asb.auth.models import Role, User
from asb.extensions import db
from tests.factories import UserFactory

PASSWORD = "a long enough passphrase"


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Hash with the cheapest Argon2 settings: the defaults take most of a second a time."""
    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def create_user(
    app,
    *,
    email="eleanor.whitcombe@example.test",
    agency="community-safety",
    role="asb-lead",
    password=PASSWORD,
):
    runner = app.test_cli_runner()
    return runner.invoke(
        args=[
            "asb",
            "create-user",
            "--email",
            email,
            "--name",
            "Eleanor Whitcombe",
            "--agency",
            agency,
            "--role",
            role,
            "--password-stdin",
        ],
        input=f"{password}\n",
    )


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_create_user_from_the_command_line(app, db_session):
    result = create_user(app, email="Eleanor.Whitcombe@Example.test")
    assert result.exit_code == 0, result.output
    assert "Created eleanor.whitcombe@example.test (ASB lead, Community Safety)." in result.output
    user = db.session.scalar(select(User).where(User.email == "eleanor.whitcombe@example.test"))
    assert (user.name, user.role, user.agency.code) == (
        "Eleanor Whitcombe",
        Role.ASB_LEAD,
        "community-safety",
    )
    assert passwords.verify_password(user.password_hash, PASSWORD)
    assert PASSWORD not in result.output


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"agency": "fire-brigade"}, "No agency has the code 'fire-brigade'."),
        ({"password": "too short"}, "Password must be 12 characters or more"),
        (
            {"password": "eleanor.whitcombe rules ok"},
            "Password must not contain your email address",
        ),
        ({"role": "superuser"}, "Invalid value for '--role'"),
    ],
    ids=["unknown agency", "short password", "password contains email", "unknown role"],
)
def test_create_user_refuses_bad_input(app, db_session, options, message):
    before = user_count()
    result = create_user(app, **options)
    assert result.exit_code != 0
    assert message in result.output
    assert user_count() == before


def test_create_user_refuses_a_duplicate_email(app, db_session):
    UserFactory(email="eleanor.whitcombe@example.test")
    db.session.commit()
    before = user_count()
    result = create_user(app, email="ELEANOR.whitcombe@example.test")
    assert result.exit_code == 1
    assert "A user with the email address ELEANOR.whitcombe@example.test already exists." in (
        result.output
    )
    assert user_count() == before
