"""Guesses sent at once: the lock-out and the limits hold, however many arrive together.

asb runs in gunicorn (two workers, eight threads each) in a subprocess, on its own database
of the kind under test; each guess is an HTTP client in its own thread, all released at the
same moment. asb believes X-Forwarded-For here (ASB_TRUSTED_PROXIES=1), so each guess comes
from an address of its own and only the per-account limits stand in its way. The services
are also raced directly, each thread with its own database connection.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import select

from asb import create_app, rate_limits
from asb.audit.models import AuditEvent
from asb.auth import services
from asb.auth.models import User
from asb.extensions import db
from tests.conftest import scratch_database_url
from tests.factories import TEST_PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]
PORTS = range(5151, 5160)
WRONG_PASSWORD = "not the password"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Guesser:
    """One client: its own cookies, CSRF token and address."""

    def __init__(self, base_url: str, address: str) -> None:
        self.base_url, self.address = base_url, address
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirects()
        )
        self._token = _CSRF.search(self._open("/sign-in")[1]).group(1)

    def _open(self, path: str, fields: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(fields).encode() if fields is not None else None
        request = urllib.request.Request(  # noqa: S310 - our own server, over http
            self.base_url + path, data=body, headers={"X-Forwarded-For": self.address}
        )
        try:
            with self._opener.open(request, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, email: str, password: str) -> int:
        fields = {"csrf_token": self._token, "email": email, "password": password}
        return self._open("/sign-in", fields)[0]


@dataclass
class Server:
    url: str
    app: Flask
    addresses: Iterator[str]

    def guessers(self, count: int) -> list[Guesser]:
        return [Guesser(self.url, next(self.addresses)) for _ in range(count)]


def _addresses() -> Iterator[str]:
    for third in range(256):
        for fourth in range(1, 255):
            yield f"10.{third}.{fourth}.1"


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"every port in {PORTS} is taken")


def _wait_until_up(base_url: str, process: subprocess.Popen, log: Path) -> None:
    """Wait for this gunicorn to listen (not whatever else held the port) and answer."""
    listening = f"Listening at: {base_url} ({process.pid})"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {log.read_text()}")
        if listening in log.read_text():
            try:
                with urllib.request.urlopen(base_url + "/healthz", timeout=10):  # noqa: S310
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within a minute")


def _migrated_app(name: str, tmp_path_factory, **overrides) -> Flask:
    url = scratch_database_url(name, tmp_path_factory.mktemp(name))
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, **overrides})
    with app.app_context():
        flask_migrate.upgrade()
    return app


def _add_user(app: Flask, email: str) -> None:
    with app.app_context():
        UserFactory(email=email)
        db.session.commit()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    app = _migrated_app("sign_in_guesses", tmp_path_factory)
    log = tmp_path_factory.mktemp("sign_in_guesses_log") / "gunicorn.log"
    environment = {
        **os.environ,
        "ASB_CONFIG": "development",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "sign-in-guesses-" + "x" * 32,
        "ASB_MAP_TILE_URL": "",
        "ASB_TRUSTED_PROXIES": "1",
    }
    port = _free_port()
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "8"]
    process = subprocess.Popen(
        [*gunicorn, "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, process, log)
        yield Server(base_url, app, _addresses())
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with app.app_context():
            db.engine.dispose()


def at_once(guessers: list[Guesser], email: str, passwords: list[str]) -> list[int]:
    barrier = threading.Barrier(len(guessers))

    def send(guesser: Guesser, password: str) -> int:
        barrier.wait()
        return guesser.sign_in(email, password)

    with ThreadPoolExecutor(len(guessers)) as pool:
        return list(pool.map(send, guessers, passwords))


def outcomes(app: Flask, email: str) -> Counter[str]:
    """How each sign-in at the address ended, from the audit trail."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        events = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "auth.sign-in", AuditEvent.actor_id == user.id
            )
        )
        return Counter(event.outcome for event in events)


def test_forty_guesses_at_once_check_no_more_passwords_than_the_lock_allows(server):
    email = "forty.guesses@example.test"
    _add_user(server.app, email)
    lock_after = server.app.config["LOGIN_LOCK_AFTER"]

    statuses = at_once(server.guessers(40), email, [WRONG_PASSWORD] * 40)

    assert Counter(statuses) == {
        200: server.app.config["SIGN_IN_LIMIT_PER_ACCOUNT"],
        429: 40 - server.app.config["SIGN_IN_LIMIT_PER_ACCOUNT"],
    }
    assert outcomes(server.app, email)["failure"] == lock_after
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.locked_until is not None
    # The right password, from yet another address, is refused now.
    assert server.guessers(1)[0].sign_in(email, TEST_PASSWORD) != 302
    assert outcomes(server.app, email)["success"] == 0


def test_twelve_wrong_and_one_right_at_once_check_at_most_the_lock_allows(server):
    email = "twelve.and.one@example.test"
    _add_user(server.app, email)

    statuses = at_once(server.guessers(13), email, [WRONG_PASSWORD] * 12 + [TEST_PASSWORD])

    checked = outcomes(server.app, email)
    # Past the per-account limit, less the attempt a success gives back.
    limited = 13 - server.app.config["SIGN_IN_LIMIT_PER_ACCOUNT"]
    assert statuses.count(429) >= limited - checked["success"]
    assert checked["failure"] + checked["success"] <= server.app.config["LOGIN_LOCK_AFTER"]
    assert statuses.count(302) == checked["success"] <= 1


@pytest.fixture(scope="module")
def raced_app(tmp_path_factory) -> Iterator[Flask]:
    """For threads calling the services: no per-account limit in the way of the lock's count."""
    app = _migrated_app("sign_in_race", tmp_path_factory, SIGN_IN_LIMIT_PER_ACCOUNT=1000)
    yield app
    with app.app_context():
        db.engine.dispose()


def in_threads(app: Flask, count: int, work: Callable[[int], object]) -> Counter:
    """Run work(0) ... work(count - 1) at once, each thread with its own connection."""
    barrier = threading.Barrier(count)

    def run(number: int) -> object:
        with app.app_context():
            barrier.wait()
            try:
                return work(number)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(count) as pool:
        return Counter(pool.map(run, range(count)))


def test_simultaneous_attempts_through_the_service_lock_at_the_limit(raced_app):
    email = "service.guesses@example.test"
    _add_user(raced_app, email)

    def guess(number: int) -> services.SignInRefusal | None:
        attempt = services.start_sign_in(email, f"192.0.2.{number}")
        db.session.commit()
        services.finish_sign_in(attempt, WRONG_PASSWORD)
        db.session.commit()
        return attempt.refusal

    refusals = in_threads(raced_app, 30, guess)

    lock_after = raced_app.config["LOGIN_LOCK_AFTER"]
    assert refusals == {None: lock_after, services.SignInRefusal.LOCKED: 30 - lock_after}
    assert outcomes(raced_app, email)["failure"] == lock_after


def test_a_rate_limit_lets_exactly_its_number_through_at_once(raced_app):
    limit = rate_limits.Limit("test:race", attempts=10, period=timedelta(minutes=5))

    def hit(_: int) -> bool:
        verdict = rate_limits.hit(limit, "203.0.113.1")
        db.session.commit()
        return verdict.allowed

    assert in_threads(raced_app, 40, hit) == {True: 10, False: 30}
