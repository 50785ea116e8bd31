"""The OpenAPI 3.1 document, generated from the API's routes and schemas.

Each view of the API blueprint carries an Operation (the `operation` decorator): its
summary, the schema of its query string, body and answer, and the errors it may answer
with. The document walks the app's URL map, so every route is in it with the path, methods
and path parameters Flask really routes, and the schemas are the very ones that check
requests and shape answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from marshmallow import Schema

from asb.api.errors import CODES
from asb.api.schemas import ErrorSchema
from asb.api.urls import API_PREFIX

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
# Every call may meet these, whatever it does.
COMMON_ERRORS = (400, 401, 405, 413, 429)
_CONVERTERS = {"int": {"type": "integer", "minimum": 0}, "default": {"type": "string"}}
_PATH_PARAMETER = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    response: type[Schema] | None = None
    status: int = 200
    query: type[Schema] | None = None
    body: type[Schema] | None = None
    errors: tuple[int, ...] = ()
    description: str = ""
    authenticated: bool = True
    # Other successful answers, as status -> (description, schema).
    other_responses: dict[int, tuple[str, type[Schema]]] = field(default_factory=dict)


def operation(**kwargs) -> Callable:
    def decorate(view: Callable) -> Callable:
        view.api_operation = Operation(**kwargs)
        return view

    return decorate


def _path_and_parameters(rule: str) -> tuple[str, list[dict]]:
    parameters = []

    def replace(match: re.Match) -> str:
        converter = match.group("converter") or "default"
        parameters.append(
            {
                "in": "path",
                "name": match.group("name"),
                "required": True,
                "schema": dict(_CONVERTERS.get(converter, _CONVERTERS["default"])),
            }
        )
        return "{" + match.group("name") + "}"

    return _PATH_PARAMETER.sub(replace, rule), parameters


def _error_responses(statuses: tuple[int, ...]) -> dict[str, dict]:
    responses = {}
    for status in sorted(statuses):
        response: dict = {"$ref": f"#/components/responses/{CODES[status][0]}"}
        responses[str(status)] = response
    return responses


def build_spec(app: Flask) -> dict:
    spec = APISpec(
        title="asb REST API",
        version=API_VERSION,
        openapi_version=OPENAPI_VERSION,
        plugins=[MarshmallowPlugin()],
        info={
            "description": "The shared anti-social behaviour incident log and case "
            "management, as JSON. Every call is signed in by a personal API token, sees "
            "exactly what its user sees on the pages, and is audited."
        },
        servers=[{"url": API_PREFIX}],
    )
    spec.components.security_scheme(
        "token", {"type": "http", "scheme": "bearer", "bearerFormat": "asb_..."}
    )
    spec.components.schema("Error", schema=ErrorSchema)
    for status, (code, message) in CODES.items():
        if status >= 500:
            continue
        response = {
            "description": message,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        if status == 429:
            response["headers"] = {
                "Retry-After": {
                    "description": "Seconds to wait",
                    "schema": {"type": "integer"},
                }
            }
        if status == 405:
            response["headers"] = {
                "Allow": {"description": "The methods it takes", "schema": {"type": "string"}}
            }
        spec.components.response(code, response)
    tags = set()
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint)):
        if not rule.endpoint.startswith("api."):
            continue
        described: Operation | None = getattr(
            app.view_functions[rule.endpoint], "api_operation", None
        )
        if described is None:
            continue
        path, parameters = _path_and_parameters(rule.rule.removeprefix(API_PREFIX))
        tags.add(described.tag)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            spec.path(path=path, operations={method.lower(): _operation(described, parameters)})
    for tag in sorted(tags):
        spec.tag({"name": tag})
    return spec.to_dict()


def _operation(described: Operation, path_parameters: list[dict]) -> dict:
    parameters = list(path_parameters)
    if described.query is not None:
        parameters.append({"in": "query", "schema": described.query})
    errors = set(described.errors) | set(COMMON_ERRORS)
    if path_parameters:
        errors.add(404)
    if described.body is not None:
        errors |= {415, 422}
    if not described.authenticated:
        errors -= {401}
    success: dict = {"description": described.summary}
    if described.response is not None:
        success["content"] = {"application/json": {"schema": described.response}}
    responses = {str(described.status): success, **_error_responses(tuple(errors))}
    for status, (description, schema) in described.other_responses.items():
        responses[str(status)] = {
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    result: dict = {
        "summary": described.summary,
        "tags": [described.tag],
        "parameters": parameters,
        "responses": responses,
        "security": [{"token": []}] if described.authenticated else [],
    }
    if described.description:
        result["description"] = described.description
    if described.body is not None:
        result["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": described.body}},
        }
    return result
