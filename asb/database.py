"""Column types and helpers shared by every feature's models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum

from sqlalchemy import DateTime, types

from asb.extensions import db

# The largest id or number an Integer column holds: PostgreSQL's integer is 32-bit, so a
# larger one sent in a URL or a form is refused before it reaches a query.
INTEGER_MAX = 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(types.TypeDecorator):
    """A timezone-aware datetime stored in UTC.

    SQLite keeps no zone, so values come back naive; this puts UTC back on the way out and
    refuses naive values on the way in, so no local time is ever stored by mistake.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_type(enum_class: type[Enum], name: str) -> db.Enum:
    """Store an enum by its value in a plain string column with a CHECK constraint."""
    return db.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
