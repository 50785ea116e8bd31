"""A sending organisation with a key, and helpers to speak GeoReport v2 to asb."""

from __future__ import annotations

from collections.abc import Callable
from xml.etree import ElementTree

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from asb.auth.models import Role
from asb.extensions import db
from asb.open311 import services
from tests.factories.base import request_context

# A point in the City (Cheap ward), 23 m from the centre of its 100 m grid square, and one
# in Hackney, outside the City.
CITY = (51.5155, -0.0922)
HACKNEY = (51.5450, -0.0553)


@pytest.fixture
def open311(client: FlaskClient) -> FlaskClient:
    """The test client, posting forms as another system does: without a page's form key."""
    client.send_submission_keys = False
    return client


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, "community-safety")


@pytest.fixture
def make_client(db_session, admin) -> Callable[..., services.NewClient]:
    def make(organisation: str = "FixMyStreet", revoked: bool = False) -> services.NewClient:
        with request_context():
            created = services.create_client(
                organisation, "open311@fixmystreet.example", actor=admin
            )
            if revoked:
                services.revoke_client(created.client, actor=admin)
        db.session.commit()
        return created

    return make


@pytest.fixture
def api_key(make_client) -> str:
    return make_client().api_key


@pytest.fixture
def send(open311: FlaskClient, api_key: str) -> Callable[..., TestResponse]:
    """POST a service request (a noise report at CITY, from a named reporter)."""

    def post(fmt: str = "json", **changes) -> TestResponse:
        data = {
            "api_key": api_key,
            "service_code": "noise",
            "lat": str(CITY[0]),
            "long": str(CITY[1]),
            "description": "Loud music from the flat above every night",
            "first_name": "Robin",
            "last_name": "Resident",
            "email": "robin@example.com",
            "phone": "020 7946 0000",
            "device_id": "device-1",
            "account_id": "account-1",
            "media_url": "https://fixmystreet.example/photo/1.jpeg",
        }
        data.update(changes)
        data = {key: value for key, value in data.items() if value is not None}
        return open311.post(f"/open311/v2/requests.{fmt}", data=data)

    return post


def xml(response: TestResponse) -> ElementTree.Element:
    """The response's XML document (asb's own output, so the standard parser is safe)."""
    assert response.mimetype == "text/xml"
    body = response.get_data(as_text=True)
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ElementTree.fromstring(response.get_data())  # noqa: S314 - asb's own output
