"""The audit trail is append-only in fact and hash-chained: any change is found and named."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from asb import create_app
from asb.audit.chain import (
    GENESIS_HASH,
    AuditTrailError,
    BreakKind,
    compute_hash,
    hash_of,
    take_chain_lock,
    verify_chain,
)
from asb.audit.models import AuditEvent
from asb.audit.services import record_event, record_view
from asb.auth.models import Agency
from asb.extensions import db
from tests.conftest import POSTGRES, scratch_database_url

ROOT = Path(__file__).resolve().parents[2]
MIGRATION = ROOT / "migrations" / "versions" / "0015_audit_chain.py"


def record(count: int, actor=None) -> list[AuditEvent]:
    events = [
        record_event("test.recorded", actor=actor, object_type="cases", object_id=n, number=n)
        for n in range(count)
    ]
    db.session.commit()
    return events


def entry(sequence: int) -> AuditEvent:
    return db.session.scalar(select(AuditEvent).where(AuditEvent.sequence == sequence))


def last_sequence() -> int:
    return db.session.scalar(select(func.max(AuditEvent.sequence)))


def act_as_the_database_owner() -> None:
    """Lift the append-only triggers for this test's transaction only, as a DBA could."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        db.session.execute(text("DROP TRIGGER audit_events_no_update"))
        db.session.execute(text("DROP TRIGGER audit_events_no_delete"))


def test_entries_take_the_next_places_in_the_chain(db_session, make_user):
    user = make_user()
    before = last_sequence() or 0
    events = record(3, actor=user)
    assert [event.sequence for event in events] == [before + 1, before + 2, before + 3]
    assert events[0].previous_hash == (entry(before).entry_hash if before else GENESIS_HASH)
    assert events[1].previous_hash == events[0].entry_hash
    assert events[2].previous_hash == events[1].entry_hash
    for event in events:
        db.session.refresh(event)  # as read back from the database
        assert event.entry_hash == hash_of(event)
    result = verify_chain(db.session)
    assert result.broken is None
    assert result.last_sequence == before + 3
    assert result.entries == before + 3
    assert result.last_hash == events[2].entry_hash


def test_a_rolled_back_entry_leaves_no_gap(db_session):
    (kept,) = record(1)
    record_event("test.rolled-back")
    db.session.flush()
    db.session.rollback()
    (next_one,) = record(1)
    assert next_one.sequence == kept.sequence + 1
    assert next_one.previous_hash == kept.entry_hash
    assert verify_chain(db.session).broken is None


def test_entries_of_a_rolled_back_savepoint_go_with_it(db_session):
    record_event("test.kept", number=1)
    savepoint = db.session.begin_nested()
    record_event("test.dropped")
    savepoint.rollback()
    record_event("test.kept", number=2)
    db.session.commit()
    kept = db.session.scalars(
        select(AuditEvent).order_by(AuditEvent.sequence.desc()).limit(2)
    ).all()[::-1]
    assert [(entry.action, entry.detail) for entry in kept] == [
        ("test.kept", {"number": 1}),
        ("test.kept", {"number": 2}),
    ]
    assert kept[1].sequence == kept[0].sequence + 1
    assert verify_chain(db.session).broken is None


def test_a_refusal_logged_in_its_own_transaction_is_chained(client, login_as, make_case):
    officer = login_as("officer", "barbican")
    case = make_case("housing", restricted=True, restriction_reason="Safeguarding")
    assert client.get(f"/cases/{case.id}").status_code == 404
    denial = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "access.denied", AuditEvent.actor_id == officer.id)
        .order_by(AuditEvent.sequence.desc())
    )
    assert denial.sequence == last_sequence()
    assert verify_chain(db.session).broken is None


def test_detail_is_hashed_as_it_reads_back(db_session):
    (event,) = [record_event("test.recorded", ids=(1, 2), by_number={3: "x"})]
    db.session.commit()
    db.session.refresh(event)
    assert event.detail == {"ids": [1, 2], "by_number": {"3": "x"}}
    assert event.entry_hash == hash_of(event)


def test_the_application_never_changes_or_deletes_an_entry(db_session):
    (event,) = record(1)
    event.action = "test.rewritten"
    with pytest.raises(AuditTrailError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(entry(event.sequence))
    with pytest.raises(AuditTrailError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'test.rewritten' WHERE sequence = :sequence",
        "UPDATE audit_events SET detail = '{}'",
        "DELETE FROM audit_events WHERE sequence = :sequence",
        "DELETE FROM audit_events",
    ],
)
def test_the_database_refuses_update_and_delete(db_session, statement):
    """The application's own connection is refused, whatever the SQL."""
    (event,) = record(1)
    savepoint = db.session.begin_nested()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement), {"sequence": event.sequence})
    savepoint.rollback()
    assert entry(event.sequence).action == "test.recorded"


