"""Reading an API request: its token, its query string and its JSON body."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from flask import current_app, g, request
from marshmallow import Schema, ValidationError

from asb.api.errors import ApiError
from asb.api.models import ApiToken
from asb.api.services import live_token
from asb.audit.services import client_address
from asb.auth.models import User
from asb.extensions import db
from asb.rate_limits import Limit, hit

_MINUTE = timedelta(minutes=1)


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {"field" or "field.0": ["what to do"]}."""
    if isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        return {prefix or "_body": list(messages)}
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = "_body" if key == "_schema" else str(key)
            flat.update(flatten_messages(value, f"{prefix}.{name}" if prefix else name))
        return flat
    return {prefix or "_body": [str(messages)]}


def check_rate(name: str, attempts: int, subject: str) -> None:
    verdict = hit(Limit(name, attempts, _MINUTE), subject)
    db.session.commit()
    if not verdict.allowed:
        raise ApiError(429, headers={"Retry-After": str(verdict.retry_after_seconds)})


def authenticate() -> ApiToken:
    """The live token this request carries, or 401; each token and address within its limit."""
    config = current_app.config
    check_rate("api-address", config["API_RATE_LIMIT_PER_ADDRESS"], client_address() or "unknown")
    scheme, _, secret = (request.headers.get("Authorization") or "").partition(" ")
    token = live_token(secret.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        raise ApiError(401, headers={"WWW-Authenticate": 'Bearer realm="asb"'})
    db.session.commit()  # its last use
    check_rate("api-token", config["API_RATE_LIMIT_PER_TOKEN"], str(token.id))
    return token


def api_user() -> User:
    return g.api_token.user


def query(schema: type[Schema]) -> dict[str, Any]:
    try:
        return schema().load(request.args)
    except ValidationError as error:
        raise ApiError(
            400,
            "The query string is not valid: see fields",
            fields=flatten_messages(error.messages),
        ) from None


def json_body(schema: type[Schema]) -> dict[str, Any]:
    if not request.is_json:
        raise ApiError(415)
    try:
        data = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError):
        raise ApiError(400, "The request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError(400, "The request body must be a JSON object")
    try:
        # JSON may escape half a UTF-16 pair ("\ud800"), which no database can store.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(400, "The request body has text that is not valid Unicode") from None
    try:
        return schema().load(data)
    except ValidationError as error:
        raise ApiError(422, fields=flatten_messages(error.messages)) from None
