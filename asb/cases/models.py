"""Cases: the corporate ASB process's record of a problem, its people, work and history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from asb.auth.models import Agency, User
from asb.cases.interventions import InterventionKind
from asb.cases.risk import RiskLevel
from asb.cases.vocabulary import (
    ActionState,
    CaseOutcome,
    CaseStatus,
    ContactMethod,
    PersonRole,
    TimelineKind,
)
from asb.database import UTCDateTime, enum_type, utcnow
from asb.extensions import db
from asb.incidents.models import Incident


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


class Person(db.Model):
    """One person, linked to any number of incidents and cases."""

    __tablename__ = "people"
    __table_args__ = (Index("ix_people_name_dob", "name_key", "date_of_birth"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # Lower-cased, single-spaced name, for finding duplicates.
    name_key: Mapped[str] = mapped_column(String(120))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str | None] = mapped_column(String(300))
    address_key: Mapped[str | None] = mapped_column(String(300), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    vulnerability_notes: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    merged_into: Mapped[Person | None] = relationship(remote_side=[id])


class CasePerson(db.Model):
    __tablename__ = "case_people"
    __table_args__ = (UniqueConstraint("case_id", "person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[PersonRole] = mapped_column(enum_type(PersonRole, "case_person_role"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="people")
    person: Mapped[Person] = relationship(lazy="joined")


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


class IncidentPerson(db.Model):
    """A person's part in an incident (victim, reporter, ...), for finding repeat victims."""

    __tablename__ = "incident_people"
    __table_args__ = (UniqueConstraint("incident_id", "person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[PersonRole] = mapped_column(enum_type(PersonRole, "incident_person_role"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    incident: Mapped[Incident] = relationship(lazy="joined")
    person: Mapped[Person] = relationship(lazy="joined")


class PersonMerge(db.Model):
    """The record of two person records found to be one person. Append-only."""

    __tablename__ = "person_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    merged_person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The merged record's details as they were, so nothing is lost.
    merged_details: Mapped[dict[str, Any]] = mapped_column(JSON)


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


class Document(db.Model):
    """An uploaded file, stored outside static/ and served only through an authorised download."""

    __tablename__ = "case_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    storage_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    serve_inline: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str | None] = mapped_column(String(300))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User | None] = relationship(lazy="joined")


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
