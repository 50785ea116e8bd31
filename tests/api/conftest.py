"""Calling the API as a client program would: a personal token in the Authorization header."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from asb.api.services import create_token
from asb.auth.models import Role, User
from asb.database import utcnow
from asb.extensions import db


class Api:
    """The test client, sending a bearer token and JSON."""

    def __init__(self, client, secret: str | None):
        self.client = client
        self.secret = secret

    def _headers(self, headers: dict | None) -> dict:
        sent = {"Authorization": f"Bearer {self.secret}"} if self.secret else {}
        return {**sent, **(headers or {})}

    def get(self, path: str, headers: dict | None = None, **kwargs):
        return self.client.get(f"/api/v1{path}", headers=self._headers(headers), **kwargs)

    def post(self, path: str, json=None, headers: dict | None = None, **kwargs):
        return self.client.post(
            f"/api/v1{path}", json=json, headers=self._headers(headers), **kwargs
        )

    def patch(self, path: str, json=None, headers: dict | None = None, **kwargs):
        return self.client.patch(
            f"/api/v1{path}", json=json, headers=self._headers(headers), **kwargs
        )


@pytest.fixture
def token_for(db_session) -> Callable[..., str]:
    """A live token's secret for the user (committed)."""

    def make(user: User, *, days: int = 30) -> str:
        created = create_token(user, name="Test", expires_at=utcnow() + timedelta(days=days))
        db.session.commit()
        return created.secret

    return make


@pytest.fixture
def api_as(client, make_user, token_for) -> Callable[..., Api]:
    """An API client signed in by a new user's token."""

    def make(role: Role | str = Role.OFFICER, agency_code: str = "housing", **fields) -> Api:
        role = Role(role)
        if role is Role.PARTNER and agency_code == "housing":
            agency_code = "city-police"
        user = make_user(role, agency_code, **fields)
        api = Api(client, token_for(user))
        api.user = user
        return api

    return make


def error_of(response) -> dict:
    """The error's body, checked to have the API's one shape."""
    body = response.get_json()
    assert set(body) <= {"error", "likely_duplicates"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    assert "likely_duplicates" not in body or response.status_code == 409
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]
