"""The signed-in user, for views and services that need the User itself."""

from __future__ import annotations

from typing import cast

from flask_login import current_user

from asb.auth.models import User


def signed_in_user() -> User:
    """The User behind flask_login's proxy: to pass on, store or compare (the proxy is none)."""
    return cast(User, current_user._get_current_object())
