"""`make bench`: a million synthetic incidents in SQLite and PostgreSQL, and how fast asb is.

    .venv/bin/python -m bench [--rows 1000000] [--runs 7] [--database sqlite] [--regenerate]
        [--postgres-database asb_bench] [--http-seconds 30] [--http-port 8790] [--no-http]
        [--import-rows 1000000] [--no-import]

Each database is built by the migrations (as `flask db upgrade` does), filled once by
bench.synthetic and marked with the generator version, so later runs reuse it (see
bench.datasets). Then each measurement (bench.measure) is made `--runs` times and the median
reported: a profile through the Flask test client, one request at a time. Then the HTTP
stage (bench.httpstage) loads each page over HTTP through gunicorn, beside a minimal page
served the same way. Then the import stage (bench.importstage) times `asb import-policeuk` on
a large synthetic street-level file, into a fresh database of each kind. The figures and the
machine go into docs/performance.md between its results markers, leaving the rest of that
file as it is.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from bench.datasets import (
    DEFAULT_POSTGRES_DATABASE,
    ROOT,
    Target,
    postgres_target,
    prepare,
    sqlite_target,
)
from bench.httpload import figures_table as http_table
from bench.httpstage import CONNECTIONS, WORKERS, HttpResults, measure_http
from bench.importstage import ImportResult, import_markdown, run_import_stage
from bench.measure import Results, measure, ms
from bench.scratch import BenchError

DOCS = ROOT / "docs" / "performance.md"
START_MARKER = "<!-- bench:results:start -->"
END_MARKER = "<!-- bench:results:end -->"


def machine(postgres_version: str | None) -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line),
        platform.processor() or "unknown",
    )
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    memory = next(
        (line.split(":", 1)[1].strip() for line in meminfo.splitlines() if "MemTotal" in line),
        "unknown",
    )
    if memory.endswith(" kB"):
        memory = f"{int(memory[:-3]) / 1024 / 1024:.1f} GiB"
    return {
        "CPUs (nproc)": str(os.cpu_count()),
        "CPU model": model,
        "Memory": memory,
        "Operating system": platform.platform(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": postgres_version or "not measured",
    }


def postgres_version(target: Target | None) -> str | None:
    if target is None:
        return None
    engine = sa.create_engine(target.url)
    with engine.connect() as connection:
        version = connection.scalar(sa.text("SHOW server_version"))
    engine.dispose()
    return version


def figures_table(all_results: list[Results]) -> list[str]:
    names = list(dict.fromkeys(m.name for r in all_results for m in r.measurements))
    header = ["Measurement", *(r.target.name for r in all_results), "Target"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name in names:
        cells, target = [], ""
        for results in all_results:
            found = next((m for m in results.measurements if m.name == name), None)
            if found is None:
                cells.append("not measured")
                continue
            cell = ms(found.median)
            if found.size is not None:
                cell += f", {found.size / 1024:,.0f} KiB"
            if found.verdict:
                cell += f" ({found.verdict})"
                target = f"≤ {ms(found.target)}"
            cells.append(cell)
        if "Map page" in name:
            target = "< 2 MB"
        lines.append("| " + " | ".join([name, *cells, target]) + " |")
    return lines


def print_table(all_results: list[Results]) -> None:
    print()
    for line in figures_table(all_results):
        print(line)
    for results in all_results:
        for key, value in results.extras.items():
            print(f"{results.target.name}: {key}: {value}")
    print()


def http_markdown(all_http: list[HttpResults]) -> list[str]:
    if not all_http:
        return []
    first = all_http[0]
    lines = [
        "### Over HTTP",
        "",
        f"gunicorn in the production configuration, {WORKERS} sync workers, {CONNECTIONS} "
        f"keep-alive connections for {first.seconds:g} s per page ({first.tool}); the ratio is "
        "each page's requests per second over the minimal page's, served the same way in the "
        "same run. The map and the overview were requested once on every connection before "
        "their clock started. The bench's ASB lead is signed in (the team queue: its Housing "
        "manager); no case is assigned to either, so My cases lists none.",
        "",
    ]
    for found in all_http:
        lines += [f"#### {found.target.name}", "", *http_table(found.pages, found.reference), ""]
    return lines


def results_markdown(
    all_results: list[Results],
    all_http: list[HttpResults],
    command: str,
    runs: int,
    info: dict,
    imports: list[ImportResult] | None = None,
) -> str:
    lines = [
        START_MARKER,
        "",
        f"Measured {datetime.now(UTC):%d %B %Y %H:%M} UTC with `{command}`: the median of "
        f"{runs} runs of each, after one warm-up request.",
        "",
        "### Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in info.items()),
        "",
        "### Data",
        "",
    ]
    for results in all_results:
        data = results.dataset
        steps = ", ".join(f"{key} {value} s" for key, value in data["timings"].items())
        lines.append(
            f"- {results.target.name}: {data['rows']:,} incidents (generator version "
            f"{data['generator_version']}), made {data['generated_at']} in "
            f"{data['generation_seconds']} s ({steps}); reused by later runs."
        )
    lines += ["", *http_markdown(all_http), *import_markdown(imports or [])]
    lines += ["### Profile: through the Flask test client, one request at a time", ""]
    lines += [*figures_table(all_results), ""]
    for results in all_results:
        if results.extras:
            lines += [f"### Other figures, {results.target.name}", ""]
            lines += [f"- {key}: {value}" for key, value in results.extras.items()]
            lines.append("")
        for name, plan in results.plans.items():
            lines += [f"### Plan: {name}, {results.target.name}", "", "```", plan, "```", ""]
    lines.append(END_MARKER)
    return "\n".join(lines)


def write_docs(section: str) -> None:
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else ""
    if START_MARKER in text and END_MARKER in text:
        before, rest = text.split(START_MARKER, 1)
        after = rest.split(END_MARKER, 1)[1]
        text = before + section + after
    else:
        text = "# Performance\n\n## Results\n\n" + section + "\n" + text
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text, encoding="utf-8")
    print(f"Wrote the figures to {DOCS.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--regenerate", action="store_true", help="make the data afresh")
    parser.add_argument("--no-docs", action="store_true", help="do not touch the docs")
    parser.add_argument("--http-seconds", type=float, default=30, help="per page, over HTTP")
    parser.add_argument(
        "--http-port", type=int, default=8790, help="the minimal page's; asb's is the next one"
    )
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP stage")
    parser.add_argument(
        "--import-rows", type=int, default=1_000_000, help="rows of the police.uk import file"
    )
    parser.add_argument("--no-import", action="store_true", help="skip the import stage")
    parser.add_argument(
        "--postgres-database",
        default=DEFAULT_POSTGRES_DATABASE,
        help="the bench's own PostgreSQL database, made and marked by it (default "
        "ASB_BENCH_DATABASE or asb_bench); one it did not make is refused",
    )
    args = parser.parse_args(argv)

    try:
        return run(args)
    except BenchError as error:
        print(f"Bench stopped: {error}", file=sys.stderr)
        return 2


def run(args: argparse.Namespace) -> int:
    targets: list[Target] = []
    if args.database in {"sqlite", "both"}:
        targets.append(sqlite_target())
    postgres = None
    if args.database in {"postgresql", "both"}:
        postgres = postgres_target(args.postgres_database)
        if postgres is not None:
            targets.append(postgres)
    all_results, all_http = [], []
    for target in targets:
        dataset = prepare(target, args.rows, args.regenerate)
        print(f"{target.name}: measuring, {args.runs} runs each ...", flush=True)
        all_results.append(measure(target, dataset, args.runs))
        if not args.no_http:
            found = measure_http(
                target, args.http_seconds, args.http_port, lambda line: print(line, flush=True)
            )
            all_http.append(found)
            print("\n".join(["", *http_table(found.pages, found.reference), ""]), flush=True)
    print_table(all_results)
    imports = []
    if not args.no_import:
        databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
        imports = run_import_stage(args.import_rows, databases, args.postgres_database)
    if not args.no_docs and all_results:
        given = " ".join(sys.argv[1:])
        if os.environ.get("MAKELEVEL"):
            command = f'make bench BENCH_ARGS="{given}"' if given else "make bench"
        else:
            command = f"python -m bench {given}"
        info = machine(postgres_version(postgres))
        write_docs(
            results_markdown(all_results, all_http, command.strip(), args.runs, info, imports)
        )
    return 0
