"""An administrator's reset of two-factor sign-in, limits across app instances, the demo's
codes."""

from __future__ import annotations

import flask_migrate
import pytest
from freezegun import freeze_time
from sqlalchemy import select

from asb import create_app
from asb.audit.models import AuditEvent
from asb.auth.models import Role, User
from asb.auth.services import create_user, find_agency
from asb.auth.two_factor import current_code
from asb.database import utcnow
from asb.demo.two_factor import DEMO_SECRETS
from asb.extensions import db
from asb.policy import Permission, can
from config import ProductionConfig
from tests.auth.helpers import code_now, enter_code, sign_in, signed_in, with_two_factor
from tests.conftest import scratch_database_url, sign_in_session
from tests.factories import TEST_PASSWORD
from tests.helpers import visible_text

NOW = "2026-03-02 09:00:00"
RESET = "Reset two-factor sign-in"


# Who may reset whose --------------------------------------------------------------------------

ROLES = {
    "admin": (Role.ADMIN, "community-safety"),
    "asb lead": (Role.ASB_LEAD, "community-safety"),
    "manager": (Role.MANAGER, "housing"),
    "officer": (Role.OFFICER, "housing"),
    "partner": (Role.PARTNER, "city-police"),
}
MAY_RESET = {
    ("admin", "admin"),
    ("admin", "asb lead"),
    ("admin", "manager"),
    ("admin", "officer"),
    ("admin", "partner"),
    ("asb lead", "asb lead"),
    ("asb lead", "manager"),
    ("asb lead", "officer"),
    ("asb lead", "partner"),
}


@pytest.mark.parametrize("target", sorted(ROLES))
@pytest.mark.parametrize("actor", sorted(ROLES))
def test_who_may_reset_whose_two_factor_sign_in(make_user, actor, target):
    someone = make_user(*ROLES[actor])
    other = make_user(*ROLES[target])
    assert can(someone, Permission.RESET_TWO_FACTOR, other) is ((actor, target) in MAY_RESET)
    assert not can(someone, Permission.RESET_TWO_FACTOR, someone)  # never one's own


# The admin's page -----------------------------------------------------------------------------


def test_an_admin_resets_a_lost_phone_and_the_user_sets_up_again(app, client, make_user):
    lead = make_user(Role.ASB_LEAD, "community-safety", **with_two_factor())
    admin = make_user(Role.ADMIN, "community-safety")
    leads_phone = app.test_client()
    with freeze_time(NOW):
        sign_in_session(client, admin)
        sign_in(leads_phone, lead.email)
        enter_code(leads_phone, code_now())
        assert signed_in(leads_phone)

        page = client.get(f"/admin/users/{lead.id}")
        assert RESET in visible_text(page)
        confirm = client.get(f"/admin/users/{lead.id}/reset-two-factor")
        assert f"Reset {lead.name}'s two-factor sign-in?" in visible_text(confirm)
        db.session.refresh(lead)
        assert lead.has_two_factor  # nothing happens until the button

        done = client.post(f"/admin/users/{lead.id}/reset-two-factor")
        assert done.location == f"/admin/users/{lead.id}"
        assert "two-factor sign-in has been reset and their sessions ended" in visible_text(
            client.get(done.location)
        )
        db.session.refresh(lead)
        assert (lead.has_two_factor, lead.two_factor_secret) == (False, None)
        assert not signed_in(leads_phone)
        assert sign_in(leads_phone, lead.email).location == "/two-factor/set-up"

    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "auth.two_factor_reset")
    )
    assert (event.actor_id, event.object_type, event.object_id) == (admin.id, "users", lead.id)


def test_an_admin_cannot_reset_their_own(client, make_user):
    admin = make_user(Role.ADMIN, "community-safety", **with_two_factor())
    sign_in_session(client, admin)
    page = client.get(f"/admin/users/{admin.id}")
    assert "On since" in visible_text(page)
    assert RESET not in visible_text(page)
    assert client.get(f"/admin/users/{admin.id}/reset-two-factor").status_code == 403
    assert client.post(f"/admin/users/{admin.id}/reset-two-factor").status_code == 403
    db.session.refresh(admin)
    assert admin.has_two_factor


