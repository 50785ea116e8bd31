"""Putting documents on a case and recording who downloaded them."""

from __future__ import annotations

from asb.audit.services import record_event
from asb.auth.models import User
from asb.cases.models import Case
from asb.cases.services import add_timeline
from asb.cases.vocabulary import TimelineKind
from asb.documents.models import Document
from asb.documents.uploads import UploadCheck
from asb.extensions import db


def add_document(
    case: Case,
    *,
    upload: UploadCheck,
    storage_name: str,
    size_bytes: int,
    description: str | None,
    actor: User,
) -> Document:
    """Record a stored upload on the case; only a passed check may be recorded."""
    if not upload.ok:
        raise ValueError(f"A refused upload cannot be recorded: {upload.error}")
    document = Document(
        case_id=case.id,
        filename=upload.safe_filename,
        storage_name=storage_name,
        content_type=upload.content_type,
        size_bytes=size_bytes,
        sha256=upload.sha256,
        serve_inline=upload.serve_inline,
        description=description,
        uploaded_by_id=actor.id,
    )
    db.session.add(document)
    db.session.flush()
    add_timeline(
        case,
        TimelineKind.DOCUMENT,
        f"Document uploaded: {document.filename}",
        actor=actor,
        document_id=document.id,
    )
    record_event(
        "document.uploaded",
        actor=actor,
        obj=document,
        case_id=case.id,
        sha256=document.sha256,
        size_bytes=size_bytes,
    )
    return document


def record_download(document: Document, *, actor: User) -> None:
    record_event("document.downloaded", actor=actor, obj=document, case_id=document.case_id)
