"""The import stage of `make bench`: how fast `asb import-policeuk` takes a large file.

A synthetic street-level file of `--import-rows` rows (bench.policeuk: all anti-social
behaviour, most inside the City) is imported into a fresh database of each kind, built by the
migrations: SQLite in instance/bench/asb-import.sqlite3, PostgreSQL in the bench's own
database with `_import` after its name (made and marked by it, bench.scratch). The time
counts everything the command does for the file (reading, checking, placing, writing, the
commit); then the same file is imported again, which finds every row already there.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import flask_migrate

from bench.datasets import POSTGRES_SERVER, ROOT, make_app
from bench.policeuk import write_street_csv
from bench.scratch import ScratchDatabase, Unreachable

BENCH_DIR = ROOT / "instance" / "bench"
SQLITE_PATH = BENCH_DIR / "asb-import.sqlite3"
IMPORT_MARK = "asb bench import database: bench/importstage.py may drop and remake it"
TARGET_ROWS_PER_SECOND = 50_000


@dataclass
class ImportResult:
    database: str
    rows: int
    imported: int
    outside_area: int
    without_location: int
    seconds: float
    again_seconds: float
    load_before: str
    load_after: str

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds

    @property
    def again_rows_per_second(self) -> float:
        return self.rows / self.again_seconds


def street_file(rows: int) -> Path:
    """The synthetic file of this many rows, written once and reused."""
    path = BENCH_DIR / f"policeuk-{rows}-street.csv"
    if not path.exists():
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        print(f"Writing a street-level file of {rows:,} rows ...", flush=True)
        partial = path.with_suffix(".partial")
        write_street_csv(partial, rows)
        partial.rename(path)
    return path


def sqlite_url() -> str:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{SQLITE_PATH}"


def postgres_url(bench_database: str) -> str | None:
    database = ScratchDatabase(
        POSTGRES_SERVER, f"{bench_database}_import", IMPORT_MARK, "--postgres-database"
    )
    try:
        database.create()
    except Unreachable as error:
        print(f"PostgreSQL import skipped: {error}", flush=True)
        return None
    return database.url.replace("postgresql://", "postgresql+psycopg://", 1)


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def measure_import(name: str, url: str, path: Path, rows: int) -> ImportResult:
    from asb.auth.services import find_agency
    from asb.extensions import db
    from asb.policeuk.services import import_street_file

    app = make_app(url)
    with app.app_context():
        flask_migrate.upgrade()
        logging.getLogger("asb.audit").setLevel(logging.WARNING)
        police = find_agency("city-police")
        load_before = _load()
        print(f"{name}: importing {rows:,} rows ...", flush=True)
        started = time.perf_counter()
        run = import_street_file(path, police=police)
        db.session.commit()
        seconds = time.perf_counter() - started
        imported, outside, unplaced = run.imported, run.outside_area, run.without_location
        started = time.perf_counter()
        again = import_street_file(path, police=police)
        db.session.commit()
        again_seconds = time.perf_counter() - started
        assert again.imported == 0 and again.already_present == imported
        db.session.remove()
        db.engine.dispose()
    result = ImportResult(
        name, rows, imported, outside, unplaced, seconds, again_seconds, load_before, _load()
    )
    print(
        f"{name}: {rows:,} rows in {seconds:.1f} s ({result.rows_per_second:,.0f} rows/s); "
        f"again in {again_seconds:.1f} s ({result.again_rows_per_second:,.0f} rows/s)",
        flush=True,
    )
    return result


def run_import_stage(rows: int, databases: list[str], bench_database: str) -> list[ImportResult]:
    path = street_file(rows)
    results = []
    if "sqlite" in databases:
        results.append(measure_import("SQLite", sqlite_url(), path, rows))
    if "postgresql" in databases:
        url = postgres_url(bench_database)
        if url is not None:
            results.append(measure_import("PostgreSQL", url, path, rows))
    return results


def import_markdown(results: list[ImportResult]) -> list[str]:
    if not results:
        return []
    first = results[0]
    lines = [
        "### police.uk import",
        "",
        f"`flask asb import-policeuk` on a synthetic street-level file of {first.rows:,} rows "
        f"(bench/policeuk.py: all anti-social behaviour; {first.imported:,} inside the City, "
        f"{first.outside_area:,} outside it, {first.without_location:,} without a location), "
        "into a fresh database built by the migrations; the time includes reading, checking, "
        "placing, writing and the commit. Then the same file again: every row already there. "
        f"Target: at least {TARGET_ROWS_PER_SECOND:,} rows a second.",
        "",
        "| Database | First import | Rows/s | Again | Rows/s | Load before, after |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        verdict = "meets" if result.rows_per_second >= TARGET_ROWS_PER_SECOND else "misses"
        lines.append(
            f"| {result.database} | {result.seconds:.1f} s | "
            f"{result.rows_per_second:,.0f} ({verdict} the target) | "
            f"{result.again_seconds:.1f} s | {result.again_rows_per_second:,.0f} | "
            f"{result.load_before}; {result.load_after} |"
        )
    return [*lines, ""]


def main(argv: list[str] | None = None) -> int:
    """Only the import stage: `python -m bench.importstage [--rows N] [--database sqlite]`."""
    import argparse

    from bench.datasets import DEFAULT_POSTGRES_DATABASE

    parser = argparse.ArgumentParser(prog="python -m bench.importstage", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres-database", default=DEFAULT_POSTGRES_DATABASE)
    args = parser.parse_args(argv)
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results = run_import_stage(args.rows, databases, args.postgres_database)
    print("\n".join(import_markdown(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
