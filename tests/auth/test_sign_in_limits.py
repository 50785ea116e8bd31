"""Failed sign-ins limited per address and per email address, counted in the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import request
from freezegun import freeze_time

from asb import create_app
from tests.auth.helpers import signed_in
from tests.factories import TEST_PASSWORD
from tests.helpers import visible_text

WRONG = "Enter a correct email address and password"
WRONG_PASSWORD = "not the password"
TOO_MANY = "There have been too many failed sign-in attempts. Wait 15 minutes and try again"


@pytest.fixture
def user(make_user):
    return make_user(email="priya.sharma@example.test")


def attempt(client, email, password=WRONG_PASSWORD, address="192.0.2.1", forwarded_for=None):
    return client.post(
        "/sign-in",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers={"X-Forwarded-For": forwarded_for} if forwarded_for else {},
    )


def test_too_many_failures_from_one_address_are_refused_until_the_window_passes(app, client, user):
    with freeze_time("2026-03-02 09:00:00") as clock:
        for number in range(app.config["SIGN_IN_LIMIT_PER_ADDRESS"]):
            assert WRONG in visible_text(attempt(client, f"guess{number}@example.test"))

        refused = attempt(client, user.email, TEST_PASSWORD)
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == str(15 * 60)
        assert TOO_MANY in visible_text(refused)
        assert not signed_in(client)

        # Another address is not held back; this one is again once the window has passed.
        assert attempt(client, user.email, TEST_PASSWORD, address="192.0.2.2").status_code == 302
        client.post("/sign-out")
        clock.tick(timedelta(minutes=app.config["SIGN_IN_LIMIT_MINUTES"]))
        assert attempt(client, user.email, TEST_PASSWORD).status_code == 302


def test_an_email_address_gets_the_same_answers_whether_or_not_it_has_an_account(app, client, user):
    def answers(email: str) -> list[tuple[int, str]]:
        found = []
        for number in range(app.config["SIGN_IN_LIMIT_PER_ACCOUNT"] + 1):
            response = attempt(client, email, address=f"198.51.100.{number}")
            found.append((response.status_code, visible_text(response).replace(email, "EMAIL")))
        return found

    real, unknown = answers(user.email), answers("nobody@example.test")

    assert real == unknown
    assert [status for status, _ in real] == [200] * 10 + [429]
    assert TOO_MANY in real[-1][1]


def test_successful_sign_ins_do_not_count_against_the_limits(app, client, user):
    for _ in range(app.config["SIGN_IN_LIMIT_PER_ADDRESS"] + 5):
        assert attempt(client, user.email, TEST_PASSWORD).status_code == 302
        client.post("/sign-out")
    for number in range(app.config["SIGN_IN_LIMIT_PER_ADDRESS"]):
        assert attempt(client, f"guess{number}@example.test").status_code == 200
    assert attempt(client, "one.more@example.test").status_code == 429


def test_x_forwarded_for_is_not_believed_by_default(app, client):
    for number in range(app.config["SIGN_IN_LIMIT_PER_ADDRESS"]):
        response = attempt(
            client, f"guess{number}@example.test", forwarded_for=f"203.0.113.{number}"
        )
        assert response.status_code == 200
    refused = attempt(client, "guess@example.test", forwarded_for="203.0.113.250")
    assert refused.status_code == 429


def test_x_forwarded_for_gives_the_address_behind_trusted_proxies(database_url):
    behind_proxy = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": database_url, "ASB_TRUSTED_PROXIES": 1}
    )
    behind_proxy.add_url_rule("/address", "address", lambda: request.remote_addr)
    client = behind_proxy.test_client()
    response = client.get(
        "/address",
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
        headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"},
    )
    assert response.get_data(as_text=True) == "203.0.113.9"  # the one the proxy saw
