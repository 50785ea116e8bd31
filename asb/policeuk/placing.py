"""Where a batch of police.uk points falls, worked out for the whole batch at once."""

from __future__ import annotations

from dataclasses import dataclass

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
)


@dataclass(frozen=True)
class Placement:
    """Where a batch's points fall: the indexes of those inside the area, and for each of
    those its grid position, hotspot cell and ward (None where none is near)."""

    inside: np.ndarray
    eastings: np.ndarray
    northings: np.ndarray
    grid_cells: np.ndarray
    ward_codes: list[str | None]
    ward_names: list[str | None]
    # Inside only by the boundary tolerance (Geography.strictly_inside); the writer flags
    # those without an LSOA as just outside the area (those with one go by its name).
    beyond_area: list[bool]


class Placer:
    """asb.geo's rules for whole arrays: inside the area allowing its tolerance, and the
    ward containing the point or, in a gap between generalised boundaries, the nearest
    within the tolerance (as Geography.wards_at)."""

    def __init__(self, geo: Geography) -> None:
        self.area = geo.area_with_tolerance
        shapely.prepare(self.area)
        self.strict_area = geo.area
        shapely.prepare(self.strict_area)
        self.wards = geo.wards
        self.tolerance = geo.tolerance_metres
        self.codes = self.wards["code"].to_numpy(dtype=object)
        self.names = self.wards["name"].to_numpy(dtype=object)
        # Made by the thread that places (pyproj's objects belong to the thread that made them).
        self._to_grid: Transformer | None = None

    def place(self, longitudes: np.ndarray, latitudes: np.ndarray) -> Placement:
        if self._to_grid is None:
            self._to_grid = Transformer.from_crs(WGS84, BRITISH_NATIONAL_GRID, always_xy=True)
        x, y = self._to_grid.transform(longitudes, latitudes)
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        inside = np.flatnonzero(shapely.contains_xy(self.area, x, y))
        x, y = x[inside], y[inside]
        wards = self._ward_indexes(x, y)
        found = wards >= 0
        codes = np.where(found, self.codes[np.maximum(wards, 0)], None)
        names = np.where(found, self.names[np.maximum(wards, 0)], None)
        columns = np.floor((x - GRID_ORIGIN[0]) / GRID_CELL_METRES).astype(np.int64)
        rows = np.floor((y - GRID_ORIGIN[1]) / GRID_CELL_METRES).astype(np.int64)
        return Placement(
            inside=inside,
            eastings=np.rint(x).astype(np.int64),
            northings=np.rint(y).astype(np.int64),
            grid_cells=rows * GRID_COLUMNS + columns,
            ward_codes=codes.tolist(),
            ward_names=names.tolist(),
            beyond_area=(~shapely.contains_xy(self.strict_area, x, y)).tolist(),
        )

    def _ward_indexes(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        points = shapely.points(x, y)
        found = np.full(len(points), -1, dtype=np.int64)
        if not len(points):
            return found
        point_index, ward_index = self.wards.sindex.query(points, predicate="within")
        first = np.unique(point_index, return_index=True)[1]  # on a shared edge, the first
        found[point_index[first]] = ward_index[first]
        missing = np.flatnonzero(found < 0)
        if len(missing):
            point_index, ward_index = self.wards.sindex.nearest(
                points[missing], return_all=False, max_distance=self.tolerance
            )
            found[missing[point_index]] = ward_index
        return found
