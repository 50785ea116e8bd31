"""Contract: schemathesis sends the API requests generated from its own OpenAPI document,
as an ASB lead's token, and checks every answer: never a server error, and every status,
content type, header and body as the document describes them.

Derandomised and limited in examples, so each run sends the same requests in well under a
minute. The document itself is checked against the OpenAPI 3.1 specification first.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from asb.auth.models import Role
from asb.extensions import db
from tests.factories import CasePersonFactory, PersonFactory
from tests.factories.incidents import reported

EXAMPLES_PER_OPERATION = 30
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def test_the_document_is_valid_openapi_3_1(client):
    document = client.get("/api/v1/openapi.json").get_json()

    validate(document)
    assert document["openapi"] == "3.1.0"
    paths = set(document["paths"])
    assert {
        "/incidents",
        "/incidents/{incident_id}",
        "/cases",
        "/cases/{case_id}",
        "/people/{person_id}",
        "/reference/agencies",
        "/reference/categories",
        "/reference/local-types",
        "/reference/wards",
        "/hotspots",
    } <= paths
    assert set(document["paths"]["/incidents/{incident_id}"]) == {"get", "patch"}


def test_the_document_has_every_route_of_the_api(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (f"/api/v1{path}", method.upper())
        for path, operations in document["paths"].items()
        for method in operations
    }
    routed = {
        (rule.rule.replace("<int:", "{").replace(">", "}"), method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert documented == routed


@pytest.fixture
def api_schema(app, db_session, monkeypatch, make_user, make_case, token_for):
    # Records for the generated ids to find now and then, seen by the lead with their details.
    lead = make_user(Role.ASB_LEAD, "community-safety")
    for days in (1, 2, 30):
        reported("housing", days)
    case = make_case("housing")
    CasePersonFactory(case_id=case.id, person_id=PersonFactory().id)
    db.session.commit()
    monkeypatch.setitem(app.config, "API_RATE_LIMIT_PER_TOKEN", 100_000)
    monkeypatch.setitem(app.config, "API_RATE_LIMIT_PER_ADDRESS", 100_000)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.config.headers = {"Authorization": f"Bearer {token_for(lead)}"}
    return schema


def test_every_answer_conforms_to_the_document(api_schema):
    # Uncompressed: the WSGI transport hands schemathesis the bytes as sent, gzipped or not.
    headers = {
        "Authorization": api_schema.config.headers["Authorization"],
        "Accept-Encoding": "identity",
    }
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def call(case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        call()
