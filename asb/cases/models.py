"""Cases: the corporate ASB process's record of a problem, its work and history."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from asb.auth.models import Agency, User
from asb.cases.risk import RiskLevel
from asb.cases.vocabulary import ActionState, CaseOutcome, CaseStatus, ContactMethod, TimelineKind
from asb.database import UTCDateTime, enum_type, utcnow
from asb.extensions import db
from asb.incidents.models import Incident

if TYPE_CHECKING:
    # Resolved by name through the model registry: people depend on cases, not back.
    from asb.people.models import CasePerson, Person


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("reference"),
        Index("ix_cases_status_review_due", "status", "review_due"),
        Index("ix_cases_assigned_agency_status", "assigned_agency_id", "status"),
        Index("ix_cases_case_officer_status", "case_officer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[CaseStatus] = mapped_column(
        enum_type(CaseStatus, "case_status"), default=CaseStatus.OPEN
    )
    outcome: Mapped[CaseOutcome | None] = mapped_column(enum_type(CaseOutcome, "case_outcome"))
    closing_summary: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lead_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    # The team (agency) the case is assigned to, and optionally one of its officers.
    assigned_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    risk_level: Mapped[RiskLevel | None] = mapped_column(enum_type(RiskLevel, "case_risk_level"))
    restricted: Mapped[bool] = mapped_column(default=False)
    restriction_reason: Mapped[str | None] = mapped_column(String(200))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_contact_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_due: Mapped[date | None] = mapped_column(Date)

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic lock: two officers saving at once never overwrite each other silently.
    version: Mapped[int] = mapped_column(default=1)

    lead_agency: Mapped[Agency] = relationship(foreign_keys=[lead_agency_id], lazy="joined")
    assigned_agency: Mapped[Agency] = relationship(foreign_keys=[assigned_agency_id], lazy="joined")
    case_officer: Mapped[User | None] = relationship(foreign_keys=[case_officer_id], lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    partners: Mapped[list[CasePartner]] = relationship(
        back_populates="case", cascade="all, delete-orphan"
    )
    incident_links: Mapped[list[CaseIncident]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseIncident.linked_at"
    )
    people: Mapped[list[CasePerson]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CasePerson.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def partner_agency_ids(self) -> set[int]:
        return {partner.agency_id for partner in self.partners}

    @property
    def involved_agency_ids(self) -> set[int]:
        return {self.lead_agency_id, self.assigned_agency_id, *self.partner_agency_ids}

    def __repr__(self) -> str:
        return f"<Case {self.reference}>"


class CasePartner(db.Model):
    """Another agency working the case with the lead agency."""

    __tablename__ = "case_partners"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="partners")
    agency: Mapped[Agency] = relationship(lazy="joined")


class CaseIncident(db.Model):
    __tablename__ = "case_incidents"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id"), primary_key=True, index=True
    )
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="incident_links")
    incident: Mapped[Incident] = relationship(lazy="joined")


class Assignment(db.Model):
    """Who the case was with, and when. Append-only: an assignment ends, it is never deleted."""

    __tablename__ = "case_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agency: Mapped[Agency] = relationship(lazy="joined")
    officer: Mapped[User | None] = relationship(foreign_keys=[officer_id], lazy="joined")
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id], lazy="joined")


class TimelineEntry(db.Model):
    """One event on the case's single timeline. Append-only."""

    __tablename__ = "case_timeline"
    __table_args__ = (Index("ix_case_timeline_case_occurred", "case_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[TimelineKind] = mapped_column(enum_type(TimelineKind, "timeline_kind"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(Text)
    contact_method: Mapped[ContactMethod | None] = mapped_column(
        enum_type(ContactMethod, "timeline_contact_method")
    )
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")


class CaseAction(db.Model):
    __tablename__ = "case_actions"
    __table_args__ = (Index("ix_case_actions_state_due", "state", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date] = mapped_column(Date)
    state: Mapped[ActionState] = mapped_column(
        enum_type(ActionState, "case_action_state"), default=ActionState.OPEN
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An action recommended by an ASB Case Review.
    case_review_id: Mapped[int | None] = mapped_column(ForeignKey("case_review_applications.id"))

    case: Mapped[Case] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id], lazy="joined")


class RiskAssessment(db.Model):
    """The answers given and the level reached; repeated at each review."""

    __tablename__ = "risk_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    subject: Mapped[str] = mapped_column(String(20))
    matrix_version: Mapped[str] = mapped_column(String(40))
    answers: Mapped[dict[str, str]] = mapped_column(JSON)
    score: Mapped[int]
    level: Mapped[RiskLevel] = mapped_column(enum_type(RiskLevel, "risk_assessment_level"))
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person | None] = relationship(lazy="joined")
    assessed_by: Mapped[User | None] = relationship(lazy="joined")
