"""Rate limits per token and per address hold across app instances (as across workers and
servers): two instances of asb, each with its own connections, share one database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import flask_migrate
import pytest
from flask import Flask

from asb import create_app
from asb.api.services import create_token
from asb.auth.models import Role
from asb.database import utcnow
from asb.extensions import db
from tests.conftest import scratch_database_url
from tests.factories import UserFactory, agency


@pytest.fixture
def two_instances(tmp_path) -> Iterator[tuple[Flask, Flask]]:
    url = scratch_database_url("api_rate_limits", tmp_path)
    settings = {
        "SQLALCHEMY_DATABASE_URI": url,
        "API_RATE_LIMIT_PER_TOKEN": 5,
        "API_RATE_LIMIT_PER_ADDRESS": 8,
    }
    first = create_app("testing", settings)
    second = create_app("testing", settings)
    with first.app_context():
        flask_migrate.upgrade()
    yield first, second
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()


def _secret(app: Flask, role: Role = Role.OFFICER) -> str:
    with app.app_context():
        user = UserFactory(role=role, agency=agency("housing"))
        db.session.commit()
        secret = create_token(user, name="Limits", expires_at=utcnow() + timedelta(days=1)).secret
        db.session.commit()
        return secret


def _call(app: Flask, secret: str, address: str = "10.0.0.1") -> int:
    response = app.test_client().get(
        "/api/v1/reference/wards",
        headers={"Authorization": f"Bearer {secret}"},
        environ_base={"REMOTE_ADDR": address},
    )
    return response.status_code


def test_a_tokens_limit_counts_its_calls_on_every_instance(two_instances):
    first, second = two_instances
    secret = _secret(first)

    answers = [_call(first if turn % 2 else second, secret, f"10.0.0.{turn}") for turn in range(7)]

    assert answers == [200] * 5 + [429] * 2
    other = _secret(second)
    assert _call(first, other, "10.0.1.1") == 200  # another token has its own count


def test_an_addresss_limit_counts_every_token_on_every_instance(two_instances):
    first, second = two_instances
    secrets = [_secret(first) for _ in range(3)]

    answers = [
        _call(first if turn % 2 else second, secrets[turn % 3], "192.0.2.7") for turn in range(10)
    ]

    assert answers == [200] * 8 + [429] * 2
    assert _call(second, secrets[0], "192.0.2.8") == 200


def test_unknown_tokens_count_against_the_address(two_instances):
    first, second = two_instances

    answers = [
        _call(first if turn % 2 else second, "asb_guess", "198.51.100.1") for turn in range(9)
    ]

    assert answers == [401] * 8 + [429]
