"""`flask asb send-emails`: each email delivered once, however many senders run, whatever
happens to them, and failures retried with backoff until they fail for good."""

from __future__ import annotations

import re
import signal
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from asb.database import utcnow
from asb.extensions import db
from asb.notifications.models import EmailStatus, OutboxEmail
from asb.notifications.sending import LEASE, MAX_ATTEMPTS, SendResult, send_due_emails
from tests.notifications.conftest import queue_emails, start_sender


def statuses(app) -> dict[EmailStatus, int]:
    with app.app_context():
        return dict(
            db.session.execute(
                select(OutboxEmail.status, func.count()).group_by(OutboxEmail.status)
            ).all()
        )


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def read_line_containing(process, text: str) -> str:
    for line in process.stdout:
        if text in line:
            return line
    raise AssertionError(f"the sender ended without printing {text!r}")


def test_two_senders_at_once_deliver_every_email_exactly_once(mail_app, mailbox):
    queue_emails(mail_app, 28)
    mailbox.delay = 0.05
    start = threading.Barrier(2)
    results: list[SendResult] = []

    def sender() -> None:
        with mail_app.app_context():
            start.wait()
            results.append(send_due_emails())

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert mailbox.most_in_delivery == 2, "the two senders never sent at the same time"
    assert len(mailbox.messages) == 28
    assert set(mailbox.subjects().values()) == {1}
    assert sorted(result.sent for result in results) != [0, 28]
    assert sum(result.sent for result in results) == 28
    assert statuses(mail_app) == {EmailStatus.SENT: 28}


def test_two_looping_sender_processes_share_the_queue_and_stop_on_sigterm(
    mail_app, mail_database_url, mailbox
):
    mailbox.delay = 0.05
    senders = [start_sender(mail_database_url, "--loop", "--interval", "0.2") for _ in range(2)]
    try:
        for sender in senders:
            read_line_containing(sender, "Sending queued emails every 0.2 s")
        queue_emails(mail_app, 40)
        wait_for(lambda: len(mailbox.messages) >= 40)
        time.sleep(1)  # long enough for a second copy of any email to arrive
        for sender in senders:
            sender.send_signal(signal.SIGTERM)
        outputs = [sender.communicate(timeout=30)[0] for sender in senders]
    finally:
        for sender in senders:
            sender.kill()
            sender.wait()

    assert [sender.returncode for sender in senders] == [0, 0]
    assert all(output.rstrip().endswith("Stopped.") for output in outputs), outputs
    sent = [sum(map(int, re.findall(r"Sent (\d+) emails", output))) for output in outputs]
    assert sum(sent) == 40
    assert 0 not in sent, "one sender did all the work: they never ran at the same time"
    assert len(mailbox.messages) == 40
    assert set(mailbox.subjects().values()) == {1}
    assert statuses(mail_app) == {EmailStatus.SENT: 40}


def test_a_killed_sender_leaves_only_the_email_in_flight_to_be_sent_again(
    mail_app, mail_database_url, mailbox
):
    queue_emails(mail_app, 40)
    mailbox.hold_at = 30
    sender = start_sender(mail_database_url)
    try:
        assert mailbox.holding.wait(60), "the sender never reached the 30th email"
    finally:
        sender.send_signal(signal.SIGKILL)
        sender.wait()
    mailbox.release.set()
    in_flight = mailbox.messages[29]["Subject"]

    # The 29 the server accepted are recorded as sent; the 30th is still claimed.
    assert statuses(mail_app) == {
        EmailStatus.SENT: 29,
        EmailStatus.SENDING: 1,
        EmailStatus.QUEUED: 10,
    }

    rerun = start_sender(mail_database_url)
    output = rerun.communicate(timeout=120)[0]
    assert rerun.returncode == 0, output
    assert "Sent 10 emails; 0 failed." in output

    # Once the dead sender's lease has run out, its email is sent again.
    with mail_app.app_context():
        assert send_due_emails(now=utcnow() + LEASE + timedelta(seconds=1)).sent == 1

    assert len(mailbox.messages) == 41
    assert {subject for subject, n in mailbox.subjects().items() if n > 1} == {in_flight}
    assert statuses(mail_app) == {EmailStatus.SENT: 40}


def test_a_refused_connection_is_retried_with_backoff_then_failed_with_the_reason(
    mail_app, refusing_port
):
    mail_app.config["MAIL_PORT"] = refusing_port
    queue_emails(mail_app, 1)
    now = utcnow()
    waits = []
    with mail_app.app_context():
        email = db.session.scalar(select(OutboxEmail))
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert send_due_emails(now=now - timedelta(seconds=1)) == SendResult()
            assert send_due_emails(now=now) == SendResult(failed=1)
            db.session.refresh(email)
            assert email.attempts == attempt
            assert "Connection refused" in email.error
            if email.next_attempt_at is not None:
                waits.append(email.next_attempt_at - now)
                now = email.next_attempt_at

        assert email.status is EmailStatus.FAILED
        assert email.sent_at is None
        assert send_due_emails(now=now + timedelta(days=7)) == SendResult()

    assert waits == [timedelta(minutes=minutes) for minutes in (2, 4, 8, 16, 32)]
    assert MAX_ATTEMPTS == 6


def test_an_email_the_server_refuses_is_retried_and_the_rest_still_sent(mail_app, mailbox):
    queue_emails(mail_app, 3)
    with mail_app.app_context():
        second = db.session.scalar(select(OutboxEmail).where(OutboxEmail.subject.endswith("02")))
        second.recipient = "not an address@"
        db.session.commit()
        result = send_due_emails()

    assert result == SendResult(sent=2, failed=1)
    assert sorted(mailbox.subjects()) == ["asb: email 01", "asb: email 03"]
    assert statuses(mail_app) == {EmailStatus.SENT: 2, EmailStatus.QUEUED: 1}


@pytest.mark.parametrize("loop", [[], ["--loop"]])
def test_send_emails_refuses_to_run_without_a_mail_server(app, loop):
    result = app.test_cli_runner().invoke(args=["asb", "send-emails", *loop])
    assert result.exit_code == 1
    assert "MAIL_SERVER is not set" in result.output
