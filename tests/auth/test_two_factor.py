"""Two-factor sign-in through the pages: the second step, enrolment, recovery codes, limits."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import Role, User
from asb.auth.two_factor import STEP_SECONDS, code_for_step, current_step
from asb.extensions import db
from tests.auth.helpers import (
    TOTP_SECRET,
    code_now,
    enter_code,
    sign_in,
    signed_in,
    with_two_factor,
)
from tests.factories import TEST_PASSWORD
from tests.helpers import error_summary, visible_text

WRONG_CODE = "The code is not correct"
NOW = "2026-03-02 09:00:00"


def events(user: User, action: str) -> list[dict]:
    """The user's audit events of the action: outcome and detail."""
    return [
        {"outcome": event.outcome, **(event.detail or {})}
        for event in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == action, AuditEvent.actor_id == user.id)
            .order_by(AuditEvent.id)
        )
    ]


@pytest.fixture
def officer(make_user) -> User:
    """An officer who chose two-factor sign-in."""
    return make_user(Role.OFFICER, "housing", **with_two_factor())


@pytest.fixture
def lead_with_two_factor(make_user) -> User:
    return make_user(Role.ASB_LEAD, "community-safety", **with_two_factor())


# The second step ---------------------------------------------------------------------------


def test_the_password_alone_signs_no_one_in(client, officer):
    with freeze_time(NOW):
        response = sign_in(client, officer.email)
        assert response.location == "/sign-in/code"
        assert not signed_in(client)
        page = client.get("/sign-in/code")
        assert "Enter the code from your authenticator app" in visible_text(page)
        assert officer.name not in visible_text(page)  # no account header: nobody is signed in

        assert enter_code(client, code_now()).location == "/"
        assert signed_in(client)
    assert [event["outcome"] for event in events(officer, "auth.sign-in")] == [
        "password-accepted",
        "success",
    ]
    assert events(officer, "auth.two_factor_code") == [
        {"outcome": "success", "method": "authenticator-app"}
    ]


@pytest.mark.parametrize(
    "path",
    ["/", "/incidents", "/cases", "/account/password", "/account/two-factor", "/admin/users"],
)
def test_while_the_code_is_awaited_every_page_leads_to_it(client, lead_with_two_factor, path):
    with freeze_time(NOW):
        sign_in(client, lead_with_two_factor.email)
        response = client.get(path)
        assert (response.status_code, response.location) == (302, "/sign-in/code")
        assert client.post("/incidents/new", data={}).location == "/sign-in/code"


def test_changing_the_password_keeps_the_session_signed_in_with_both_factors(client, officer):
    with freeze_time(NOW):
        sign_in(client, officer.email)
        enter_code(client, code_now())
        changed = client.post(
            "/account/password",
            data={
                "current_password": TEST_PASSWORD,
                "new_password": "a brand new passphrase for Priya",
                "confirm_password": "a brand new passphrase for Priya",
            },
        )
        assert changed.location == "/"
        assert client.get("/incidents").status_code == 200


def test_the_code_leads_on_to_the_page_first_asked_for(client, officer):
    with freeze_time(NOW):
        sign_in(client, officer.email, next_url="/incidents")
        assert enter_code(client, code_now()).location == "/incidents"


def test_a_wrong_code_is_refused_and_counted(client, officer):
    with freeze_time(NOW):
        sign_in(client, officer.email)
        wrong = f"{(int(code_now()) + 1) % 1_000_000:06d}"
        response = enter_code(client, wrong)
        assert response.status_code == 200
        assert error_summary(response)[0][1].startswith(WRONG_CODE)
        assert not signed_in(client)
        db.session.refresh(officer)
        assert officer.failed_sign_in_count == 2  # the password's attempt and the code's
        assert enter_code(client, code_now()).location == "/"
        db.session.refresh(officer)
        assert officer.failed_sign_in_count == 0
    assert [event["outcome"] for event in events(officer, "auth.two_factor_code")] == [
        "wrong",
        "success",
    ]


@pytest.mark.parametrize("value", ["", "12345", "abcdef", "1234567", "x" * 41, "\uff11" * 6])
def test_malformed_codes_get_a_message(client, officer, value):
    with freeze_time(NOW):
        sign_in(client, officer.email)
        response = enter_code(client, value)
        assert response.status_code in (200, 429)
        assert error_summary(response)
        assert not signed_in(client)


def test_codes_of_the_steps_beside_now_are_accepted_but_not_further(client, make_user):
    with freeze_time(NOW):
        now = current_step()
        for offset, accepted in [(-2, False), (2, False), (-1, True), (1, True)]:
            user = make_user(Role.OFFICER, "housing", **with_two_factor())
            sign_in(client, user.email)
            response = enter_code(client, code_for_step(TOTP_SECRET, now + offset))
            assert (response.status_code == 302) is accepted, offset
            client.post("/sign-out")


def test_a_code_is_never_accepted_twice(client, officer):
    with freeze_time(NOW):
        code = code_now()
        sign_in(client, officer.email)
        assert enter_code(client, code).location == "/"
        client.post("/sign-out")

        sign_in(client, officer.email)
        response = enter_code(client, code)
        assert "That code has already been used" in visible_text(response)
        assert not signed_in(client)
        # Nor an earlier step's, though it is within the window.
        earlier = code_for_step(TOTP_SECRET, current_step() - 1)
        assert WRONG_CODE not in visible_text(enter_code(client, earlier))
        assert not signed_in(client)
    assert [event["outcome"] for event in events(officer, "auth.two_factor_code")][-2:] == [
        "replayed",
        "replayed",
    ]


