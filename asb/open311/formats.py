"""GeoReport v2's two formats: XML (the specification's default) and JSON, and its errors.

Responses are built from plain dicts and lists. In XML a list is a container element whose
items take the singular names the specification gives them (<services><service>...); in
JSON the same data is the same shape, with the top-level lists the specification shows as
arrays. Text never passes through an XML parser: asb writes XML, it does not read any.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from flask import Response

from asb.calendar import LONDON

XML, JSON = "xml", "json"
FORMATS = (XML, JSON)
CONTENT_TYPES = {XML: "text/xml; charset=utf-8", JSON: "application/json; charset=utf-8"}

# The element name of each item of a list, by the list's element name.
ITEM_NAMES = {
    "endpoints": "endpoint",
    "formats": "format",
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
}
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

ERROR_MESSAGES = {
    400: "The request could not be read",
    403: "Send a valid api_key: ask the City of London for one",
    404: "There is no such resource",
    405: "This resource does not take that method",
    413: "The request is too large",
    429: "Too many requests: wait for the time in Retry-After and try again",
    500: "Sorry, there is a problem with the service: try again later",
}


class Open311Error(Exception):
    """An answer in the specification's error format, with its HTTP status."""

    def __init__(self, status: int, description: str | None = None, *, retry_after: int = 0):
        super().__init__(description or ERROR_MESSAGES.get(status, ERROR_MESSAGES[400]))
        self.status = status
        self.description = str(self)
        self.retry_after = retry_after


def split_format(name: str) -> tuple[str, str]:
    """`noise.json` -> ("noise", "json"); without a known suffix, the whole name and XML."""
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix in FORMATS:
        return stem, suffix
    return name, XML


def w3_datetime(value: datetime | None) -> str | None:
    """ISO 8601 as the W3C note profiles it, in London time with its offset from UTC."""
    if value is None:
        return None
    return value.astimezone(LONDON).isoformat(timespec="seconds")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("\ufffd", str(value))


def _element(parent: ElementTree.Element, name: str, value: Any) -> None:
    child = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _element(child, key, item)
    elif isinstance(value, list | tuple):
        for item in value:
            _element(child, ITEM_NAMES[name], item)
    elif value is not None:
        child.text = _text(value)


def to_xml(root: str, data: dict | list) -> str:
    holder = ElementTree.Element("holder")
    _element(holder, root, data)
    body = ElementTree.tostring(holder[0], encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def respond(fmt: str, root: str, data: dict | list, *, status: int = 200) -> Response:
    """`root` names the XML document element (services, service_requests...)."""
    body = to_xml(root, data) if fmt == XML else json.dumps(data, ensure_ascii=False)
    return Response(body, status=status, content_type=CONTENT_TYPES[fmt])


def error_response(fmt: str, status: int, description: str, *, retry_after: int = 0) -> Response:
    response = respond(fmt, "errors", [{"code": status, "description": description}], status=status)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def format_of_path(path: str) -> str:
    """The format an error about this path is written in: JSON if it asked for JSON."""
    return JSON if path.endswith(".json") else XML
