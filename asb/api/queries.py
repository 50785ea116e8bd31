"""Reading personal API tokens."""

from __future__ import annotations

from sqlalchemy import select

from asb.api.models import ApiToken
from asb.auth.models import User
from asb.extensions import db


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def token_or_404(token_id: int) -> ApiToken:
    return db.get_or_404(ApiToken, token_id)
