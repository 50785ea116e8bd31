"""Write audit events inside the request's transaction, so they stand or fall with the change.

Every entry is sealed into the hash chain and written when its transaction commits
(asb/audit/chain.py): until then a query does not find it.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import has_request_context, request

from asb.audit.chain import add_pending
from asb.audit.models import AuditEvent
from asb.extensions import db

log = logging.getLogger("asb.audit")

# The column's width: an IPv6 address written out in full with an IPv4 tail.
IP_ADDRESS_MAX = 45


def client_address() -> str | None:
    """The client's address: asb.security's ProxyFix puts the forwarded one here, only when
    ASB_TRUSTED_PROXIES says proxies add it."""
    if not has_request_context() or not request.remote_addr:
        return None
    return request.remote_addr[:IP_ADDRESS_MAX]


def request_filters() -> dict[str, list[str]]:
    """The query string exactly as sent: every key, with every value of a repeated one."""
    return request.args.to_dict(flat=False)


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
        ip_address=client_address(),
        detail=detail,
    )
    add_pending(db.session(), event)
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


def record_view(action: str, *, actor, obj=None, **detail: Any) -> None:
    """Record that a page showed a record or ran a search, and commit it: a page that only
    shows something has nothing else to commit. One small INSERT; on SQLite it waits its
    turn for the write lock (asb/audit/chain.py)."""
    record_event(action, actor=actor, obj=obj, **detail)
    db.session.commit()


def record_denial(user, permission: str, obj=None) -> None:
    """Log a refused access in its own transaction: the request is about to be aborted."""
    event = AuditEvent(
        action="access.denied",
        outcome="denied",
        actor_id=getattr(user, "id", None),
        object_type=getattr(obj, "__tablename__", None),
        object_id=getattr(obj, "id", None),
        ip_address=client_address(),
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
    add_pending(db.session(), event)
    db.session.commit()
