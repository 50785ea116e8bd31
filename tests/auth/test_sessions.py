"""Sessions the server can end: sign-out, deactivation, idle and absolute timeouts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time

from asb.auth.models import Role
from asb.extensions import db
from tests.auth.helpers import signed_in
from tests.conftest import sign_in_session
from tests.helpers import visible_text


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER, "housing")


def test_sign_out_by_get_is_not_allowed(client, officer):
    sign_in_session(client, officer)
    response = client.get("/sign-out")
    assert response.status_code == 405
    assert "There is a problem with your request" in visible_text(response)
    assert signed_in(client)


def test_sign_out_ends_the_session(client, officer):
    sign_in_session(client, officer)
    response = client.post("/sign-out")
    assert (response.status_code, response.location) == (302, "/sign-in")
    assert "You have signed out." in visible_text(client.get("/sign-in"))
    assert not signed_in(client)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_sign_out_ends_every_session_of_the_user(app, client, officer):
    elsewhere = app.test_client()
    sign_in_session(client, officer)
    sign_in_session(elsewhere, officer)
    assert signed_in(elsewhere)

    client.post("/sign-out")

    assert not signed_in(elsewhere)
    assert officer.session_generation == 1


def test_sign_out_leaves_other_users_signed_in(app, client, officer, make_user):
    colleague = make_user(Role.OFFICER, "housing")
    elsewhere = app.test_client()
    sign_in_session(client, officer)
    sign_in_session(elsewhere, colleague)
    client.post("/sign-out")
    assert signed_in(elsewhere)


def test_anonymous_sign_out_goes_to_sign_in(client):
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")


def test_deactivated_users_session_ends(client, officer):
    sign_in_session(client, officer)
    assert signed_in(client)
    officer.is_active_account = False
    db.session.commit()
    assert not signed_in(client)


def test_session_of_an_older_generation_is_refused(client, officer):
    sign_in_session(client, officer)
    officer.session_generation += 1
    db.session.commit()
    assert not signed_in(client)


def test_session_ends_after_idle_timeout(app, client, officer):
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    with freeze_time("2026-03-02 09:00:00") as clock:
        sign_in_session(client, officer)
        clock.tick(idle - timedelta(seconds=5))
        assert client.get("/incidents").status_code == 200

        # Activity restarts the idle clock.
        clock.tick(idle - timedelta(seconds=5))
        assert client.get("/incidents").status_code == 200

        clock.tick(idle + timedelta(seconds=1))
        response = client.get("/incidents?status=new")
        assert response.status_code == 302
        assert response.location == "/sign-in?next=/incidents?status%3Dnew"
        assert "your session expired" in visible_text(client.get(response.location))
        assert not signed_in(client)


def test_session_ends_after_absolute_lifetime_however_active(app, client, officer, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_ABSOLUTE_LIFETIME", timedelta(hours=1))
    monkeypatch.setitem(app.config, "SESSION_IDLE_TIMEOUT", timedelta(minutes=30))
    with freeze_time("2026-03-02 09:00:00") as clock:
        sign_in_session(client, officer)
        for _ in range(2):
            clock.tick(timedelta(minutes=25))
            assert client.get("/incidents").status_code == 200
        clock.tick(timedelta(minutes=25))
        response = client.get("/incidents")
        assert response.status_code == 302
        assert response.location == "/sign-in?next=/incidents"


def test_must_change_password_forces_the_change_password_page(client, make_user):
    user = make_user(Role.OFFICER, "housing", must_change_password=True)
    sign_in_session(client, user)
    for path in ("/", "/incidents", "/incidents/new"):
        response = client.get(path)
        assert (response.status_code, response.location) == (302, "/account/password")
    assert client.get("/account/password").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.post("/sign-out").location == "/sign-in"
