"""Every error has the one shape {"error": {"code", "message", "fields"}} and its own status;
hostile requests never meet a server error."""

from __future__ import annotations

import pytest

from asb.auth.models import Role
from asb.extensions import db
from tests.api.conftest import Api, error_of
from tests.factories.incidents import reported


@pytest.fixture
def api(api_as) -> Api:
    return api_as(Role.OFFICER, "housing")


def test_400_for_malformed_json(api):
    response = api.post(
        "/incidents", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "null", "[" * 100_00 + "]" * 100_00])
def test_400_for_json_that_is_not_an_object(api, body):
    response = api.post("/incidents", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("per_page=101", "per_page"),
        ("category=not-a-category", "category"),
        ("date_from=2026-02-30", "date_from"),
        ("agency=99999999999999999999", "agency"),
        ("agency=999", "agency"),
        ("date_from=2026-03-01&date_to=2026-02-01", "date_to"),
    ],
)
def test_400_for_a_bad_query_with_the_field_to_correct(api, query, field):
    response = api.get(f"/incidents?{query}")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "bad_request"
    assert list(error["fields"]) == [field]


def test_401_without_a_token(client):
    response = Api(client, None).get("/cases")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


def test_403_where_the_policy_refuses(api_as):
    admin = api_as(Role.ADMIN, "community-safety")
    response = admin.get("/incidents")
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


@pytest.mark.parametrize("path", ["/incidents/999999", "/cases/0", "/nowhere", "/people/1"])
def test_404_for_what_is_not_there(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_405_for_a_method_the_resource_does_not_take(api):
    response = api.client.delete("/api/v1/incidents", headers=api._headers(None))
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_409_for_a_stale_version(api):
    incident = reported("housing", 2)
    db.session.commit()
    stale = incident.version
    assert (
        api.patch(
            f"/incidents/{incident.id}", json={"version": stale, "description": "A"}
        ).status_code
        == 200
    )

    response = api.patch(f"/incidents/{incident.id}", json={"version": stale, "description": "B"})

    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"
    db.session.refresh(incident)
    assert incident.description == "A"


def test_413_for_a_body_too_large(api, app):
    body = '{"description": "' + "x" * app.config["API_MAX_BODY_BYTES"] + '"}'
    response = api.post("/incidents", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"


def test_415_for_a_body_that_is_not_json(api):
    response = api.post("/incidents", data={"description": "form data"})
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_422_with_each_field_to_correct(api):
    response = api.post(
        "/incidents",
        json={"category": "noise", "latitude": "north", "unknown": 1, "hate_motivated": "yes"},
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_failed"
    assert {"occurred_at", "latitude", "unknown", "hate_motivated", "description"} <= set(
        error["fields"]
    )
    assert all(
        isinstance(message, str) for messages in error["fields"].values() for message in messages
    )


def test_429_with_retry_after(api, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT_PER_TOKEN", 2)
    assert [api.get("/reference/wards").status_code for _ in range(2)] == [200, 200]

    response = api.get("/reference/wards")

    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"
    assert 0 < int(response.headers["Retry-After"]) <= 60


HOSTILE = ["\x00", "'; DROP TABLE incidents; --", "9" * 400, "%00", "%ED%A0%80", "é" * 1000]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_never_meet_a_server_error(api, value):
    for name in ("text", "ward", "page", "per_page", "sort", "date_from", "cell"):
        assert api.get("/incidents", query_string={name: value}).status_code < 500
        assert (
            api.get("/hotspots", query_string={"period": "custom", name: value}).status_code < 500
        )
    for field in ("description", "location_description", "reporter_phone", "occurred_at"):
        response = api.post("/incidents", json={field: value})
        assert response.status_code == 422, response.get_json()


def test_half_a_unicode_pair_is_refused_before_the_database(api):
    body = '{"description": "\\ud800", "category": "noise"}'
    response = api.post("/incidents", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"
