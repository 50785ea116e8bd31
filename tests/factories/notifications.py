"""Emails in the outbox."""

from __future__ import annotations

import factory

from asb.models import OutboxEmail
from tests.factories.base import BaseFactory


class OutboxEmailFactory(BaseFactory):
    class Meta:
        model = OutboxEmail

    recipient = "officer@example.test"
    subject = factory.Sequence(lambda n: f"asb: email {n:02d}")
    body = "Case ASB-C-2026-00007 has been assigned to you."
