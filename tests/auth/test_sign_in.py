"""Signing in: success, refusals, throttling, lock-out and where it leads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth import passwords
from asb.auth.models import Role
from asb.extensions import db
from tests.auth.helpers import sign_in, signed_in, visible_text
from tests.factories import TEST_PASSWORD

WRONG = "Enter a correct email address and password"


@pytest.fixture
def user(make_user):
    return make_user(email="priya.sharma@example.test", name="Priya Sharma")


def events(action: str, user) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == action, AuditEvent.actor_id == user.id)
            .order_by(AuditEvent.id)
        )
    )


def test_sign_in_starts_a_session_and_goes_to_the_start_page(client, user):
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response.location == "/"
    with client.session_transaction() as session:
        assert session["_user_id"] == str(user.id)
        assert session["asb_generation"] == user.session_generation
    page = visible_text(client.get("/"))
    assert "Priya Sharma, Housing, DCCS" in page
    assert user.last_signed_in_at is not None
    assert [event.outcome for event in events("auth.sign-in", user)] == ["success"]


def test_sign_in_ignores_the_case_of_the_email_address(client, user):
    assert sign_in(client, "  Priya.Sharma@EXAMPLE.test ").location == "/"


def test_sign_in_drops_whatever_the_anonymous_session_held(client, user):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, user.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["asb_session_id"]


def test_signed_in_user_visiting_sign_in_goes_to_the_start_page(client, login_as):
    login_as(Role.OFFICER, "housing")
    response = client.get("/sign-in")
    assert (response.status_code, response.location) == (302, "/")


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("priya.sharma@example.test", "not the password"),
        ("nobody@example.test", TEST_PASSWORD),
    ],
    ids=["wrong password", "unknown email"],
)
def test_wrong_credentials_get_the_same_message(client, user, email, password):
    response = sign_in(client, email, password)
    assert response.status_code == 200
    page = visible_text(response)
    assert "There is a problem" in page
    assert WRONG in page
    assert not signed_in(client)


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("", TEST_PASSWORD, "Enter your email address"),
        ("priya.sharma@example.test", "", "Enter your password"),
    ],
)
def test_missing_answers_are_explained(client, user, email, password, message):
    page = visible_text(sign_in(client, email, password))
    assert message in page
    assert events("auth.sign-in", user) == []


def test_password_is_taken_exactly_as_typed(client, make_user):
    user = make_user(password_hash=passwords.hash_password("  spaced passphrase  "))
    assert WRONG in visible_text(sign_in(client, user.email, "spaced passphrase"))
    assert sign_in(client, user.email, "  spaced passphrase  ").location == "/"


def test_deactivated_user_cannot_sign_in(client, user):
    user.is_active_account = False
    db.session.commit()
    assert WRONG in visible_text(sign_in(client, user.email))
    assert not signed_in(client)


def test_failures_are_counted_and_audited(client, user):
    sign_in(client, user.email, "not the password")
    assert user.failed_sign_in_count == 1
    assert [event.outcome for event in events("auth.sign-in", user)] == ["failure"]
    sign_in(client, user.email)
    assert user.failed_sign_in_count == 0


def test_sign_in_slows_down_after_failures(app, client, user):
    with freeze_time("2026-03-02 09:00:00") as clock:
        for _ in range(app.config["LOGIN_SLOW_AFTER"]):
            assert WRONG in visible_text(sign_in(client, user.email, "not the password"))

        # Even the right password must wait (2 seconds after the first slowed failure).
        page = visible_text(sign_in(client, user.email))
        assert "Too many failed sign-in attempts. Wait 3 seconds before trying again" in page
        assert not signed_in(client)
        assert events("auth.sign-in", user)[-1].outcome == "throttled"

        clock.tick(timedelta(seconds=3))
        assert sign_in(client, user.email).location == "/"


def test_waits_double_with_each_further_failure(app, client, user):
    with freeze_time("2026-03-02 09:00:00") as clock:
        for _ in range(app.config["LOGIN_SLOW_AFTER"]):
            sign_in(client, user.email, "not the password")
        clock.tick(timedelta(seconds=3))
        sign_in(client, user.email, "not the password")
        page = visible_text(sign_in(client, user.email))
        assert "Wait 5 seconds before trying again" in page


def test_account_locks_after_too_many_failures_and_unlocks_later(app, client, user):
    with freeze_time("2026-03-02 09:00:00") as clock:
        for _ in range(app.config["LOGIN_LOCK_AFTER"]):
            assert WRONG in visible_text(sign_in(client, user.email, "not the password"))
            clock.tick(timedelta(seconds=61))  # past any slowing-down wait

        page = visible_text(sign_in(client, user.email))
        assert "This account is locked after too many failed sign-in attempts" in page
        assert "Try again in 14 minutes" in page
        assert not signed_in(client)
        assert len(events("auth.account-locked", user)) == 1

        clock.tick(timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"]))
        assert sign_in(client, user.email).location == "/"
        assert signed_in(client)


NEXT_CASES = [
    ("/incidents", "/incidents"),
    ("/incidents?status=new", "/incidents?status=new"),
    ("https://evil.example", "/"),
    ("http://evil.example/incidents", "/"),
    ("//evil.example", "/"),
    ("///evil.example", "/"),
    ("/\\evil.example", "/"),
    ("\\\\evil.example", "/"),
    ("/\t/evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("incidents", "/"),
    ("", "/"),
]


@pytest.mark.parametrize(("next_url", "location"), NEXT_CASES)
def test_next_only_leads_to_a_local_path(client, user, next_url, location):
    response = sign_in(client, user.email, next_url=next_url)
    assert response.status_code == 302
    assert response.location == location


def test_sign_in_form_keeps_next_in_its_action(client):
    page = client.get("/sign-in?next=/incidents").get_data(as_text=True)
    assert 'action="/sign-in?next=/incidents"' in page or (
        'action="/sign-in?next=%2Fincidents"' in page
    )


def test_partner_signs_in_but_sees_no_incidents(client, make_user):
    partner = make_user(Role.PARTNER, "city-police")
    assert sign_in(client, partner.email).location == "/"
    assert client.get("/").status_code == 200
    assert client.get("/incidents").status_code == 403
