"""The API's one error shape: {"error": {"code", "message", "fields"}} with the right status.

Used by the API blueprint's handlers and by the app's error pages for any /api/ path the
blueprint never saw (an unknown path, a method the path does not take).
"""

from __future__ import annotations

from flask import Response, jsonify

CODES = {
    400: ("bad_request", "The request could not be read: check its JSON and query string"),
    401: ("unauthorized", "Send a valid personal API token as 'Authorization: Bearer asb_...'"),
    403: ("forbidden", "Your account may not do this"),
    404: ("not_found", "There is no such resource, or your account may not see it"),
    405: ("method_not_allowed", "This resource does not take that method"),
    409: ("conflict", "The request conflicts with the record as it is now"),
    413: ("payload_too_large", "The request body is too large"),
    415: ("unsupported_media_type", "Send the request body as application/json"),
    422: ("validation_failed", "Some fields are not valid: see fields"),
    429: ("rate_limited", "Too many requests: wait for the time in Retry-After and try again"),
    500: ("server_error", "Sorry, there is a problem with the service"),
}


class ApiError(Exception):
    """An answer other than success, raised anywhere below a view."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        fields: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict | None = None,
    ):
        super().__init__(message or CODES.get(status, CODES[500])[1])
        self.status = status
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}
        self.extra = extra or {}


def error_response(
    status: int,
    message: str | None = None,
    *,
    fields: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict | None = None,
) -> Response:
    code, default_message = CODES.get(status, CODES[500 if status >= 500 else 400])
    body = {"error": {"code": code, "message": message or default_message, "fields": fields or {}}}
    body.update(extra or {})
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def api_error_response(error: ApiError) -> Response:
    return error_response(
        error.status,
        error.message,
        fields=error.fields,
        headers=error.headers,
        extra=error.extra,
    )
