"""A real SMTP server on 127.0.0.1, and a database of its own for senders that commit."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import flask_migrate
import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from asb import create_app
from asb.extensions import db
from config import BASE_DIR
from tests.conftest import scratch_database_url
from tests.factories import OutboxEmailFactory

SMTP_PORT = 5131
REFUSING_PORT = 5132


class Mailbox:
    """An SMTP handler that keeps every message it is given.

    It can slow each delivery (so senders overlap), and hold the nth message after receiving
    it and before accepting it (so a test can kill the sender with that email in flight).
    """

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.delay = 0.0
        self.hold_at: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()
        self.in_delivery = 0
        self.most_in_delivery = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            number = len(self.messages)
            self.in_delivery += 1
            self.most_in_delivery = max(self.most_in_delivery, self.in_delivery)
        try:
            if number == self.hold_at:
                self.holding.set()
                await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
            if self.delay:
                await asyncio.sleep(self.delay)
        finally:
            with self._lock:
                self.in_delivery -= 1
        return "250 Message accepted for delivery"

    def subjects(self) -> Counter[str]:
        with self._lock:
            return Counter(message["Subject"] for message in self.messages)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    yield mailbox
    mailbox.release.set()
    controller.stop()


@pytest.fixture
def refusing_port() -> Iterator[int]:
    """A port that is bound but not listening, so every connection to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", REFUSING_PORT))
        yield REFUSING_PORT


@pytest.fixture
def mail_database_url(tmp_path) -> str:
    return scratch_database_url("mail", tmp_path)


@pytest.fixture
def mail_app(mail_database_url: str) -> Iterator[Flask]:
    """An app on a migrated database of its own, where senders' commits are real commits."""
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": mail_database_url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": SMTP_PORT,
        },
    )
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def queue_emails(app: Flask, count: int) -> None:
    with app.app_context():
        for number in range(1, count + 1):
            OutboxEmailFactory(
                recipient=f"officer{number}@example.test",
                subject=f"asb: email {number:02d}",
                body=f"Case ASB-C-2026-{number:05d} has been assigned to you.",
            )
        db.session.commit()


def start_sender(database_url: str, *args: str) -> subprocess.Popen:
    """Run `flask --app wsgi asb send-emails` as an operator would, in a process of its own."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(SMTP_PORT),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("ASB_CONFIG", None)
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "asb", "send-emails", *args],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
