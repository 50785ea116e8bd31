"""Requests for another agency's details about a person, and which records are about whom.

The matching of person records lives here, beside the model, because the access policy
decides on it (may this officer ask that agency?) and the policy reads only models.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Select, Text, and_, func, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from asb.agreements.vocabulary import DataCategory
from asb.auth.models import Agency, User
from asb.cases.models import Case
from asb.database import UTCDateTime, enum_type, utcnow
from asb.disclosures.models import Disclosure
from asb.extensions import db
from asb.incidents.models import Incident
from asb.known_to.vocabulary import RequestStatus
from asb.people.models import CasePerson, IncidentPerson, Person


class PersonDetailsRequest(db.Model):
    """An officer's request to another agency for what it holds about a person.

    The holding agency approves (some categories, for a while) or refuses it; the requester
    may withdraw it while it waits. Both the request and the answer are in the disclosure log.
    """

    __tablename__ = "person_details_requests"
    __table_args__ = (
        Index("ix_person_details_requests_holding_status", "holding_agency_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The requester's own record of the person: what they asked about.
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    holding_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    requesting_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    reason: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[RequestStatus] = mapped_column(
        enum_type(RequestStatus, "person_details_request_status"), default=RequestStatus.PENDING
    )
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Required when refusing; optional when approving.
    answer_note: Mapped[str | None] = mapped_column(Text)
    # DataCategory values approved, and the last day (London) the approval lasts.
    approved_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    approved_until: Mapped[date | None] = mapped_column(Date)
    request_disclosure_id: Mapped[int | None] = mapped_column(ForeignKey("disclosures.id"))
    answer_disclosure_id: Mapped[int | None] = mapped_column(ForeignKey("disclosures.id"))

    person: Mapped[Person] = relationship(lazy="joined")
    holding_agency: Mapped[Agency] = relationship(foreign_keys=[holding_agency_id], lazy="joined")
    requesting_agency: Mapped[Agency] = relationship(
        foreign_keys=[requesting_agency_id], lazy="joined"
    )
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id], lazy="joined")
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    request_disclosure: Mapped[Disclosure | None] = relationship(
        foreign_keys=[request_disclosure_id]
    )
    answer_disclosure: Mapped[Disclosure | None] = relationship(foreign_keys=[answer_disclosure_id])

    @property
    def data_categories(self) -> list[DataCategory]:
        return [DataCategory(value) for value in self.approved_categories]

    def approves(self, category: DataCategory) -> bool:
        return category.value in self.approved_categories

    def approval_live_on(self, day: date) -> bool:
        """Approved, and the day is within the approval (its last day included)."""
        return (
            self.status is RequestStatus.APPROVED
            and self.approved_until is not None
            and day <= self.approved_until
        )

    def status_label_on(self, day: date) -> str:
        if self.status is RequestStatus.APPROVED and not self.approval_live_on(day):
            return "Expired"
        return self.status.label

    def __repr__(self) -> str:
        return f"<PersonDetailsRequest {self.id} {self.status.value}>"


# -- Which person records are one person, and who holds records about them ----------------


@dataclass(frozen=True)
class MatchKeys:
    """What a person record is matched on: the same name and date of birth, or the same name
    and address (the normalised keys people records keep)."""

    name_key: str
    date_of_birth: date | None = None
    address_key: str | None = None
    person_id: int | None = None

    @classmethod
    def of(cls, person: Person) -> MatchKeys:
        return cls(person.name_key, person.date_of_birth, person.address_key, person.id)


def same_person_ids(keys: MatchKeys) -> Select:
    """The ids of the current person records that match: a merged record stands for the
    record it was merged into. Uses ix_people_name_dob and the address_key index."""
    conditions = []
    if keys.person_id is not None:
        conditions.append(Person.id == keys.person_id)
    if keys.name_key and keys.date_of_birth is not None:
        conditions.append(
            and_(Person.name_key == keys.name_key, Person.date_of_birth == keys.date_of_birth)
        )
    if keys.name_key and keys.address_key:
        conditions.append(
            and_(Person.name_key == keys.name_key, Person.address_key == keys.address_key)
        )
    matched = or_(*conditions) if conditions else Person.id.is_(None)
    return select(func.coalesce(Person.merged_into_id, Person.id)).where(matched)


@dataclass
class RecordsAbout:
    """The incidents and cases linked to a set of person records."""

    incidents: list[Incident]
    cases: list[Case]

    def held_by(self, agency_id: int) -> RecordsAbout:
        return RecordsAbout(
            [record for record in self.incidents if agency_id in holders_of(record)],
            [record for record in self.cases if agency_id in holders_of(record)],
        )


def records_about(person_ids: Select | Iterable[int]) -> RecordsAbout:
    """Every incident and case linked to the people, in two queries (cases with partners)."""
    incidents = db.session.scalars(
        select(Incident)
        .where(
            Incident.id.in_(
                select(IncidentPerson.incident_id).where(IncidentPerson.person_id.in_(person_ids))
            )
        )
        .order_by(Incident.occurred_from, Incident.id)
    ).unique()
    cases = db.session.scalars(
        select(Case)
        .options(selectinload(Case.partners))
        .where(Case.id.in_(select(CasePerson.case_id).where(CasePerson.person_id.in_(person_ids))))
        .order_by(Case.opened_at, Case.id)
    ).unique()
    return RecordsAbout(list(incidents), list(cases))


def holders_of(record: Incident | Case) -> set[int]:
    """The agencies that hold a record: an incident's recording agency; a case's lead agency
    and the team it is assigned to (partner agencies on a case contribute, they do not hold)."""
    if isinstance(record, Incident):
        return {record.recording_agency_id}
    return {record.lead_agency_id, record.assigned_agency_id}
