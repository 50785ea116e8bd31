"""The register of information sharing agreements."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from asb.agreements.vocabulary import DataCategory, LawfulBasis, SpecialCategoryCondition
from asb.auth.models import Agency, User
from asb.database import UTCDateTime, enum_type, utcnow
from asb.extensions import db


class AgreementState(StrEnum):
    NOT_STARTED = "not-started"
    IN_FORCE = "in-force"
    REVIEW_OVERDUE = "review-overdue"
    ENDED = "ended"


class SharingAgreement(db.Model):
    """An information sharing agreement with one partner organisation.

    Sharing is allowed only while it is in force (from its start date to its end date, both
    included) and only for the data categories it lists. An agreement past its review date
    is still in force but flagged to the ASB lead.
    """

    __tablename__ = "sharing_agreements"
    __table_args__ = (UniqueConstraint("reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(160))
    partner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    lawful_basis: Mapped[LawfulBasis] = mapped_column(enum_type(LawfulBasis, "lawful_basis"))
    special_category_condition: Mapped[SpecialCategoryCondition] = mapped_column(
        enum_type(SpecialCategoryCondition, "special_category_condition"),
        default=SpecialCategoryCondition.NONE,
    )
    # Section 115 of the Crime and Disorder Act 1998: the power to disclose to a relevant
    # authority for the purposes of the Act.
    crime_and_disorder_s115: Mapped[bool] = mapped_column(default=False)
    # DataCategory values.
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    starts_on: Mapped[date] = mapped_column(Date)
    review_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # Why it was ended before its planned end date, when it was.
    end_reason: Mapped[str | None] = mapped_column(Text)
    # The signed agreement: stored outside static/ under a random name (asb.documents.storage);
    # its name, type and checksum here.
    document_filename: Mapped[str | None] = mapped_column(String(200))
    document_storage_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    document_content_type: Mapped[str | None] = mapped_column(String(100))
    document_size_bytes: Mapped[int | None]
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    document_uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    document_uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partner_agency: Mapped[Agency] = relationship(lazy="joined")
    owner: Mapped[User] = relationship(foreign_keys=[owner_id], lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    document_uploaded_by: Mapped[User | None] = relationship(foreign_keys=[document_uploaded_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def data_categories(self) -> list[DataCategory]:
        return [DataCategory(value) for value in self.categories]

    def state_on(self, day: date) -> AgreementState:
        if day < self.starts_on:
            return AgreementState.NOT_STARTED
        if self.ends_on is not None and day > self.ends_on:
            return AgreementState.ENDED
        if day > self.review_on:
            return AgreementState.REVIEW_OVERDUE
        return AgreementState.IN_FORCE

    def in_force_on(self, day: date) -> bool:
        return self.state_on(day) in {AgreementState.IN_FORCE, AgreementState.REVIEW_OVERDUE}

    @property
    def has_document(self) -> bool:
        return self.document_storage_name is not None

    def covers(self, categories: set[DataCategory] | set[str]) -> bool:
        return {str(category) for category in categories} <= set(self.categories)

    def __repr__(self) -> str:
        return f"<SharingAgreement {self.reference}>"
