"""The audit trail's hash chain: every entry sealed to the one before it.

Each entry gets the next `sequence` number (1, 2, 3... with no gap), the hash of the entry
before it (`previous_hash`; the first links to GENESIS_HASH) and its own `entry_hash`: hex
SHA-256 over a canonical serialisation of its facts and `previous_hash`. Changing an entry
breaks its hash; inserting or removing one breaks a link or the run of sequence numbers;
`verify_chain` reads the whole table and names the first entry where that happens.

Entries are sealed when their transaction commits, under a lock held until it ends, so two
transactions never take the same place in it: on PostgreSQL a transaction-level advisory
lock; on SQLite the database's write lock (BEGIN IMMEDIATE, as asb/extensions.py takes for
writing requests), taken before the last entry is read, since a page that only shows
something begins its transaction without it. Until then `record_event` keeps them aside
(`add_pending`), and everything else the transaction writes is flushed first: holding the
chain, a transaction only inserts its entries and commits, so it never waits for a row
another transaction holds while that one waits for the chain (no deadlock). Entries recorded
inside a savepoint that is rolled back are dropped with it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, event, select, text
from sqlalchemy.orm import Session, SessionTransaction

from asb.audit.models import AuditEvent
from asb.database import utcnow

GENESIS_HASH = "0" * 64
# pg_advisory_xact_lock's key for "the audit chain": any constant no other lock uses.
CHAIN_LOCK_KEY = 0x41534241  # "ASBA"
VERIFY_BATCH = 1000
# Session.info's key for the entries recorded in the transaction, not yet sealed.
_PENDING = "asb_audit_pending"


class AuditTrailError(RuntimeError):
    """Something tried to change or remove an audit entry."""


def canonical_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    """The detail as it will read back from the JSON column (keys strings, tuples lists)."""
    return json.loads(json.dumps(detail or {}))


def entry_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def compute_hash(
    *,
    sequence: int,
    occurred_at: datetime,
    actor_id: int | None,
    action: str,
    outcome: str,
    object_type: str | None,
    object_id: int | None,
    ip_address: str | None,
    detail: dict[str, Any],
    previous_hash: str,
) -> str:
    """Hex SHA-256 of the entry's facts in a fixed order, as compact JSON with sorted keys.

    Migration 0015 holds a copy of this function (migrations never change with the app);
    tests/audit/test_chain.py checks that both agree.
    """
    payload = json.dumps(
        [
            sequence,
            entry_timestamp(occurred_at),
            actor_id,
            action,
            outcome,
            object_type,
            object_id,
            ip_address,
            detail,
            previous_hash,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def hash_of(entry: Any) -> str:
    """The hash an entry (an AuditEvent or a row with the same names) should carry."""
    return compute_hash(
        sequence=entry.sequence,
        occurred_at=entry.occurred_at,
        actor_id=entry.actor_id,
        action=entry.action,
        outcome=entry.outcome,
        object_type=entry.object_type,
        object_id=entry.object_id,
        ip_address=entry.ip_address,
        detail=entry.detail,
        previous_hash=entry.previous_hash,
    )


def take_chain_lock(connection: Connection) -> None:
    """Hold the chain until this transaction ends, waiting for any other holder."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        sqlite_connection = connection.connection.dbapi_connection
        if not sqlite_connection.in_transaction:
            # A page's transaction holds no lock until its first write: take it now (the
            # busy timeout makes it wait its turn), before the last entry is read.
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def seal(entries: Iterable[AuditEvent], connection: Connection) -> None:
    """Give new entries, in the order they were recorded, their places in the chain."""
    take_chain_lock(connection)
    last = connection.execute(
        select(AuditEvent.sequence, AuditEvent.entry_hash)
        .order_by(AuditEvent.sequence.desc())
        .limit(1)
    ).first()
    sequence, previous_hash = (last.sequence, last.entry_hash) if last else (0, GENESIS_HASH)
    for entry in entries:
        sequence += 1
        entry.sequence = sequence
        entry.occurred_at = entry.occurred_at or utcnow()
        entry.detail = canonical_detail(entry.detail)
        entry.previous_hash = previous_hash
        entry.entry_hash = previous_hash = hash_of(entry)


