"""The outbox page: failed emails with their reason, and "Try again" for those who may see it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.database import utcnow
from asb.extensions import db
from asb.notifications.models import EmailStatus, OutboxEmail
from asb.notifications.sending import MAX_ATTEMPTS, send_due_emails
from tests.factories import OutboxEmailFactory
from tests.helpers import page_text, visible_text
from tests.notifications.conftest import SMTP_PORT


@pytest.fixture
def mail_server_set(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", SMTP_PORT)


@pytest.fixture
def failed_email(db_session, mail_server_set, refusing_port, app, monkeypatch) -> OutboxEmail:
    """An email that met a refused connection on every attempt, sent the way cron would."""
    monkeypatch.setitem(app.config, "MAIL_PORT", refusing_port)
    email = OutboxEmailFactory(subject="asb: Case ASB-C-2026-00007 has been assigned to you")
    db.session.commit()
    for _ in range(MAX_ATTEMPTS):
        send_due_emails(now=email.next_attempt_at)
    monkeypatch.setitem(app.config, "MAIL_PORT", SMTP_PORT)
    assert email.status is EmailStatus.FAILED
    return email


def test_outbox_shows_a_failed_email_with_the_reason_and_try_again(client, login_as, failed_email):
    login_as(Role.ASB_LEAD, "community-safety")

    response = client.get("/outbox")

    text = visible_text(response)
    assert "Failed emails" in text
    assert "asb: Case ASB-C-2026-00007 has been assigned to you" in text
    assert f"Failed after {MAX_ATTEMPTS} attempts: [Errno 111] Connection refused" in text
    assert f'action="/outbox/{failed_email.id}/retry"' in page_text(response)
    assert (
        "Try again sending “asb: Case ASB-C-2026-00007 has been assigned to you” to officer" in text
    )


def test_try_again_queues_the_email_and_it_is_sent(client, login_as, failed_email, mailbox):
    lead = login_as(Role.ASB_LEAD, "community-safety")

    response = client.post(f"/outbox/{failed_email.id}/retry")

    assert response.status_code == 302
    assert response.location == "/outbox"
    assert failed_email.status is EmailStatus.QUEUED
    assert failed_email.attempts == 0
    assert failed_email.error is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "email.retried"))
    assert (event.actor_id, event.object_type, event.object_id) == (
        lead.id,
        "outbox_emails",
        failed_email.id,
    )
    assert event.detail == {"error": "[Errno 111] Connection refused"}
    assert "The email to officer@example.test will be sent again." in visible_text(
        client.get("/outbox")
    )

    assert send_due_emails().sent == 1
    assert list(mailbox.subjects()) == [failed_email.subject]
    assert failed_email.status is EmailStatus.SENT


@pytest.mark.parametrize(
    ("role", "agency_code", "status"),
    [
        (Role.ADMIN, "community-safety", 302),
        (Role.MANAGER, "housing", 403),
        (Role.OFFICER, "housing", 403),
        (Role.PARTNER, "city-police", 403),
    ],
)
def test_only_who_may_see_the_outbox_may_try_again(
    client, login_as, failed_email, role, agency_code, status
):
    login_as(role, agency_code)

    assert client.post(f"/outbox/{failed_email.id}/retry").status_code == status

    expected = EmailStatus.QUEUED if status == 302 else EmailStatus.FAILED
    assert failed_email.status is expected


def test_try_again_needs_the_csrf_token(client, login_as, failed_email, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login_as(Role.ADMIN, "community-safety")

    assert client.post(f"/outbox/{failed_email.id}/retry").status_code == 400
    assert failed_email.status is EmailStatus.FAILED


def test_try_again_leaves_an_email_that_has_not_failed_alone(client, login_as, mail_server_set):
    login_as(Role.ADMIN, "community-safety")
    sent = OutboxEmailFactory(
        subject="asb: already sent",
        body="Sent.",
        status=EmailStatus.SENT,
        sent_at=utcnow(),
        next_attempt_at=None,
    )
    db.session.commit()

    response = client.post(f"/outbox/{sent.id}/retry", follow_redirects=True)

    assert "has not failed, so it was left as it is" in visible_text(response)
    assert sent.status is EmailStatus.SENT
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "email.retried")) is None


def test_try_again_on_an_unknown_email_is_not_found(client, login_as):
    login_as(Role.ADMIN, "community-safety")
    assert client.post("/outbox/987654/retry").status_code == 404


def test_outbox_shows_an_email_waiting_for_its_next_attempt(
    client, login_as, db_session, mail_server_set, refusing_port, app, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_PORT", refusing_port)
    OutboxEmailFactory(subject="asb: waiting", body=".")
    db.session.commit()
    send_due_emails()
    login_as(Role.ADMIN, "community-safety")

    text = visible_text(client.get("/outbox"))

    assert "Failed emails" not in text
    assert (
        "Queued To officer@example.test" in text
        and f"Attempt 1 of {MAX_ATTEMPTS} failed: [Errno 111] Connection refused. Next try" in text
    )