@pytest.mark.parametrize("role", ["asb lead", "manager", "officer", "partner"])
def test_only_admins_reach_the_reset_page(client, make_user, role):
    target = make_user(Role.OFFICER, "housing", **with_two_factor())
    sign_in_session(client, make_user(*ROLES[role]))
    assert client.post(f"/admin/users/{target.id}/reset-two-factor").status_code == 403
    db.session.refresh(target)
    assert target.has_two_factor


def test_a_user_without_two_factors_has_nothing_to_reset(client, make_user):
    target = make_user(Role.OFFICER, "housing")
    sign_in_session(client, make_user(Role.ADMIN, "community-safety"))
    response = client.post(f"/admin/users/{target.id}/reset-two-factor")
    assert response.location == f"/admin/users/{target.id}"
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.two_factor_reset"))
        is None
    )


# Limits held in the database, whichever instance answers ------------------------------------


def test_wrong_codes_sent_to_two_app_instances_lock_the_account_once(tmp_path):
    url = scratch_database_url("two_factor_instances", tmp_path)
    first = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    second = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with first.app_context():
        flask_migrate.upgrade()
        user = create_user(
            email="two.instances@example.test",
            name="Two Instances",
            agency=find_agency("housing"),
            role=Role.OFFICER,
            password=TEST_PASSWORD,
        )
        user.two_factor_secret, user.two_factor_enabled_at = with_two_factor().values()
        db.session.commit()
    lock_after = first.config["LOGIN_LOCK_AFTER"]
    try:
        with freeze_time(NOW):
            one, other = first.test_client(), second.test_client()
            sign_in(one, "two.instances@example.test")  # counted: attempt 1
            other.set_cookie("asb_session", one.get_cookie("asb_session").value)
            answers = []
            for number in range(2, lock_after + 1):  # wrong codes, to each instance in turn
                answers.append(enter_code(one if number % 2 else other, "000000").status_code)
            assert answers[:-1] == [200] * (lock_after - 2)
            assert answers[-1] == 302  # locked: back to sign in, on either instance
            assert sign_in(one, "two.instances@example.test").status_code == 200  # refused
            assert sign_in(other, "two.instances@example.test").status_code == 200
        with second.app_context():
            locked = db.session.scalar(select(User).where(User.email.like("two.instances%")))
            assert locked.locked_until is not None
            assert locked.failed_sign_in_count == lock_after
    finally:
        for app in (first, second):
            with app.app_context():
                db.engine.dispose()


# The demo's codes -----------------------------------------------------------------------------


def demo_code(app, email: str):
    return app.test_cli_runner().invoke(args=["asb", "demo-code", email])


def test_demo_code_prints_the_current_code_of_a_demo_account(app, make_user):
    lead = make_user(
        Role.ASB_LEAD,
        "community-safety",
        email="asb.lead@demo.asb.local",
        two_factor_secret=DEMO_SECRETS["asb.lead@demo.asb.local"],
        two_factor_enabled_at=utcnow(),
    )
    with freeze_time(NOW):
        result = demo_code(app, lead.email)
        assert result.exit_code == 0, result.output
        assert result.output.strip() == current_code(DEMO_SECRETS[lead.email])


def test_demo_code_refuses_other_accounts(app, make_user):
    real = make_user(Role.ASB_LEAD, "community-safety", **with_two_factor())
    # A demo address whose secret is no longer the published one is not a demo account.
    changed = make_user(
        Role.ADMIN, "community-safety", email="admin@demo.asb.local", **with_two_factor()
    )
    for email in (real.email, changed.email, "nobody@example.test"):
        result = demo_code(app, email)
        assert result.exit_code != 0
        assert "codes are printed for demo accounts only" in result.output
        assert code_now() not in result.output


def test_demo_code_is_refused_in_production(database_url, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "p" * 64)
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI"):  # ProductionConfig.check sets them
        monkeypatch.setattr(ProductionConfig, name, getattr(ProductionConfig, name))
    production = create_app("production")
    try:
        result = demo_code(production, "asb.lead@demo.asb.local")
        assert result.exit_code != 0
        assert "refused under the production configuration" in result.output
        assert current_code(DEMO_SECRETS["asb.lead@demo.asb.local"]) not in result.output
    finally:
        with production.app_context():
            db.engine.dispose()
