"""Reading what a sender sent: the POSTed form and the GET query string, checked field by
field, every problem answered as a 400 in the specification's error format."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from werkzeug.datastructures import MultiDict

from asb.database import utcnow
from asb.forms import has_control_characters
from asb.geo.services import geography
from asb.open311.formats import Open311Error
from asb.open311.services import RequestDetails
from asb.open311.vocabulary import ATTRIBUTES_BY_CODE, NO, SERVICES_BY_CODE, YES, Service

DESCRIPTION_MAX = 4000  # the specification's limit
DEFAULT_SPAN = timedelta(days=90)
MAX_REQUESTS = 1000
# Dates far enough from the ends of the calendar that a 90-day span never leaves it.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
STATUSES = ("open", "closed")
_ATTRIBUTE_KEY = re.compile(r"attribute\[([^\[\]]{1,60})\](\[\])?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"[0-9+() -]{6,40}")


def _text(form: MultiDict, name: str, max_length: int) -> str | None:
    value = (form.get(name) or "").strip()
    if not value:
        return None
    if has_control_characters(value):
        raise Open311Error(400, f"{name} has characters that are not text")
    if len(value) > max_length:
        raise Open311Error(400, f"{name} must be {max_length} characters or fewer")
    return value


def parse_w3_datetime(name: str, value: str) -> datetime:
    """A date and time in W3C's ISO 8601 profile, which must say its offset from UTC."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None or "T" not in value.upper():
        raise Open311Error(
            400,
            f"{name} must be a date and time with its offset from UTC, for example "
            "2026-11-28T22:30:00Z",
        )
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise Open311Error(400, f"{name} must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return parsed


def _coordinate(form: MultiDict, name: str, limit: float) -> float | None:
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > limit:
        raise Open311Error(400, f"{name} must be a number of degrees (WGS84)")
    return value


def _attributes(form: MultiDict) -> dict[str, str]:
    answers: dict[str, str] = {}
    for key, value in form.items(multi=True):
        if not key.startswith("attribute"):
            continue
        match = _ATTRIBUTE_KEY.fullmatch(key)
        code = match.group(1) if match else key
        attribute = ATTRIBUTES_BY_CODE.get(code)
        if attribute is None:
            raise Open311Error(400, f"{key} is not an attribute of this service")
        value = value.strip()
        allowed = {choice.key for choice in attribute.values}
        if allowed and value not in allowed:
            raise Open311Error(400, f"{key} must be one of: {', '.join(sorted(allowed))}")
        if attribute.datatype == "datetime":
            parse_w3_datetime(key, value)
        answers[code] = value
    return answers


def service_request(form: MultiDict) -> RequestDetails:
    """The POSTed service request, or Open311Error(400) naming what is wrong."""
    code = _text(form, "service_code", 40)
    if code is None:
        raise Open311Error(400, "service_code is required: GET services for the codes")
    service = SERVICES_BY_CODE.get(code)
    if service is None:
        raise Open311Error(404, f"service_code {code!r} is not a service here")
    latitude = _coordinate(form, "lat", 90)
    longitude = _coordinate(form, "long", 180)
    if (latitude is None) != (longitude is None):
        raise Open311Error(400, "Send both lat and long, or neither")
    address_string = _text(form, "address_string", 300)
    if latitude is None and address_string is None:
        raise Open311Error(
            400,
            "Send where it happened: lat and long, or address_string (address_id is not used here)",
        )
    if latitude is not None and not geography().contains(latitude, longitude):
        raise Open311Error(
            400,
            "lat and long are outside the City of London: send the report to the council "
            "for that place",
        )
    description = _text(form, "description", DESCRIPTION_MAX)
    if description is None:
        raise Open311Error(400, "description is required: say what happened")
    email = _text(form, "email", 254)
    if email is not None and not _EMAIL.fullmatch(email):
        raise Open311Error(400, "email must be an email address, like name@example.com")
    phone = _text(form, "phone", 40)
    if phone is not None and not _PHONE.fullmatch(phone):
        raise Open311Error(400, "phone must be a telephone number")
    names = [_text(form, "first_name", 60), _text(form, "last_name", 60)]
    answers = _attributes(form)
    still_happening = answers.get("still_happening")
    occurred_at = answers.get("occurred_at")
    return RequestDetails(
        service=service,
        description=description,
        latitude=latitude,
        longitude=longitude,
        address_string=address_string,
        occurred_at=parse_w3_datetime("occurred_at", occurred_at) if occurred_at else None,
        still_happening=None if still_happening is None else still_happening == YES,
        reporter_name=" ".join(name for name in names if name) or None,
        reporter_email=email,
        reporter_phone=phone,
        may_contact=answers.get("may_contact", NO) == YES and bool(email or phone),
        attributes=answers,
        device_id=_text(form, "device_id", 200),
        account_id=_text(form, "account_id", 200),
        media_url=_text(form, "media_url", 2000),
    )


@dataclass(frozen=True)
class RequestFilters:
    """GET requests' parameters; the specification's defaults filled in."""

    references: tuple[str, ...]
    services: tuple[Service, ...]
    start: datetime
    end: datetime
    statuses: tuple[str, ...]


def _comma_list(args: MultiDict, name: str) -> list[str]:
    return [
        item.strip() for value in args.getlist(name) for item in value.split(",") if item.strip()
    ]


def request_filters(args: MultiDict) -> RequestFilters:
    """service_request_id overrides every other parameter, as the specification says."""
    references = tuple(_comma_list(args, "service_request_id")[:MAX_REQUESTS])
    codes = _comma_list(args, "service_code")
    unknown = [code for code in codes if code not in SERVICES_BY_CODE]
    if unknown:
        raise Open311Error(400, f"service_code {unknown[0]!r} is not a service here")
    statuses = _comma_list(args, "status")
    if any(status not in STATUSES for status in statuses):
        raise Open311Error(400, "status must be open or closed, or both separated by a comma")
    start_raw, end_raw = args.get("start_date"), args.get("end_date")
    start = parse_w3_datetime("start_date", start_raw) if start_raw else None
    end = parse_w3_datetime("end_date", end_raw) if end_raw else None
    if start is None and end is None:
        end = utcnow()
    if start is None:
        start = end - DEFAULT_SPAN
    if end is None:
        end = start + DEFAULT_SPAN
    if start > end:
        raise Open311Error(400, "start_date must be before end_date")
    return RequestFilters(
        references=references,
        services=tuple(SERVICES_BY_CODE[code] for code in codes),
        start=start,
        end=end,
        statuses=tuple(statuses),
    )
