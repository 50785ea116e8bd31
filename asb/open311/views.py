"""Open311 GeoReport v2 under /open311/v2/: XML by default, JSON with `.json`.

No session and no CSRF token: GETs are public, and a POST proves its sender by api_key.
Every call counts against its client address's limit, every POST against its key's; POSTs
are audited, refusals in a transaction of their own.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, request
from werkzeug.exceptions import HTTPException

from asb.audit.services import client_address, record_event
from asb.extensions import csrf, db
from asb.forms import has_control_characters
from asb.open311 import presenters, queries, services
from asb.open311.formats import (
    ERROR_MESSAGES,
    XML,
    Open311Error,
    error_response,
    format_of_path,
    respond,
    split_format,
)
from asb.open311.requests import request_filters, service_request
from asb.open311.urls import OPEN311_PREFIX
from asb.open311.vocabulary import SERVICES, SERVICES_BY_CODE
from asb.rate_limits import Limit, hit

blueprint = Blueprint("open311", __name__, url_prefix=OPEN311_PREFIX)
csrf.exempt(blueprint)

_MINUTE = timedelta(minutes=1)


def _check_rate(name: str, attempts: int, subject: str) -> None:
    verdict = hit(Limit(name, attempts, _MINUTE), subject)
    db.session.commit()
    if not verdict.allowed:
        raise Open311Error(429, retry_after=verdict.retry_after_seconds)


@blueprint.before_request
def within_size_and_limits():
    config = current_app.config
    request.max_content_length = config["OPEN311_MAX_BODY_BYTES"]
    if request.content_length is not None and request.content_length > request.max_content_length:
        raise Open311Error(413)
    _check_rate(
        "open311-address", config["OPEN311_RATE_LIMIT_PER_ADDRESS"], client_address() or "unknown"
    )


def _error(status: int, description: str, retry_after: int = 0):
    if request.method == "POST":
        db.session.rollback()
        record_event("open311.request-received", outcome="refused", status=status)
        db.session.commit()
    return error_response(
        format_of_path(request.path), status, description, retry_after=retry_after
    )


@blueprint.errorhandler(Open311Error)
def handle_open311_error(error: Open311Error):
    return _error(error.status, error.description, error.retry_after)


@blueprint.errorhandler(HTTPException)
def handle_http_error(error: HTTPException):
    status = error.code or 400
    return _error(status, ERROR_MESSAGES.get(status, ERROR_MESSAGES[400]))


def _named(name: str) -> tuple[str, str]:
    """The name in the path and the format asked for; no record is named by control
    characters (which PostgreSQL refuses even to compare)."""
    stem, fmt = split_format(name)
    if has_control_characters(stem):
        raise Open311Error(404)
    return stem, fmt


@blueprint.get("/discovery")
@blueprint.get("/discovery.<any(xml, json):fmt>")
def discovery(fmt: str = XML):
    return respond(fmt, "discovery", presenters.discovery())


@blueprint.get("/services")
@blueprint.get("/services.<any(xml, json):fmt>")
def list_services(fmt: str = XML):
    return respond(fmt, "services", [presenters.service(service) for service in SERVICES])


@blueprint.get("/services/<name>")
def show_service(name: str):
    code, fmt = _named(name)
    service = SERVICES_BY_CODE.get(code)
    if service is None:
        raise Open311Error(404, f"service_code {code!r} is not a service here")
    return respond(fmt, "service_definition", presenters.service_definition(service))


@blueprint.get("/requests")
@blueprint.get("/requests.<any(xml, json):fmt>")
def list_requests(fmt: str = XML):
    reports = queries.public_requests(request_filters(request.args))
    return respond(fmt, "service_requests", presenters.service_requests(reports))


@blueprint.post("/requests")
@blueprint.post("/requests.<any(xml, json):fmt>")
def create_request(fmt: str = XML):
    client = services.live_client((request.form.get("api_key") or "").strip())
    if client is None:
        raise Open311Error(403, "api_key is missing, unknown or revoked: ask the City of London")
    _check_rate("open311-key", current_app.config["OPEN311_RATE_LIMIT_PER_KEY"], str(client.id))
    submission = services.receive_request(client, service_request(request.form))
    answer = presenters.received(submission)
    db.session.commit()
    return respond(fmt, "service_requests", [answer])


@blueprint.get("/requests/<name>")
def show_request(name: str):
    reference, fmt = _named(name)
    report = queries.public_request(reference)
    if report is None:
        raise Open311Error(404, f"There is no service request {reference!r} to show")
    return respond(fmt, "service_requests", presenters.service_requests([report]))


@blueprint.get("/tokens/<name>")
def show_token(name: str):
    token, fmt = _named(name)
    submission = queries.submission_by_token(token)
    if submission is None:
        raise Open311Error(404, "There is no such token")
    return respond(fmt, "service_requests", [presenters.token(submission)])
