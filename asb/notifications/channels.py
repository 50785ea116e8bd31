"""How asb writes to a member of the public who reported something: by email, or by text.

Which channel is chosen by what the reporter gave: an email address first, else a phone
number. Both write to the outbox in the caller's transaction, so a message is kept exactly
when the change it reports is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from asb.extensions import db
from asb.notifications.models import OutboxText
from asb.notifications.services import queue_email

# A text message longer than this is sent as several, which costs more and reads worse.
TEXT_MESSAGE_MAX = 459


class ReporterChannel(Protocol):
    def send(self, subject: str, body: str) -> None:
        """Queue one message to the reporter."""


@dataclass(frozen=True)
class EmailChannel:
    address: str

    def send(self, subject: str, body: str) -> None:
        queue_email(self.address, subject, body)


@dataclass(frozen=True)
class TextMessageChannel:
    number: str

    def send(self, subject: str, body: str) -> None:
        db.session.add(
            OutboxText(recipient=self.number, body=f"{subject}. {body}"[:TEXT_MESSAGE_MAX])
        )


def reporter_channel(*, email: str | None, phone: str | None) -> ReporterChannel | None:
    """The channel for a reporter's contact details, or None when they gave neither."""
    if email:
        return EmailChannel(email)
    if phone:
        return TextMessageChannel(phone)
    return None
