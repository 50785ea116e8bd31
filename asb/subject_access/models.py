"""Subject access requests (UK GDPR Article 15) and the person records each concerns."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from asb.auth.models import User
from asb.database import UTCDateTime, enum_type, utcnow
from asb.extensions import db
from asb.people.models import Person
from asb.subject_access.vocabulary import ReceivedBy, RequestStatus


class SubjectAccessRequest(db.Model):
    """A request from a person for the data asb holds about them.

    The answer is due one calendar month from receipt (`due_on`); a complex or repeated
    request may be extended by up to two further months with the reason recorded
    (`extended_to`, `extension_reason`).
    """

    __tablename__ = "subject_access_requests"
    __table_args__ = (UniqueConstraint("reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20))
    requester_name: Mapped[str] = mapped_column(String(120))
    received_by: Mapped[ReceivedBy] = mapped_column(enum_type(ReceivedBy, "sar_received_by"))
    received_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    extended_to: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[RequestStatus] = mapped_column(
        enum_type(RequestStatus, "sar_status"), default=RequestStatus.OPEN, index=True
    )
    completed_on: Mapped[date | None] = mapped_column(Date)
    outcome_note: Mapped[str | None] = mapped_column(Text)
    identity_checked: Mapped[bool] = mapped_column(default=False)
    identity_checked_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    created_by: Mapped[User | None] = relationship()
    people: Mapped[list[SubjectAccessPerson]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="SubjectAccessPerson.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def answer_due_on(self) -> date:
        """The day the answer is due: the extended date if there is one."""
        return self.extended_to or self.due_on

    @property
    def subjects(self) -> list[Person]:
        return [link.person for link in self.people]

    def __repr__(self) -> str:
        return f"<SubjectAccessRequest {self.reference}>"


class SubjectAccessPerson(db.Model):
    """A person record a request concerns: one person may have several records."""

    __tablename__ = "subject_access_people"
    __table_args__ = (UniqueConstraint("request_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("subject_access_requests.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[SubjectAccessRequest] = relationship(back_populates="people")
    person: Mapped[Person] = relationship(lazy="joined")
