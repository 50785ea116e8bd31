"""The hotspot grid's geometry: which 100 m cells make up the area, what falls in them, their
wards, and their outlines on a map.

Cells are the stored ones (asb.geo.services.grid_cell): British National Grid squares
numbered row * GRID_COLUMNS + column, so a cell's neighbours are found by arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer

from asb.geo.services import (
    BRITISH_NATIONAL_GRID,
    GRID_CELL_METRES,
    GRID_COLUMNS,
    GRID_ORIGIN,
    WGS84,
    Geography,
    geography,
)

# Outlines drawn on the map are simplified to this many metres; the ONS boundaries are
# generalised to about 20 m already.
OUTLINE_SIMPLIFY_METRES = 2
MIN_SHARE_INSIDE = 0.5


def study_cells(ward_code: str | None = None) -> np.ndarray:
    """The cells the hotspot test runs on: squares at least half inside the area (or ward).

    A square mostly outside the outline (the river, a neighbouring borough) holds few
    incidents because it holds little of the area, and the test would read a ring of them
    as a cold edge. Incidents in the other squares, and those recording accepts up to
    ASB_AREA_TOLERANCE_METRES outside the outline, are counted apart
    (HotspotData.outside_area) and still drawn on the counts layer.
    """
    return _study_cells(geography(), ward_code)


@cache
def _study_cells(geo: Geography, ward_code: str | None) -> np.ndarray:
    if ward_code:
        wards = geo.wards[geo.wards["code"] == ward_code]
        if wards.empty:
            return np.array([], dtype=np.int64)
        shape = wards.geometry.union_all()
    else:
        shape = geo.area
    west, south, east, north = shape.bounds
    columns = np.arange(
        (west - GRID_ORIGIN[0]) // GRID_CELL_METRES, (east - GRID_ORIGIN[0]) // GRID_CELL_METRES + 1
    ).astype(np.int64)
    rows = np.arange(
        (south - GRID_ORIGIN[1]) // GRID_CELL_METRES,
        (north - GRID_ORIGIN[1]) // GRID_CELL_METRES + 1,
    ).astype(np.int64)
    column_grid, row_grid = np.meshgrid(columns, rows)
    cells = (row_grid * GRID_COLUMNS + column_grid).ravel()
    west_edges, south_edges = cell_corners(cells)
    squares = shapely.box(
        west_edges, south_edges, west_edges + GRID_CELL_METRES, south_edges + GRID_CELL_METRES
    )
    inside = shapely.area(shapely.intersection(squares, shape)) / GRID_CELL_METRES**2
    result = np.sort(cells[inside >= MIN_SHARE_INSIDE])
    result.flags.writeable = False
    return result


@dataclass
class CellCounts:
    """Incidents per cell of the area and period, and those the area's cells leave out."""

    by_period: np.ndarray  # the area's cells x periods
    outside: dict[int, int]  # by cell: squares mostly outside the area (or ward)
    without_location: int
    total: int


def count_cells(
    rows: Iterable[tuple[int | None, int, int]], cells: np.ndarray, periods: int
) -> CellCounts:
    """Place (cell, period index, incidents) rows on ``cells``, the area's sorted cells."""
    by_period = np.zeros((len(cells), periods))
    outside: dict[int, int] = {}
    total = without_location = 0
    for cell, index, count in rows:
        total += count
        if cell is None:
            without_location += count
            continue
        position = np.searchsorted(cells, cell)
        if position < len(cells) and cells[position] == cell:
            by_period[position, index] += count
        else:
            outside[cell] = outside.get(cell, 0) + count
    return CellCounts(by_period, outside, without_location, total)


def cell_corners(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The south-west corner of each cell, in British National Grid metres."""
    rows, columns = np.divmod(np.asarray(cells, dtype=np.int64), GRID_COLUMNS)
    return (
        GRID_ORIGIN[0] + columns * GRID_CELL_METRES,
        GRID_ORIGIN[1] + rows * GRID_CELL_METRES,
    )


@cache
def _to_wgs84() -> Transformer:
    return Transformer.from_crs(BRITISH_NATIONAL_GRID, WGS84, always_xy=True)


def cell_polygons(cells: np.ndarray) -> list[list[list[float]]]:
    """Each cell's outline as a GeoJSON polygon ring of [longitude, latitude] points."""
    if len(cells) == 0:
        return []
    west, south = cell_corners(cells)
    east, north = west + GRID_CELL_METRES, south + GRID_CELL_METRES
    # Corners anticlockwise from the south-west, closed.
    xs = np.stack([west, east, east, west, west], axis=1).astype(float)
    ys = np.stack([south, south, north, north, south], axis=1).astype(float)
    longitudes, latitudes = _to_wgs84().transform(xs, ys)
    return [
        [[round(float(x), 6), round(float(y), 6)] for x, y in zip(lon, lat, strict=True)]
        for lon, lat in zip(longitudes, latitudes, strict=True)
    ]


def cell_centres(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's centre as (latitudes, longitudes)."""
    west, south = cell_corners(cells)
    half = GRID_CELL_METRES / 2
    longitudes, latitudes = _to_wgs84().transform(
        (west + half).astype(float), (south + half).astype(float)
    )
    return np.asarray(latitudes), np.asarray(longitudes)


def ward_names(cells: np.ndarray) -> dict[int, str | None]:
    """The ward each cell's centre is in (None outside every ward)."""
    latitudes, longitudes = cell_centres(cells)
    wards = geography().wards_at(latitudes, longitudes)
    return {
        int(cell): (ward.name if ward else None) for cell, ward in zip(cells, wards, strict=True)
    }


def outlines() -> tuple[dict, dict, list[list[float]]]:
    """Area and ward outlines as WGS84 GeoJSON, and the area's [[south, west], [north, east]]."""
    return _outlines(geography())


@cache
def _outlines(geo: Geography) -> tuple[dict, dict, list[list[float]]]:
    area = gpd.GeoSeries(
        [geo.area.simplify(OUTLINE_SIMPLIFY_METRES)], crs=BRITISH_NATIONAL_GRID
    ).to_crs(WGS84)
    wards = geo.wards[["code", "name", "geometry"]].copy()
    wards["geometry"] = wards.geometry.simplify(OUTLINE_SIMPLIFY_METRES)
    wards = wards.to_crs(WGS84)
    west, south, east, north = area.total_bounds
    bounds = [[float(south), float(west)], [float(north), float(east)]]
    return _rounded(area.__geo_interface__), _rounded(wards.__geo_interface__), bounds


def _rounded(collection: dict) -> dict:
    """Drop bounding boxes and keep 6 decimal places (about 0.1 m): the page stays small."""
    features = []
    for feature in collection["features"]:
        geometry = shapely.geometry.shape(feature["geometry"])
        geometry = shapely.set_precision(geometry, 1e-6)
        features.append(
            {
                "type": "Feature",
                "properties": {k: v for k, v in feature["properties"].items() if k != "geometry"},
                "geometry": shapely.geometry.mapping(geometry),
            }
        )
    return {"type": "FeatureCollection", "features": features}
