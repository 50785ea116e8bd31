"""Changing the register: add, edit and end agreements, and keep their signed documents.

Flush-only: the view commits once, so an agreement and its audit event stand or fall together.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from asb.agreements.documents import SignedDocumentCheck
from asb.agreements.models import SharingAgreement
from asb.audit.services import record_event
from asb.auth.models import User
from asb.calendar import today_in_london
from asb.database import utcnow
from asb.extensions import db
from asb.incidents.services import next_reference
from asb.versioning import StaleEditError, current_version

REFERENCE_PREFIX = "ISA"
EDITABLE_FIELDS = (
    "title",
    "partner_agency",
    "purpose",
    "lawful_basis",
    "special_category_condition",
    "crime_and_disorder_s115",
    "categories",
    "starts_on",
    "review_on",
    "ends_on",
    "owner",
)


def _check_dates(starts_on: date, review_on: date, ends_on: date | None) -> None:
    if review_on < starts_on:
        raise ValueError("An agreement's review date cannot be before its start date")
    if ends_on is not None and ends_on <= starts_on:
        raise ValueError("An agreement's end date must be after its start date")


def _comparable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, db.Model):
        return value.id
    if isinstance(value, list):
        return sorted(value)
    return value


def create_agreement(fields: dict[str, Any], *, actor: User) -> SharingAgreement:
    """Add an agreement to the register under the next ISA reference of the year."""
    if not fields.get("categories"):
        raise ValueError("An agreement must cover at least one category of data")
    _check_dates(fields["starts_on"], fields["review_on"], fields["ends_on"])
    agreement = SharingAgreement(
        reference=next_reference(REFERENCE_PREFIX, today_in_london().year),
        created_by=actor,
        **{name: fields[name] for name in EDITABLE_FIELDS},
    )
    db.session.add(agreement)
    db.session.flush()
    record_event(
        "agreement.created",
        actor=actor,
        obj=agreement,
        partner_agency_id=agreement.partner_agency_id,
        categories=agreement.categories,
    )
    return agreement


def update_agreement(
    agreement: SharingAgreement, fields: dict[str, Any], *, actor: User, expected_version: int
) -> list[str]:
    """Apply an edit; refuse it (StaleEditError) if someone saved the agreement in between.

    Returns the names of the fields that changed.
    """
    if current_version(agreement) != expected_version:
        raise StaleEditError(agreement.reference)
    if not fields.get("categories"):
        raise ValueError("An agreement must cover at least one category of data")
    _check_dates(fields["starts_on"], fields["review_on"], fields["ends_on"])
    changed = [
        name
        for name in EDITABLE_FIELDS
        if _comparable(getattr(agreement, name)) != _comparable(fields[name])
    ]
    for name in changed:
        setattr(agreement, name, fields[name])
    if not changed:
        return changed
    db.session.flush()
    record_event("agreement.edited", actor=actor, obj=agreement, fields=changed)
    return changed


def end_agreement(
    agreement: SharingAgreement,
    *,
    last_day: date,
    reason: str,
    actor: User,
    expected_version: int,
) -> None:
    """End the agreement after its last day in force: no new sharing under it from the next
    day, and shares made under it stop being live then (CaseShare.is_live_on)."""
    if current_version(agreement) != expected_version:
        raise StaleEditError(agreement.reference)
    if last_day < agreement.starts_on:
        raise ValueError("An agreement cannot end before it starts")
    agreement.ends_on = last_day
    agreement.review_on = min(agreement.review_on, last_day)
    agreement.end_reason = reason
    db.session.flush()
    record_event(
        "agreement.ended", actor=actor, obj=agreement, last_day_in_force=last_day.isoformat()
    )


def attach_document(
    agreement: SharingAgreement,
    checked: SignedDocumentCheck,
    *,
    storage_name: str,
    size_bytes: int,
    actor: User,
) -> str | None:
    """Keep a checked upload as the signed agreement; returns the storage name it replaces."""
    if checked.error:
        raise ValueError(f"A refused upload cannot be kept: {checked.error}")
    replaced = agreement.document_storage_name
    agreement.document_filename = checked.filename
    agreement.document_storage_name = storage_name
    agreement.document_content_type = checked.content_type
    agreement.document_size_bytes = size_bytes
    agreement.document_sha256 = checked.sha256
    agreement.document_uploaded_by = actor
    agreement.document_uploaded_at = utcnow()
    db.session.flush()
    record_event(
        "agreement.document-uploaded",
        actor=actor,
        obj=agreement,
        sha256=checked.sha256,
        size_bytes=size_bytes,
        replaced=replaced is not None,
    )
    return replaced


def record_document_download(agreement: SharingAgreement, *, actor: User) -> None:
    record_event(
        "agreement.document-downloaded",
        actor=actor,
        obj=agreement,
        sha256=agreement.document_sha256,
    )
