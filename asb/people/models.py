"""People: one record per person, their parts in incidents and cases, and merges."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from asb.cases.models import Case
from asb.database import UTCDateTime, enum_type, utcnow
from asb.extensions import db
from asb.incidents.models import Incident
from asb.people.vocabulary import PersonRole


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
