"""Signing in through the page, and whether a session is still signed in."""

from __future__ import annotations

from tests.factories import TEST_PASSWORD


def sign_in(client, email: str, password: str = TEST_PASSWORD, next_url: str | None = None):
    query = {"next": next_url} if next_url is not None else {}
    return client.post("/sign-in", data={"email": email, "password": password}, query_string=query)


def signed_in(client) -> bool:
    """Whether the client's session still reaches a signed-in page."""
    response = client.get("/account/password")
    if response.status_code == 302:
        assert response.location.startswith("/sign-in")
        return False
    assert response.status_code == 200
    return True
