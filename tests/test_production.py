"""Production started as an operator starts it, and every start-up problem as one line.

The servers and commands run in subprocesses that get only environment variables, as the
README's Production section sets them: `flask --app wsgi db upgrade`, `flask --app wsgi asb
create-user`, then gunicorn with the command `make serve` runs. On PostgreSQL runs
(TEST_DATABASE_URL) the database is a scratch PostgreSQL database of this module's own.

Production cookies are Secure `__Host-` cookies and the app trusts no proxy headers itself:
the test plays the TLS proxy in front of gunicorn, as the README describes, sending
X-Forwarded-Proto (gunicorn trusts it from 127.0.0.1) and carrying the cookies back itself,
which an HTTP client would not do for Secure cookies over plain http.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shlex
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

import config
from asb import create_app
from asb.extensions import db
from asb.startup import check_database, code_heads
from config import StartupError
from tests.conftest import POSTGRES, scratch_database_url

ROOT = Path(__file__).resolve().parent.parent
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]
PORTS = range(5101, 5110)
PASSWORD = secrets.token_urlsafe(18)
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def operator_url(url: str) -> str:
    """The URL as the README writes it (postgresql://), not the driver-qualified test form."""
    parsed = sa.engine.make_url(url)
    return parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=False)


def production_env(database_url: str, **overrides: str | None) -> dict[str, str]:
    env = {
        "PATH": os.environ["PATH"],
        "ASB_CONFIG": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url,
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def flask(env: dict[str, str], *args: str, stdin: str | None = None):
    return subprocess.run(
        [*FLASK, *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=180
    )


def serve_command(port: int) -> list[str]:
    """The command `make serve` runs (`-o setup`: the test run has already set up)."""
    make = ["make", "--no-print-directory", "-n", "-o", "setup", "serve"]
    shown = subprocess.run(
        [*make, f"BIND=127.0.0.1:{port}", "WORKERS=2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert "\n" not in shown, shown
    return shlex.split(shown)


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.fail(f"no free port in {PORTS}")


def one_line_failure(result) -> str:
    """Assert the process failed with exactly one line of output, and return that line."""
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert result.returncode != 0, lines
    assert "Traceback" not in result.stderr, result.stderr
    assert len(lines) == 1, lines
    assert lines[0].startswith("asb cannot start: "), lines
    return lines[0]


class Proxy:
    """An HTTP client in the place of the TLS proxy: it forwards the scheme and keeps cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    def request(self, method: str, path: str, form: dict[str, str] | None = None):
        headers = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(header)
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return response.status, response.headers, text


@contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[Proxy]:
    port = free_port()
    with log.open("w") as output:
        server = subprocess.Popen(
            serve_command(port),
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        proxy = Proxy(port)
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text()
            try:
                if proxy.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        yield proxy
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@contextmanager
def database_outage(url: str) -> Iterator[None]:
    """Really take the database away from the running server, then give it back."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database)
        shared_index = path.with_name(f"{path.name}-shm")

        def invalidate_shared_index() -> None:
            """Zero the WAL index, so every connection reads the file afresh, not its cache."""
            if shared_index.exists():
                shared_index.write_bytes(bytes(shared_index.stat().st_size))

        connection = sqlite3.connect(path)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything into the file
        connection.close()
        saved = path.read_bytes()
        path.write_bytes(b"this is not a database " * 4096)
        invalidate_shared_index()
        try:
            yield
        finally:
            path.write_bytes(saved)
            invalidate_shared_index()
        return
    admin = sa.create_engine(
        sa.engine.make_url(config.database_url(url)).set(database="postgres"),
        isolation_level="AUTOCOMMIT",
    )
    name = parsed.database
    with admin.connect() as connection:
        connection.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        connection.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
    try:
        yield
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()


def test_production_starts_as_the_readme_says(tmp_path):
    url = operator_url(scratch_database_url("production", tmp_path))
    env = production_env(url)
    assert len(env["SECRET_KEY"]) == 64

    def create_user():
        return flask(
            env,
            "asb",
            "create-user",
            "--email=olive.officer@example.test",
            "--name=Olive Officer",
            "--agency=housing",
            "--role=officer",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )

    # A database behind the code stops everything but `flask db upgrade`, in one line.
    too_early = one_line_failure(create_user())
    assert "has no tables yet: run `flask --app wsgi db upgrade`" in too_early
    upgraded = flask(env, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    created = create_user()
    assert created.returncode == 0, created.stderr

    with gunicorn(env, tmp_path / "gunicorn.log") as proxy:
        status, _, body = proxy.request("GET", "/healthz")
        assert (status, json.loads(body)) == (
            200,
            {
                "status": "ok",
                "database": "ok",
                "migrations": "ok",
                "boundaries": "ok",
                "settings": "ok",
            },
        )

        status, headers, page = proxy.request("GET", "/sign-in")
        assert status == 200
        assert headers["Strict-Transport-Security"].startswith("max-age=")
        token = _CSRF.search(page).group(1)
        status, headers, _ = proxy.request(
            "POST",
            "/sign-in",
            {"csrf_token": token, "email": "olive.officer@example.test", "password": PASSWORD},
        )
        assert (status, headers["Location"]) == (302, "/")
        session_cookie = proxy.set_cookie_headers[-1]
        assert session_cookie.startswith("__Host-asb_session=")
        assert "Secure" in session_cookie and "HttpOnly" in session_cookie
        status, _, home = proxy.request("GET", "/")
        assert status == 200
        assert "Olive Officer" in home

        with database_outage(url):
            status, _, page = proxy.request("GET", "/")
            assert status == 500
            assert "Sorry, there is a problem with the service" in page
            assert "City of London" in page  # the branded page, not gunicorn's bare one
            assert "Olive Officer" not in page  # drawn without the account header
            for leak in ("Traceback", "Internal Server Error", "sqlalchemy", "psycopg"):
                assert leak not in page
            status, _, body = Proxy(proxy.port).request("GET", "/healthz")  # as a monitor
            assert status == 503
            assert json.loads(body)["database"] == "unavailable"

        # The database is back: the same session carries on.
        status, _, home = proxy.request("GET", "/")
        assert status == 200
        assert "Olive Officer" in home


def _scratch(tmp_path) -> str:
    return operator_url(scratch_database_url("production_failures", tmp_path))


def _absent_database(tmp_path) -> str:
    if not POSTGRES:
        return f"sqlite:///{tmp_path / 'no-such-directory' / 'asb.sqlite3'}"
    url = sa.engine.make_url(_scratch(tmp_path))
    return url.set(database=f"{url.database}_absent").render_as_string(hide_password=False)


def _write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# (how it is started, the database, what else is wrong, what the line must say)
FAILURES = {
    "no secret key": ("flask", _scratch, {"SECRET_KEY": None}, "SECRET_KEY is missing"),
    "short secret key": ("gunicorn", _scratch, {"SECRET_KEY": "x" * 31}, "SECRET_KEY"),
    "no database url": ("flask", None, {}, "DATABASE_URL is missing"),
    "database url of no known kind": (
        "flask",
        lambda tmp_path: "postgress://asb@db.internal/asb",
        {},
        "DATABASE_URL is not a database asb can use",
    ),
    "database does not exist": ("gunicorn", _absent_database, {}, "cannot use the database"),
    "database unreachable": (
        "flask",
        lambda tmp_path: "postgresql://asb@127.0.0.1:1/asb",
        {},
        "cannot use the database postgresql://asb@127.0.0.1:1/asb",
    ),
    "no ward boundaries": (
        "gunicorn",
        _scratch,
        {"ASB_WARD_BOUNDARIES": "/nonexistent/wards.geojson"},
        "ASB_WARD_BOUNDARIES: cannot read /nonexistent/wards.geojson (No such file or directory)",
    ),
    "risk matrix not JSON": (
        "flask",
        _scratch,
        {"ASB_RISK_MATRIX": lambda tmp_path: _write(tmp_path, "risk.json", "{matrices:")},
        "ASB_RISK_MATRIX: ",
    ),
    "bank holidays without events": (
        "gunicorn",
        _scratch,
        {"ASB_BANK_HOLIDAYS": lambda tmp_path: _write(tmp_path, "holidays.json", "{}")},
        "ASB_BANK_HOLIDAYS: ",
    ),
    "a setting that is not a number": (
        "flask",
        _scratch,
        {"ASB_SESSION_IDLE_MINUTES": "thirty"},
        "ASB_SESSION_IDLE_MINUTES must be a whole number, not 'thirty'",
    ),
    "unknown configuration": ("flask", _scratch, {"ASB_CONFIG": "prod"}, "ASB_CONFIG is 'prod'"),
}


@pytest.mark.parametrize(("entry", "database", "settings", "says"), FAILURES.values(), ids=FAILURES)
def test_start_up_problem_is_one_line_and_a_failure(tmp_path, entry, database, settings, says):
    env = production_env(
        database(tmp_path) if database else None,
        **{name: value(tmp_path) if callable(value) else value for name, value in settings.items()},
    )
    if entry == "flask":
        result = flask(env, "db", "upgrade")
    else:
        result = subprocess.run(
            serve_command(free_port()),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert says in one_line_failure(result)


def test_gunicorn_refuses_a_database_behind_the_code(tmp_path):
    env = production_env(_scratch(tmp_path))
    result = subprocess.run(
        serve_command(free_port()), cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert "has no tables yet: run `flask --app wsgi db upgrade`" in one_line_failure(result)


def test_a_database_at_an_older_migration_is_named(tmp_path):
    url = scratch_database_url("production_behind", tmp_path)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        import flask_migrate

        flask_migrate.upgrade(revision="0001")
    with pytest.raises(StartupError, match=r"is at migration 0001, the code at .*db upgrade"):
        check_database(app, require_head=True)
    check_database(app, require_head=False)  # `flask db upgrade` may run on it
    with app.app_context():
        flask_migrate.upgrade()
    check_database(app, require_head=True)
    assert code_heads()
    with app.app_context():
        db.engine.dispose()


def _geojson(*properties: dict) -> str:
    square = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [0, 0]]]}
    features = [{"type": "Feature", "properties": p, "geometry": square} for p in properties]
    return json.dumps({"type": "FeatureCollection", "features": features})


# setting -> (file contents, what the message must say besides the setting and the file)
BAD_FILES = {
    "ASB_AREA_BOUNDARY": ('{"type": "Feature"}', "must be a GeoJSON FeatureCollection"),
    "ASB_WARD_BOUNDARIES": (_geojson({"name": "Aldersgate"}), 'feature 1 has no "code" property'),
    "ASB_RISK_MATRIX": ('{"matrices": {}}', 'needs a "matrices" list'),
    "ASB_RESPONSE_TARGETS": ('{"levels": {"high": {}}}', '"levels" with targets for exactly'),
    "ASB_BANK_HOLIDAYS": ('{"division": "england-and-wales"}', "missing 'events'"),
    "ASB_INTERVENTION_RULES": ("[]", 'an object with a "rules" list'),
    "ASB_CASE_REVIEW_CONFIG": ('{"threshold": {}, "deadlines": {}}', "threshold needs exactly"),
    "ASB_WARD_POPULATION": (
        '{"wards": {"E05009288": {"residents": "many", "daytime_population": 1}}}',
        'ward E05009288 needs "residents" as a whole number',
    ),
    "ASB_DUPLICATE_RULES": (
        '{"same_category": {"distance_metres": 100, "window_hours": 0}, '
        '"same_reporter": {"distance_metres": 100, "window_days": 7}}',
        "same_category window_hours is 0",
    ),
}


@pytest.mark.parametrize(("setting", "contents", "says"), [(k, *v) for k, v in BAD_FILES.items()])
def test_every_settings_file_is_checked_when_the_app_is_created(
    tmp_path, database_url, setting, contents, says
):
    path = tmp_path / "settings.json"
    path.write_text(contents)
    with pytest.raises(StartupError) as refused:
        create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, setting: str(path)})
    message = str(refused.value)
    assert message.startswith(f"{setting}: ")
    assert str(path) in message
    assert says in message
    assert "\n" not in message


@pytest.mark.parametrize("setting", BAD_FILES)
def test_a_missing_settings_file_is_named(tmp_path, database_url, setting):
    missing = tmp_path / "missing.json"
    with pytest.raises(StartupError, match=f"^{setting}: cannot read {missing} \\(No such file"):
        create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, setting: str(missing)})
