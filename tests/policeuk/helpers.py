"""Street-level files for the importer's tests: the real ones, and ones written to order."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import geopandas as gpd

from asb.geo.services import BRITISH_NATIONAL_GRID, WGS84, geography
from asb.policeuk.reader import ASB_CRIME_TYPE, STREET_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
COPIED_FILES = sorted((ROOT / "tests" / "data" / "policeuk").glob("*-street.csv"))
SHARED_FOLDER = ROOT.parent / "shared" / "data" / "police-uk-city-of-london-street"

FORCE = "City of London Police"
# Inside the City (Cheapside), just outside its boundary (Sandy's Row, Spitalfields), and far
# away (Scarborough, one of the force's real outliers).
CHEAPSIDE = ("-0.093918", "51.514179")
SANDYS_ROW = ("-0.076900", "51.518360")
SCARBOROUGH = ("-0.401316", "54.283113")


def asb_row(
    month: str = "2024-03",
    point: tuple[str, str] = CHEAPSIDE,
    location: str = "On or near Cheapside",
    lsoa: tuple[str, str] = ("E01032739", "City of London 001F"),
    crime_type: str = ASB_CRIME_TYPE,
) -> list[str]:
    longitude, latitude = point
    return ["", month, FORCE, FORCE, longitude, latitude, location, *lsoa, crime_type, "", ""]


def write_street_file(path: Path, rows: list[list[str]], header=STREET_COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def file_counts(paths: list[Path]) -> dict[str, Counter]:
    """What the files hold, counted here with csv and geopandas, apart from the importer:
    per month, the ASB rows inside the area (as the demo always placed them), outside it and
    without a location."""
    geo = geography()
    counts: dict[str, Counter] = {"inside": Counter(), "outside": Counter(), "unplaced": Counter()}
    located = []
    for path in paths:
        with path.open(newline="", encoding="utf-8-sig") as file:
            for row in csv.DictReader(file):
                if row["Crime type"] != ASB_CRIME_TYPE:
                    continue
                if not row["Longitude"]:
                    counts["unplaced"][row["Month"]] += 1
                    continue
                located.append((row["Month"], float(row["Longitude"]), float(row["Latitude"])))
    points = gpd.GeoSeries(
        gpd.points_from_xy([row[1] for row in located], [row[2] for row in located]), crs=WGS84
    ).to_crs(BRITISH_NATIONAL_GRID)
    for (month, _, _), inside in zip(located, points.within(geo.area_with_tolerance), strict=True):
        counts["inside" if inside else "outside"][month] += 1
    return counts
