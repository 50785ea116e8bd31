"""How the map's layers are coloured, and the legends that explain the colours."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asb.maps.queries import WardSummary

HOT_COLD_COLOURS = {
    99: "#b2182b",
    95: "#ef8a62",
    90: "#fddbc7",
    -90: "#d1e5f0",
    -95: "#67a9cf",
    -99: "#2166ac",
}
COUNT_COLOURS = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
WARD_COLOURS = ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"]
# Fell by a quarter or more, fell, about the same (within 5 %), rose, rose by a quarter or more.
CHANGE_COLOURS = ["#2166ac", "#92c5de", "#f7f7f7", "#f4a582", "#b2182b"]
CHANGE_LABELS = [
    "Fell by a quarter or more",
    "Fell by 5 % to 25 %",
    "About the same (within 5 %)",
    "Rose by 5 % to 25 %",
    "Rose by a quarter or more (or from none)",
]
NO_INCIDENTS_COLOUR = "#ffffff"
OUTLINE_COLOUR = "#0b0c0c"
BRAND = "#8a1538"


@dataclass(frozen=True)
class LegendEntry:
    colour: str
    label: str


def class_breaks(values: np.ndarray, classes: int = 5) -> list[int]:
    """Upper bounds of up to ``classes`` classes: whole-number quantiles of the non-zero values."""
    values = np.asarray(values)
    values = values[values > 0]
    if len(values) == 0:
        return []
    quantiles = np.quantile(values, np.linspace(0, 1, classes + 1)[1:])
    breaks = sorted({int(np.ceil(q)) for q in quantiles})
    breaks[-1] = int(values.max())
    return breaks


def class_of(value: float, breaks: list[int]) -> int:
    for index, upper in enumerate(breaks):
        if value <= upper:
            return index
    return len(breaks) - 1


def shade(colours: list[str], index: int, classes: int) -> str:
    """The colour of class ``index`` of ``classes``: the lightest first, the darkest last."""
    if classes <= 1:
        return colours[-1]
    return colours[round(index * (len(colours) - 1) / (classes - 1))]


def shaded_legend(colours: list[str], breaks: list[int]) -> list[LegendEntry]:
    """One entry per class of ``breaks``: its colour and its range of counts."""
    entries, lower = [], 1
    for index, upper in enumerate(breaks):
        label = f"{lower:,}" if lower == upper else f"{lower:,} to {upper:,}"
        entries.append(LegendEntry(shade(colours, index, len(breaks)), label))
        lower = upper + 1
    return entries


def change_class(ward: WardSummary) -> int:
    """0: fell by 25 % or more, 1: fell, 2: about the same, 3: rose, 4: rose by 25 % or more."""
    if ward.previous == 0:
        return 2 if ward.incidents == 0 else 4
    share = ward.change_share or 0.0
    if share <= -0.25:
        return 0
    if share < -0.05:
        return 1
    if share <= 0.05:
        return 2
    if share < 0.25:
        return 3
    return 4


def fill(colour: str, opacity: float = 0.7) -> dict:
    """A Leaflet style: thin dark outline, filled with ``colour``."""
    return {
        "color": OUTLINE_COLOUR,
        "weight": 0.5,
        "opacity": 0.6,
        "fillColor": colour,
        "fillOpacity": opacity,
    }
