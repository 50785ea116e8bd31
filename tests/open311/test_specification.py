"""Every endpoint, in XML and JSON, field by field against GeoReport v2
(wiki.open311.org/GeoReport_v2): element names and their order, types, required fields,
dates in the W3C profile of ISO 8601, and the error format."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from sqlalchemy import select

from asb.extensions import db
from asb.incidents.vocabulary import Category
from asb.open311.models import Open311Submission
from asb.open311.vocabulary import SERVICES
from asb.public_reports.vocabulary import PUBLIC_CATEGORY_LABELS
from tests.open311.conftest import xml

W3_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)")
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


def as_json(response):
    assert response.mimetype == "application/json"
    assert response.mimetype_params == {"charset": "utf-8"}
    return json.loads(response.get_data(as_text=True))


def children(element) -> list[str]:
    return [child.tag for child in element]


# Discovery -----------------------------------------------------------------------------------


def test_discovery_in_xml_is_the_default(open311):
    for path in ("/open311/v2/discovery", "/open311/v2/discovery.xml"):
        response = open311.get(path)
        assert response.status_code == 200
        root = xml(response)
        assert root.tag == "discovery"
        assert children(root) == ["changeset", "contact", "key_service", "endpoints"]
        assert W3_DATETIME.fullmatch(root.findtext("changeset"))
        (endpoint,) = root.find("endpoints")
        assert endpoint.tag == "endpoint"
        assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint.findtext("url") == "http://localhost/open311/v2"
        assert endpoint.findtext("type") == "production"
        assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
        assert {f.tag for f in endpoint.find("formats")} == {"format"}


def test_discovery_in_json(open311):
    data = as_json(open311.get("/open311/v2/discovery.json"))
    assert list(data) == ["changeset", "contact", "key_service", "endpoints"]
    (endpoint,) = data["endpoints"]
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["url"] == "http://localhost/open311/v2"


# Services ------------------------------------------------------------------------------------


def test_services_in_xml(open311):
    root = xml(open311.get("/open311/v2/services.xml"))
    assert root.tag == "services"
    services = list(root)
    assert {service.tag for service in services} == {"service"}
    assert [s.findtext("service_code") for s in services] == [
        *(category.value for category in PUBLIC_CATEGORY_LABELS),
        "other",
    ]
    for service in services:
        assert children(service) == SERVICE_FIELDS
        assert service.findtext("metadata") in {"true", "false"}
        assert service.findtext("type") in {"realtime", "batch", "blackbox"}
        assert service.findtext("service_name")


def test_services_in_json_are_an_array_of_the_same(open311):
    services = as_json(open311.get("/open311/v2/services.json"))
    assert isinstance(services, list) and len(services) == len(SERVICES)
    for service in services:
        assert list(service) == SERVICE_FIELDS
        assert isinstance(service["metadata"], bool)
        assert isinstance(service["keywords"], str)
    by_code = {service["service_code"]: service for service in services}
    assert by_code["noise"]["service_name"] == "Noise"
    assert by_code["noise"]["type"] == "realtime"


@pytest.mark.parametrize("category", [Category.ROWDY_NEIGHBOURS, Category.NUISANCE_COMMUNICATIONS])
def test_services_about_a_person_are_blackbox(open311, category):
    by_code = {s["service_code"]: s for s in as_json(open311.get("/open311/v2/services.json"))}
    assert by_code[category.value]["type"] == "blackbox"


def test_a_service_definition_in_xml(open311):
    root = xml(open311.get("/open311/v2/services/noise.xml"))
    assert root.tag == "service_definition"
    assert children(root) == ["service_code", "attributes"]
    assert root.findtext("service_code") == "noise"
    attributes = list(root.find("attributes"))
    assert attributes and {a.tag for a in attributes} == {"attribute"}
    assert [int(a.findtext("order")) for a in attributes] == [1, 2, 3]
    for attribute in attributes:
        assert children(attribute) == ATTRIBUTE_FIELDS
        assert attribute.findtext("variable") in {"true", "false"}
        assert attribute.findtext("required") in {"true", "false"}
        assert attribute.findtext("datatype") in DATATYPES
        for value in attribute.find("values"):
            assert value.tag == "value"
            assert children(value) == ["key", "name"]
    may_contact = next(a for a in attributes if a.findtext("code") == "may_contact")
    assert may_contact.findtext("datatype") == "singlevaluelist"
    assert [v.findtext("key") for v in may_contact.find("values")] == ["yes", "no"]


def test_a_service_definition_in_json_and_without_a_suffix(open311):
    data = as_json(open311.get("/open311/v2/services/other.json"))
    assert list(data) == ["service_code", "attributes"]
    assert data["service_code"] == "other"
    for attribute in data["attributes"]:
        assert list(attribute) == ATTRIBUTE_FIELDS
        assert isinstance(attribute["variable"], bool)
        assert isinstance(attribute["required"], bool)
        assert isinstance(attribute["order"], int)
        assert all(list(value) == ["key", "name"] for value in attribute["values"])
    assert xml(open311.get("/open311/v2/services/other")).tag == "service_definition"


# Service requests ----------------------------------------------------------------------------


def test_post_answers_with_the_service_request_id_in_xml(send):
    response = send(fmt="xml")
    assert response.status_code == 200
    root = xml(response)
    assert root.tag == "service_requests"
    (request,) = root
    assert request.tag == "request"
    assert children(request) == ["service_request_id", "service_notice", "account_id"]
    assert re.fullmatch(r"RPT-\d{4}-\d{5}", request.findtext("service_request_id"))
    assert request.findtext("account_id") == "account-1"


def test_post_answers_in_json(send):
    (answer,) = as_json(send(fmt="json"))
    assert list(answer) == ["service_request_id", "service_notice", "account_id"]


def test_a_blackbox_service_answers_a_post_with_a_token_only(open311, send):
    (answer,) = as_json(send(service_code="rowdy-neighbours"))
    assert list(answer) == ["token", "service_notice", "account_id"]
    root = xml(open311.get(f"/open311/v2/tokens/{answer['token']}.xml"))
    assert root.tag == "service_requests"
    (request,) = root
    assert children(request) == ["service_request_id", "token"]
    assert request.findtext("service_request_id") == ""
    assert request.findtext("token") == answer["token"]


def test_a_token_gives_the_service_request_id_of_a_realtime_service(open311, send):
    reference = as_json(send())[0]["service_request_id"]
    token = db.session.scalar(select(Open311Submission.token))
    (answer,) = as_json(open311.get(f"/open311/v2/tokens/{token}.json"))
    assert answer == {"service_request_id": reference, "token": token}


def _check_request(request: dict) -> None:
    assert list(request) == REQUEST_FIELDS
    assert request["status"] in {"open", "closed"}
    for name in ("requested_datetime", "updated_datetime"):
        assert W3_DATETIME.fullmatch(request[name]), request[name]
        assert datetime.fromisoformat(request[name]).tzinfo is not None
    assert request["expected_datetime"] is None
    assert isinstance(request["lat"], float) and isinstance(request["long"], float)


def test_get_requests_in_json_and_xml_carry_every_field_in_order(open311, send):
    reference = as_json(send())[0]["service_request_id"]
    (request,) = as_json(open311.get("/open311/v2/requests.json"))
    _check_request(request)
    assert request["service_request_id"] == reference
    assert request["service_code"] == "noise"
    assert request["service_name"] == "Noise"
    assert request["status"] == "open"
    assert request["agency_responsible"] == "Housing, DCCS"
    for path in ("/open311/v2/requests", "/open311/v2/requests.xml"):
        root = xml(open311.get(path))
        assert root.tag == "service_requests"
        (element,) = root
        assert element.tag == "request"
        assert children(element) == REQUEST_FIELDS
        assert element.findtext("service_request_id") == reference
        assert W3_DATETIME.fullmatch(element.findtext("requested_datetime"))
        float(element.findtext("lat")), float(element.findtext("long"))


def test_get_a_request_by_its_id_in_both_formats(open311, send):
    reference = as_json(send())[0]["service_request_id"]
    (request,) = as_json(open311.get(f"/open311/v2/requests/{reference}.json"))
    _check_request(request)
    assert request["service_request_id"] == reference
    root = xml(open311.get(f"/open311/v2/requests/{reference}.xml"))
    assert children(root[0]) == REQUEST_FIELDS
    assert xml(open311.get(f"/open311/v2/requests/{reference}")).tag == "service_requests"


# Errors --------------------------------------------------------------------------------------


def _xml_error(response, status: int) -> str:
    assert response.status_code == status
    root = xml(response)
    assert root.tag == "errors"
    (error,) = root
    assert error.tag == "error"
    assert children(error) == ["code", "description"]
    assert error.findtext("code") == str(status)
    return error.findtext("description")


def _json_error(response, status: int) -> str:
    assert response.status_code == status
    (error,) = as_json(response)
    assert list(error) == ["code", "description"]
    assert error["code"] == status
    return error["description"]


@pytest.mark.parametrize(
    ("method", "path", "data", "status"),
    [
        ("get", "services/no-such-service", None, 404),
        ("get", "requests/RPT-2026-99999", None, 404),
        ("get", "tokens/no-such-token", None, 404),
        ("get", "no-such-resource", None, 404),
        ("get", "requests", {"status": "pending"}, 400),
        ("get", "requests", {"start_date": "yesterday"}, 400),
        ("get", "requests", {"start_date": "2026-11-01T00:00:00"}, 400),
        ("get", "requests", {"service_code": "potholes"}, 400),
        (
            "get",
            "requests",
            {"start_date": "2026-11-02T00:00:00Z", "end_date": "2026-11-01T00:00:00Z"},
            400,
        ),
        ("post", "requests", {"service_code": "noise"}, 403),
        ("post", "requests", {"api_key": "o311_not-a-key", "service_code": "noise"}, 403),
        ("delete", "requests", None, 405),
    ],
)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_every_error_has_the_specifications_format(open311, method, path, data, status, fmt):
    url = f"/open311/v2/{path}.{fmt}"
    call = getattr(open311, method)
    response = call(url, query_string=data) if method == "get" else call(url, data=data)
    check = _xml_error if fmt == "xml" else _json_error
    assert check(response, status)
