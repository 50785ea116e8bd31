"""Reports are limited per address, counted in the database that every worker shares."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from asb import create_app
from asb.extensions import db
from asb.models import PublicReport
from tests.conftest import CheckedClient
from tests.helpers import visible_text
from tests.public_reports.helpers import answers

LIMIT = 3


@pytest.fixture
def limited(app: Flask, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_REPORT_LIMIT_PER_ADDRESS", LIMIT)


@pytest.fixture
def second_app(app: Flask, db_session, database_url: str) -> Iterator[Flask]:
    """Another instance of asb (another worker or server) on the same database: it joins
    the test's transaction, as the first does."""
    other = create_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": database_url, "PUBLIC_REPORT_LIMIT_PER_ADDRESS": LIMIT},
    )
    other.test_client_class = CheckedClient
    with app.app_context():
        connection = db.engines[None]
    with other.app_context():
        engines = db.engines
        own_engine = engines[None]
        engines[None] = connection
    yield other
    with other.app_context():
        db.engines[None] = own_engine
        own_engine.dispose()


def send(client, address: str):
    for page, data in answers().items():
        assert client.post(f"/report/{page}", data=data).status_code == 302
    return client.post("/report/check", data={}, environ_base={"REMOTE_ADDR": address})


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(PublicReport))


def test_reports_past_the_limit_from_one_address_are_refused_on_any_instance(
    app, limited, second_app
):
    first, second = app.test_client(), second_app.test_client()
    assert send(first, "198.51.100.4").status_code == 302
    assert send(second, "198.51.100.4").status_code == 302
    assert send(first, "198.51.100.4").status_code == 302
    refused = send(second, "198.51.100.4")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert "Too many reports from your connection" in visible_text(refused)
    assert "Try again later" in visible_text(refused)
    refused_again = send(first, "198.51.100.4")
    assert refused_again.status_code == 429
    with app.app_context():
        assert _count() == LIMIT
    # Another address is not held back, and the refused reporter's answers are kept.
    assert send(first, "203.0.113.8").status_code == 302
    assert second.get("/report/check").status_code == 200
