"""Fixtures for the case tests: saved cases, users, and clients signed in as them."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from asb.auth.models import Role, User
from asb.cases.models import Case
from asb.extensions import db
from tests.cases import factories
from tests.conftest import sign_in_session


@pytest.fixture
def make_case(db_session) -> Callable[..., Case]:
    """factories.make_case, committed (inside the test's transaction)."""

    def make(lead: str = "housing", actor: User | None = None, **fields) -> Case:
        case = factories.make_case(lead, actor, **fields)
        db.session.commit()
        return case

    return make


@pytest.fixture
def user(db_session) -> Callable[..., User]:
    """A saved user of the role and agency given, not signed in."""

    def make(role: Role | str = Role.OFFICER, agency_code: str = "housing", **fields) -> User:
        found = factories.make_user(role, agency_code, **fields)
        db.session.commit()
        return found

    return make


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
