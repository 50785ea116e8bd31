"""Sending organisations' keys, and taking a service request into the triage queue.

Flush-only: the view commits once, so a report, its submission and their audit entries
stand or fall together.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from asb.audit.services import record_event
from asb.auth.models import User
from asb.database import utcnow
from asb.extensions import db
from asb.open311.models import Open311Client, Open311Submission
from asb.open311.vocabulary import Service
from asb.public_reports.models import PublicReport
from asb.public_reports.services import submit_public_report
from asb.public_reports.vocabulary import PublicReportChannel

KEY_SCHEME = "o311_"
# 32 random bytes: as hopeless to guess as a 256-bit key, so a fast hash of it is safe to
# keep, and lets each request find its client by an index.
_KEY_BYTES = 32
_PREFIX_LENGTH = len(KEY_SCHEME) + 8
_KEY_MAX_LENGTH = 200


@dataclass(frozen=True)
class NewClient:
    client: Open311Client
    api_key: str  # shown once, never stored


@dataclass(frozen=True)
class RequestDetails:
    """A POSTed service request, checked (asb.open311.requests)."""

    service: Service
    description: str
    latitude: float | None
    longitude: float | None
    address_string: str | None
    occurred_at: datetime | None
    still_happening: bool | None
    reporter_name: str | None
    reporter_email: str | None
    reporter_phone: str | None
    may_contact: bool
    attributes: dict[str, str]
    device_id: str | None
    account_id: str | None
    media_url: str | None


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8", "surrogatepass")).hexdigest()


def create_client(organisation: str, contact: str, *, actor: User) -> NewClient:
    api_key = KEY_SCHEME + secrets.token_urlsafe(_KEY_BYTES)
    client = Open311Client(
        organisation=organisation,
        contact=contact,
        key_hash=hash_key(api_key),
        key_prefix=api_key[:_PREFIX_LENGTH],
        created_by=actor,
    )
    db.session.add(client)
    db.session.flush()
    record_event("open311-client.created", actor=actor, obj=client)
    return NewClient(client, api_key)


def revoke_client(client: Open311Client, *, actor: User) -> None:
    if client.revoked_at is not None:
        return
    client.revoked_at = utcnow()
    db.session.flush()
    record_event("open311-client.revoked", actor=actor, obj=client)


def live_client(api_key: str) -> Open311Client | None:
    """The unrevoked client with this key, or None (unknown and revoked keys alike)."""
    if not api_key.startswith(KEY_SCHEME) or len(api_key) > _KEY_MAX_LENGTH:
        return None
    client = db.session.scalars(
        select(Open311Client).where(Open311Client.key_hash == hash_key(api_key))
    ).first()
    return client if client is not None and client.is_live else None


def receive_request(client: Open311Client, details: RequestDetails) -> Open311Submission:
    """Put the request in the triage queue as a public report, and note who sent it.

    The reporter is anonymous unless the sender named or gave a way to contact them, and is
    contacted only if the may_contact attribute says yes.
    """
    reporter_anonymous = not (
        details.reporter_name or details.reporter_email or details.reporter_phone
    )
    report: PublicReport = submit_public_report(
        channel=PublicReportChannel.OPEN311,
        description=details.description,
        category=details.service.category,
        latitude=details.latitude,
        longitude=details.longitude,
        location_description=details.address_string,
        occurred_at=details.occurred_at,
        still_happening=details.still_happening,
        reporter_anonymous=reporter_anonymous,
        reporter_name=details.reporter_name,
        reporter_email=details.reporter_email,
        reporter_phone=details.reporter_phone,
        may_contact=details.may_contact,
        attributes=details.attributes,
    )
    submission = Open311Submission(
        client=client,
        public_report=report,
        token=secrets.token_urlsafe(24),
        service_code=details.service.code,
        device_id=details.device_id,
        account_id=details.account_id,
        media_url=details.media_url,
    )
    db.session.add(submission)
    db.session.flush()
    record_event(
        "open311.request-received",
        obj=submission,
        client_id=client.id,
        public_report_id=report.id,
        service_code=details.service.code,
    )
    return submission
