"""`make loadtest`: signed-in users against gunicorn on PostgreSQL, one worker killed mid-run.

    .venv/bin/python -m bench.loadtest [--users 40] [--seconds 60] [--accounts 10]
        [--workers N] [--port 8765] [--database asb_loadtest] [--keep] [--no-docs]

The run makes a database of its own (`--database`, or ASB_LOADTEST_DATABASE), marked with a
comment; it drops only a database that carries the mark and refuses any other. It sets it up
as an operator would (`flask db upgrade`, `asb seed-demo`, `asb create-user --password-stdin`)
and serves it with gunicorn in the production configuration (ASB_CONFIG=production, a random
SECRET_KEY, DATABASE_URL). The users (bench.loadclient) record incidents, browse the log, add
case notes and change case statuses; halfway through, one worker is killed with SIGKILL.
Every write the server acknowledged is then looked for in the database. The figures go into
docs/performance.md between its load-test markers.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg

from bench.loadclient import NO_ANSWER, Browser, Sample, User, Writes
from bench.loadsetup import (
    EMAIL_DOMAIN,
    HOST,
    ROOT,
    Account,
    Fault,
    LoadTestError,
    Server,
    kill_one_worker,
    load_test_database,
    production_environment,
    set_up,
)
from bench.scratch import BenchError

DOCS = ROOT / "docs" / "performance.md"
LOG_DIR = ROOT / "instance" / "loadtest"
START_MARKER = "<!-- loadtest:results:start -->"
END_MARKER = "<!-- loadtest:results:end -->"
KIND_ORDER = (
    "sign-in page",
    "sign in",
    "home page",
    "incident log",
    "incident page",
    "incident form",
    "record incident",
    "case page",
    "note form",
    "add note",
    "status form",
    "change status",
)
WRITE_KINDS = ("record incident", "open case", "add note", "change status")
# (label, time cost, memory cost in KiB, parallelism): argon2-cffi's default, then OWASP's rows.
ARGON2_ROWS = (
    ("argon2-cffi default (RFC 9106 low-memory): m=64 MiB, t=3, p=4", 3, 65536, 4),
    ("OWASP: m=46 MiB, t=1, p=1", 1, 47104, 1),
    ("OWASP: m=19 MiB, t=2, p=1", 2, 19456, 1),
    ("OWASP: m=12 MiB, t=3, p=1", 3, 12288, 1),
    ("OWASP: m=9 MiB, t=4, p=1", 4, 9216, 1),
    ("OWASP: m=7 MiB, t=5, p=1", 5, 7168, 1),
)

# Counting what was saved ---------------------------------------------------------------------


@dataclass
class WriteCount:
    kind: str
    acknowledged: int
    found: int
    missing: int  # acknowledged, not in the database: a lost write
    unacknowledged: int  # in the database, never acknowledged


def count_writes(url: str, run_id: str, writes: Writes) -> list[WriteCount]:
    marker = f"Load test {run_id} "
    with psycopg.connect(url) as connection:

        def column(query: str, *params: str) -> list:
            return [row[0] for row in connection.execute(query, params)]

        incidents = Counter(
            column("SELECT id FROM incidents WHERE description LIKE %s", marker + "incident %")
        )
        cases = Counter(column("SELECT id FROM cases WHERE title LIKE %s", marker + "case %"))
        notes = Counter(
            column("SELECT summary FROM case_timeline WHERE summary LIKE %s", marker + "note %")
        )
        statuses = Counter(
            tuple(row)
            for row in connection.execute(
                "SELECT t.case_id, u.email, t.detail ->> 'status' FROM case_timeline t "
                "JOIN users u ON u.id = t.actor_id "
                "WHERE t.summary LIKE 'Status changed from %%' AND u.email LIKE %s",
                ("%@" + EMAIL_DOMAIN,),
            )
        )
    pairs = [
        ("open case", Counter(writes.cases), cases),
        ("record incident", Counter(writes.incidents), incidents),
        ("add note", Counter(writes.notes), notes),
        ("change status", writes.statuses, statuses),
    ]
    return [
        WriteCount(
            kind,
            acknowledged.total(),
            found.total(),
            (acknowledged - found).total(),
            (found - acknowledged).total(),
        )
        for kind, acknowledged, found in pairs
    ]


# The run -----------------------------------------------------------------------------------


@dataclass
class Options:
    users: int = 40
    seconds: float = 60
    accounts: int = 10
    workers: int = 2 * (os.cpu_count() or 1) + 1
    port: int = 8765
    database: str = "asb_loadtest"
    server: str = "postgresql://postgres@127.0.0.1:5432"
    cases_per_account: int = 2
    kill_at: float | None = None  # seconds into the run; half of it by default
    demo_data: bool = True
    measure_argon2: bool = True
    keep: bool = False


@dataclass
class Result:
    options: Options
    samples: list[Sample]
    writes: list[WriteCount]
    unanswered_writes: int
    stale: int
    fault: Fault
    elapsed: float
    argon2: list[tuple[str, float, float]]
    postgres_version: str
    load_average: tuple[float, float]

    @property
    def verdict(self) -> str:
        missing = sum(count.missing for count in self.writes)
        extra = sum(count.unacknowledged for count in self.writes)
        if missing:
            return f"FAILED: {missing} acknowledged writes are missing from the database"
        if extra > self.unanswered_writes:
            return (
                f"FAILED: {extra} writes were saved without being acknowledged, more than the "
                f"{self.unanswered_writes} that got no answer"
            )
        if self.fault.replaced_after is None:
            return "FAILED: gunicorn did not replace the killed worker within 30 s"
        if extra:
            return (
                f"passed: every acknowledged write is in the database, and {extra} more whose "
                "answer was lost with the killed worker"
            )
        return "passed: the acknowledged writes and the database agree exactly"

    @property
    def passed(self) -> bool:
        return self.verdict.startswith("passed")


def argon2_costs(runs: int = 7) -> list[tuple[str, float, float]]:
    """Median wall-clock and CPU milliseconds per hash for each set of parameters."""
    from argon2 import PasswordHasher

    rows = []
    for label, time_cost, memory_cost, parallelism in ARGON2_ROWS:
        hasher = PasswordHasher(time_cost, memory_cost, parallelism)
        hasher.hash("warm-up")
        wall, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            hasher.hash("correct horse battery staple")
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        rows.append((label, statistics.median(wall) * 1000, statistics.median(cpu) * 1000))
    return rows


def run(options: Options, log=print) -> Result:
    run_id = secrets.token_hex(4)
    database = load_test_database(options.server, options.database)
    database.create()
    log(f"Made the database {options.database} (marked as the load test's own).")
    try:
        env = production_environment(database.url)
        password = secrets.token_urlsafe(18)
        started_setup = time.monotonic()
        accounts = set_up(env, options.accounts, password, options.demo_data)
        log(
            f"Set up in {time.monotonic() - started_setup:.0f} s: migrations"
            f"{', demo data' if options.demo_data else ''}, {len(accounts)} accounts."
        )
        argon2 = argon2_costs() if options.measure_argon2 else []
        load_before = os.getloadavg()[0]
        log_path = LOG_DIR / f"gunicorn-{options.database}.log"
        with Server(env, options.port, options.workers, log_path) as server:
            log(f"gunicorn: {options.workers} workers on {HOST}:{options.port}, log {log_path}")
            users, setup_writes = prepare_users(options, accounts, password, run_id)
            fault = Fault()
            started = time.monotonic()
            deadline = started + options.seconds
            threads = [
                threading.Thread(target=user.run_until, args=(deadline,), daemon=True)
                for user in users
            ]
            threads.append(
                threading.Thread(
                    target=kill_one_worker,
                    args=(server, started, options.kill_at or options.seconds / 2, fault),
                    daemon=True,
                )
            )
            log(f"{len(users)} users for {options.seconds:g} s ...")
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
        load_after = os.getloadavg()[0]
        writes = setup_writes
        for user in users:
            writes.add(user.writes)
        return Result(
            options=options,
            samples=[sample for user in users for sample in user.browser.samples],
            writes=count_writes(database.url, run_id, writes),
            unanswered_writes=writes.unanswered.total(),
            stale=writes.stale,
            fault=fault,
            elapsed=elapsed,
            argon2=argon2,
            postgres_version=database.server_version(),
            load_average=(load_before, load_after),
        )
    finally:
        if options.keep:
            log(f"Kept the database {options.database}.")
        else:
            database.drop()
            log(f"Dropped the database {options.database}.")


def prepare_users(
    options: Options, accounts: list[Account], password: str, run_id: str
) -> tuple[list[User], Writes]:
    """Each account opens its cases; each user then works its agency's cases (the lead: all)."""
    opened: dict[str, list[int]] = {}
    writes = Writes()
    for number, account in enumerate(accounts):
        opener = User(Browser(HOST, options.port), account.email, password, run_id, -number, 0)
        if not opener.sign_in():
            raise LoadTestError(f"{account.email} could not sign in to open the cases")
        for _ in range(options.cases_per_account):
            opener.open_case()
        opened.setdefault(account.agency, []).extend(opener.writes.cases)
        writes.add(opener.writes)
    every_case = sorted(writes.cases)
    users = []
    for number in range(options.users):
        account = accounts[number % len(accounts)]
        user = User(Browser(HOST, options.port), account.email, password, run_id, number, number)
        user.case_ids = every_case if account.role == "asb-lead" else opened[account.agency]
        users.append(user)
    return users, writes


