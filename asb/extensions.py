"""Extensions, created unbound so the app factory can configure them per app."""

import re
import sqlite3

from flask import has_request_context, request
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


# A writer waits this long for another to finish before SQLite gives up on it.
SQLITE_BUSY_TIMEOUT_MS = 30_000
_TAKE_WRITE_LOCK = "asb_take_write_lock"
_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|SAVEPOINT|CREATE|DROP|ALTER)\b", re.I)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """Enforce foreign keys, let readers and writers work side by side (WAL), let a writer
    wait for another, and let SQLAlchemy, not pysqlite, begin transactions.

    pysqlite's own transaction handling breaks SAVEPOINT, which both nested transactions
    in services and the test suite's per-test rollback rely on.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection) -> None:
    """Begin SQLite transactions that will write with BEGIN IMMEDIATE.

    A plain (deferred) BEGIN reads from a snapshot, and a transaction that then writes
    after another writer has committed fails at once with "database is locked": the busy
    timeout cannot help it. BEGIN IMMEDIATE takes the write lock first, waiting its turn.

    A request that sends a form (anything but GET and HEAD), and all work outside requests,
    takes it at the start, so all it reads is what it writes over. A page that only shows
    something takes it at its first write, if any (an audit entry): until then it holds no
    lock, so a page or a long CSV export never holds up a writer, and it reads the latest
    committed data, as on PostgreSQL.
    """
    if connection.dialect.name != "sqlite":
        return
    if has_request_context() and request.method in {"GET", "HEAD"}:
        connection.info[_TAKE_WRITE_LOCK] = True
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@event.listens_for(Engine, "before_cursor_execute")
def _take_sqlite_write_lock(connection, cursor, statement, parameters, context, executemany):
    if (
        connection.info.get(_TAKE_WRITE_LOCK)
        and not cursor.connection.in_transaction
        and _WRITES.match(statement)
    ):
        cursor.execute("BEGIN IMMEDIATE")


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _end_sqlite_transaction(connection) -> None:
    connection.info.pop(_TAKE_WRITE_LOCK, None)
