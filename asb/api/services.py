"""Creating, revoking and checking personal API tokens. Flush-only: the view commits."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from asb.api.models import ApiToken
from asb.audit.services import record_event
from asb.auth.models import User
from asb.database import utcnow
from asb.extensions import db

TOKEN_SCHEME = "asb_"  # noqa: S105 - the prefix every token starts with, not a secret
# 32 random bytes: guessing one is as hopeless as guessing a 256-bit key, so a fast hash
# (SHA-256) of it is safe to keep, and lets each request find its token by an index.
_SECRET_BYTES = 32
_PREFIX_LENGTH = len(TOKEN_SCHEME) + 8
# last_used_at is written at most this often per token, not on every call.
_LAST_USED_RESOLUTION_SECONDS = 60


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(user: User, *, name: str, expires_at: datetime) -> NewToken:
    secret = TOKEN_SCHEME + secrets.token_urlsafe(_SECRET_BYTES)
    token = ApiToken(
        user=user,
        name=name,
        token_hash=hash_secret(secret),
        prefix=secret[:_PREFIX_LENGTH],
        expires_at=expires_at,
    )
    db.session.add(token)
    db.session.flush()
    record_event("api-token.created", actor=user, obj=token)
    return NewToken(token, secret)


def revoke_token(token: ApiToken, *, actor: User) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    db.session.flush()
    record_event("api-token.revoked", actor=actor, obj=token)


def live_token(secret: str) -> ApiToken | None:
    """The live token with this secret whose user may still sign in, or None.

    Expired, revoked and unknown tokens, and those of a deactivated user, all answer None:
    the caller says no more than "not a valid token".
    """
    if not secret.startswith(TOKEN_SCHEME) or len(secret) > 200:
        return None
    token = db.session.scalars(
        select(ApiToken).where(ApiToken.token_hash == hash_secret(secret))
    ).first()
    now = utcnow()
    if token is None or not token.is_live(now) or not token.user.is_active:
        return None
    last_used = token.last_used_at
    if last_used is None or (now - last_used).total_seconds() >= _LAST_USED_RESOLUTION_SECONDS:
        token.last_used_at = now
    return token
