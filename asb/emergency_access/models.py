"""Grants of emergency access to one restricted incident or case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from asb.agreements.vocabulary import LawfulBasis
from asb.auth.models import User
from asb.cases.models import Case
from asb.database import UTCDateTime, enum_type, utcnow
from asb.disclosures.models import Disclosure
from asb.extensions import db
from asb.incidents.models import Incident


class EmergencyAccess(db.Model):
    """One user's access to one restricted incident or case, from `granted_at` until
    `expires_at`, or until the ASB lead ends it early (`ended_at`).

    Never deleted: the grants are the record of who broke the glass, when and why.
    """

    __tablename__ = "emergency_access"
    __table_args__ = (
        CheckConstraint("(incident_id IS NULL) <> (case_id IS NULL)", name="one_record"),
        Index("ix_emergency_access_user_expires", "user_id", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    lawful_basis: Mapped[LawfulBasis] = mapped_column(
        enum_type(LawfulBasis, "emergency_access_lawful_basis")
    )
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    disclosure_id: Mapped[int | None] = mapped_column(ForeignKey("disclosures.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    incident: Mapped[Incident | None] = relationship()
    case: Mapped[Case | None] = relationship()
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])
    disclosure: Mapped[Disclosure | None] = relationship()

    @property
    def record(self) -> Incident | Case:
        record = self.incident if self.incident_id is not None else self.case
        assert record is not None  # the check constraint holds one of them
        return record

    @property
    def ends_at(self) -> datetime:
        """When the access ended or will end: early if the ASB lead ended it."""
        return self.ended_at if self.ended_at is not None else self.expires_at

    def is_live_at(self, moment: datetime) -> bool:
        return self.ended_at is None and moment < self.expires_at

    def __repr__(self) -> str:
        return f"<EmergencyAccess {self.id} user={self.user_id}>"
