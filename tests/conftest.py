"""Fixtures: one migrated database per run, and a rolled-back transaction per test."""

from __future__ import annotations

import functools
import gzip
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask, g, request_started
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from asb import create_app
from asb.auth import passwords
from asb.auth.models import Role
from asb.extensions import db
from asb.models import Case, User
from asb.submissions import new_key
from tests import factories
from tests.factories import TEST_PASSWORD

POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


@functools.cache
def _launches_chromium(module: Path) -> bool:
    return "sync_playwright" in module.read_text(encoding="utf-8")


def drives_chromium(item: pytest.Item) -> bool:
    """Whether the test uses the `browser` fixture or its module starts Playwright itself."""
    return "browser" in getattr(item, "fixturenames", ()) or _launches_chromium(item.path)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that drives Chromium `browser`, so `make test-fast` leaves it out
    even when its module forgot `pytestmark = pytest.mark.browser` (tryfirst: before -m)."""
    for item in items:
        if drives_chromium(item):
            item.add_marker(pytest.mark.browser)


def reset_database(url: str) -> None:
    """Start from an empty database, so the run also proves the migrations from scratch."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def scratch_database_url(name: str, tmp_dir) -> str:
    """An empty database of the kind under test, apart from the main test database.

    For tests that need their own committed data or schema (migrations run down and up,
    the live server behind browser tests). On PostgreSQL it is created beside the test
    database, as <test database>_<name>.
    """
    from config import TestConfig

    if not POSTGRES:
        return f"sqlite:///{tmp_dir / f'asb-{name}.sqlite3'}"
    url = sa.engine.make_url(TestConfig.SQLALCHEMY_DATABASE_URI)
    scratch = url.set(database=f"{url.database}_{name}")
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
            {"name": scratch.database},
        )
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{scratch.database}"'))
    admin.dispose()
    reset_database(scratch.render_as_string(hide_password=False))
    return scratch.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    from config import TestConfig

    if POSTGRES:
        return TestConfig.SQLALCHEMY_DATABASE_URI
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'asb-test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    reset_database(database_url)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    app.test_client_class = CheckedClient
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def db_session(app: Flask) -> Iterator:
    """Run the test inside a transaction that is rolled back afterwards.

    Requests made by the test client commit as usual; those commits become savepoints
    inside this outer transaction, so nothing outlives the test.
    """
    with app.app_context():
        engines = db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection
        original_session = db.session
        db.session = db._make_scoped_session({"join_transaction_mode": "create_savepoint"})
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original_session
            engines[None] = engine
            transaction.rollback()
            connection.close()


@pytest.fixture(autouse=True)
def fresh_request_globals(app: Flask) -> Iterator[None]:
    """Give each request its own g, as a server does.

    Requests in a test reuse the app context that db_session keeps open, so without this
    g (Flask-Login's current user, the CSP nonce) would carry over from one request, or one
    client, to the next.
    """

    def clear(sender, **extra):
        g.__dict__.clear()

    request_started.connect(clear, app)
    yield
    request_started.disconnect(clear, app)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch) -> None:
    """Hash with the cheapest Argon2 settings: the defaults take most of a second a time."""
    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", fast)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", fast.hash("no account has this password"))


@pytest.fixture
def make_user(db_session) -> Callable[..., User]:
    """factories.make_user, committed, with a password (TEST_PASSWORD) quick to check."""

    def make(role: Role | str = Role.OFFICER, agency_code: str = "housing", **fields) -> User:
        fields.setdefault("password_hash", passwords.hash_password(TEST_PASSWORD))
        user = factories.make_user(role, agency_code, **fields)
        db.session.commit()
        return user

    return make


@pytest.fixture
def lead(make_user) -> User:
    """The ASB lead (Community Safety), saved, not signed in."""
    return make_user(Role.ASB_LEAD, "community-safety")


@pytest.fixture
def make_case(db_session) -> Callable[..., Case]:
    """factories.make_case, committed (inside the test's transaction)."""

    def make(lead: str = "housing", actor: User | None = None, **fields) -> Case:
        case = factories.make_case(lead, actor, **fields)
        db.session.commit()
        return case

    return make


@pytest.fixture
def client(app: Flask, db_session) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def login_as(client: FlaskClient):
    """Sign the test client in as a new user with the role and agency given."""

    def login(role: Role | str = Role.OFFICER, agency_code: str = "housing", **fields) -> User:
        role = Role(role)
        if role is Role.PARTNER and agency_code == "housing":
            agency_code = "city-police"
        user = factories.make_user(role, agency_code, **fields)
        db.session.commit()
        sign_in_session(client, user)
        return user

    return login


def sign_in_session(client: FlaskClient, user: User) -> None:
    """Put a signed-in session in the client's cookie, as the sign-in pages would after both
    steps (the password, and the second factor where the user has or needs one)."""
    from asb.database import utcnow

    now = utcnow().timestamp()
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session["asb_generation"] = user.session_generation
        session["asb_signed_in_at"] = now
        session["asb_seen_at"] = now
        session["asb_second_factor"] = True


def awaiting_second_factor_session(client: FlaskClient, user: User) -> None:
    """Put in the client's cookie the state the sign-in page leaves when the password was right
    and the second factor is awaited (the user is not signed in)."""
    from asb.database import utcnow

    with client.session_transaction() as session:
        session.clear()
        session["asb_awaiting_second_factor"] = {
            "user": user.id,
            "generation": user.session_generation,
            "since": utcnow().timestamp(),
            "next": None,
        }


_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S)
_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
_TAGS = re.compile(r"<[^>]+>")


def _text(html: str) -> str:
    return " ".join(_TAGS.sub(" ", html).split())


def check_page(html: str, *, csrf_expected: bool) -> None:
    """Every page: one h1, a title that starts with it, forms with actions (and CSRF tokens)."""
    headings = _H1.findall(html)
    assert len(headings) == 1, f"expected one <h1>, found {len(headings)}"
    title = _text(_TITLE.search(html).group(1)).removeprefix("Error: ")
    heading = _text(headings[0])
    assert title.startswith(heading), f"title {title!r} does not start with h1 {heading!r}"
    for attributes, body in _FORM.findall(html):
        assert "action=" in attributes, "a form has no action"
        if csrf_expected and 'method="post"' in attributes:
            assert 'name="csrf_token"' in body, "a POST form has no CSRF token"


class CheckedClient(FlaskClient):
    """A test client that runs the page check on every HTML page it receives.

    Like a browser, it sends a form's one-time submission key with each form it posts: a
    new key for each POST, as if the form had just been drawn, unless the test gives one.
    Set send_submission_keys to False to post a form without a key.
    """

    send_submission_keys = True

    def open(self, *args, **kwargs):
        if self.send_submission_keys and kwargs.get("method") == "POST":
            kwargs["data"] = with_submission_key(kwargs.get("data"))
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and response.status_code != 302:
            body = response.get_data()
            if response.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            check_page(
                body.decode(),
                csrf_expected=self.application.config.get("WTF_CSRF_ENABLED", True),
            )
        return response


def with_submission_key(data):
    """The form data with a fresh one-time submission key, unless it has one already."""
    if isinstance(data, MultiDict):
        data = data.copy()
        data.setdefault("submission_key", new_key())
        return data
    if isinstance(data, dict):
        return {"submission_key": new_key(), **data}
    return data
