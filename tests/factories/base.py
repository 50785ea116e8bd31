"""What every factory shares: the test's session, the standard agencies, a request to run in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import factory
from flask import current_app, has_request_context
from sqlalchemy import select

from asb.extensions import db
from asb.models import Agency

TEST_PASSWORD = "correct horse battery staple"

# A point in Cheap ward, in the middle of the City.
CITY_POINT = (51.5155, -0.0922)


def agency(code: str) -> Agency:
    """One of the standard agencies the migrations create."""
    return db.session.scalar(select(Agency).where(Agency.code == code))


@contextmanager
def request_context() -> Iterator[None]:
    """Services that notify build links with url_for, so they run inside a request."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context():
        yield


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"
