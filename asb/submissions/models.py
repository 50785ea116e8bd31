"""The one-time submission keys: a form sent twice creates its record once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from asb.database import UTCDateTime, utcnow
from asb.extensions import db


class SubmissionKey(db.Model):
    __tablename__ = "submission_keys"
    __table_args__ = (Index("ix_submission_keys_user_created", "user_id", "created_at"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    # None for a public form, sent by someone not signed in.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    endpoint: Mapped[str] = mapped_column(String(100))
    result_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
