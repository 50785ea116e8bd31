"""The hotspot analysis for one set of filters, in the order it runs.

1. Incidents per 100 m cell and period, counted in SQL (queries.grid_counts).
2. The counts placed on the area's cells (grid.study_cells, grid.count_cells); incidents
   in squares mostly outside the area, or without a location, are counted apart.
3. Gi* hot and cold spots on the whole window's counts (analysis.lattice, analysis.gi_star).
4. Touching hot cells grouped into hotspots (analysis.hot_clusters), with their wards
   (grid.ward_names).
5. Each hotspot's persistence from the Gi* of each calendar month (analysis.analytic_z,
   analysis.period_activity, analysis.persistence).
6. Who reported each hotspot's incidents (queries.reporting_by_hotspot), and how many of
   them police.uk placed at one of its anonymous points (asb.maps.anonymous_points).

Records police.uk places in a neighbouring borough's LSOA are edge cases: counted apart
(HotspotData.edge_cases) and, like other incidents outside the test, drawn on the counts
layer.

The statistics, and why they are done this way, are described in asb.maps.analysis.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from asb.maps import analysis, grid, queries
from asb.maps.anonymous_points import AnonymousShare, busiest_point
from asb.maps.cache import cached
from asb.maps.filters import MapFilters
from asb.maps.queries import ReportingPattern


@dataclass
class Hotspot:
    number: int
    cells: list[int]
    incidents: int
    confidence: int  # the strictest class among its cells: 99, 95 or 90
    persistence: str
    active_periods: list[bool]
    busiest_cell: int
    ward_names: list[str]
    reporting: ReportingPattern = field(default_factory=ReportingPattern)
    anonymous_point: AnonymousShare | None = None  # the busiest of police.uk's, if any


@dataclass
class HotspotData:
    """The grid analysis for one set of filters, as the map and its tables need it."""

    filters: MapFilters
    periods: list[analysis.Period]
    cells: np.ndarray  # the area's cells, sorted
    counts: np.ndarray  # incidents per cell over the whole window
    period_counts: np.ndarray  # cells x periods
    gi: analysis.GiStar
    hotspots: list[Hotspot]
    total: int  # all matching incidents, wherever they are
    outside_area: int  # in squares mostly outside the area (or ward): not in the test
    without_location: int
    outside_counts: dict[int, int] = field(default_factory=dict)  # by cell
    edge_cases: int = 0  # in a neighbouring borough's LSOA: part of outside_area
    # Hot squares most of whose incidents police.uk placed at one anonymous point.
    anonymous_squares: dict[int, AnonymousShare] = field(default_factory=dict)

    @property
    def max_count(self) -> int:
        return int(self.counts.max()) if len(self.counts) else 0

    @property
    def persistence_judged(self) -> bool:
        return analysis.can_judge_persistence(self.periods)

    @property
    def too_few_to_test(self) -> bool:
        """No hotspot, and fewer incidents than squares in the test.

        With most squares empty, a neighbourhood of nine squares holds a handful of
        incidents at most, and no arrangement of so few passes the false discovery rate
        correction over hundreds of squares (a month of police.uk's City records, about 100
        over 290 squares, never does): "no hotspots" would then read as "evenly spread"
        when the test could not have found one.
        """
        return not self.hotspots and int(self.counts.sum()) < len(self.cells)

    def cold_cells(self) -> int:
        return int((self.gi.classes < 0).sum())


def hotspot_data(user, filters: MapFilters) -> HotspotData:
    """Counts on the 100 m grid, Gi* hot and cold spots, and hotspots with their persistence."""
    return cached("hotspots", user, filters, lambda: _analyse(user, filters))


def _analyse(user, filters: MapFilters) -> HotspotData:
    periods = analysis.periods(filters.start, filters.end)
    cells = grid.study_cells(filters.ward_code)
    counted = grid.count_cells(queries.grid_counts(user, filters, periods), cells, len(periods))
    counts = counted.by_period.sum(axis=1)

    lattice = analysis.lattice(cells)
    gi = analysis.gi_star(counts, lattice)

    clusters = analysis.hot_clusters(lattice, gi.classes, counts)
    wards = grid.ward_names(cells[np.concatenate(clusters)]) if clusters else {}

    period_z = analysis.analytic_z(counted.by_period, lattice)
    judged = analysis.can_judge_persistence(periods)
    hotspots = []
    for number, members in enumerate(clusters, start=1):
        active = analysis.period_activity(period_z, members)
        member_cells = [int(cell) for cell in cells[members]]
        hotspots.append(
            Hotspot(
                number=number,
                cells=member_cells,
                incidents=int(counts[members].sum()),
                confidence=int(gi.classes[members].max()),
                persistence=analysis.persistence(active, judged=judged),
                active_periods=active,
                busiest_cell=int(cells[members][np.argmax(counts[members])]),
                ward_names=sorted({wards[cell] for cell in member_cells if wards[cell]}),
            )
        )

    number_of_cell = {cell: hotspot.number for hotspot in hotspots for cell in hotspot.cells}
    patterns = queries.reporting_by_hotspot(user, filters, number_of_cell)
    for hotspot in hotspots:
        hotspot.reporting = patterns.get(hotspot.number, ReportingPattern())

    edges = queries.edge_cases(user, filters)
    outside = dict(counted.outside)
    for cell, count in edges.items():
        if cell is not None:
            outside[cell] = outside.get(cell, 0) + count
    anonymous_squares = _at_anonymous_points(user, filters, hotspots, cells, counts)

    return HotspotData(
        filters=filters,
        periods=periods,
        cells=cells,
        counts=counts,
        period_counts=counted.by_period,
        gi=gi,
        hotspots=hotspots,
        total=counted.total + sum(edges.values()),
        outside_area=sum(counted.outside.values()) + sum(edges.values()),
        without_location=counted.without_location,
        outside_counts=outside,
        edge_cases=sum(edges.values()),
        anonymous_squares=anonymous_squares,
    )


def _at_anonymous_points(
    user, filters: MapFilters, hotspots: list[Hotspot], cells: np.ndarray, counts: np.ndarray
) -> dict[int, AnonymousShare]:
    """Set each hotspot's busiest anonymous point; return the hot squares it dominates."""
    hot_cells = [cell for hotspot in hotspots for cell in hotspot.cells]
    by_cell = queries.anonymous_points_in(user, filters, hot_cells)
    squares = {}
    for hotspot in hotspots:
        merged: dict[str, int] = {}
        for cell in hotspot.cells:
            for place, records in by_cell.get(cell, {}).items():
                merged[place] = merged.get(place, 0) + records
        hotspot.anonymous_point = busiest_point(merged, hotspot.incidents)
    for cell, records in by_cell.items():
        share = busiest_point(records, int(counts[np.searchsorted(cells, cell)]))
        if share is not None and share.dominant:
            squares[cell] = share
    return squares
