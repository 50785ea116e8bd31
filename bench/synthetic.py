"""A synthetic City: a million incidents over three years, made with numpy, loaded in bulk.

Everything is vectorised: points are drawn inside the City's outline on the British National
Grid, given their 100 m hotspot cell by arithmetic on whole arrays and their ward by one
spatial-index query, and converted to latitude and longitude by one pyproj call. Nothing
builds a Python object per incident until the rows are written (SQLite's executemany takes
tuples; PostgreSQL takes CSV text through COPY).

Planted in the noise, for the hotspot analysis to find: clusters at real places (a
persistent one, a new one in the last three months, one that stopped after the first year),
and a few addresses that report very often (the "one very intolerant neighbour").
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from asb.geo.services import (
    BRITISH_NATIONAL_GRID,
    GRID_CELL_METRES,
    GRID_COLUMNS,
    GRID_ORIGIN,
    WGS84,
)
from asb.incidents.models import Incident
from asb.incidents.vocabulary import Category
from asb.presentation import LONDON

# Bump when the data generated changes, so `make bench` rebuilds stored bench databases.
GENERATOR_VERSION = 2
YEARS = 3
POLICE_UK_SHARE = 0.10
RESTRICTED_SHARE = 0.01

# Shares of partnership incidents, roughly as a City partnership records them.
CATEGORY_WEIGHTS = {
    Category.ROWDY_BEHAVIOUR: 24,
    Category.BEGGING: 12,
    Category.STREET_DRINKING: 10,
    Category.NOISE: 12,
    Category.LITTERING_DRUGS: 10,
    Category.ROWDY_NEIGHBOURS: 7,
    Category.VEHICLE_NUISANCE: 7,
    Category.TRESPASS: 5,
    Category.NUISANCE_COMMUNICATIONS: 3,
    Category.ANIMAL_PROBLEMS: 3,
    Category.VEHICLE_ABANDONED: 3,
    Category.PROSTITUTION: 2,
    Category.FIREWORKS: 2,
}
QUALIFIERS = {
    Category.ROWDY_NEIGHBOURS: "personal",
    Category.NUISANCE_COMMUNICATIONS: "personal",
    Category.LITTERING_DRUGS: "environmental",
    Category.VEHICLE_ABANDONED: "environmental",
    Category.ANIMAL_PROBLEMS: "environmental",
}
# (agency code, share of partnership incidents, share of them that are officers' observations)
AGENCIES = [
    ("street-enforcement", 0.32, 0.55),
    ("community-safety", 0.22, 0.15),
    ("housing", 0.20, 0.05),
    ("barbican", 0.14, 0.10),
    ("mcp", 0.12, 0.30),
]
COMPLAINT_CHANNELS = (["phone", "email", "online", "in-person"], [0.35, 0.3, 0.25, 0.1])
OBSERVATION_CHANNELS = (["patrol", "cctv"], [0.8, 0.2])
STREETS = [
    "Aldersgate Street", "Bishopsgate", "Cheapside", "Fleet Street", "Gracechurch Street",
    "Houndsditch", "Leadenhall Street", "London Wall", "Ludgate Hill", "Moorgate",
    "Queen Victoria Street", "Cannon Street", "Fenchurch Street", "Holborn Viaduct",
    "Farringdon Street", "Minories", "Middlesex Street", "Old Broad Street", "Poultry",
    "St Mary Axe", "Lime Street", "Eastcheap", "King William Street", "Upper Thames Street",
    "Lower Thames Street", "Aldgate High Street", "Wood Street", "Milk Street", "Bread Street",
    "Friday Street", "Carter Lane", "New Change", "Newgate Street", "Giltspur Street",
    "Charterhouse Street", "Long Lane", "Beech Street", "Golden Lane", "Fore Street",
    "Moor Lane", "Finsbury Circus", "Liverpool Street", "Bevis Marks", "Camomile Street",
    "Threadneedle Street", "Lothbury", "Gresham Street", "Coleman Street", "Basinghall Street",
    "Ironmonger Lane", "Bow Lane", "Watling Street", "Queen Street", "College Hill",
    "Dowgate Hill", "Walbrook", "Lombard Street", "Cornhill", "Mansell Street", "Tower Hill",
]  # fmt: skip
BUILDINGS = [
    "Crescent House", "Great Arthur House", "Cuthbert Harrowing House", "Stanley Cohen House",
    "Bowater House", "Hatfield House", "Basterfield House", "Cullum Welch House",
    "Shakespeare Tower", "Cromwell Tower", "Lauderdale Tower", "Gilbert House",
    "Andrewes House", "Speed House", "Mountjoy House", "Petticoat Tower", "Middlesex House",
    "Artizan Street flats", "Mais House", "Dron House",
]  # fmt: skip
POSTCODES = ["EC1Y 0SL", "EC1Y 0RN", "EC2Y 8DN", "EC2Y 8BL", "E1 7EZ", "E1 7AE", "EC1A 4JQ"]
DESCRIPTIONS = {
    category: f"Synthetic incident for the benchmark: {category.label.lower()}."
    for category in Category
}


@dataclass(frozen=True)
class Cluster:
    """A planted hotspot: a place, how tight it is, and when it is active."""

    place: str
    easting: float
    northing: float
    sigma_metres: float
    share: float  # of partnership incidents
    category: Category
    agency: str
    active: str  # "always", "recent" (last three months) or "early" (first year only)


CLUSTERS = [
    Cluster("Golden Lane Estate, Crescent House", 532250, 182100, 25, 0.02,
            Category.ROWDY_NEIGHBOURS, "housing", "always"),
    Cluster("Liverpool Street station, Sun Street Passage", 533200, 181600, 40, 0.03,
            Category.BEGGING, "community-safety", "always"),
    Cluster("Leadenhall Market", 533170, 181040, 30, 0.02,
            Category.STREET_DRINKING, "street-enforcement", "always"),
    Cluster("Middlesex Street Estate, Petticoat Tower", 533560, 181450, 25, 0.015,
            Category.LITTERING_DRUGS, "housing", "recent"),
    Cluster("St Paul's Churchyard", 532100, 181150, 35, 0.015,
            Category.ROWDY_BEHAVIOUR, "street-enforcement", "early"),
    Cluster("Barbican podium, Ben Jonson House", 532300, 181900, 25, 0.01,
            Category.ROWDY_BEHAVIOUR, "barbican", "always"),
]  # fmt: skip
FREQUENT_REPORTERS = 30  # addresses that between them make 1% of addressed reports
ADDRESS_POOL = 200_000


def _choice(rng: np.random.Generator, options, weights, size: int) -> np.ndarray:
    """`size` picks from `options`, with the weights given (None: equally likely)."""
    p = None if weights is None else np.asarray(weights, dtype=float) / np.sum(weights)
    return np.asarray(options, dtype=object)[rng.choice(len(options), size, p=p)]


def points_inside(
    rng: np.random.Generator, area: BaseGeometry, size: int, centre=None, sigma=None
) -> tuple[np.ndarray, np.ndarray]:
    """Eastings and northings inside the area: uniform, or normal around a centre."""
    west, south, east, north = area.bounds
    shapely.prepare(area)
    xs, ys = np.empty(0), np.empty(0)
    while len(xs) < size:
        want = max(1024, int((size - len(xs)) * 1.8))
        if centre is None:
            x, y = rng.uniform(west, east, want), rng.uniform(south, north, want)
        else:
            x, y = rng.normal(centre[0], sigma, want), rng.normal(centre[1], sigma, want)
        inside = shapely.contains_xy(area, x, y)
        xs, ys = np.concatenate([xs, x[inside]]), np.concatenate([ys, y[inside]])
    return xs[:size], ys[:size]


def grid_cells(eastings: np.ndarray, northings: np.ndarray) -> np.ndarray:
    """asb.geo.services.grid_cell, for whole arrays."""
    columns = np.floor((eastings - GRID_ORIGIN[0]) / GRID_CELL_METRES).astype(np.int64)
    rows = np.floor((northings - GRID_ORIGIN[1]) / GRID_CELL_METRES).astype(np.int64)
    return rows * GRID_COLUMNS + columns


def ward_indexes(wards: gpd.GeoDataFrame, eastings: np.ndarray, northings: np.ndarray):
    """The index into `wards` of each point's ward, by one query of the spatial index; a point
    in a gap between the generalised boundaries takes the nearest ward."""
    points = shapely.points(eastings, northings)
    found = np.full(len(points), -1, dtype=np.int64)
    point_index, ward_index = wards.sindex.query(points, predicate="within")
    first = np.unique(point_index, return_index=True)[1]  # on a shared edge, the first
    found[point_index[first]] = ward_index[first]
    missing = np.flatnonzero(found < 0)
    if len(missing):
        point_index, ward_index = wards.sindex.nearest(points[missing], return_all=False)
        found[missing[point_index]] = ward_index
    return found


def _day_weights(days: int, end: date) -> np.ndarray:
    """More in summer and slowly more each year, as recorded ASB tends to run."""
    offsets = np.arange(days)
    day_of_year = np.array(
        [(end - timedelta(days=int(days - 1 - n))).timetuple().tm_yday for n in offsets]
    )
    season = 1 + 0.25 * np.sin((day_of_year - 100) / 365.25 * 2 * np.pi)
    trend = 1 + 0.15 * offsets / days
    return season * trend


HOUR_WEIGHTS = np.array(
    [4, 3, 2, 1, 1, 1, 1, 2, 3, 4, 4, 5, 6, 6, 5, 5, 5, 6, 7, 8, 8, 8, 7, 6], dtype=float
)


def _timestamps(rng, size: int, start: datetime, day_weights: np.ndarray, first_day: int = 0):
    days = first_day + rng.choice(len(day_weights), size, p=day_weights / day_weights.sum())
    hours = rng.choice(24, size, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    seconds = days * 86_400 + hours * 3_600 + rng.integers(0, 3_600, size)
    return np.datetime64(start.replace(tzinfo=None), "s") + seconds.astype("timedelta64[s]")


def generate_incidents(
    size: int,
    *,
    area: BaseGeometry,
    wards: gpd.GeoDataFrame,
    agency_ids: dict[str, int],
    now: datetime,
    seed: int = 20261125,
) -> pd.DataFrame:
    """`size` incidents over the three years to `now`, as columns of the incidents table."""
    rng = np.random.default_rng(seed)
    now = now.astimezone(UTC).replace(microsecond=0)
    days = YEARS * 365
    start = (now - timedelta(days=days)).replace(hour=0, minute=0, second=0)
    police_count = round(size * POLICE_UK_SHARE)
    partnership_count = size - police_count

    # Partnership records: planted clusters, then uniform noise.
    weights = _day_weights(days, now.date())
    parts = []
    for cluster in CLUSTERS:
        count = round(partnership_count * cluster.share)
        x, y = points_inside(
            rng, area, count, (cluster.easting, cluster.northing), cluster.sigma_metres
        )
        if cluster.active == "recent":
            when = _timestamps(rng, count, start, weights[-90:], first_day=days - 90)
        elif cluster.active == "early":
            when = _timestamps(rng, count, start, weights[:365])
        else:
            when = _timestamps(rng, count, start, weights)
        variants = [cluster.place, cluster.place.lower(), cluster.place.replace(",", " -")]
        parts.append(
            pd.DataFrame(
                {
                    "x": x,
                    "y": y,
                    "occurred": when,
                    "category": cluster.category.value,
                    "agency": cluster.agency,
                    "location_description": _choice(rng, variants, [3, 1, 1], count),
                }
            )
        )
    noise = partnership_count - sum(len(part) for part in parts)
    x, y = points_inside(rng, area, noise)
    numbers = rng.integers(1, 200, noise).astype(str)
    parts.append(
        pd.DataFrame(
            {
                "x": x,
                "y": y,
                "occurred": _timestamps(rng, noise, start, weights),
                "category": _choice(
                    rng,
                    [c.value for c in CATEGORY_WEIGHTS],
                    list(CATEGORY_WEIGHTS.values()),
                    noise,
                ),
                "agency": _choice(
                    rng, [a for a, _, _ in AGENCIES], [s for _, s, _ in AGENCIES], noise
                ),
                "location_description": np.char.add(
                    np.char.add(numbers, " "), _choice(rng, STREETS, None, noise).astype(str)
                ),
            }
        )
    )
    partnership = pd.concat(parts, ignore_index=True)
    partnership["source"] = "partnership"
    observation_share = partnership["agency"].map({a: o for a, _, o in AGENCIES})
    observed = rng.random(len(partnership)) < observation_share.to_numpy()
    partnership["report_kind"] = np.where(observed, "observation", "complaint")
    partnership["reporting_channel"] = np.where(
        observed,
        _choice(rng, *OBSERVATION_CHANNELS, len(partnership)),
        _choice(rng, *COMPLAINT_CHANNELS, len(partnership)),
    )

    police = _police_uk(rng, police_count, area, now, start)
    frame = pd.concat([partnership, police], ignore_index=True)
    frame = frame.sort_values("occurred", kind="stable", ignore_index=True)
    count = len(frame)

    # Place: grid, ward, latitude and longitude, all at once.
    frame["easting"] = np.rint(frame["x"]).astype(np.int64)
    frame["northing"] = np.rint(frame["y"]).astype(np.int64)
    frame["grid_cell"] = grid_cells(frame["x"].to_numpy(), frame["y"].to_numpy())
    ward = ward_indexes(wards, frame["x"].to_numpy(), frame["y"].to_numpy())
    frame["ward_code"] = wards["code"].to_numpy()[ward]
    frame["ward_name"] = wards["name"].to_numpy()[ward]
    to_degrees = Transformer.from_crs(BRITISH_NATIONAL_GRID, WGS84, always_xy=True)
    longitudes, latitudes = to_degrees.transform(frame["x"].to_numpy(), frame["y"].to_numpy())
    frame["latitude"], frame["longitude"] = latitudes, longitudes

    # What, by whom, and how it stands.
    frame["qualifier"] = frame["category"].map(
        {c.value: QUALIFIERS.get(c, "nuisance") for c in Category}
    )
    frame["description"] = frame["category"].map({c.value: DESCRIPTIONS[c] for c in Category})
    frame["recording_agency_id"] = frame["agency"].map(agency_ids).astype(np.int64)
    occurred = frame["occurred"].to_numpy()
    now64 = np.datetime64(now.replace(tzinfo=None), "s")
    age_days = (now64 - occurred).astype("timedelta64[s]").astype(np.int64) / 86_400
    frame["status"] = _statuses(rng, age_days, frame["source"].to_numpy())
    recorded = occurred + rng.integers(600, 2 * 86_400, count).astype("timedelta64[s]")
    police_rows = frame["source"].to_numpy() == "police.uk"
    recorded[police_rows] = occurred[police_rows] + np.timedelta64(45, "D")
    frame["created_at"] = np.minimum(recorded, now64)
    frame["updated_at"] = frame["created_at"]
    frame["reference"] = [f"SYN-{year}-{n:07d}" for n, year in enumerate(frame["occurred"].dt.year)]
    frame["occurred_from"] = frame["occurred"]

    complaint = (frame["report_kind"] == "complaint").to_numpy() & ~police_rows
    anonymous = complaint & (rng.random(count) < 0.15)
    frame["reporter_anonymous"] = anonymous
    frame["reporter_is_victim"] = complaint & ~anonymous & (rng.random(count) < 0.7)
    frame["reporter_address"] = _addresses(rng, count, complaint & ~anonymous)
    personal = (frame["qualifier"] == "personal").to_numpy()
    frame["victim_address"] = np.where(
        personal & frame["reporter_is_victim"].to_numpy(), frame["reporter_address"], None
    )
    frame["restricted"] = rng.random(count) < RESTRICTED_SHARE
    frame["restriction_reason"] = np.where(frame["restricted"], "Safeguarding", None)
    frame["hate_motivated"] = rng.random(count) < 0.01
    frame["possible_crime"] = rng.random(count) < 0.05
    frame["vulnerabilities"] = "[]"
    frame["version"] = 1
    return frame[COLUMNS]


COLUMNS = [
    "reference", "source", "status", "occurred_from", "occurred_to", "location_description",
    "latitude", "longitude", "ward_code", "ward_name", "easting", "northing", "grid_cell",
    "qualifier", "category", "hate_motivated", "possible_crime", "description",
    "reporting_channel", "report_kind", "reporter_anonymous", "reporter_address",
    "reporter_is_victim", "victim_address", "vulnerabilities", "restricted",
    "restriction_reason", "recording_agency_id", "created_at", "updated_at", "version",
]  # fmt: skip
TIMESTAMP_COLUMNS = ["occurred_from", "occurred_to", "created_at", "updated_at"]
BOOLEAN_COLUMNS = [
    "hate_motivated", "possible_crime", "reporter_anonymous", "reporter_is_victim", "restricted",
]  # fmt: skip
assert set(COLUMNS) <= {column.name for column in Incident.__table__.columns}


def _police_uk(rng, size: int, area: BaseGeometry, now: datetime, start: datetime):
    """police.uk's records: only the month, and points moved to anonymous street locations."""
    snap_x, snap_y = points_inside(rng, area, 400)
    snap_streets = _choice(rng, STREETS, None, 400)
    months = []
    month = date(start.year, start.month, 1)
    while month <= now.date():
        months.append(month)
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    months = months[1:-1]  # whole months only, as police.uk publishes them
    starts = [datetime.combine(m, time(0), tzinfo=LONDON).astimezone(UTC) for m in months]
    ends = [
        datetime.combine((m.replace(day=28) + timedelta(days=4)).replace(day=1), time(0),
                         tzinfo=LONDON).astimezone(UTC) - timedelta(minutes=1)
        for m in months
    ]  # fmt: skip
    month_index = rng.integers(0, len(months), size)
    snap = rng.integers(0, len(snap_x), size)

    def naive(moments: list[datetime]) -> np.ndarray:
        return np.array([np.datetime64(moment.replace(tzinfo=None), "s") for moment in moments])

    return pd.DataFrame(
        {
            "x": snap_x[snap],
            "y": snap_y[snap],
            "occurred": naive(starts)[month_index],
            "occurred_to": naive(ends)[month_index],
            "category": Category.ROWDY_BEHAVIOUR.value,
            "agency": "city-police",
            "location_description": np.char.add("On or near ", snap_streets[snap].astype(str)),
            "source": "police.uk",
            "report_kind": "complaint",
            "reporting_channel": "police-referral",
        }
    )


