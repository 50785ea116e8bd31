"""The load test's world: a database of its own, set up as an operator would, and gunicorn.

See bench/loadtest.py, which runs the users against it.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench.loadclient import Browser
from bench.scratch import BenchError, ScratchDatabase

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DATABASE_MARK = "asb load test scratch database: bench/loadtest.py may drop it"
HOST = "127.0.0.1"
EMAIL_DOMAIN = "loadtest.example"
# Officers and managers of the partnership agencies, and an ASB lead, in turn.
ACCOUNT_MIX = (
    ("housing", "officer"),
    ("barbican", "officer"),
    ("street-enforcement", "officer"),
    ("mcp", "officer"),
    ("community-safety", "officer"),
    ("housing", "manager"),
    ("barbican", "manager"),
    ("street-enforcement", "manager"),
    ("community-safety", "asb-lead"),
    ("mcp", "manager"),
)


class LoadTestError(BenchError):
    """A reason the load test cannot run, said in one line."""


def load_test_database(server: str, name: str) -> ScratchDatabase:
    return ScratchDatabase(server, name, DATABASE_MARK)


# Setting up as an operator would -----------------------------------------------------------


@dataclass(frozen=True)
class Account:
    email: str
    agency: str
    role: str


def production_environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "ASB_CONFIG": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url,
        "ASB_DEMO_PASSWORD": secrets.token_urlsafe(18),
    }


def flask(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    done = subprocess.run(  # noqa: S603 - our own virtualenv's flask, fixed arguments
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines() or ["(no output)"]
        raise LoadTestError(f"flask {' '.join(args)} failed: {lines[-1]}")


def set_up(env: dict[str, str], accounts: int, password: str, demo_data: bool) -> list[Account]:
    flask(env, "db", "upgrade")
    if demo_data:
        flask(env, "asb", "seed-demo")
    made = [
        Account(f"user{n:02d}@{EMAIL_DOMAIN}", *ACCOUNT_MIX[n % len(ACCOUNT_MIX)])
        for n in range(accounts)
    ]
    # Each command starts the app (about 4 s): two at a time, one per core.
    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [
            pool.submit(
                flask,
                env,
                "asb",
                "create-user",
                f"--email={account.email}",
                f"--name=Load Test {n:02d}",
                f"--agency={account.agency}",
                f"--role={account.role}",
                "--password-stdin",
                stdin=password + "\n",
            )
            for n, account in enumerate(made)
        ]:
            future.result()
    return made


# The server --------------------------------------------------------------------------------


class Server:
    """gunicorn as `make serve` starts it (gunicorn.conf.py), logging to a file."""

    def __init__(
        self, env: dict[str, str], port: int, workers: int, log: Path, app: str = "wsgi:app"
    ):
        self.env, self.port, self.workers, self.log, self.app = env, port, workers, log, app
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own virtualenv's gunicorn
                [
                    str(BIN / "gunicorn"),
                    "--config=gunicorn.conf.py",
                    f"--workers={self.workers}",
                    f"--bind={HOST}:{self.port}",
                    "--access-logfile=-",
                    self.app,
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_until_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_until_ready(self, timeout: float = 90) -> None:
        browser = Browser(HOST, self.port, timeout=5)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LoadTestError(f"gunicorn stopped at start-up: {self.log_tail()}")
            if browser.get("health", "/healthz").status == 200 and len(self.worker_pids()) == (
                self.workers
            ):
                return
            time.sleep(0.5)
        raise LoadTestError(f"gunicorn did not answer /healthz in {timeout:.0f} s")

    def log_tail(self) -> str:
        lines = self.log.read_text(errors="replace").strip().splitlines()
        return lines[-1] if lines else "(nothing logged)"

    def worker_pids(self) -> set[int]:
        """The master's children, read from /proc (Linux)."""
        pids = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == self.process.pid:
                pids.add(int(stat.parent.name))
        return pids

    def __exit__(self, *exc) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Fault:
    pid: int = 0
    at: float = 0.0
    replacement: int = 0
    replaced_after: float | None = None


def kill_one_worker(server: Server, started: float, at: float, fault: Fault) -> None:
    time.sleep(max(0.0, started + at - time.monotonic()))
    before = server.worker_pids()
    fault.pid = min(before)
    os.kill(fault.pid, signal.SIGKILL)
    fault.at = time.monotonic() - started
    killed = time.monotonic()
    while time.monotonic() - killed < 30:
        now = server.worker_pids()
        if fault.pid not in now and len(now) == server.workers:
            fault.replacement = next(iter(now - before))
            fault.replaced_after = time.monotonic() - killed
            return
        time.sleep(0.05)
