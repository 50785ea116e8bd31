"""The ASB Case Review: explanations to victims, applications and the complaints they cite."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from asb.auth.models import Agency, User
from asb.cases.models import Case
from asb.database import UTCDateTime, utcnow
from asb.extensions import db
from asb.incidents.models import Incident


class CaseReviewExplanation(db.Model):
    """That an officer explained the ASB Case Review to a victim, when asb prompted them."""

    __tablename__ = "case_review_explanations"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    explained_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    explained_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    how: Mapped[str] = mapped_column(String(200))

    explained_by: Mapped[User | None] = relationship(lazy="joined")


class CaseReviewApplication(db.Model):
    """An ASB Case Review (Community Trigger) application under section 104 of the 2014 Act."""

    __tablename__ = "case_review_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    applicant_name: Mapped[str] = mapped_column(String(120))
    applicant_contact: Mapped[str] = mapped_column(String(300))
    on_behalf_of: Mapped[str | None] = mapped_column(String(120))
    consent_confirmed: Mapped[bool] = mapped_column(default=False)
    route: Mapped[str] = mapped_column(String(20))
    received_on: Mapped[date] = mapped_column(Date)
    spoc_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    threshold_met: Mapped[bool | None]
    threshold_decided_on: Mapped[date | None] = mapped_column(Date)
    threshold_notes: Mapped[str | None] = mapped_column(Text)
    meeting_on: Mapped[date | None] = mapped_column(Date)
    victim_view: Mapped[str | None] = mapped_column(Text)
    response_sent_on: Mapped[date | None] = mapped_column(Date)
    made_recommendations: Mapped[bool | None]
    appeal_received_on: Mapped[date | None] = mapped_column(Date)
    appeal_outcome: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case | None] = relationship()
    spoc: Mapped[User | None] = relationship(foreign_keys=[spoc_id], lazy="joined")
    complaints: Mapped[list[CaseReviewComplaint]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="CaseReviewComplaint.complained_on",
    )


class CaseReviewComplaint(db.Model):
    """A complaint an application cites: about what behaviour, made when, to whom."""

    __tablename__ = "case_review_complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("case_review_applications.id"), index=True
    )
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    behaviour_on: Mapped[date] = mapped_column(Date)
    complained_on: Mapped[date] = mapped_column(Date)
    # Complaints about the same behaviour made to several agencies share a key: they count once.
    behaviour_key: Mapped[str] = mapped_column(String(80))
    description: Mapped[str | None] = mapped_column(Text)

    application: Mapped[CaseReviewApplication] = relationship(back_populates="complaints")
    incident: Mapped[Incident | None] = relationship()
    agency: Mapped[Agency | None] = relationship()
