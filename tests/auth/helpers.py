"""Signing in through the page, and reading what it says."""

from __future__ import annotations

import html
import re

from tests.factories import TEST_PASSWORD

_TAG = re.compile(r"<[^>]+>")


def visible_text(response) -> str:
    """The page's words without markup, whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", response.get_data(as_text=True))).split())


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
