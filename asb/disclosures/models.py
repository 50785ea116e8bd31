"""The disclosure log: what was disclosed, about whom, to whom, when, why and on what basis."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from asb.agreements.models import SharingAgreement
from asb.agreements.vocabulary import LawfulBasis
from asb.auth.models import Agency, User
from asb.cases.models import Case
from asb.database import UTCDateTime, enum_type, utcnow
from asb.disclosures.vocabulary import DisclosureMethod
from asb.extensions import db
from asb.incidents.models import Incident
from asb.people.models import Person


class Disclosure(db.Model):
    """One disclosure. Append-only: a mistaken entry is corrected by a later one, never edited.

    Every disclosure rests on an agreement or names its lawful basis.
    """

    __tablename__ = "disclosures"
    __table_args__ = (
        CheckConstraint(
            "agreement_id IS NOT NULL OR lawful_basis IS NOT NULL",
            name="agreement_or_lawful_basis",
        ),
        Index("ix_disclosures_recipient_disclosed_at", "recipient_agency_id", "disclosed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    method: Mapped[DisclosureMethod] = mapped_column(
        enum_type(DisclosureMethod, "disclosure_method")
    )
    # What was disclosed, in words, and the DataCategory values it carried.
    description: Mapped[str] = mapped_column(Text)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    disclosing_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    recipient_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    # The person or body it went to, where that is more than an agency ("PC Ahmed, CID").
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("sharing_agreements.id"), index=True
    )
    lawful_basis: Mapped[LawfulBasis | None] = mapped_column(
        enum_type(LawfulBasis, "disclosure_lawful_basis")
    )
    # Any further legal ground: "section 115 Crime and Disorder Act 1998", a court order...
    legal_basis_note: Mapped[str | None] = mapped_column(String(300))
    authorised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)

    disclosing_agency: Mapped[Agency] = relationship(
        foreign_keys=[disclosing_agency_id], lazy="joined"
    )
    recipient_agency: Mapped[Agency | None] = relationship(
        foreign_keys=[recipient_agency_id], lazy="joined"
    )
    agreement: Mapped[SharingAgreement | None] = relationship(lazy="joined")
    authorised_by: Mapped[User | None] = relationship(foreign_keys=[authorised_by_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    case: Mapped[Case | None] = relationship()
    incident: Mapped[Incident | None] = relationship()
    subjects: Mapped[list[DisclosureSubject]] = relationship(
        back_populates="disclosure", cascade="all, delete-orphan"
    )


class DisclosureSubject(db.Model):
    """A person a disclosure was about."""

    __tablename__ = "disclosure_subjects"

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(ForeignKey("disclosures.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)

    disclosure: Mapped[Disclosure] = relationship(back_populates="subjects")
    person: Mapped[Person] = relationship(lazy="joined")
