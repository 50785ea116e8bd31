"""A synthetic data.police.uk street-level CSV of any size, for timing the importer.

Shaped like City of London Police's files one month after another (as a folder of monthly
files is read), but all anti-social behaviour (the rows the importer works hardest on): most
points inside the City, a few just outside it and some far away (the force reports a handful
of outliers), some with no location, and a few rows that repeat exactly, as real ASB rows do.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from asb.policeuk.reader import ASB_CRIME_TYPE, STREET_COLUMNS

FORCE = "City of London Police"
# Around the Square Mile: its outline fills most of this box, so some points fall outside.
WEST, EAST, SOUTH, NORTH = -0.1138, -0.0728, 51.5078, 51.5233
FAR_AWAY_SHARE = 0.02
NO_LOCATION_SHARE = 0.03
REPEAT_SHARE = 0.01
STREETS = [
    "Aldersgate Street", "Bishopsgate", "Cheapside", "Fleet Street", "Gracechurch Street",
    "Houndsditch", "Leadenhall Street", "London Wall", "Ludgate Hill", "Moorgate",
    "Queen Victoria Street", "Cannon Street", "Fenchurch Street", "Holborn Viaduct",
    "Sandy'S Row", "Petticoat Lane", "Conference/Exhibition Centre", "Parking Area", "",
]  # fmt: skip
LSOAS = [
    ("E01000001", "City of London 001A"), ("E01000002", "City of London 001B"),
    ("E01000003", "City of London 001C"), ("E01000005", "City of London 001E"),
    ("E01032739", "City of London 001F"), ("E01032740", "City of London 001G"),
]  # fmt: skip
MONTHS = [f"{year}-{month:02d}" for year in range(2017, 2026) for month in range(1, 13)]


def write_street_csv(path: Path, rows: int, seed: int = 20261129, chunk: int = 100_000) -> None:
    """Write `rows` data rows (and the header) to `path`, a chunk at a time."""
    rng = np.random.default_rng(seed)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(STREET_COLUMNS)
        for start in range(0, rows, chunk):
            size = min(chunk, rows - start)
            # The months run in order through the file, as monthly files read one by one.
            month_indexes = (np.arange(start, start + size) * len(MONTHS)) // rows
            writer.writerows(_rows(rng, np.asarray(MONTHS)[month_indexes]))


def _rows(rng: np.random.Generator, months: np.ndarray) -> list[tuple]:
    size = len(months)
    longitudes = rng.uniform(WEST, EAST, size)
    latitudes = rng.uniform(SOUTH, NORTH, size)
    far = rng.random(size) < FAR_AWAY_SHARE
    longitudes[far] = rng.uniform(-4.5, 0.5, far.sum())
    latitudes[far] = rng.uniform(51.0, 54.0, far.sum())
    missing = rng.random(size) < NO_LOCATION_SHARE
    streets = np.asarray(STREETS)[rng.integers(0, len(STREETS), size)]
    lsoas = rng.integers(0, len(LSOAS), size)
    # A repeat copies the row before it exactly.
    repeat = np.flatnonzero(rng.random(size) < REPEAT_SHARE)
    repeat = repeat[repeat > 0]
    for values in (longitudes, latitudes, missing, months, streets, lsoas):
        values[repeat] = values[repeat - 1]
    return [
        (
            "",
            month,
            FORCE,
            FORCE,
            "" if gone else f"{longitude:.6f}",
            "" if gone else f"{latitude:.6f}",
            f"On or near {street}",
            *(("", "") if gone else LSOAS[lsoa]),
            ASB_CRIME_TYPE,
            "",
            "",
        )
        for month, longitude, latitude, gone, street, lsoa in zip(
            months.tolist(),
            longitudes.tolist(),
            latitudes.tolist(),
            missing.tolist(),
            streets.tolist(),
            lsoas.tolist(),
            strict=True,
        )
    ]