@pytest.mark.skipif(not POSTGRES, reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_truncate(db_session):
    record(1)
    savepoint = db.session.begin_nested()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("TRUNCATE audit_events"))
    savepoint.rollback()


def test_an_altered_entry_is_named(db_session):
    events = record(4)
    act_as_the_database_owner()
    target = events[1].sequence
    db.session.execute(
        text("UPDATE audit_events SET object_id = 999 WHERE sequence = :s"), {"s": target}
    )
    result = verify_chain(db.session)
    assert result.broken.sequence == target
    assert result.broken.kind is BreakKind.ALTERED
    assert result.last_sequence == target - 1


def test_an_inserted_entry_is_found_where_the_chain_no_longer_links(db_session):
    """A forger makes room (renumbering the later entries) and writes a well-formed entry."""
    events = record(4)
    act_as_the_database_owner()
    after = events[1]
    db.session.execute(
        text("UPDATE audit_events SET sequence = -(sequence + 1) WHERE sequence > :s"),
        {"s": after.sequence},
    )
    db.session.execute(text("UPDATE audit_events SET sequence = -sequence WHERE sequence < 0"))
    occurred_at = datetime.now(UTC)
    facts = dict(
        sequence=after.sequence + 1,
        occurred_at=occurred_at,
        actor_id=None,
        action="case.closed",
        outcome="success",
        object_type="cases",
        object_id=1,
        ip_address=None,
        detail={},
        previous_hash=after.entry_hash,
    )
    db.session.execute(sa.insert(AuditEvent).values(**facts, entry_hash=compute_hash(**facts)))
    result = verify_chain(db.session)
    assert result.broken.sequence == after.sequence + 2
    assert result.broken.kind is BreakKind.INSERTED
    assert f"#{after.sequence + 2} does not link" in result.broken.explanation


def test_a_forged_entry_at_the_end_that_does_not_link_is_named(db_session):
    record(2)
    act_as_the_database_owner()
    facts = dict(
        sequence=last_sequence() + 1,
        occurred_at=datetime.now(UTC),
        actor_id=None,
        action="case.closed",
        outcome="success",
        object_type="cases",
        object_id=1,
        ip_address=None,
        detail={},
        previous_hash="f" * 64,
    )
    db.session.execute(sa.insert(AuditEvent).values(**facts, entry_hash=compute_hash(**facts)))
    result = verify_chain(db.session)
    assert result.broken.sequence == facts["sequence"]
    assert result.broken.kind is BreakKind.INSERTED


def test_a_removed_entry_is_named(db_session):
    events = record(4)
    act_as_the_database_owner()
    removed = events[2].sequence
    db.session.execute(text("DELETE FROM audit_events WHERE sequence = :s"), {"s": removed})
    result = verify_chain(db.session)
    assert result.broken.sequence == removed + 1
    assert result.broken.kind is BreakKind.REMOVED
    assert f"#{removed} removed" in result.broken.explanation


