"""Where things are: is a point inside the area, and which ward is it in.

Boundaries are loaded once per process with geopandas and projected to British National
Grid (EPSG:27700), so that distances are in metres.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from flask import current_app
from shapely import Point
from shapely.geometry.base import BaseGeometry

BRITISH_NATIONAL_GRID = "EPSG:27700"
WGS84 = "EPSG:4326"


# The stored hotspot grid: 100 m squares of the British National Grid, numbered from this
# origin (south-west of the City) as row * GRID_COLUMNS + column.
GRID_CELL_METRES = 100
GRID_ORIGIN = (520_000, 170_000)
GRID_COLUMNS = 1_000


@dataclass(frozen=True)
class Ward:
    code: str
    name: str


@dataclass(frozen=True)
class Location:
    """Where a point falls: its ward, its grid position in metres and its hotspot grid cell."""

    ward: Ward | None
    easting: int
    northing: int
    grid_cell: int
    # Accepted by the boundary tolerance but not inside the area itself: counted apart as
    # "just outside the City boundary", never in the (nearest) ward it keeps for context.
    outside_edge: bool = False


def grid_cell(easting: float, northing: float) -> int:
    column = int((easting - GRID_ORIGIN[0]) // GRID_CELL_METRES)
    row = int((northing - GRID_ORIGIN[1]) // GRID_CELL_METRES)
    return row * GRID_COLUMNS + column


def grid_cell_bounds(cell: int) -> tuple[float, float, float, float]:
    """The cell's south-west and north-east corners, in metres on the British National Grid."""
    row, column = divmod(cell, GRID_COLUMNS)
    west = GRID_ORIGIN[0] + column * GRID_CELL_METRES
    south = GRID_ORIGIN[1] + row * GRID_CELL_METRES
    return west, south, west + GRID_CELL_METRES, south + GRID_CELL_METRES


def area_lsoa_name() -> str:
    """How the area's LSOAs are named ("City of London 001A"): ASB_AREA_LSOA_NAME."""
    return current_app.config.get("ASB_AREA_LSOA_NAME", "City of London")


def just_outside(lsoa_name: str | None, beyond_area: bool, area_lsoa_name: str) -> bool:
    """Whether a point accepted by the boundary tolerance lies just outside the area.

    A police.uk record's LSOA decides ("City of London 001A" is the area's when
    ASB_AREA_LSOA_NAME is "City of London"): police.uk places it by the census boundaries.
    Any other record goes by the strict point-in-polygon test (beyond_area).
    """
    if lsoa_name and area_lsoa_name:
        return not lsoa_name.startswith(f"{area_lsoa_name} ")
    return beyond_area


class Geography:
    """The configured area and its wards, ready for point lookups."""

    def __init__(self, area_path: Path, wards_path: Path, tolerance_metres: float) -> None:
        area = gpd.read_file(area_path).to_crs(BRITISH_NATIONAL_GRID)
        self.wards = gpd.read_file(wards_path).to_crs(BRITISH_NATIONAL_GRID)
        self.area: BaseGeometry = area.geometry.union_all()
        self.area_with_tolerance = self.area.buffer(tolerance_metres)
        self.tolerance_metres = tolerance_metres
        self.ward_list = sorted(
            (
                Ward(code, name)
                for code, name in zip(self.wards["code"], self.wards["name"], strict=False)
            ),
            key=lambda ward: ward.name,
        )
        self.area_path = area_path
        self.wards_path = wards_path

    @staticmethod
    def _to_grid(latitudes, longitudes) -> gpd.GeoSeries:
        return gpd.GeoSeries(
            gpd.points_from_xy(np.asarray(longitudes), np.asarray(latitudes)), crs=WGS84
        ).to_crs(BRITISH_NATIONAL_GRID)

    def strictly_inside(self, eastings, northings) -> np.ndarray:
        """Whether each British National Grid point lies inside the area itself (no
        tolerance), vectorised."""
        return shapely.contains_xy(
            self.area, np.asarray(eastings, dtype=float), np.asarray(northings, dtype=float)
        )

    def contains(self, latitude: float, longitude: float) -> bool:
        point: Point = self._to_grid([latitude], [longitude]).iloc[0]
        return self.area_with_tolerance.contains(point)

    def ward_at(self, latitude: float, longitude: float) -> Ward | None:
        return self.wards_at([latitude], [longitude])[0]

    def wards_at(self, latitudes, longitudes) -> list[Ward | None]:
        """Find the ward of each point, vectorised; a point just outside takes the nearest."""
        points = gpd.GeoDataFrame(geometry=self._to_grid(latitudes, longitudes))
        joined = gpd.sjoin_nearest(
            points,
            self.wards[["code", "name", "geometry"]],
            how="left",
            max_distance=self.tolerance_metres,
        )
        # A point exactly on a shared edge matches two wards; keep the first.
        joined = joined[~joined.index.duplicated(keep="first")]
        return [
            Ward(code, name) if isinstance(code, str) else None
            for code, name in zip(joined["code"], joined["name"], strict=False)
        ]

    def locate_many(self, latitudes, longitudes) -> list[Location]:
        """Ward, grid position and grid cell of each point, vectorised."""
        points = self._to_grid(latitudes, longitudes)
        wards = self.wards_at(latitudes, longitudes)
        inside = self.strictly_inside(points.x, points.y)
        return [
            Location(
                ward,
                round(point.x),
                round(point.y),
                grid_cell(point.x, point.y),
                outside_edge=not point_inside,
            )
            for point, ward, point_inside in zip(points, wards, inside, strict=True)
        ]

    def locate(self, latitude: float, longitude: float) -> Location:
        return self.locate_many([latitude], [longitude])[0]

    def ward_name(self, code: str) -> str | None:
        for ward in self.ward_list:
            if ward.code == code:
                return ward.name
        return None


@cache
def _load(area_path: str, wards_path: str, tolerance_metres: float) -> Geography:
    return Geography(Path(area_path), Path(wards_path), tolerance_metres)


def geography() -> Geography:
    config = current_app.config
    return _load(
        config["ASB_AREA_BOUNDARY"],
        config["ASB_WARD_BOUNDARIES"],
        float(config["ASB_AREA_TOLERANCE_METRES"]),
    )
