"""Write audit events inside the request's transaction, so they stand or fall with the change."""

from __future__ import annotations

import logging
from typing import Any

from flask import has_request_context, request

from asb.audit.models import AuditEvent
from asb.extensions import db

log = logging.getLogger("asb.audit")


def record_event(
    action: str,
    *,
    actor=None,
    outcome: str = "success",
    obj=None,
    object_type: str | None = None,
    object_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id or obj.id
    event = AuditEvent(
        action=action,
        outcome=outcome,
        actor_id=getattr(actor, "id", None),
        object_type=object_type,
        object_id=object_id,
        ip_address=request.remote_addr if has_request_context() else None,
        detail=detail,
    )
    db.session.add(event)
    log.info(
        "%s %s actor=%s %s=%s %s",
        action,
        outcome,
        event.actor_id,
        object_type,
        object_id,
        detail or "",
    )
    return event


def record_denial(user, permission: str, obj=None) -> None:
    """Log a refused access in its own transaction: the request is about to be aborted."""
    event = AuditEvent(
        action="access.denied",
        outcome="denied",
        actor_id=getattr(user, "id", None),
        object_type=getattr(obj, "__tablename__", None),
        object_id=getattr(obj, "id", None),
        ip_address=request.remote_addr if has_request_context() else None,
        detail={"permission": permission, "path": request.path if has_request_context() else None},
    )
    log.warning(
        "access denied: user=%s permission=%s %s=%s",
        event.actor_id,
        permission,
        event.object_type,
        event.object_id,
    )
    db.session.rollback()
    db.session.add(event)
    db.session.commit()
