"""Organisations that send reports by Open311, and the reports each sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from asb.auth.models import User
from asb.database import UTCDateTime, utcnow
from asb.extensions import db
from asb.public_reports.models import PublicReport


class Open311Client(db.Model):
    """A sending organisation (FixMyStreet, another council's system) and its api_key.

    The key is shown once, when an admin creates it; only its SHA-256 is kept, and a short
    prefix so that admins can tell keys apart.
    """

    __tablename__ = "open311_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(String(120))
    contact: Mapped[str] = mapped_column(String(200))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<Open311Client {self.key_prefix}>"


class Open311Submission(db.Model):
    """Which organisation sent a public report, and what its system told us about it.

    The token answers POST requests for services that give out no service_request_id
    (blackbox): the sender can confirm its report arrived, and learns nothing more.
    """

    __tablename__ = "open311_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("open311_clients.id"), index=True)
    public_report_id: Mapped[int] = mapped_column(ForeignKey("public_reports.id"), unique=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    service_code: Mapped[str] = mapped_column(String(40))
    device_id: Mapped[str | None] = mapped_column(String(200))
    account_id: Mapped[str | None] = mapped_column(String(200))
    media_url: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    client: Mapped[Open311Client] = relationship()
    public_report: Mapped[PublicReport] = relationship(lazy="joined")
