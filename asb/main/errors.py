"""Error pages in the design system; never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from asb.api.errors import error_response as api_error_response
from asb.api.urls import API_PREFIX
from asb.extensions import db, login_manager
from asb.open311.formats import ERROR_MESSAGES as OPEN311_ERROR_MESSAGES
from asb.open311.formats import error_response as open311_error_response
from asb.open311.formats import format_of_path
from asb.open311.urls import OPEN311_PREFIX
from asb.versioning import StaleEditError

log = logging.getLogger(__name__)

_PAGES = {
    400: ("errors/400.html", "There is a problem with your request"),
    403: ("errors/403.html", "You do not have permission to see this page"),
    404: ("errors/404.html", "Page not found"),
    405: ("errors/400.html", "There is a problem with your request"),
    409: ("errors/400.html", "This record changed since you opened it"),
    413: ("errors/400.html", "The file or form you sent is too large"),
    500: ("errors/500.html", "Sorry, there is a problem with the service"),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _render(status: int, detail: str | None = None):
    template, heading = _PAGES.get(status, _PAGES[500 if status >= 500 else 400])
    if request.path.startswith(API_PREFIX):
        return api_error_response(status)
    if request.path.startswith(OPEN311_PREFIX + "/"):
        description = OPEN311_ERROR_MESSAGES.get(status, OPEN311_ERROR_MESSAGES[400])
        return open311_error_response(format_of_path(request.path), status, description)
    if _wants_json():
        return jsonify(error=heading, status=status), status
    # The page header names the signed-in user, loaded from the database: a server error may
    # be the database itself, so that page is drawn without the account header or menu.
    if status < 500:
        try:
            return render_template(template, heading=heading, detail=detail), status
        except SQLAlchemyError:
            log.exception("The database failed while rendering the %s page", status)
            _rollback()
    if "_login_user" not in g:
        # Flask-Login's template context loads the user unless one is already loaded.
        login_manager._update_request_context_with_user()
    return render_template(template, heading=heading, detail=detail, without_account=True), status


def _rollback() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        log.exception("Rolling back after an error failed too")


def handle_http_error(error: HTTPException):
    return _render(error.code or 500)


def handle_csrf_error(error: CSRFError):
    return _render(
        400,
        "The form had expired or was sent from another site. Go back, reload the page "
        "and try again.",
    )


def handle_stale_edit(error: Exception):
    """Someone saved the record first, on a page whose form does not handle it itself."""
    _rollback()
    return _render(
        409,
        "Someone else saved a change to it while you were saving yours, so yours has not "
        "been saved. Go back, reload the page and try again.",
    )


def handle_unexpected_error(error: Exception):
    _rollback()
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return _render(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(StaleDataError, handle_stale_edit)
    app.register_error_handler(StaleEditError, handle_stale_edit)
    app.register_error_handler(Exception, handle_unexpected_error)
