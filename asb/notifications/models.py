"""In-app notifications and the outgoing email log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from asb.database import UTCDateTime, enum_type, utcnow
from asb.enums import LabelledEnum
from asb.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    message: Mapped[str] = mapped_column(String(300))
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EmailStatus(LabelledEnum):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"

    @property
    def tag_colour(self) -> str:
        return {
            EmailStatus.QUEUED: "grey",
            EmailStatus.SENDING: "blue",
            EmailStatus.SENT: "green",
            EmailStatus.FAILED: "red",
        }[self]


class OutboxEmail(db.Model):
    """Every email asb sends (or, in development, would send), as an audit of what was said.

    A queued email is due at `next_attempt_at`. A sender claims it by setting it to sending,
    counting the attempt and moving `next_attempt_at` to the end of its lease, so an email
    whose sender died is due again once the lease runs out.
    """

    __tablename__ = "outbox_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status: Mapped[EmailStatus] = mapped_column(
        enum_type(EmailStatus, "email_status"),
        default=EmailStatus.QUEUED,
        server_default=EmailStatus.QUEUED.value,
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, default=utcnow, index=True
    )
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why the last attempt failed: kept while the email waits to be tried again.
    error: Mapped[str | None] = mapped_column(String(300))


class OutboxText(db.Model):
    """A text message to a member of the public, kept as the outbox keeps emails.

    No text-message provider is connected yet: the texts wait here for the sender that a
    provider's contract will bring (sent_at stays empty until then); the outbox page lists
    them.
    """

    __tablename__ = "outbox_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
