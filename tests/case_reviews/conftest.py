import pytest
from flask import g, request_started


@pytest.fixture(autouse=True)
def fresh_request_globals(app):
    """Give each request its own g, as a server does (see tests/incidents/conftest.py)."""

    def clear(sender, **extra):
        g.__dict__.clear()

    request_started.connect(clear, app)
    yield
    request_started.disconnect(clear, app)
