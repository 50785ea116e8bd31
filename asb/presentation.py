"""Template filters and globals: how dates, people and permissions read on a page."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from flask import Flask, request, url_for
from flask_login import current_user

from asb.calendar import LONDON, long_date
from asb.database import utcnow
from asb.policy import Permission, can


def london_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def london_date(value: datetime | date | None) -> str:
    return "" if value is None else long_date(value)


def current_user_can(permission: str, record: object | None = None) -> bool:
    return can(current_user, Permission(permission), record)


def url_with_args(_endpoint: str | None = None, **changes) -> str:
    """This page's query arguments, some changed (None removes one), on this or another page."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    if _endpoint:
        return with_query(url_for(_endpoint), args)
    return with_query(url_for(request.endpoint, **(request.view_args or {})), args)


def with_query(url: str, args: dict[str, list[str]]) -> str:
    """The address with the query parameters given.

    They are never url_for's arguments: a parameter named like one (_scheme, endpoint, a
    view argument) would make it fail.
    """
    query = urlencode(args, doseq=True)
    return f"{url}?{query}" if query else url


def register(app: Flask) -> None:
    app.add_template_filter(london_datetime)
    app.add_template_filter(london_date)
    app.add_template_global(current_user_can, "can")
    app.add_template_global(url_with_args)
    app.add_template_global(utcnow, "now_utc")
    app.add_template_global(Permission)
