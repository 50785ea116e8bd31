"""Signing in: success, refusals, lock-out, one answer for every failure, where it leads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth import passwords
from asb.auth.models import Role
from asb.extensions import db
from tests.auth.helpers import code_now, enter_code, sign_in, signed_in, with_two_factor
from tests.conftest import sign_in_session
from tests.factories import TEST_PASSWORD
from tests.helpers import visible_text

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


def fail_until_locked(app, client, user) -> None:
    for _ in range(app.config["LOGIN_LOCK_AFTER"]):
        assert WRONG in visible_text(sign_in(client, user.email, "not the password"))


def test_account_locks_after_too_many_failures_and_unlocks_later(app, client, user):
    with freeze_time("2026-03-02 09:00:00") as clock:
        fail_until_locked(app, client, user)

        # Even the right password is refused while the lock lasts, with the same answer.
        page = visible_text(sign_in(client, user.email))
        assert WRONG in page
        assert not signed_in(client)
        assert len(events("auth.account-locked", user)) == 1
        assert events("auth.sign-in", user)[-1].outcome == "locked"

        clock.tick(timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"]))
        assert sign_in(client, user.email).location == "/"
        assert signed_in(client)
        assert user.failed_sign_in_count == 0
        assert user.locked_until is None


def test_a_lock_that_has_ended_counts_failures_afresh(app, client, user):
    with freeze_time("2026-03-02 09:00:00") as clock:
        fail_until_locked(app, client, user)
        clock.tick(timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"]))
        assert WRONG in visible_text(sign_in(client, user.email, "not the password"))
        assert (user.failed_sign_in_count, user.locked_until) == (1, None)
        assert sign_in(client, user.email).location == "/"


def test_an_admin_password_reset_lifts_the_lock(app, client, user, make_user):
    fail_until_locked(app, client, user)
    admin = make_user(Role.ADMIN, "community-safety")
    reset = app.test_client()
    sign_in_session(reset, admin)
    temporary = "a fresh temporary passphrase"
    response = reset.post(
        f"/admin/users/{user.id}/reset-password", data={"temporary_password": temporary}
    )
    assert response.status_code == 302
    assert sign_in(client, user.email, temporary).location == "/"


def answer(response, email: str) -> tuple[int, str]:
    """The status and the page's words, less the email address typed into the form."""
    return response.status_code, visible_text(response).replace(email, "EMAIL")


def test_every_failed_sign_in_gets_the_same_answer(app, client, user, make_user):
    locked = make_user(email="locked@example.test")
    for _ in range(app.config["LOGIN_LOCK_AFTER"]):
        sign_in(client, locked.email, "not the password")
    inactive = make_user(email="inactive@example.test", is_active_account=False)

    answers = {
        "wrong password": answer(sign_in(client, user.email, "not the password"), user.email),
        "unknown email": answer(sign_in(client, "nobody@example.test"), "nobody@example.test"),
        "locked, right password": answer(sign_in(client, locked.email), locked.email),
        "locked, wrong password": answer(sign_in(client, locked.email, "nope"), locked.email),
        "deactivated": answer(sign_in(client, inactive.email), inactive.email),
    }

    assert len(set(answers.values())) == 1, answers
    status, page = answers["unknown email"]
    assert status == 200
    assert WRONG in page
    assert not signed_in(client)


def test_the_fourth_failure_says_nothing_an_unknown_address_does_not_hear(client, user):
    for _ in range(3):
        sign_in(client, user.email, "not the password")
        sign_in(client, "nobody@example.test", "not the password")
    real = sign_in(client, user.email, "not the password")
    unknown = sign_in(client, "nobody@example.test", "not the password")
    assert answer(real, user.email) == answer(unknown, "nobody@example.test")
    assert "Too many" not in visible_text(real)


@pytest.fixture
def hashes_checked(monkeypatch):
    """Count Argon2 verifications, each still done in full."""
    checked = []
    hasher = passwords._hasher

    class CountingHasher:
        def verify(self, password_hash, password):
            checked.append(password_hash)
            return hasher.verify(password_hash, password)

        def __getattr__(self, name):
            return getattr(hasher, name)

    monkeypatch.setattr(passwords, "_hasher", CountingHasher())
    return checked


def test_every_failed_sign_in_checks_one_password_hash(
    app, client, user, make_user, hashes_checked
):
    """The same work, so the same time, whether the account exists or is locked."""
    locked = make_user(email="locked@example.test")
    for _ in range(app.config["LOGIN_LOCK_AFTER"]):
        sign_in(client, locked.email, "not the password")
    for email, password in [
        (user.email, "not the password"),
        ("nobody@example.test", TEST_PASSWORD),
        (locked.email, TEST_PASSWORD),
    ]:
        hashes_checked.clear()
        sign_in(client, email, password)
        assert len(hashes_checked) == 1, email
    assert hashes_checked == [passwords._DUMMY_HASH]  # the locked account's was not used


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
    ("/incidents\r\nSet-Cookie: planted=1", "/"),
    ("/incidents\nLocation: https://evil.example", "/"),
    ("/\t", "/"),
    ("/\r//evil.example", "/"),
    ("/incidents?text=caf\u00e9", "/incidents?text=caf%C3%A9"),
    ("/incidents\u2028", "/incidents%E2%80%A8"),
    ("/%0d%0a", "/%0d%0a"),
    ("/%2F%2Fevil.example", "/%2F%2Fevil.example"),
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
    partner = make_user(Role.PARTNER, "city-police", **with_two_factor())
    assert sign_in(client, partner.email).location == "/sign-in/code"
    assert enter_code(client, code_now()).location == "/"
    assert client.get("/").status_code == 200
    assert client.get("/incidents").status_code == 403
