"""Incidents in the shared log, their change history and the local ASB types."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from asb.auth.models import Agency, User
from asb.database import UTCDateTime, enum_type, utcnow
from asb.extensions import db
from asb.incidents.vocabulary import (
    Category,
    IncidentSource,
    IncidentStatus,
    Qualifier,
    ReportingChannel,
    ReportKind,
)

# Fields that identify or describe reporters and victims. Only users the policy allows see
# them, in pages, exports and change history alike.
PERSONAL_FIELDS = (
    "reporter_anonymous",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "reporter_address",
    "reporter_is_victim",
    "victim_name",
    "victim_phone",
    "victim_email",
    "victim_address",
    "vulnerabilities",
    "restriction_reason",
)


class LocalAsbType(db.Model):
    """A local type of ASB that admins maintain (graffiti, fly-tipping, ...)."""

    __tablename__ = "local_asb_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)


class ReferenceCounter(db.Model):
    """The last number issued for a reference prefix in a year (ASB-2026-00042)."""

    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)


class Incident(db.Model):
    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_occurred_from_id", "occurred_from", "id"),
        Index("ix_incidents_agency_occurred", "recording_agency_id", "occurred_from"),
        Index("ix_incidents_ward_occurred", "ward_code", "occurred_from"),
        Index("ix_incidents_category_occurred", "category", "occurred_from"),
        Index("ix_incidents_status_occurred", "status", "occurred_from"),
        Index("ix_incidents_occurred_grid_cell", "occurred_from", "grid_cell"),
        Index(
            "ix_incidents_agency_category_occurred",
            "recording_agency_id",
            "category",
            "occurred_from",
            "id",
        ),
        UniqueConstraint("reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20))
    source: Mapped[IncidentSource] = mapped_column(
        enum_type(IncidentSource, "incident_source"), default=IncidentSource.PARTNERSHIP
    )
    status: Mapped[IncidentStatus] = mapped_column(
        enum_type(IncidentStatus, "incident_status"), default=IncidentStatus.NEW
    )
    no_further_action_reason: Mapped[str | None] = mapped_column(Text)

    occurred_from: Mapped[datetime] = mapped_column(UTCDateTime)
    occurred_to: Mapped[datetime | None] = mapped_column(UTCDateTime)

    location_description: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float]
    longitude: Mapped[float]
    ward_code: Mapped[str | None] = mapped_column(String(9))
    ward_name: Mapped[str | None] = mapped_column(String(80))
    # British National Grid metres and the stored 100 m hotspot cell (asb.geo.services), so
    # hotspot counts are a plain indexed GROUP BY rather than arithmetic on every row.
    easting: Mapped[int | None]
    northing: Mapped[int | None]
    grid_cell: Mapped[int | None]
    # Accepted by the boundary tolerance (ASB_AREA_TOLERANCE_METRES) but outside the area:
    # a police.uk record whose LSOA is not the area's, any other by a strict point-in-polygon
    # test. It keeps its nearest ward for context; every count shows it apart as "just
    # outside the City boundary" (asb.maps.anonymous_points.outside_the_area).
    outside_city_edge: Mapped[bool] = mapped_column(default=False, server_default=false())
    # police.uk's Lower layer Super Output Area of the point (census statistics use them).
    lsoa_code: Mapped[str | None] = mapped_column(String(9))
    lsoa_name: Mapped[str | None] = mapped_column(String(100))
    # An imported row's identity: the SHA-256 of its content and its occurrence in its file
    # (asb/policeuk), so that importing a file again adds nothing; and the run it came in.
    source_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    police_uk_import_id: Mapped[int | None] = mapped_column(
        ForeignKey("police_uk_imports.id"), index=True
    )

    qualifier: Mapped[Qualifier] = mapped_column(enum_type(Qualifier, "incident_qualifier"))
    category: Mapped[Category] = mapped_column(enum_type(Category, "incident_category"))
    local_type_id: Mapped[int | None] = mapped_column(ForeignKey("local_asb_types.id"))
    hate_motivated: Mapped[bool] = mapped_column(default=False)
    possible_crime: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(Text)
    reporting_channel: Mapped[ReportingChannel] = mapped_column(
        enum_type(ReportingChannel, "incident_reporting_channel")
    )
    report_kind: Mapped[ReportKind] = mapped_column(
        enum_type(ReportKind, "incident_report_kind"), default=ReportKind.COMPLAINT
    )
    households_affected: Mapped[int | None]

    reporter_anonymous: Mapped[bool] = mapped_column(default=False)
    reporter_name: Mapped[str | None] = mapped_column(String(120))
    reporter_phone: Mapped[str | None] = mapped_column(String(40))
    reporter_email: Mapped[str | None] = mapped_column(String(254))
    reporter_address: Mapped[str | None] = mapped_column(String(300))
    reporter_is_victim: Mapped[bool] = mapped_column(default=False)
    victim_name: Mapped[str | None] = mapped_column(String(120))
    victim_phone: Mapped[str | None] = mapped_column(String(40))
    victim_email: Mapped[str | None] = mapped_column(String(254))
    victim_address: Mapped[str | None] = mapped_column(String(300))
    vulnerabilities: Mapped[list[str]] = mapped_column(JSON, default=list)

    restricted: Mapped[bool] = mapped_column(default=False, index=True)
    restriction_reason: Mapped[str | None] = mapped_column(String(200))

    recording_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic lock: an edit made against an older version is refused, never merged.
    version: Mapped[int] = mapped_column(default=1)

    recording_agency: Mapped[Agency] = relationship(lazy="joined")
    recorded_by: Mapped[User | None] = relationship()
    local_type: Mapped[LocalAsbType | None] = relationship(lazy="joined")
    changes: Mapped[list[IncidentChange]] = relationship(
        back_populates="incident", order_by="IncidentChange.changed_at.desc()"
    )
    reports: Mapped[list[IncidentReport]] = relationship(
        back_populates="incident", order_by="IncidentReport.reported_at"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_period(self) -> bool:
        return self.occurred_to is not None

    def __repr__(self) -> str:
        return f"<Incident {self.reference}>"


class IncidentReport(db.Model):
    """Another report of an incident already on the log (the same thing, reported again by
    someone else or by the same person). Every figure counts the incident once."""

    __tablename__ = "incident_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    channel: Mapped[ReportingChannel] = mapped_column(
        enum_type(ReportingChannel, "incident_report_channel")
    )
    # The public report it came from, when it came through /report, Open311 or the API.
    public_report_id: Mapped[int | None] = mapped_column(ForeignKey("public_reports.id"))
    description: Mapped[str | None] = mapped_column(Text)
    reporter_anonymous: Mapped[bool] = mapped_column(default=False)
    reporter_name: Mapped[str | None] = mapped_column(String(120))
    reporter_phone: Mapped[str | None] = mapped_column(String(40))
    reporter_email: Mapped[str | None] = mapped_column(String(254))
    reporter_address: Mapped[str | None] = mapped_column(String(300))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    incident: Mapped[Incident] = relationship(back_populates="reports")
    recorded_by: Mapped[User | None] = relationship()


class IncidentChange(db.Model):
    """One save of an incident: who, when, and each field's old and new value. Append-only."""

    __tablename__ = "incident_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(30))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    incident: Mapped[Incident] = relationship(back_populates="changes")
    changed_by: Mapped[User | None] = relationship(lazy="joined")
