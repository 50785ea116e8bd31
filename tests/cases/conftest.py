"""Fixtures for the case tests: clients signed in as given users, and a request context."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from asb.models import User
from tests.conftest import sign_in_session


@pytest.fixture
def client_as(app: Flask, db_session) -> Callable[[User], FlaskClient]:
    """A new browser signed in as the user: for two officers working the same case at once."""

    def make(someone: User) -> FlaskClient:
        browser = app.test_client()
        sign_in_session(browser, someone)
        return browser

    return make


@pytest.fixture
def in_request(app: Flask, db_session) -> Iterator[None]:
    """A request context for calling services that notify (they build links)."""
    with app.test_request_context():
        yield