def _statuses(rng, age_days: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """New while fresh, then mostly triaged or closed with no further action."""
    size = len(age_days)
    settled = _choice(rng, ["triaged", "linked", "no-further-action"], [0.5, 0.12, 0.38], size)
    still_new = rng.random(size) < np.where(
        age_days < 7, 0.7, np.where(age_days < 30, 0.12, np.where(age_days < 120, 0.02, 0.002))
    )
    statuses = np.where(still_new, "new", settled)
    police = sources == "police.uk"
    statuses[police] = np.where(age_days[police] < 120, "new", "triaged")
    return statuses


def _addresses(rng, size: int, has_address: np.ndarray) -> np.ndarray:
    """Reporters' addresses from a pool, with a few that report very often."""
    pool_size = ADDRESS_POOL + FREQUENT_REPORTERS
    numbers = np.arange(pool_size)
    pool = np.array(
        [
            f"Flat {n % 180 + 1}, {BUILDINGS[n // 180 % len(BUILDINGS)]}, "
            f"{POSTCODES[n % len(POSTCODES)]}"
            if n < 180 * len(BUILDINGS)
            else f"{n % 199 + 1} {STREETS[n // 199 % len(STREETS)]}, Unit {n // 11_940 + 1}"
            for n in numbers
        ],
        dtype=object,
    )
    weights = np.full(pool_size, 0.99 / ADDRESS_POOL)
    weights[:FREQUENT_REPORTERS] = 0.01 / FREQUENT_REPORTERS
    picked = pool[rng.choice(pool_size, size, p=weights / weights.sum())]
    return np.where(has_address & (rng.random(size) < 0.6), picked, None)


# -- Writing -------------------------------------------------------------------------------


def _timestamp_text(values: pd.Series, suffix: str) -> np.ndarray:
    """UTC timestamps as text ("2026-11-25 15:03:37.000000"), None where there is none."""
    array = values.to_numpy(dtype="datetime64[us]")
    text = np.char.replace(np.datetime_as_string(array, unit="us"), "T", " ")
    text = np.char.add(text, suffix).astype(object)
    text[np.isnat(array)] = None
    return text


def sqlite_rows(frame: pd.DataFrame) -> list[tuple]:
    """Rows as SQLAlchemy stores them in SQLite: UTC text timestamps, booleans as 0 and 1."""
    out = frame.astype(object)
    for column in TIMESTAMP_COLUMNS:
        out[column] = _timestamp_text(frame[column], "")
    for column in BOOLEAN_COLUMNS:
        out[column] = frame[column].astype(np.int8).astype(object)
    out = out.where(out.notna(), None)
    return list(out.itertuples(index=False, name=None))


def insert_sqlite(connection, frame: pd.DataFrame, batch: int = 100_000) -> None:
    """executemany in big batches, inside the caller's transaction."""
    sql = (
        f"INSERT INTO incidents ({', '.join(COLUMNS)}) "  # noqa: S608 - fixed column names
        f"VALUES ({', '.join('?' for _ in COLUMNS)})"
    )
    cursor = connection.cursor()
    for start in range(0, len(frame), batch):
        cursor.executemany(sql, sqlite_rows(frame.iloc[start : start + batch]))


def postgres_csv(frame: pd.DataFrame) -> str:
    out = frame.copy()
    for column in TIMESTAMP_COLUMNS:
        out[column] = _timestamp_text(frame[column], "+00")
    buffer = io.StringIO()
    out.to_csv(buffer, header=False, index=False)
    return buffer.getvalue()


def copy_postgres(connection, frame: pd.DataFrame, batch: int = 100_000) -> None:
    """COPY ... FROM STDIN through psycopg 3, inside the caller's transaction."""
    sql = f"COPY incidents ({', '.join(COLUMNS)}) FROM STDIN (FORMAT csv)"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for start in range(0, len(frame), batch):
            copy.write(postgres_csv(frame.iloc[start : start + batch]))


def insert_incidents(sa_connection, frame: pd.DataFrame) -> None:
    """Write the frame through this SQLAlchemy connection's own DBAPI connection."""
    raw = sa_connection.connection.driver_connection
    if sa_connection.dialect.name == "postgresql":
        copy_postgres(raw, frame)
    else:
        insert_sqlite(raw, frame)
