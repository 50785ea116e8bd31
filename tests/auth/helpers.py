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
        # To sign in, or to the second step or enrolment (awaiting the second factor).
        assert response.location.startswith(("/sign-in", "/two-factor/set-up"))
        return False
    assert response.status_code == 200
    return True


# A test authenticator secret (base32): tests compute its codes with asb.auth.two_factor.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def with_two_factor(secret: str = TOTP_SECRET) -> dict:
    """make_user's fields for a user who has set up two-factor sign-in with the secret."""
    from asb.database import utcnow

    return {"two_factor_secret": secret, "two_factor_enabled_at": utcnow()}


def code_now(secret: str = TOTP_SECRET) -> str:
    from asb.auth.two_factor import current_code

    return current_code(secret)


def enter_code(client, code: str):
    return client.post("/sign-in/code", data={"code": code})