def test_the_awaited_step_ends_after_a_few_minutes(app, client, officer):
    with freeze_time(NOW) as clock:
        sign_in(client, officer.email)
        clock.tick(timedelta(minutes=app.config["TWO_FACTOR_STEP_MINUTES"], seconds=1))
        response = enter_code(client, code_now())
        assert response.location == "/sign-in"
        assert "Sign in again to continue" in visible_text(client.get("/sign-in"))
        assert not signed_in(client)


def test_sessions_ended_while_the_code_is_awaited_end_the_awaiting_too(client, officer):
    with freeze_time(NOW):
        sign_in(client, officer.email)
        officer.session_generation += 1  # a password reset, say
        db.session.commit()
        assert enter_code(client, code_now()).location == "/sign-in"


def test_signing_in_as_someone_else_leaves_the_second_step(client, officer, make_user):
    with freeze_time(NOW):
        sign_in(client, officer.email)
        assert client.get("/sign-in").status_code == 200
        assert client.get("/incidents").location == "/sign-in/code"  # still awaited
        assert client.post("/sign-in/cancel").location == "/sign-in"
        assert client.get("/incidents").location.startswith("/sign-in?next=")
        assert client.get("/sign-in/code").location == "/sign-in"

        # Or the other person signs in over it.
        sign_in(client, officer.email)
        other = make_user(Role.OFFICER, "barbican")
        assert sign_in(client, other.email).location == "/"
        assert client.get("/incidents").status_code == 200


# Limits and lock-out, shared with passwords -------------------------------------------------


def test_wrong_codes_lock_the_account_like_wrong_passwords(app, client, officer):
    lock_after = app.config["LOGIN_LOCK_AFTER"]
    with freeze_time(NOW) as clock:
        sign_in(client, officer.email)  # attempt 1, counted until the code is right
        for _ in range(2, lock_after):
            response = enter_code(client, "000000")
            assert WRONG_CODE in visible_text(response)
        assert "locked after 1 more wrong code" in visible_text(response)
        locked = enter_code(client, "000000")
        assert locked.location == "/sign-in"
        assert "Your account is locked for 15 minutes" in visible_text(client.get("/sign-in"))
        assert events(officer, "auth.account-locked")

        # The right password and the right code are both refused while the lock lasts.
        assert sign_in(client, officer.email).status_code == 200
        clock.tick(timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"], seconds=STEP_SECONDS))
        assert sign_in(client, officer.email).location == "/sign-in/code"
        assert enter_code(client, code_now()).location == "/"


def test_a_known_password_buys_no_fresh_guesses_at_the_code(app, client, officer):
    lock_after = app.config["LOGIN_LOCK_AFTER"]
    with freeze_time(NOW):
        for _ in range(lock_after // 2):
            sign_in(client, officer.email)
            enter_code(client, "000000")
        db.session.refresh(officer)
        assert officer.locked_until is not None
        assert sign_in(client, officer.email).status_code == 200  # refused: locked


def test_wrong_codes_count_toward_the_per_account_limit(app, client, officer, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_ACCOUNT", 3)
    with freeze_time(NOW):
        sign_in(client, officer.email)
        for _ in range(2):
            assert WRONG_CODE in visible_text(enter_code(client, "000000"))
        refused = enter_code(client, code_now())
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == str(15 * 60)
        assert "too many failed sign-in attempts. Wait 15 minutes" in visible_text(refused)
        assert not signed_in(client)


# Recovery codes ------------------------------------------------------------------------------


def enrol(client, user: User) -> list[str]:
    """Set up two factors through the pages; the recovery codes shown."""
    page = client.get("/two-factor/set-up")
    assert page.status_code == 200
    db.session.refresh(user)
    response = client.post("/two-factor/set-up", data={"code": code_now(user.two_factor_secret)})
    assert response.status_code == 200, error_summary(response)
    return re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.get_data(as_text=True))


def test_a_recovery_code_signs_in_once(client, make_user):
    with freeze_time(NOW) as clock:
        user = make_user(Role.OFFICER, "housing")
        sign_in(client, user.email)
        codes = enrol(client, user)
        assert len(codes) == 10 == len(set(codes))
        client.post("/sign-out")
        clock.tick(timedelta(seconds=STEP_SECONDS))

        sign_in(client, user.email)
        response = enter_code(client, codes[3].upper().replace("-", " "))
        assert response.location == "/"
        assert "You signed in with a recovery code. You have 9 left." in visible_text(
            client.get("/")
        )
        client.post("/sign-out")

        sign_in(client, user.email)
        assert WRONG_CODE in visible_text(enter_code(client, codes[3]))
        assert not signed_in(client)
    assert {"outcome": "success", "method": "recovery-code"} in events(user, "auth.two_factor_code")


def test_new_recovery_codes_replace_the_old_ones(client, make_user):
    with freeze_time(NOW) as clock:
        user = make_user(Role.OFFICER, "housing")
        sign_in(client, user.email)
        old = enrol(client, user)
        page = client.post("/account/two-factor/recovery-codes")
        new = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", page.get_data(as_text=True))
        assert len(new) == 10 and not set(new) & set(old)
        client.post("/sign-out")
        clock.tick(timedelta(seconds=STEP_SECONDS))
        sign_in(client, user.email)
        assert WRONG_CODE in visible_text(enter_code(client, old[0]))
        assert enter_code(client, new[0]).location == "/"
    assert events(user, "auth.two_factor_recovery_codes_replaced")
