"""The bench databases: found or created, built by the migrations, filled once, reused.

SQLite lives in instance/bench/; PostgreSQL is a database on the local server (asb_bench, or
--postgres-database, or ASB_BENCH_DATABASE) that the bench makes and marks as its own
(bench.scratch): it refuses a database of that name it did not make, and remakes only its own.
A `bench_dataset` row records the generator version and row count, so a later run reuses
the data while both match.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import flask_migrate
import sqlalchemy as sa

from bench.scratch import ScratchDatabase, Unreachable

ROOT = Path(__file__).resolve().parents[1]
SQLITE_PATH = ROOT / "instance" / "bench" / "asb-bench.sqlite3"
POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
DEFAULT_POSTGRES_DATABASE = os.environ.get("ASB_BENCH_DATABASE", "asb_bench")
DATABASE_MARK = "asb bench database: bench/datasets.py may drop and remake it"
LEAD_EMAIL = "bench.lead@example.test"
MANAGER_EMAIL = "bench.manager@example.test"
# The bench lead signs in with two factors, as the role must: the HTTP stage's authenticator.
LEAD_TOTP_SECRET = "BENCHLEADBENCHLEADBENCHLEADBENCH"  # noqa: S105 - a throwaway database
CASES = 5_000


@dataclass
class Target:
    name: str
    url: str
    note: str = ""
    database: ScratchDatabase | None = None  # PostgreSQL's, with its mark


def sqlite_target() -> Target:
    return Target("SQLite", f"sqlite:///{SQLITE_PATH}")


def postgres_target(
    name: str = DEFAULT_POSTGRES_DATABASE, server: str = POSTGRES_SERVER
) -> Target | None:
    """The bench database on the local server, made and marked if missing; None if the server
    is unreachable. A database of that name the bench did not make is refused (BenchError)."""
    database = ScratchDatabase(server, name, DATABASE_MARK, "--postgres-database")
    try:
        database.ensure()
    except Unreachable as error:
        print(f"PostgreSQL skipped: {error}", flush=True)
        return None
    url = database.url.replace("postgresql://", "postgresql+psycopg://", 1)
    return Target("PostgreSQL", url, database=database)


def make_app(url: str, **overrides):
    from asb import create_app

    return create_app(
        "development",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "DEBUG": False,
            "TESTING": False,
            **overrides,
        },
    )


def _marker(engine) -> dict | None:
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("bench_dataset"):
            return None
        row = connection.execute(sa.text("SELECT details FROM bench_dataset")).first()
    return json.loads(row[0]) if row else None


def _reset(target: Target) -> None:
    if target.name == "SQLite":
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return
    target.database.create()  # dropped and made afresh, only while it carries the mark


def prepare(target: Target, rows: int, regenerate: bool) -> dict:
    """The bench database with `rows` synthetic incidents: reused if already made."""
    from bench.synthetic import GENERATOR_VERSION

    if target.name == "SQLite":
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(target.url)
    try:
        found = None if regenerate else _marker(engine)
    finally:
        engine.dispose()
    if found and found["generator_version"] == GENERATOR_VERSION and found["rows"] == rows:
        print(f"{target.name}: reusing {rows:,} incidents made {found['generated_at']}", flush=True)
        # The data stays; the schema (indexes above all) follows the migrations.
        with make_app(target.url).app_context():
            flask_migrate.upgrade()
        return found
    print(f"{target.name}: generating {rows:,} incidents ...", flush=True)
    _reset(target)
    return generate(target, rows)


def generate(target: Target, rows: int) -> dict:

    from asb.auth.models import Agency
    from asb.extensions import db
    from asb.geo.services import geography
    from bench.synthetic import GENERATOR_VERSION, generate_incidents

    timings: dict[str, float] = {}
    started = time.perf_counter()
    app = make_app(target.url)
    with app.app_context():
        step = time.perf_counter()
        flask_migrate.upgrade()
        timings["migrations"] = time.perf_counter() - step
        agency_ids = dict(db.session.execute(sa.select(Agency.code, Agency.id)).all())
        geo = geography()
        now = datetime.now(UTC)
        step = time.perf_counter()
        frame = generate_incidents(
            rows, area=geo.area, wards=geo.wards, agency_ids=agency_ids, now=now
        )
        timings["generate (numpy, pyproj, spatial index)"] = time.perf_counter() - step
        # The load writes on a connection of its own: nothing else may hold the database.
        db.session.remove()
        db.engine.dispose()
        step = time.perf_counter()
        load(target, frame)
        timings["insert"] = time.perf_counter() - step
        del frame
        step = time.perf_counter()
        _add_users_and_cases(agency_ids, now)
        timings["users and cases"] = time.perf_counter() - step
        step = time.perf_counter()
        # Statistics for the planners, and (PostgreSQL) the visibility map that index-only
        # scans need, as autovacuum would leave them.
        analyze(target)
        timings["ANALYZE"] = time.perf_counter() - step
        details = {
            "generator_version": GENERATOR_VERSION,
            "rows": rows,
            "generated_at": now.isoformat(timespec="seconds"),
            "generation_seconds": round(time.perf_counter() - started, 1),
            "timings": {key: round(value, 1) for key, value in timings.items()},
        }
        with db.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE bench_dataset (details TEXT NOT NULL)")
            connection.execute(
                sa.text("INSERT INTO bench_dataset (details) VALUES (:details)"),
                {"details": json.dumps(details)},
            )
        db.engine.dispose()
    print(
        f"{target.name}: generated in {details['generation_seconds']} s "
        + ", ".join(f"{key} {value} s" for key, value in details["timings"].items()),
        flush=True,
    )
    return details


def analyze(target: Target) -> None:
    """ANALYZE in SQLite; VACUUM ANALYZE in PostgreSQL, which cannot run in a transaction."""
    from asb.extensions import db

    db.session.remove()
    if target.name == "SQLite":
        # asb begins every SQLite transaction itself (asb.extensions), even "autocommit" ones,
        # so the statistics are written in a transaction that is committed.
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def load(target: Target, frame) -> None:
    """Write the incidents in one transaction on a connection of the load's own."""
    import psycopg

    from bench.synthetic import copy_postgres, insert_sqlite

    if target.name == "SQLite":
        connection = sqlite3.connect(SQLITE_PATH)
        # For the bench database only: a crash mid-load just means generating again.
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA journal_mode=MEMORY")
        insert_sqlite(connection, frame)
        connection.commit()
        connection.close()
        return
    url = sa.engine.make_url(target.url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as connection:
        copy_postgres(connection, frame)  # committed as the block ends


def _add_users_and_cases(agency_ids: dict[str, int], now: datetime) -> None:
    import numpy as np

    from asb.auth.models import Agency, Role
    from asb.auth.services import create_user
    from asb.cases.models import Case
    from asb.cases.vocabulary import CaseStatus
    from asb.database import utcnow
    from asb.extensions import db

    for email, name, role, agency in [
        (LEAD_EMAIL, "Bench Lead", Role.ASB_LEAD, "community-safety"),
        (MANAGER_EMAIL, "Bench Manager", Role.MANAGER, "housing"),
    ]:
        user = create_user(
            email=email,
            name=name,
            agency=db.session.get(Agency, agency_ids[agency]),
            role=role,
            password="bench-password-not-secret",  # noqa: S106 - a throwaway database
        )
        if user.requires_two_factor:
            user.two_factor_secret = LEAD_TOTP_SECRET
            user.two_factor_enabled_at = utcnow()
    rng = np.random.default_rng(7)
    internal = [agency_ids[code] for code in ("housing", "barbican", "community-safety",
                                              "street-enforcement", "mcp")]  # fmt: skip
    opened = rng.integers(0, 730 * 86_400, CASES)
    closed = rng.random(CASES) < np.where(opened > 120 * 86_400, 0.9, 0.2)
    open_statuses = [CaseStatus.OPEN, CaseStatus.INVESTIGATING, CaseStatus.ACTION,
                     CaseStatus.MONITORING]  # fmt: skip
    rows = []
    for n in range(CASES):
        opened_at = now - timedelta(seconds=int(opened[n]))
        agency = internal[n % len(internal)]
        rows.append(
            {
                "reference": f"SYN-C-{n:06d}",
                "title": "Synthetic case for the benchmark",
                "summary": "Synthetic case for the benchmark.",
                "status": CaseStatus.CLOSED if closed[n] else open_statuses[n % 4],
                "lead_agency_id": agency,
                "assigned_agency_id": agency,
                "restricted": bool(n % 97 == 0),
                "opened_at": opened_at,
                "closed_at": now if closed[n] else None,
                "created_at": opened_at,
                "updated_at": opened_at,
                "version": 1,
            }
        )
    db.session.execute(sa.insert(Case), rows)
    db.session.commit()
