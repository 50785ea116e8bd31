"""Limits on how often one client may try something, shared by every worker and server.

Each limit counts attempts per subject (an address, an account) in a window that opens at
the first attempt and lasts the limit's period. The count is one row of `rate_limits`,
raised by an atomic upsert whose answer decides: simultaneous attempts from any number of
workers each get their own number, so no more than the limit ever get through.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from asb.database import UTCDateTime, utcnow
from asb.extensions import db
from asb.rate_limits.models import RateLimitCount

# Subjects longer than this (a long email address) are kept as their SHA-256.
_SUBJECT_MAX = 200
# Ended windows deleted at a time, so that no one request does much of the tidying.
_FORGET_BATCH = 100


@dataclass(frozen=True)
class Limit:
    """At most `attempts` per subject in `period`; `name` keeps limits apart."""

    name: str
    attempts: int
    period: timedelta


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after_seconds: int = 0


def _key(limit: Limit, subject: str) -> str:
    if len(subject) > _SUBJECT_MAX:
        subject = hashlib.sha256(subject.encode()).hexdigest()
    return f"{limit.name}:{subject}"


def hit(limit: Limit, subject: str) -> Verdict:
    """Count one attempt and say whether it is within the limit."""
    now = utcnow()
    table = RateLimitCount.__table__
    new_window_end = literal(now + limit.period, UTCDateTime())
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    running = table.c.window_ends_at > now
    statement = (
        dialect.insert(table)
        .values(key=_key(limit, subject), count=1, window_ends_at=new_window_end)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": case((running, table.c.count + 1), else_=1),
                "window_ends_at": case((running, table.c.window_ends_at), else_=new_window_end),
            },
        )
        .returning(table.c.count, table.c.window_ends_at)
    )
    count, window_ends_at = db.session.execute(statement).one()
    if count <= limit.attempts:
        return Verdict(allowed=True)
    return Verdict(
        allowed=False,
        retry_after_seconds=max(1, math.ceil((window_ends_at - now).total_seconds())),
    )


def give_back(limit: Limit, subject: str) -> None:
    """Take back an attempt that should not count against the limit."""
    table = RateLimitCount.__table__
    db.session.execute(
        update(table)
        .where(table.c.key == _key(limit, subject), table.c.count > 0)
        .values(count=table.c.count - 1)
    )


def forget_ended_windows() -> None:
    """Delete some counts whose window has ended, so the table holds only live ones.

    Call it last in the transaction: on PostgreSQL it skips rows that others hold and then
    holds the rows it deletes, so nothing after it in this transaction may wait for a lock.
    """
    table = RateLimitCount.__table__
    ended = select(table.c.key).where(table.c.window_ends_at < utcnow()).limit(_FORGET_BATCH)
    if db.session.get_bind().dialect.name == "postgresql":
        ended = ended.with_for_update(skip_locked=True)
    db.session.execute(delete(table).where(table.c.key.in_(ended)))
