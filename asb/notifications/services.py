"""Tell people about work that needs them: in the app, and by email.

Emails are written to the outbox table in the same transaction as the change they report.
When MAIL_SERVER is set, `flask asb send-emails` sends them over SMTP (see sending.py);
otherwise (development, tests) they are only written to the log and shown on the outbox
page, so nothing needs a mail server. Emails carry no personal details of
reporters or victims: only a reference and a link.
"""

from __future__ import annotations

import logging

from flask import current_app, url_for
from sqlalchemy import func, select

from asb.audit.services import record_event
from asb.auth.models import User
from asb.database import utcnow
from asb.extensions import db
from asb.notifications.models import EmailStatus, Notification, OutboxEmail, OutboxText

log = logging.getLogger("asb.mail")


def notify(user: User, message: str, link: str | None = None, *, email: bool = True) -> None:
    db.session.add(Notification(user_id=user.id, message=message, link=link))
    if email and user.is_active:
        absolute = url_for("main.index", _external=True).rstrip("/") + link if link else ""
        body = (
            f"{message}\n\n{absolute}\n\nThis message was sent by asb, the City of London ASB log."
        )
        queue_email(user.email, f"asb: {message}"[:200], body)


def queue_email(recipient: str, subject: str, body: str) -> OutboxEmail:
    email = OutboxEmail(recipient=recipient, subject=subject, body=body)
    if not current_app.config.get("MAIL_SERVER"):
        log.info("email to %s (not sent: no MAIL_SERVER): %s", recipient, subject)
        email.status = EmailStatus.SENT
        email.sent_at = utcnow()
        email.next_attempt_at = None
    db.session.add(email)
    return email


def retry_email(email: OutboxEmail, *, actor: User) -> bool:
    """Put a failed email back in the queue with all its attempts again; False if not failed."""
    if email.status is not EmailStatus.FAILED:
        return False
    record_event("email.retried", actor=actor, obj=email, error=email.error)
    email.status = EmailStatus.QUEUED
    email.attempts = 0
    email.next_attempt_at = utcnow()
    email.error = None
    db.session.flush()
    return True


def outbox_emails(limit: int = 200) -> tuple[list[OutboxEmail], list[OutboxEmail]]:
    """The failed emails (all of them: they need someone), and the latest of the rest."""
    failed = db.session.scalars(
        select(OutboxEmail)
        .where(OutboxEmail.status == EmailStatus.FAILED)
        .order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc())
    ).all()
    latest = db.session.scalars(
        select(OutboxEmail)
        .where(OutboxEmail.status != EmailStatus.FAILED)
        .order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc())
        .limit(limit)
    ).all()
    return list(failed), list(latest)


def outbox_texts(limit: int = 200) -> list[OutboxText]:
    """The latest text messages to members of the public, waiting for a provider to send them."""
    return list(
        db.session.scalars(
            select(OutboxText)
            .order_by(OutboxText.created_at.desc(), OutboxText.id.desc())
            .limit(limit)
        )
    )


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def notifications_for(user: User, limit: int = 100) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_all_read(user: User) -> None:
    for notification in db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ):
        notification.read_at = utcnow()
