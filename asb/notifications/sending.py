"""Deliver the outbox over SMTP, each email once.

A sender claims one due email at a time in a short transaction of its own, sends it with no
transaction open, and records the outcome in another. So two senders never hold the same
email; an email is recorded as sent as soon as the mail server accepts it; and a sender
killed mid-send leaves only the email it held claimed, due again when its lease runs out.
Failed attempts are retried with a doubling wait until MAX_ATTEMPTS, then the email is
failed for good, with the reason, until someone tries it again from the outbox page.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import ColumnElement, and_, select, update

from asb.database import utcnow
from asb.extensions import db
from asb.notifications.models import EmailStatus, OutboxEmail

log = logging.getLogger("asb.mail")

# Longer than any one delivery can take (SMTP_TIMEOUT for each of a few exchanges).
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 6
FIRST_RETRY_AFTER = timedelta(minutes=2)
SMTP_TIMEOUT = 30


@dataclass(frozen=True)
class Claim:
    id: int
    attempt: int
    recipient: str
    subject: str
    body: str
    created_at: datetime


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0


def retry_delay(attempt: int) -> timedelta:
    """The wait after the nth failed attempt: 2, 4, 8, 16, then 32 minutes."""
    return FIRST_RETRY_AFTER * 2 ** (attempt - 1)


def _is_due(now: datetime) -> ColumnElement[bool]:
    return and_(
        OutboxEmail.status.in_([EmailStatus.QUEUED, EmailStatus.SENDING]),
        OutboxEmail.next_attempt_at <= now,
    )


def claim_next_email(now: datetime) -> Claim | None:
    """Claim the email due longest, and commit the claim before anything is sent.

    PostgreSQL locks the chosen row and lets other senders skip it; SQLite runs one writer at
    a time, and the update rechecks that the email is still due, so only one sender wins it.
    """
    next_due = (
        select(OutboxEmail.id)
        .where(_is_due(now))
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    row = db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == next_due.scalar_subquery(), _is_due(now))
        .values(
            status=EmailStatus.SENDING,
            attempts=OutboxEmail.attempts + 1,
            next_attempt_at=now + LEASE,
        )
        .returning(
            OutboxEmail.id,
            OutboxEmail.attempts,
            OutboxEmail.recipient,
            OutboxEmail.subject,
            OutboxEmail.body,
            OutboxEmail.created_at,
        )
        .execution_options(synchronize_session=False)
    ).one_or_none()
    db.session.commit()
    return Claim(*row) if row else None


def _record(claim: Claim, **values) -> None:
    """Record the outcome of a claim, unless its lease ran out and another sender took over."""
    db.session.execute(
        update(OutboxEmail)
        .where(
            OutboxEmail.id == claim.id,
            OutboxEmail.attempts == claim.attempt,
            OutboxEmail.status == EmailStatus.SENDING,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def record_sent(claim: Claim, now: datetime) -> None:
    _record(claim, status=EmailStatus.SENT, sent_at=now, next_attempt_at=None, error=None)


def record_failure(claim: Claim, reason: str, now: datetime) -> None:
    if claim.attempt >= MAX_ATTEMPTS:
        _record(claim, status=EmailStatus.FAILED, next_attempt_at=None, error=reason[:300])
    else:
        _record(
            claim,
            status=EmailStatus.QUEUED,
            next_attempt_at=now + retry_delay(claim.attempt),
            error=reason[:300],
        )


def deliver(claim: Claim) -> None:
    """Hand one email to the mail server; returns once the server has accepted it."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = claim.recipient
    message["Subject"] = claim.subject
    # The same id on every attempt, so a mail client can tell a re-sent email is one email.
    domain = config["MAIL_SENDER"].rpartition("@")[2] or "asb.invalid"
    message["Message-ID"] = f"<outbox-{claim.id}.{int(claim.created_at.timestamp())}@{domain}>"
    message.set_content(claim.body)
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT)
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    finally:
        # Once the message is accepted, a failed goodbye must not make it look unsent.
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()
        smtp.close()


def send_due_emails(
    now: datetime | None = None, *, stop: threading.Event | None = None
) -> SendResult:
    """Send every email that is due, one claim at a time, until none is due or `stop` is set.

    `now` fixes the clock (tests); otherwise each step reads the time.
    """
    result = SendResult()
    while stop is None or not stop.is_set():
        claim = claim_next_email(now or utcnow())
        if claim is None:
            break
        try:
            deliver(claim)
        except Exception as error:  # whatever went wrong, this email is retried, the rest sent
            reason = str(error) or type(error).__name__
            log.warning("email %s to %s failed: %s", claim.id, claim.recipient, reason)
            record_failure(claim, reason, now or utcnow())
            result.failed += 1
        else:
            record_sent(claim, now or utcnow())
            result.sent += 1
    return result
