"""Interventions: the tools and powers used on a case, and their breaches."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from asb.auth.models import User
from asb.cases.models import Case
from asb.database import UTCDateTime, enum_type, utcnow
from asb.extensions import db
from asb.interventions.rules import InterventionKind
from asb.people.models import Person


class Intervention(db.Model):
    """A tool or power used on the case, with its legal clocks worked out at issue."""

    __tablename__ = "interventions"
    __table_args__ = (
        Index("ix_interventions_expires_on", "expires_on"),
        Index("ix_interventions_appeal_deadline", "appeal_deadline"),
        Index("ix_interventions_review_on", "review_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[InterventionKind] = mapped_column(enum_type(InterventionKind, "intervention_kind"))
    served_on_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    served_on_premises: Mapped[str | None] = mapped_column(String(300))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_on: Mapped[date] = mapped_column(Date)
    served_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    conditions: Mapped[str | None] = mapped_column(Text)
    duration_months: Mapped[int | None]
    subject_age_on_issue: Mapped[int | None]
    on_conviction: Mapped[bool | None]
    appeal_deadline: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    # Closure notices and dispersal directions run in hours, so they expire at a moment.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_on: Mapped[date | None] = mapped_column(Date)
    hearing_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    latest_expiry: Mapped[date | None] = mapped_column(Date)
    fixed_penalty_max_gbp: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    served_on_person: Mapped[Person | None] = relationship(lazy="joined")
    issued_by: Mapped[User | None] = relationship(lazy="joined")
    breaches: Mapped[list[InterventionBreach]] = relationship(
        back_populates="intervention", order_by="InterventionBreach.occurred_on"
    )


class InterventionBreach(db.Model):
    __tablename__ = "intervention_breaches"

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id"), index=True)
    occurred_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    fixed_penalty_gbp: Mapped[int | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    intervention: Mapped[Intervention] = relationship(back_populates="breaches")
