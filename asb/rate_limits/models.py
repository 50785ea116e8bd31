"""Counts of attempts per key and window, shared by every worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from asb.database import UTCDateTime
from asb.extensions import db


class RateLimitCount(db.Model):
    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    count: Mapped[int]
    window_ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