# The report --------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def percentile(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def requests_table(samples: list[Sample]) -> list[str]:
    kinds = [k for k in KIND_ORDER if any(s.kind == k for s in samples)]
    kinds += sorted({s.kind for s in samples} - set(kinds))
    lines = [
        "| Request | Count | Errors | p50 | p95 | Answers |",
        "|---|---|---|---|---|---|",
    ]
    for kind in [*kinds, "all"]:
        chosen = [s for s in samples if kind in {"all", s.kind}]
        times = sorted(s.seconds for s in chosen)
        statuses = Counter(s.status for s in chosen)
        errors = sum(n for status, n in statuses.items() if status == NO_ANSWER or status >= 400)
        answers = ", ".join(
            f"{'no answer' if status == NO_ANSWER else status}: {n:,}"
            for status, n in sorted(statuses.items())
        )
        name = "**all**" if kind == "all" else kind
        lines.append(
            f"| {name} | {len(chosen):,} | {errors:,} | {ms(percentile(times, 50))} | "
            f"{ms(percentile(times, 95))} | {answers} |"
        )
    return lines


def writes_table(writes: list[WriteCount]) -> list[str]:
    lines = [
        "| Write | Acknowledged (302 to the record) | In the database | Missing | "
        "Saved but not acknowledged |",
        "|---|---|---|---|---|",
    ]
    for count in writes:
        lines.append(
            f"| {count.kind} | {count.acknowledged:,} | {count.found:,} | {count.missing:,} | "
            f"{count.unacknowledged:,} |"
        )
    return lines


