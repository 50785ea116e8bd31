"""ASB panel meetings: who attends, the cases on the agenda and what was decided, and the
packs and disclosures made for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from asb.auth.models import Agency, User
from asb.cases.models import Case
from asb.database import UTCDateTime, enum_type, utcnow
from asb.disclosures.models import Disclosure
from asb.extensions import db
from asb.panels.vocabulary import AgendaReason, MeetingStatus


class PanelMeeting(db.Model):
    """One ASB panel meeting (the partnership's case conference, like MARAC)."""

    __tablename__ = "panel_meetings"
    __table_args__ = (UniqueConstraint("reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(String(200))
    chair_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[MeetingStatus] = mapped_column(
        enum_type(MeetingStatus, "panel_meeting_status"), default=MeetingStatus.PLANNED
    )
    notes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    chair: Mapped[User] = relationship(foreign_keys=[chair_id], lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    attendance: Mapped[list[PanelAttendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="PanelAttendance.id"
    )
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )

    @property
    def agencies(self) -> list[Agency]:
        return [attending.agency for attending in self.attendance]

    @property
    def agency_ids(self) -> set[int]:
        return {attending.agency_id for attending in self.attendance}

    def __repr__(self) -> str:
        return f"<PanelMeeting {self.reference}>"


class PanelAttendance(db.Model):
    """An agency attending a meeting: an internal one or an external partner."""

    __tablename__ = "panel_meeting_agencies"
    __table_args__ = (UniqueConstraint("meeting_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meetings.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)

    meeting: Mapped[PanelMeeting] = relationship(back_populates="attendance")
    agency: Mapped[Agency] = relationship(lazy="joined")


class AgendaItem(db.Model):
    """A case on a meeting's agenda, and what the meeting said and decided about it."""

    __tablename__ = "panel_agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meetings.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    position: Mapped[int]
    reason: Mapped[AgendaReason] = mapped_column(enum_type(AgendaReason, "panel_agenda_reason"))
    # The lead's words on why it is on the agenda, beyond the reason.
    reason_note: Mapped[str | None] = mapped_column(Text)
    discussion: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(Text)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[PanelMeeting] = relationship(back_populates="agenda")
    case: Mapped[Case] = relationship(lazy="joined")


class PanelPack(db.Model):
    """A meeting pack produced for one external agency: the cases and the DataCategory values
    it carried. What it disclosed is in the disclosure log (PanelDisclosure links them)."""

    __tablename__ = "panel_packs"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meetings.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    produced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    produced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship(lazy="joined")
    produced_by: Mapped[User | None] = relationship(lazy="joined")


class PanelDisclosure(db.Model):
    """A disclosure made for or at a meeting: in a pack, or recorded as said at the meeting."""

    __tablename__ = "panel_disclosures"
    __table_args__ = (UniqueConstraint("disclosure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meetings.id"), index=True)
    disclosure_id: Mapped[int] = mapped_column(ForeignKey("disclosures.id"))
    pack_id: Mapped[int | None] = mapped_column(ForeignKey("panel_packs.id"))

    disclosure: Mapped[Disclosure] = relationship(lazy="joined")
    pack: Mapped[PanelPack | None] = relationship()