def test_the_migration_hashes_as_the_application_does(db_session):
    """Migration 0015 keeps its own copy of the serialisation; both must agree."""
    spec = importlib.util.spec_from_file_location("migration_0015", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    (event,) = record(1)
    db.session.refresh(event)
    assert migration.entry_hash(event, event.sequence, event.previous_hash) == event.entry_hash


# Against a database of its own: committed data, other connections ---------------------------


@pytest.fixture
def scratch_app(tmp_path):
    url = scratch_database_url("audit_chain", tmp_path)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade(revision="0014")
    yield app, url
    with app.app_context():
        db.engine.dispose()


def test_the_migration_chains_the_entries_already_written(scratch_app):
    app, _ = scratch_app
    table = sa.table(
        "audit_events",
        sa.column("occurred_at", sa.DateTime(timezone=True)),
        sa.column("action", sa.String()),
        sa.column("outcome", sa.String()),
        sa.column("detail", sa.JSON()),
        sa.column("ip_address", sa.String()),
    )
    with app.app_context():
        with db.engine.begin() as connection:
            for number in range(5):
                connection.execute(
                    sa.insert(table).values(
                        occurred_at=datetime(2025, 1, 1, 9, number, 0, 123456, tzinfo=UTC),
                        action="incident.recorded",
                        outcome="success",
                        detail={"n": number},
                        ip_address="192.0.2.1",
                    )
                )
        flask_migrate.upgrade()
        result = verify_chain(db.session)
        assert (result.entries, result.last_sequence, result.broken) == (5, 5, None)
        db.session.remove()


def test_simultaneous_writers_never_share_or_skip_a_place(scratch_app):
    """Writers on their own connections, released together: the chain stays contiguous."""
    app, _ = scratch_app
    with app.app_context():
        flask_migrate.upgrade()
    writers, each = 6, 5
    barrier = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write(number: int) -> None:
        try:
            with app.app_context():
                barrier.wait()
                for _ in range(each):
                    record_event("test.concurrent", writer=number)
                    db.session.commit()
                db.session.remove()
        except BaseException as error:  # reported below, from the main thread
            failures.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with app.app_context():
        result = verify_chain(db.session)
        sequences = db.session.scalars(select(AuditEvent.sequence).order_by("sequence")).all()
        db.session.remove()
    assert result.broken is None
    assert sequences == list(range(1, writers * each + 1))


def test_a_page_waits_its_turn_to_write_its_entry(scratch_app):
    """A page reads, another writer takes the chain, then the page records its view: it
    waits for the other to commit (no "database is locked" on SQLite) and links after it."""
    app, _ = scratch_app
    with app.app_context():
        flask_migrate.upgrade()
    holding, release = threading.Event(), threading.Event()

    def other_writer() -> None:
        with app.app_context():
            record_event("test.other")
            take_chain_lock(db.session.connection())  # as its commit does, then it waits
            holding.set()
            release.wait(10)
            db.session.commit()
            db.session.remove()

    thread = threading.Thread(target=other_writer)
    thread.start()
    assert holding.wait(10)
    with app.test_request_context("/somewhere", method="GET"):
        assert db.session.scalars(select(AuditEvent.sequence)).all() == []  # the page reads
        threading.Timer(0.5, release.set).start()
        record_view("test.viewed", actor=None)
        db.session.remove()
    thread.join()
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by("sequence")).all()
        assert verify_chain(db.session).broken is None
        db.session.remove()
    assert actions == ["test.other", "test.viewed"]


def test_holding_a_row_and_waiting_for_the_chain_never_deadlocks(scratch_app):
    """One transaction changes a row, then commits its entry; another records its entry
    first, then waits for that row. Were the chain taken when the second one's entry was
    first flushed, each would wait for the other (PostgreSQL would abort one)."""
    app, _ = scratch_app
    with app.app_context():
        flask_migrate.upgrade()
        agency_id = db.session.scalar(select(Agency.id).order_by(Agency.id).limit(1))
        db.session.remove()
    first_holds_the_row = threading.Event()
    failures: list[BaseException] = []

    def first() -> None:
        try:
            with app.app_context():
                db.session.get(Agency, agency_id).name = "First's name"
                db.session.flush()  # holds the row
                first_holds_the_row.set()
                time.sleep(0.5)  # the second is waiting for the row by now
                record_event("test.first")
                db.session.commit()
                db.session.remove()
        except BaseException as error:  # reported below, from the main thread
            failures.append(error)

    def second() -> None:
        try:
            with app.app_context():
                assert first_holds_the_row.wait(10)
                record_event("test.second")
                db.session.flush()
                db.session.get(Agency, agency_id).name = "Second's name"
                db.session.commit()
                db.session.remove()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by("sequence")).all()
        assert verify_chain(db.session).broken is None
        db.session.remove()
    assert actions == ["test.first", "test.second"]


def run_verify(url: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": url, "ASB_CONFIG": "development"}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "asb", "audit", "verify"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_verify_command_proves_the_trail_and_names_the_first_break(scratch_app):
    app, url = scratch_app
    with app.app_context():
        flask_migrate.upgrade()
        for number in range(3):
            record_event("test.recorded", number=number)
        db.session.commit()
        db.session.remove()

    whole = run_verify(url)
    assert whole.returncode == 0, whole.stderr
    assert "Audit trail verified: 3 entries, last #3" in whole.stdout

    with app.app_context(), db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            connection.execute(text("DROP TRIGGER audit_events_no_update"))
        connection.execute(text("UPDATE audit_events SET action = 'x' WHERE sequence = 2"))
    broken = run_verify(url)
    assert broken.returncode != 0
    assert "Audit trail broken at entry #2 (altered)" in broken.stderr
