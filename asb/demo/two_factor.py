"""Two-factor sign-in for the demo's accounts, without a phone.

The demo's ASB lead, administrator and police partner must sign in with two factors, as their
roles do in earnest. Each is enrolled with a fixed authenticator secret, published here and
in the README: anyone may add it to an app, or ask `flask --app wsgi asb demo-code EMAIL` for
the current code. Published secrets protect nothing, so under the production configuration
the seed enrols no one (those accounts set up their own app at their first sign-in) and the
command refuses; nor does it answer for any account but these with these secrets.
"""

from __future__ import annotations

from flask import current_app

from asb.auth.models import User
from asb.database import utcnow

# Base32, 160 bits each, chosen to be recognisable; the README lists them too.
DEMO_SECRETS = {
    "asb.lead@demo.asb.local": "DEMOLEADDEMOLEADDEMOLEADDEMOLEAD",
    "admin@demo.asb.local": "DEMOADMNDEMOADMNDEMOADMNDEMOADMN",
    "police.partner@demo.asb.local": "DEMOPLCEDEMOPLCEDEMOPLCEDEMOPLCE",
}


class DemoRefused(Exception):
    """Demo secrets are for the demo only."""


def demo_secrets_allowed() -> bool:
    return current_app.config["DEMO_ACCOUNTS_ALLOWED"]


def check_demo_allowed() -> None:
    if not demo_secrets_allowed():
        raise DemoRefused(
            "Demo accounts with published authenticator secrets are refused under the "
            "production configuration."
        )


def enrol_demo_user(user: User) -> None:
    """Give a demo account whose role requires two factors its published secret."""
    check_demo_allowed()
    user.two_factor_secret = DEMO_SECRETS[user.email]
    user.two_factor_enabled_at = utcnow()


def is_demo_account(user: User | None) -> bool:
    """Only a demo account still holding its published secret."""
    return (
        user is not None
        and user.has_two_factor
        and DEMO_SECRETS.get(user.email) == user.two_factor_secret
    )
