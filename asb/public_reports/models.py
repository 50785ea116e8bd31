"""A report made by a member of the public, waiting in an agency's triage queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from asb.auth.models import Agency, User
from asb.database import UTCDateTime, enum_type, utcnow
from asb.extensions import db
from asb.incidents.models import Incident
from asb.incidents.vocabulary import Category
from asb.public_reports.vocabulary import PublicReportChannel, PublicReportStatus


class PublicReport(db.Model):
    """What the public told us, as they told it; triage turns it into an incident, adds it to
    an existing one as another report, passes it to another agency's queue or closes it."""

    __tablename__ = "public_reports"
    __table_args__ = (
        UniqueConstraint("reference"),
        Index("ix_public_reports_queue_status", "queue_agency_id", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20))
    channel: Mapped[PublicReportChannel] = mapped_column(
        enum_type(PublicReportChannel, "public_report_channel")
    )
    status: Mapped[PublicReportStatus] = mapped_column(
        enum_type(PublicReportStatus, "public_report_status"),
        default=PublicReportStatus.AWAITING_TRIAGE,
    )
    category: Mapped[Category | None] = mapped_column(enum_type(Category, "public_report_category"))
    description: Mapped[str] = mapped_column(Text)
    # Where, as the reporter gave it: a point on the map, a street or postcode, or both.
    location_description: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    still_happening: Mapped[bool | None]

    reporter_anonymous: Mapped[bool] = mapped_column(default=True)
    reporter_name: Mapped[str | None] = mapped_column(String(120))
    reporter_email: Mapped[str | None] = mapped_column(String(254))
    reporter_phone: Mapped[str | None] = mapped_column(String(40))
    # Whether the reporter agreed to be contacted (acknowledgement and status updates).
    may_contact: Mapped[bool] = mapped_column(default=False)
    # Anything else the sending system gave (Open311 attribute[...] answers).
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    queue_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    triaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The incident it became (accepted) or was added to (merged).
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    closed_reason: Mapped[str | None] = mapped_column(Text)
    # Why the last manager passed it to this queue, for the managers who receive it.
    pass_note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic lock: two managers triaging the same report at once never both succeed.
    version: Mapped[int] = mapped_column(default=1)

    queue_agency: Mapped[Agency] = relationship(lazy="joined")
    triaged_by: Mapped[User | None] = relationship()
    incident: Mapped[Incident | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<PublicReport {self.reference}>"
