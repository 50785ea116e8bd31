"""Setting up two-factor sign-in: forced for the roles that see most, a choice for the rest."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from freezegun import freeze_time
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import RecoveryCode, Role
from asb.auth.two_factor import STEP_SECONDS
from asb.extensions import db
from tests.auth.helpers import code_now, enter_code, sign_in, signed_in, with_two_factor
from tests.conftest import sign_in_session
from tests.helpers import error_summary, visible_text

NOW = "2026-03-02 09:00:00"
RECOVERY_CODE = re.compile(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>")
SET_UP = "/two-factor/set-up"

REQUIRED = [
    (Role.ASB_LEAD, "community-safety"),
    (Role.ADMIN, "community-safety"),
    (Role.PARTNER, "city-police"),
]
CHOICE = [(Role.OFFICER, "housing"), (Role.MANAGER, "barbican")]


def shown_secret(page) -> str:
    """The setup key as the page shows it, in groups of four."""
    key = re.search(r'<code class="asb-setup-key">([A-Z2-7 ]+)</code>', page.get_data(as_text=True))
    return key.group(1).replace(" ", "")


@pytest.mark.parametrize(("role", "agency_code"), REQUIRED)
def test_the_roles_that_see_most_set_up_two_factors_before_they_are_in(
    client, make_user, role, agency_code
):
    user = make_user(role, agency_code)
    assert user.requires_two_factor
    with freeze_time(NOW) as clock:
        assert sign_in(client, user.email).location == SET_UP
        for path in ("/", "/incidents", "/account/password", "/account/two-factor"):
            assert client.get(path).location == SET_UP, path
        assert not signed_in(client)

        page = client.get(SET_UP)
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "Your role sees more than most" in html
        assert re.search(r'<svg role="img"[^>]*class="asb-qr-code"', html)  # drawn on the server
        assert "<title>QR code for your authenticator app</title>" in html
        secret = shown_secret(page)
        db.session.refresh(user)
        assert secret == user.two_factor_secret
        assert not user.has_two_factor
        assert client.get(SET_UP).get_data(as_text=True).count(secret[:4]) >= 1  # the same key

        done = client.post(SET_UP, data={"code": pyotp.TOTP(secret).now()})
        assert done.status_code == 200
        codes = RECOVERY_CODE.findall(done.get_data(as_text=True))
        assert len(codes) == 10
        text = visible_text(done)
        assert "Two-factor sign-in is on." in text
        assert "You will not be shown these codes again" in text
        assert signed_in(client)

        # Never shown again: neither the codes nor the secret.
        for path in ("/", "/account/two-factor", "/account/password", SET_UP):
            again = client.get(path, follow_redirects=True).get_data(as_text=True)
            assert not RECOVERY_CODE.search(again)
            assert secret not in again.replace(" ", "")
        stored = db.session.scalars(
            select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)
        ).all()
        assert len(stored) == 10 and not set(stored) & set(codes)  # their hashes only

        client.post("/sign-out")
        clock.tick(timedelta(seconds=STEP_SECONDS))
        assert sign_in(client, user.email).location == "/sign-in/code"
        assert enter_code(client, pyotp.TOTP(secret).now()).location == "/"
    enrolled = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "auth.two_factor_enrolled")
    )
    assert (enrolled.actor_id, enrolled.object_id) == (user.id, user.id)
    every_detail = str([event.detail for event in db.session.scalars(select(AuditEvent))])
    assert secret not in every_detail


@pytest.mark.parametrize("value", ["000000", "12345", "one two", ""])
def test_a_wrong_enrolment_code_turns_nothing_on(client, make_user, value):
    user = make_user(Role.ASB_LEAD, "community-safety")
    with freeze_time(NOW):
        sign_in(client, user.email)
        client.get(SET_UP)
        response = client.post(SET_UP, data={"code": value})
        assert response.status_code == 200
        assert error_summary(response)
        db.session.refresh(user)
        assert not user.has_two_factor
        assert not signed_in(client)


@pytest.mark.parametrize(("role", "agency_code"), CHOICE)
def test_other_roles_sign_in_with_a_password_and_may_choose_two_factors(
    client, make_user, role, agency_code
):
    user = make_user(role, agency_code)
    with freeze_time(NOW) as clock:
        assert sign_in(client, user.email).location == "/"
        settings = client.get("/account/two-factor")
        assert "Two-factor sign-in is off" in visible_text(settings)
        page = client.get(SET_UP)
        assert "Your role sees more than most" not in visible_text(page)
        done = client.post(SET_UP, data={"code": pyotp.TOTP(shown_secret(page)).now()})
        assert len(RECOVERY_CODE.findall(done.get_data(as_text=True))) == 10
        assert signed_in(client)
        assert "Two-factor sign-in is on" in visible_text(client.get("/account/two-factor"))

        client.post("/sign-out")
        clock.tick(timedelta(seconds=STEP_SECONDS))
        assert sign_in(client, user.email).location == "/sign-in/code"


def test_setting_up_sends_the_users_other_sessions_to_the_second_step(app, client, make_user):
    user = make_user(Role.OFFICER, "housing")
    other = app.test_client()
    with freeze_time(NOW):
        sign_in(other, user.email)
        sign_in(client, user.email)
        page = client.get(SET_UP)
        client.post(SET_UP, data={"code": pyotp.TOTP(shown_secret(page)).now()})
        assert other.get("/incidents").location == "/sign-in/code"


def test_an_officer_may_turn_two_factors_off(client, make_user):
    user = make_user(Role.OFFICER, "housing", **with_two_factor())
    sign_in_session(client, user)
    confirm = client.get("/account/two-factor/turn-off")
    assert "Turn off two-factor sign-in?" in visible_text(confirm)
    assert client.post("/account/two-factor/turn-off").location == "/account/two-factor"
    db.session.refresh(user)
    assert (user.has_two_factor, user.two_factor_secret) == (False, None)
    codes = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id))
    assert codes.all() == []
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "auth.two_factor_turned_off")
    )


@pytest.mark.parametrize(("role", "agency_code"), REQUIRED)
def test_the_roles_that_require_two_factors_cannot_turn_them_off(
    client, make_user, role, agency_code
):
    user = make_user(role, agency_code, **with_two_factor())
    sign_in_session(client, user)
    assert "Turn off" not in visible_text(client.get("/account/two-factor"))
    assert client.post("/account/two-factor/turn-off").location == "/account/two-factor"
    db.session.refresh(user)
    assert user.has_two_factor


def test_a_role_change_to_one_that_requires_two_factors_sends_the_user_to_set_up(client, make_user):
    user = make_user(Role.OFFICER, "community-safety")
    with freeze_time(NOW):
        sign_in(client, user.email)
        assert client.get("/incidents").status_code == 200
        # Made the ASB lead without their sessions being ended (an admin's change ends them).
        user.role = Role.ASB_LEAD
        db.session.commit()
        assert client.get("/incidents").location == SET_UP
        assert client.get("/").location == SET_UP
        page = client.get(SET_UP)
        done = client.post(SET_UP, data={"code": pyotp.TOTP(shown_secret(page)).now()})
        assert done.status_code == 200
        assert client.get("/incidents").status_code == 200


def test_an_admins_role_change_ends_the_session_and_the_next_sign_in_sets_up(
    app, client, make_user
):
    user = make_user(Role.OFFICER, "community-safety")
    admin = app.test_client()
    with freeze_time(NOW):
        sign_in_session(admin, make_user(Role.ADMIN, "community-safety"))
        sign_in(client, user.email)
        admin.post(
            f"/admin/users/{user.id}",
            data={"agency": str(user.agency_id), "role": Role.ASB_LEAD.value},
        )
        assert client.get("/incidents").location.startswith("/sign-in")
        assert sign_in(client, user.email).location == SET_UP


def test_a_signed_in_session_of_a_user_with_two_factors_needs_the_mark_of_the_second(
    client, make_user
):
    """A session started before the user had two factors (or forged without the second step)
    goes to the second step."""
    user = make_user(Role.OFFICER, "housing", **with_two_factor())
    with freeze_time(NOW):
        sign_in_session(client, user)
        with client.session_transaction() as session:
            del session["asb_second_factor"]
        assert client.get("/cases").location == "/sign-in/code"
        assert not signed_in(client)
        assert enter_code(client, code_now()).location == "/cases"


def test_the_admin_page_shows_whether_a_user_has_two_factors(client, make_user):
    sign_in_session(client, make_user(Role.ADMIN, "community-safety"))
    without = make_user(Role.PARTNER, "city-police")
    with_it = make_user(Role.OFFICER, "housing", **with_two_factor())
    assert "Their role requires it" in visible_text(client.get(f"/admin/users/{without.id}"))
    page = visible_text(client.get(f"/admin/users/{with_it.id}"))
    assert "On since" in page and "Reset two-factor sign-in" in page
