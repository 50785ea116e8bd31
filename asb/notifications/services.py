"""Tell people about work that needs them: in the app, and by email.

Emails are written to the outbox table in the same transaction as the change they report.
When MAIL_SERVER is set, `flask asb send-emails` (run every minute by cron or a timer) sends
them over SMTP; otherwise (development, tests) they are only written to the log and shown on
the outbox page, so nothing needs a mail server. Emails carry no personal details of
reporters or victims: only a reference and a link.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, url_for
from sqlalchemy import func, select

from asb.auth.models import User
from asb.database import utcnow
from asb.extensions import db
from asb.notifications.models import Notification, OutboxEmail

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
        email.sent_at = utcnow()
    db.session.add(email)
    return email


def send_pending_emails() -> int:
    """Send queued emails over SMTP; returns how many were tried."""
    pending = db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.sent_at.is_(None), OutboxEmail.error.is_(None))
    ).all()
    config = current_app.config
    for email in pending:
        message = EmailMessage()
        message["From"] = config["MAIL_SENDER"]
        message["To"] = email.recipient
        message["Subject"] = email.subject
        message.set_content(email.body)
        try:
            with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
                if config.get("MAIL_USE_TLS"):
                    smtp.starttls()
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
                smtp.send_message(message)
            email.sent_at = utcnow()
        except (OSError, smtplib.SMTPException) as error:
            log.warning("email to %s failed: %s", email.recipient, error)
            email.error = str(error)[:300]
    db.session.commit()
    return len(pending)


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