def add_pending(session: Session, entry: AuditEvent) -> None:
    """Keep the entry with the transaction (or savepoint) it was recorded in, to be sealed
    and written when that commits."""
    session.connection()  # begins the transaction the entry belongs to, if none has begun
    owner = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append((entry, owner))


def _is_within(owner: SessionTransaction | None, transaction: SessionTransaction) -> bool:
    while owner is not None:
        if owner is transaction:
            return True
        owner = owner.parent
    return False


@event.listens_for(Session, "before_commit")
def _seal_pending_entries(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    session.flush()  # everything else first: see the module's docstring
    entries = [entry for entry, _ in pending]
    seal(entries, session.connection())
    session.add_all(entries)


@event.listens_for(Session, "after_transaction_end")
def _drop_rolled_back_entries(session: Session, transaction: SessionTransaction) -> None:
    """A transaction that ends with entries of its own still pending was rolled back (one
    that commits seals them first): they go with it."""
    pending = session.info.get(_PENDING)
    if pending:
        session.info[_PENDING] = [
            (entry, owner) for entry, owner in pending if not _is_within(owner, transaction)
        ]


@event.listens_for(Session, "before_flush")
def _refuse_changes_and_seal_strays(session: Session, flush_context, instances) -> None:
    for changed in (*session.dirty, *session.deleted):
        if isinstance(changed, AuditEvent) and (
            changed in session.deleted or session.is_modified(changed)
        ):
            raise AuditTrailError("Audit entries are never changed or deleted.")
    # An entry added to the session directly, not through record_event, is sealed as it is
    # written (session.new keeps the order in which entries were added).
    strays = [
        entry for entry in session.new if isinstance(entry, AuditEvent) and entry.sequence is None
    ]
    if strays:
        seal(strays, session.connection())


class BreakKind(StrEnum):
    ALTERED = "altered"
    INSERTED = "inserted"
    REMOVED = "removed"


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    kind: BreakKind
    explanation: str


@dataclass(frozen=True)
class Verification:
    entries: int
    last_sequence: int | None
    last_hash: str | None
    broken: ChainBreak | None = None


def _first_break(entry, expected_sequence: int, previous_hash: str) -> ChainBreak | None:
    number = entry.sequence
    if number > expected_sequence:
        missing = (
            f"#{expected_sequence}"
            if number == expected_sequence + 1
            else f"#{expected_sequence} to #{number - 1}"
        )
        return ChainBreak(
            number, BreakKind.REMOVED, f"entry #{number} comes after a gap: {missing} removed"
        )
    if number < expected_sequence:
        return ChainBreak(
            number,
            BreakKind.INSERTED,
            f"entry #{number} is out of sequence (#{expected_sequence} expected): inserted",
        )
    if entry.previous_hash != previous_hash:
        before = f"entry #{number - 1}" if number > 1 else "the start of the trail"
        return ChainBreak(
            number,
            BreakKind.INSERTED,
            f"entry #{number} does not link to {before}: an entry was inserted before it "
            "or the chain was rewritten",
        )
    if hash_of(entry) != entry.entry_hash:
        return ChainBreak(
            number,
            BreakKind.ALTERED,
            f"entry #{number} was altered: its contents no longer match its hash",
        )
    return None


def verify_chain(session: Session) -> Verification:
    """Read every entry in sequence order, a batch at a time, and check each hash and link."""
    rows = session.execute(
        select(
            AuditEvent.sequence,
            AuditEvent.occurred_at,
            AuditEvent.actor_id,
            AuditEvent.action,
            AuditEvent.outcome,
            AuditEvent.object_type,
            AuditEvent.object_id,
            AuditEvent.ip_address,
            AuditEvent.detail,
            AuditEvent.previous_hash,
            AuditEvent.entry_hash,
        )
        .order_by(AuditEvent.sequence)
        .execution_options(yield_per=VERIFY_BATCH)
    )
    count, expected_sequence, previous_hash = 0, 1, GENESIS_HASH
    last_sequence = None
    for entry in rows:
        broken = _first_break(entry, expected_sequence, previous_hash)
        if broken is not None:
            rows.close()
            return Verification(count, last_sequence, previous_hash, broken)
        count += 1
        expected_sequence = entry.sequence + 1
        previous_hash = entry.entry_hash
        last_sequence = entry.sequence
    return Verification(count, last_sequence, previous_hash if count else None)
