"""Migration 0008 carries the emails already in the outbox over to claims and retries."""

from __future__ import annotations

from datetime import timedelta

import flask_migrate
import sqlalchemy as sa

from asb import create_app
from asb.database import UTCDateTime, utcnow
from asb.extensions import db
from asb.notifications.models import EmailStatus, OutboxEmail
from tests.conftest import scratch_database_url

OLD_OUTBOX = sa.table(
    "outbox_emails",
    sa.column("recipient"),
    sa.column("subject"),
    sa.column("body"),
    sa.column("created_at", UTCDateTime),
    sa.column("sent_at", UTCDateTime),
    sa.column("error"),
)


def test_upgrade_keeps_sent_emails_sent_and_retries_those_that_failed_for_good(tmp_path):
    app = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": scratch_database_url("mail_migration", tmp_path)}
    )
    yesterday = utcnow() - timedelta(days=1)
    try:
        with app.app_context():
            flask_migrate.upgrade(revision="0007")
            with db.engine.begin() as connection:
                connection.execute(
                    OLD_OUTBOX.insert().values(
                        recipient="officer@example.test", body=".", created_at=yesterday
                    ),
                    [
                        {"subject": "sent", "sent_at": yesterday, "error": None},
                        {"subject": "refused", "sent_at": None, "error": "Connection refused"},
                        {"subject": "pending", "sent_at": None, "error": None},
                    ],
                )
            flask_migrate.upgrade(revision="0008")
            emails = {
                row.subject: row
                for row in db.session.execute(
                    sa.select(
                        OutboxEmail.subject,
                        OutboxEmail.status,
                        OutboxEmail.attempts,
                        OutboxEmail.next_attempt_at,
                    )
                )
            }
            db.session.remove()
    finally:
        with app.app_context():
            db.engine.dispose()

    assert emails["sent"][1:] == (EmailStatus.SENT, 0, None)
    assert emails["refused"][1:3] == (EmailStatus.QUEUED, 1)
    assert yesterday < emails["refused"].next_attempt_at <= utcnow()
    assert emails["pending"][1:] == (EmailStatus.QUEUED, 0, yesterday)
