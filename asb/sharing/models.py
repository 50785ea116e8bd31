"""A case, or chosen parts of it, shared with a partner organisation under an agreement."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from asb.agreements.models import SharingAgreement
from asb.agreements.vocabulary import DataCategory
from asb.auth.models import Agency, User
from asb.cases.models import Case, TimelineEntry
from asb.database import UTCDateTime, utcnow
from asb.disclosures.models import Disclosure
from asb.extensions import db
from asb.incidents.models import Incident


class CaseShare(db.Model):
    """Live while not withdrawn and while its agreement is in force: withdrawal, or the
    agreement's end, takes effect on the next request, with nothing to run."""

    __tablename__ = "case_shares"
    __table_args__ = (Index("ix_case_shares_agency_withdrawn", "agency_id", "withdrawn_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    agreement_id: Mapped[int] = mapped_column(ForeignKey("sharing_agreements.id"), index=True)
    # DataCategory values shared; always within the agreement's.
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    may_add_notes: Mapped[bool] = mapped_column(default=False)
    may_add_incidents: Mapped[bool] = mapped_column(default=False)
    purpose: Mapped[str] = mapped_column(Text)
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    disclosure_id: Mapped[int | None] = mapped_column(ForeignKey("disclosures.id"))

    case: Mapped[Case] = relationship()
    agency: Mapped[Agency] = relationship(lazy="joined")
    agreement: Mapped[SharingAgreement] = relationship(lazy="joined")
    shared_by: Mapped[User | None] = relationship(foreign_keys=[shared_by_id], lazy="joined")
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])
    disclosure: Mapped[Disclosure | None] = relationship()

    @property
    def data_categories(self) -> list[DataCategory]:
        return [DataCategory(value) for value in self.categories]

    def carries(self, category: DataCategory | str) -> bool:
        return str(category) in self.categories

    def is_live_on(self, day: date) -> bool:
        return self.withdrawn_at is None and self.agreement.in_force_on(day)


class CaseShareContribution(db.Model):
    """A note or an incident the partner added to a case shared with them, under that share.

    The partner sees what their agency added; the council sees it on the case as from them.
    """

    __tablename__ = "case_share_contributions"
    __table_args__ = (
        CheckConstraint(
            "(timeline_entry_id IS NULL) <> (incident_id IS NULL)", name="note_or_incident"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_share_id: Mapped[int] = mapped_column(ForeignKey("case_shares.id"), index=True)
    timeline_entry_id: Mapped[int | None] = mapped_column(ForeignKey("case_timeline.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    share: Mapped[CaseShare] = relationship()
    timeline_entry: Mapped[TimelineEntry | None] = relationship(lazy="joined")
    incident: Mapped[Incident | None] = relationship(lazy="joined")
    added_by: Mapped[User | None] = relationship(lazy="joined")