def summary_lines(result: Result) -> list[str]:
    o, fault = result.options, result.fault
    total = len(result.samples)
    shown_again = sum(1 for s in result.samples if s.kind in WRITE_KINDS and s.status == 200)
    replaced = (
        f"gunicorn had started worker {fault.replacement} {fault.replaced_after:.1f} s later"
        if fault.replaced_after is not None
        else "gunicorn had not replaced it 30 s later"
    )
    return [
        f"- {o.users} users signed in as {o.accounts} accounts (officers, managers and an ASB "
        f"lead of five agencies), {o.workers} gunicorn sync workers, PostgreSQL "
        f"{result.postgres_version}; {total:,} requests in {result.elapsed:.1f} s "
        f"({total / result.elapsed:,.1f} a second).",
        f"- Worker {fault.pid} was killed with SIGKILL at {fault.at:.1f} s; {replaced}.",
        f"- Writes answered with their form again, nothing saved: {shown_again:,} "
        f"({result.stale:,} saying the case changed since it was opened). Writes that got no "
        f"answer: {result.unanswered_writes:,}.",
        f"- Load average (1 min) before and after: {result.load_average[0]:.2f}, "
        f"{result.load_average[1]:.2f}.",
        f"- Writes: {result.verdict}.",
    ]


def argon2_table(rows: list[tuple[str, float, float]]) -> list[str]:
    from asb.auth.passwords import ARGON2_PARAMETERS

    current = (
        ARGON2_PARAMETERS["time_cost"],
        ARGON2_PARAMETERS["memory_cost"],
        ARGON2_PARAMETERS["parallelism"],
    )
    lines = ["| Argon2id parameters | Time per hash | CPU time per hash |", "|---|---|---|"]
    for (label, wall, cpu), (_, *parameters) in zip(rows, ARGON2_ROWS, strict=True):
        if tuple(parameters) == current:
            label = f"**{label} (asb's)**"
        lines.append(f"| {label} | {wall:,.0f} ms | {cpu:,.0f} ms |")
    return lines


