"""Personal API tokens: created on the account page and shown once, stored as a hash, revoked
there; and what the API answers to every token that is not live."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from asb.api.models import ApiToken
from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.database import utcnow
from asb.extensions import db
from tests.api.conftest import Api, error_of
from tests.helpers import error_summary, page_text

TOKEN = re.compile(r"asb_[A-Za-z0-9_-]{40,}")


def create_on_page(client, name: str = "Weekly figures", lifetime: str = "90"):
    return client.post("/account/api-tokens", data={"name": name, "lifetime": lifetime})


def test_the_account_page_links_to_the_tokens_page(client, login_as):
    login_as(Role.OFFICER)
    page = client.get("/account/password").get_data(as_text=True)
    assert 'href="/account/api-tokens"' in page


def test_a_token_is_shown_once_and_kept_only_as_its_hash(client, login_as):
    officer = login_as(Role.OFFICER)

    response = create_on_page(client)

    assert response.status_code == 200
    secret = TOKEN.search(response.get_data(as_text=True)).group(0)
    token = db.session.scalars(select(ApiToken).where(ApiToken.user_id == officer.id)).one()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.name == "Weekly figures"
    assert secret.startswith(token.prefix) and len(token.prefix) < 16
    assert timedelta(days=89) < token.expires_at - utcnow() <= timedelta(days=90)
    listing = client.get("/account/api-tokens").get_data(as_text=True)
    assert token.prefix in listing and secret not in listing
    assert "Weekly figures" in listing and "Active" in listing
    # and it works
    assert Api(client, secret).get("/reference/categories").status_code == 200


def test_creating_a_token_twice_from_one_form_creates_one(client, login_as):
    officer = login_as(Role.OFFICER)
    data = {"name": "Once", "lifetime": "30", "submission_key": "k" * 40}

    first = client.post("/account/api-tokens", data=data)
    second = client.post("/account/api-tokens", data=data)

    assert first.status_code == 200
    assert second.status_code == 302 and second.location.endswith("/account/api-tokens")
    assert TOKEN.search(client.get(second.location).get_data(as_text=True)) is None
    count = db.session.scalars(select(ApiToken).where(ApiToken.user_id == officer.id)).all()
    assert len(count) == 1


def test_a_token_needs_a_name_and_a_lifetime(client, login_as):
    login_as(Role.OFFICER)

    response = create_on_page(client, name="", lifetime="")

    messages = [message for _, message in error_summary(response)]
    assert messages == ["Enter a name for the token", "Select how long the token lasts"]
    assert db.session.scalars(select(ApiToken)).all() == []


@pytest.mark.parametrize("lifetime", ["3650", "-1", "1e9", "abc"])
def test_no_token_lasts_longer_than_a_year(client, login_as, lifetime):
    login_as(Role.OFFICER)

    response = create_on_page(client, lifetime=lifetime)

    assert [message for _, message in error_summary(response)] == [
        "Select how long it lasts from the list"
    ]
    assert db.session.scalars(select(ApiToken)).all() == []


def test_creating_a_token_needs_a_recent_sign_in(client, login_as):
    login_as(Role.OFFICER)
    with client.session_transaction() as session:
        session["asb_signed_in_at"] = (utcnow() - timedelta(minutes=16)).timestamp()

    response = create_on_page(client)

    assert "sign out, sign in again and then create the token" in page_text(response)
    assert db.session.scalars(select(ApiToken)).all() == []


def test_revoking_a_token_stops_it_at_once(client, login_as, token_for):
    officer = login_as(Role.OFFICER)
    secret = token_for(officer)
    token = db.session.scalars(select(ApiToken)).one()
    assert Api(client, secret).get("/reference/wards").status_code == 200

    response = client.post(f"/account/api-tokens/{token.id}/revoke")

    assert response.status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None
    refused = Api(client, secret).get("/reference/wards")
    assert refused.status_code == 401
    assert error_of(refused)["code"] == "unauthorized"
    assert "Revoked" in client.get("/account/api-tokens").get_data(as_text=True)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "api-token.created" in actions and "api-token.revoked" in actions


def test_no_one_revokes_anothers_token(client, login_as, make_user, token_for):
    owner = make_user(Role.OFFICER, "housing")
    secret = token_for(owner)
    token = db.session.scalars(select(ApiToken)).one()
    login_as(Role.ASB_LEAD, "community-safety")

    response = client.post(f"/account/api-tokens/{token.id}/revoke")

    assert response.status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None
    assert Api(client, secret).get("/reference/wards").status_code == 200
    assert "You have no tokens" in page_text(client.get("/account/api-tokens"))


# What the API answers to tokens that are not live --------------------------------------------


def test_a_call_without_a_token_is_refused_and_audited(client):
    response = Api(client, None).get("/incidents")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert error_of(response)["code"] == "unauthorized"
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.outcome, event.detail["status"]) == (
        "api.list_incidents",
        "refused",
        401,
    )


@pytest.mark.parametrize(
    "header",
    [
        "Bearer asb_not-a-token",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "asb_x",
        "Bearer " + "asb_" + "a" * 5000,
        "Bearer asb_\u00e9\u0000",
    ],
)
def test_an_unknown_token_is_refused(client, header):
    response = client.get("/api/v1/incidents", headers={"Authorization": header})

    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


def test_an_expired_token_is_refused(client, make_user, token_for):
    secret = token_for(make_user(Role.OFFICER), days=1)
    api = Api(client, secret)
    assert api.get("/reference/wards").status_code == 200

    with freeze_time(utcnow() + timedelta(days=1, seconds=1)):
        response = api.get("/reference/wards")

    assert response.status_code == 401


def test_a_deactivated_users_tokens_stop(client, make_user, token_for):
    officer = make_user(Role.OFFICER)
    api = Api(client, token_for(officer))
    assert api.get("/reference/wards").status_code == 200
    officer.is_active_account = False
    db.session.commit()

    assert api.get("/reference/wards").status_code == 401


def test_the_session_cookie_alone_never_signs_the_api_in(client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")

    assert client.get("/api/v1/incidents").status_code == 401
    assert client.post("/api/v1/incidents", json={}).status_code == 401


def test_a_tokens_last_use_is_recorded(client, make_user, token_for):
    secret = token_for(make_user(Role.OFFICER))
    token = db.session.scalars(select(ApiToken)).one()
    assert token.last_used_at is None

    Api(client, secret).get("/reference/wards")

    db.session.refresh(token)
    assert token.last_used_at is not None
    assert utcnow() - token.last_used_at < timedelta(minutes=1)


@pytest.mark.parametrize("value", ["\x00", "a" * 5000, "é" * 81, "%00", "9" * 400, "<script>"])
def test_hostile_answers_on_the_tokens_page_never_meet_a_server_error(client, login_as, value):
    login_as(Role.OFFICER)

    for data in ({"name": value, "lifetime": "30"}, {"name": "Fine", "lifetime": value}):
        response = client.post("/account/api-tokens", data=data)
        assert response.status_code < 500
    assert client.post("/account/api-tokens/99999999999/revoke").status_code == 404
