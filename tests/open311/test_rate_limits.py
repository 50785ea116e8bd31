"""Open311's limits are counted in the database that every worker shares."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from asb import create_app
from asb.extensions import db
from asb.models import PublicReport
from tests.conftest import CheckedClient
from tests.open311.conftest import CITY

LIMITS = {"OPEN311_RATE_LIMIT_PER_KEY": 3, "OPEN311_RATE_LIMIT_PER_ADDRESS": 5}


@pytest.fixture
def two_workers(app: Flask, db_session, database_url: str, monkeypatch) -> Iterator[tuple]:
    """This instance of asb and another (another worker or server) on the same database,
    joining the test's transaction."""
    for name, value in LIMITS.items():
        monkeypatch.setitem(app.config, name, value)
    other = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, **LIMITS})
    other.test_client_class = CheckedClient
    with app.app_context():
        connection = db.engines[None]
    with other.app_context():
        own_engine = db.engines[None]
        db.engines[None] = connection
    yield app.test_client(), other.test_client()
    with other.app_context():
        db.engines[None] = own_engine
        own_engine.dispose()


def _post(client, api_key: str, address: str):
    client.send_submission_keys = False
    data = {
        "api_key": api_key,
        "service_code": "noise",
        "lat": str(CITY[0]),
        "long": str(CITY[1]),
        "description": "Music all night",
    }
    return client.post(
        "/open311/v2/requests.json", data=data, environ_base={"REMOTE_ADDR": address}
    )


def test_a_key_past_its_limit_is_refused_on_any_worker(app, two_workers, make_client):
    first, second = two_workers
    api_key = make_client().api_key
    statuses = [
        _post(worker, api_key, f"192.0.2.{number}").status_code
        for number, worker in enumerate([first, second, first, second], start=1)
    ]
    assert statuses == [200, 200, 200, 429]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PublicReport)) == 3
    assert _post(first, make_client("Another sender").api_key, "192.0.2.9").status_code == 200


def test_an_address_past_its_limit_is_refused_on_any_worker(two_workers):
    first, second = two_workers
    statuses = [
        worker.get("/open311/v2/services.xml", environ_base={"REMOTE_ADDR": "198.51.100.7"})
        for worker in [first, second] * 3
    ]
    assert [response.status_code for response in statuses] == [200] * 5 + [429]
    assert b"<code>429</code>" in statuses[-1].get_data()
