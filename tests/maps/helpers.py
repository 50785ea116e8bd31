"""Incidents placed on the hotspot grid in bulk, and reading the map page."""

from __future__ import annotations

import itertools
import json
import re
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import insert

from asb.extensions import db
from asb.geo.services import GRID_COLUMNS, area_lsoa_name, geography, just_outside
from asb.incidents.models import Incident
from asb.incidents.vocabulary import (
    Category,
    IncidentSource,
    IncidentStatus,
    Qualifier,
    ReportingChannel,
    ReportKind,
)
from asb.maps import grid
from asb.maps.filters import MapFilters
from tests.factories import agency

_references = itertools.count(1)

# A cell in Bishopsgate ward, near Liverpool Street, and one in Cripplegate, in the
# Barbican: each lies wholly inside its ward, with a full ring of neighbours in the area.
CENTRAL_CELL = 116132
BARBICAN_CELL = 117124

BISHOPSGATE = "E05009292"
CRIPPLEGATE = "E05009302"
CHEAP = "E05009298"


def neighbourhood(cell: int) -> list[int]:
    """The cell and the eight touching it."""
    return [cell + rows * GRID_COLUMNS + columns for rows in (-1, 0, 1) for columns in (-1, 0, 1)]


def last_28_days(**criteria) -> MapFilters:
    return MapFilters.last("28-days", **criteria)


def days_ago(days: float, hour: int = 12) -> datetime:
    moment = datetime.now(UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return moment - timedelta(days=days)


def add_incidents(cells, *, rng: np.random.Generator | None = None, **fields) -> list[int]:
    """Insert one incident per entry of ``cells``, at a random point near that cell's centre.

    Points stay within one 25 m square of the cell (30 to 45 m from its south-west corner
    each way), so incidents in a cell are one repeat location and take one ward.

    Any Incident column can be given in ``fields``, as one value for all or as a list with
    one value per incident. Wards come from the point, as recording would set them.
    """
    cells = np.asarray(list(cells), dtype=np.int64)
    if len(cells) == 0:
        return []
    rng = rng or np.random.default_rng(0)
    west, south = grid.cell_corners(cells)
    eastings = west + rng.uniform(30, 45, len(cells))
    northings = south + rng.uniform(30, 45, len(cells))
    transformer = grid._to_wgs84()
    longitudes, latitudes = transformer.transform(eastings, northings)
    wards = geography().wards_at(latitudes, longitudes)
    beyond_area = ~geography().strictly_inside(eastings, northings)
    housing = agency("housing").id
    rows = []
    for index in range(len(cells)):
        row = {
            "reference": f"MAP-{next(_references):06d}",
            "source": IncidentSource.PARTNERSHIP,
            "status": IncidentStatus.NEW,
            "occurred_from": days_ago(10),
            "location_description": f"Square {int(cells[index])}",
            "latitude": float(latitudes[index]),
            "longitude": float(longitudes[index]),
            "ward_code": wards[index].code if wards[index] else None,
            "ward_name": wards[index].name if wards[index] else None,
            "easting": round(float(eastings[index])),
            "northing": round(float(northings[index])),
            "grid_cell": int(cells[index]),
            "qualifier": Qualifier.NUISANCE,
            "category": Category.NOISE,
            "description": "Loud music late at night",
            "reporting_channel": ReportingChannel.PHONE,
            "report_kind": ReportKind.COMPLAINT,
            "reporter_anonymous": True,
            "reporter_is_victim": False,
            "vulnerabilities": [],
            "restricted": False,
            "recording_agency_id": housing,
            "hate_motivated": False,
            "possible_crime": False,
        }
        for name, value in fields.items():
            row[name] = value[index] if isinstance(value, list) else value
        row.setdefault(
            "outside_city_edge",
            just_outside(
                row.get("lsoa_name"),
                bool(beyond_area[index]),
                area_lsoa_name(),
            ),
        )
        rows.append(row)
    result = db.session.execute(insert(Incident).returning(Incident.id), rows)
    return list(result.scalars())


def noise(cells: np.ndarray, per_cell: float, rng: np.random.Generator) -> list[int]:
    """Poisson counts per cell, as a list of cells with one entry per incident."""
    counts = rng.poisson(per_cell, len(cells))
    return [int(cell) for cell, count in zip(cells, counts, strict=True) for _ in range(count)]


# The page -------------------------------------------------------------------------------------

_ADD_CALL = re.compile(r"_add\((\{\"features\".*?\})\);\n", re.S)


def feature_collections(html: str) -> list[dict]:
    """The GeoJSON layers in the map's script, in the order they were added."""
    return [json.loads(match) for match in _ADD_CALL.findall(html)]


def labelled_features(html: str) -> dict[str, dict]:
    """Every clickable feature of the map by its tooltip label."""
    return {
        feature["properties"]["label"]: feature
        for collection in feature_collections(html)
        for feature in collection["features"]
        if "label" in feature["properties"]
    }
