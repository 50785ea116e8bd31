"""What the retention schedule has anonymised: kinds and ids, never personal data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from asb.database import UTCDateTime, utcnow
from asb.extensions import db


class AnonymisedRecord(db.Model):
    """One record anonymised under the schedule, so each is anonymised once.

    Kept apart from the records themselves: the features' tables need no column for it,
    and this table is the schedule's own account of what it did.
    """

    __tablename__ = "anonymised_records"
    __table_args__ = (UniqueConstraint("kind", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "case", "incident" or "person".
    kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int]
    anonymised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
