"""What the public side says: services, definitions and service requests, privacy first.

A service request on the public side never carries its reporter, its media or the place as
sent. Like police.uk, it gives an anonymous point instead: the centre of the 100 m square of
the British National Grid the report fell in (the hotspot map's own grid), with the ward's
name. Any report in the same square shows the same point, so no one is located by it.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
from flask import url_for

from asb.geo.services import (
    BRITISH_NATIONAL_GRID,
    GRID_CELL_METRES,
    WGS84,
    geography,
    grid_cell_bounds,
)
from asb.incidents.vocabulary import Qualifier
from asb.open311.formats import w3_datetime
from asb.open311.models import Open311Submission
from asb.open311.queries import is_closed
from asb.open311.vocabulary import (
    PERSONAL_CATEGORIES,
    SPECIFICATION_URL,
    Attribute,
    Service,
    service_for,
)
from asb.public_reports.models import PublicReport
from asb.public_reports.vocabulary import PublicReportStatus

# When this implementation of the specification last changed (discovery's changeset).
CHANGESET = "2026-11-29T00:00:00Z"
CONTACT = (
    "City of London Corporation, anti-social behaviour team: asb@cityoflondon.gov.uk, 020 7606 3030"
)
KEY_SERVICE = (
    "Organisations that send reports ask the anti-social behaviour team for an api_key "
    "(asb@cityoflondon.gov.uk)"
)
SERVICE_NOTICE = (
    "A manager reads every report, usually within two working days, and decides who deals "
    "with it. If anyone is in danger, or a crime is happening now, call 999."
)
DESCRIPTION_WITHHELD = "Description withheld to protect the people involved"
COORDINATE_DECIMALS = 6


def discovery() -> dict:
    return {
        "changeset": CHANGESET,
        "contact": CONTACT,
        "key_service": KEY_SERVICE,
        "endpoints": [
            {
                "specification": SPECIFICATION_URL,
                "url": url_for("open311.discovery", _external=True).rpartition("/")[0],
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def service(described: Service) -> dict:
    return {
        "service_code": described.code,
        "service_name": described.name,
        "description": described.description,
        "metadata": described.metadata,
        "type": described.type,
        "keywords": ", ".join(described.keywords),
        "group": described.group,
    }


def _attribute(attribute: Attribute) -> dict:
    return {
        "variable": attribute.variable,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description,
        "order": attribute.order,
        "description": attribute.description,
        "values": [{"key": value.key, "name": value.name} for value in attribute.values],
    }


def service_definition(described: Service) -> dict:
    return {
        "service_code": described.code,
        "attributes": [_attribute(attribute) for attribute in described.attributes],
    }


def anonymous_points(
    reports: Iterable[PublicReport],
) -> dict[int, tuple[float, float, str | None]]:
    """Each pointed report's anonymous point (latitude, longitude) and ward name, by id."""
    pointed = [report for report in reports if report.latitude is not None]
    if not pointed:
        return {}
    places = geography().locate_many(
        [report.latitude for report in pointed], [report.longitude for report in pointed]
    )
    half = GRID_CELL_METRES / 2
    centres = [grid_cell_bounds(place.grid_cell)[:2] for place in places]
    points = gpd.GeoSeries(
        gpd.points_from_xy([x + half for x, _ in centres], [y + half for _, y in centres]),
        crs=BRITISH_NATIONAL_GRID,
    ).to_crs(WGS84)
    return {
        report.id: (
            round(point.y, COORDINATE_DECIMALS),
            round(point.x, COORDINATE_DECIMALS),
            place.ward.name if place.ward else None,
        )
        for report, place, point in zip(pointed, places, points, strict=True)
    }


def _status_notes(report: PublicReport) -> str:
    incident = report.incident
    if report.status is PublicReportStatus.AWAITING_TRIAGE:
        return "Received: waiting for a manager to read it and decide who deals with it."
    if report.status is PublicReportStatus.CLOSED:
        return "Closed: the City of London decided this was not anti-social behaviour."
    if is_closed(report):
        return "Closed: no further action was needed."
    agency = incident.recording_agency.name if incident else report.queue_agency.name
    if report.status is PublicReportStatus.MERGED:
        return f"Added to an incident already reported, which {agency} is dealing with."
    return f"Recorded as an incident, which {agency} is dealing with."


def _withholds_description(report: PublicReport) -> bool:
    return report.category in PERSONAL_CATEGORIES or (
        report.incident is not None and report.incident.qualifier is Qualifier.PERSONAL
    )


def service_request(report: PublicReport, point: tuple[float, float, str | None] | None) -> dict:
    """A service request in the specification's order of fields, as the public may see it."""
    described = service_for(report.category)
    incident = report.incident
    updated = max([report.updated_at, *([incident.updated_at] if incident is not None else [])])
    if point is None:
        latitude = longitude = None
        address = "City of London"
    else:
        latitude, longitude, ward = point
        address = (
            f"Within 100 metres of this point, in the {ward} ward of the City of London"
            if ward
            else "Within 100 metres of this point, in the City of London"
        )
    return {
        "service_request_id": report.reference,
        "status": "closed" if is_closed(report) else "open",
        "status_notes": _status_notes(report),
        "service_name": described.name,
        "service_code": described.code,
        "description": DESCRIPTION_WITHHELD
        if _withholds_description(report)
        else report.description,
        "agency_responsible": (
            incident.recording_agency.name if incident is not None else report.queue_agency.name
        ),
        "service_notice": SERVICE_NOTICE,
        "requested_datetime": w3_datetime(report.submitted_at),
        "updated_datetime": w3_datetime(updated),
        "expected_datetime": None,
        "address": address,
        "address_id": None,
        "zipcode": None,
        "lat": latitude,
        "long": longitude,
        "media_url": None,
    }


def service_requests(reports: list[PublicReport]) -> list[dict]:
    points = anonymous_points(reports)
    return [service_request(report, points.get(report.id)) for report in reports]


def received(submission: Open311Submission) -> dict:
    """POST's answer: the id to follow the request by, or only a token for a blackbox."""
    report = submission.public_report
    answer: dict = (
        {"token": submission.token}
        if service_for(report.category).is_blackbox
        else {"service_request_id": report.reference}
    )
    answer.update(service_notice=SERVICE_NOTICE, account_id=submission.account_id)
    return answer


def token(submission: Open311Submission) -> dict:
    report = submission.public_report
    blackbox = service_for(report.category).is_blackbox
    return {
        "service_request_id": None if blackbox else report.reference,
        "token": submission.token,
    }