def report(result: Result) -> str:
    return "\n".join(
        [
            *summary_lines(result),
            "",
            *requests_table(result.samples),
            "",
            *writes_table(result.writes),
            *(["", *argon2_table(result.argon2)] if result.argon2 else []),
        ]
    )


def write_docs(result: Result, command: str) -> None:
    from bench.run import machine

    info = machine(result.postgres_version)
    section = "\n".join(
        [
            START_MARKER,
            "",
            f"Measured {datetime.now(UTC):%d %B %Y %H:%M} UTC with `{command}` on "
            f"{info['CPUs (nproc)']} CPUs ({info['CPU model']}), Python {info['Python']}.",
            "",
            report(result),
            "",
            END_MARKER,
        ]
    )
    text = DOCS.read_text(encoding="utf-8")
    if START_MARKER in text and END_MARKER in text:
        before, rest = text.split(START_MARKER, 1)
        text = before + section + rest.split(END_MARKER, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Load and faults\n\n" + section + "\n"
    DOCS.write_text(text, encoding="utf-8")
    print(f"Wrote the figures to {DOCS.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    defaults = Options()
    parser = argparse.ArgumentParser(
        prog="python -m bench.loadtest", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--users", type=int, default=defaults.users)
    parser.add_argument("--seconds", type=float, default=defaults.seconds)
    parser.add_argument("--accounts", type=int, default=defaults.accounts)
    parser.add_argument("--workers", type=int, default=defaults.workers)
    parser.add_argument("--port", type=int, default=defaults.port)
    parser.add_argument(
        "--database", default=os.environ.get("ASB_LOADTEST_DATABASE", defaults.database)
    )
    parser.add_argument(
        "--server",
        default=os.environ.get("ASB_LOADTEST_SERVER", defaults.server),
        help="the PostgreSQL server, as a URL without a database name",
    )
    parser.add_argument("--kill-at", type=float, help="seconds into the run (default: half)")
    parser.add_argument("--no-demo-data", action="store_true", help="skip asb seed-demo")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--no-docs", action="store_true", help="do not touch the docs")
    args = parser.parse_args(argv)
    options = Options(
        users=args.users,
        seconds=args.seconds,
        accounts=min(args.accounts, args.users),
        workers=args.workers,
        port=args.port,
        database=args.database,
        server=args.server,
        kill_at=args.kill_at,
        demo_data=not args.no_demo_data,
        keep=args.keep,
    )
    try:
        result = run(options)
    except BenchError as error:
        print(f"Load test stopped: {error}", file=sys.stderr)
        return 2
    print()
    print(report(result))
    if not args.no_docs:
        given = " ".join(argv if argv is not None else sys.argv[1:])
        if os.environ.get("MAKELEVEL"):
            command = f'make loadtest LOADTEST_ARGS="{given}"' if given else "make loadtest"
        else:
            command = f"python -m bench.loadtest {given}".strip()
        write_docs(result, command)
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
