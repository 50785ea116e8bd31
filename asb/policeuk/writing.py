"""Writing a batch of police.uk rows as incidents: one statement for the batch, rows whose
key is already taken left out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection

from asb.auth.models import Agency
from asb.calendar import LONDON
from asb.database import utcnow
from asb.geo.services import area_lsoa_name, just_outside
from asb.incidents.models import Incident
from asb.incidents.services import INCIDENT_PREFIX, next_references
from asb.incidents.vocabulary import (
    Category,
    IncidentSource,
    IncidentStatus,
    Qualifier,
    ReportingChannel,
    ReportKind,
)
from asb.policeuk.models import PoliceUkImport
from asb.policeuk.placing import Placement
from asb.policeuk.reader import Batch

# What police.uk cannot say, said the same way for every record it publishes.
POLICE_UK_FIELDS = {
    "source": IncidentSource.POLICE_UK.value,
    "status": IncidentStatus.NEW.value,
    "qualifier": Qualifier.NUISANCE.value,
    "category": Category.ROWDY_BEHAVIOUR.value,
    "reporting_channel": ReportingChannel.POLICE_REFERRAL.value,
    "report_kind": ReportKind.COMPLAINT.value,
    "hate_motivated": False,
    "possible_crime": False,
    "reporter_anonymous": True,
    "reporter_is_victim": False,
    "vulnerabilities": "[]",
    "restricted": False,
    "version": 1,
}
ROW_COLUMNS = (
    "reference",
    "occurred_from",
    "occurred_to",
    "description",
    "location_description",
    "latitude",
    "longitude",
    "ward_code",
    "ward_name",
    "easting",
    "northing",
    "grid_cell",
    "outside_city_edge",
    "lsoa_code",
    "lsoa_name",
    "source_key",
)
COLUMNS = (
    *ROW_COLUMNS,
    *POLICE_UK_FIELDS,
    "police_uk_import_id",
    "recording_agency_id",
    "created_at",
    "updated_at",
)
assert set(COLUMNS) <= {column.name for column in Incident.__table__.columns}


def month_period(month: date) -> tuple[datetime, datetime]:
    """police.uk gives only the month, so the incident spans all of it (London time)."""
    start = datetime.combine(month, time(), tzinfo=LONDON)
    next_month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start, datetime.combine(next_month, time(), tzinfo=LONDON) - timedelta(minutes=1)


def month_description(month: date, police_name: str) -> str:
    return (
        f"Anti-social behaviour recorded by {police_name} and published on "
        f"police.uk for {month:%B %Y}. police.uk publishes neither the category "
        "nor the exact date, so the category here is a placeholder and the dates span "
        "the whole month."
    )


def _month_values(month: str, police_name: str) -> tuple[int, datetime, datetime, str]:
    """The year, period and description of a police.uk month ("2024-03")."""
    first = date.fromisoformat(f"{month}-01")
    start, end = month_period(first)
    return (
        first.year,
        start.astimezone(UTC),
        end.astimezone(UTC),
        month_description(first, police_name),
    )


class IncidentWriter(ABC):
    """Writes a batch's new incidents in bulk and says how many were new; one per file."""

    def __init__(self, connection: Connection, run: PoliceUkImport, police: Agency) -> None:
        self.raw = connection.connection.driver_connection
        self.police_name = police.name
        self.area_lsoa_name = area_lsoa_name()
        self.months: dict[str, tuple[int, object, object, str]] = {}
        now = utcnow()
        self.fixed = (
            *POLICE_UK_FIELDS.values(),
            run.id,
            police.id,
            self.timestamp(now),
            self.timestamp(now),
        )

    @abstractmethod
    def timestamp(self, moment: datetime) -> object:
        """A time as the driver takes it for a UTCDateTime column."""

    @abstractmethod
    def existing_keys(self, keys: list[str]) -> set[str]:
        """Those of the keys that incidents already have."""

    @abstractmethod
    def insert(self, rows: list[tuple]) -> int:
        """Insert rows of COLUMNS, skipping any whose key is taken; how many went in."""

    def write(self, batch: Batch, place: Placement) -> int:
        inside = place.inside.tolist()
        existing = self.existing_keys([batch.keys[index] for index in inside])
        new = [
            (position, index)
            for position, index in enumerate(inside)
            if batch.keys[index] not in existing
        ]
        if not new:
            return 0
        months = [self._month(batch.months[index]) for _, index in new]
        references = self._references([year for year, *_ in months])
        latitudes, longitudes = batch.latitudes.tolist(), batch.longitudes.tolist()
        eastings, northings = place.eastings.tolist(), place.northings.tolist()
        cells = place.grid_cells.tolist()
        rows = [
            (
                reference,
                start,
                end,
                description,
                batch.locations[index],
                latitudes[index],
                longitudes[index],
                place.ward_codes[position],
                place.ward_names[position],
                eastings[position],
                northings[position],
                cells[position],
                just_outside(
                    batch.lsoa_names[index], place.beyond_area[position], self.area_lsoa_name
                ),
                batch.lsoa_codes[index],
                batch.lsoa_names[index],
                batch.keys[index],
                *self.fixed,
            )
            for (position, index), reference, (_, start, end, description) in zip(
                new, references, months, strict=True
            )
        ]
        return self.insert(rows)

    def _month(self, month: str) -> tuple[int, object, object, str]:
        """The year, period (as the driver takes it) and description of a police.uk month."""
        values = self.months.get(month)
        if values is None:
            year, start, end, description = _month_values(month, self.police_name)
            values = self.months[month] = (
                year,
                self.timestamp(start),
                self.timestamp(end),
                description,
            )
        return values

    def _references(self, years: list[int]) -> list[str]:
        """References in the order of the rows, each year's taken in one go."""
        issued = {
            year: iter(next_references(INCIDENT_PREFIX, year, count))
            for year, count in sorted(Counter(years).items())
        }
        return [next(issued[year]) for year in years]


class SqliteIncidentWriter(IncidentWriter):
    # As SQLAlchemy stores a UTCDateTime in SQLite: UTC, without the zone.
    def timestamp(self, moment: datetime) -> object:
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def existing_keys(self, keys: list[str]) -> set[str]:
        found: set[str] = set()
        cursor = self.raw.cursor()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            cursor.execute(
                "SELECT source_key FROM incidents "  # noqa: S608 - placeholders only
                f"WHERE source_key IN ({', '.join('?' for _ in chunk)})",
                chunk,
            )
            found.update(key for (key,) in cursor.fetchall())
        return found

    def insert(self, rows: list[tuple]) -> int:
        cursor = self.raw.cursor()
        cursor.executemany(
            f"INSERT INTO incidents ({', '.join(COLUMNS)}) "  # noqa: S608 - fixed names
            f"VALUES ({', '.join('?' for _ in COLUMNS)}) "
            "ON CONFLICT (source_key) DO NOTHING",
            rows,
        )
        return cursor.rowcount


class PostgresIncidentWriter(IncidentWriter):
    """COPY into a scratch table, then one INSERT ... SELECT that skips keys already there
    (another import of the same file at the same time)."""

    STAGING = "police_uk_staging"

    def __init__(self, connection: Connection, run: PoliceUkImport, police: Agency) -> None:
        super().__init__(connection, run, police)
        self.raw.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.STAGING} "  # noqa: S608 - fixed names
            f"ON COMMIT DROP AS SELECT {', '.join(COLUMNS)} FROM incidents WITH NO DATA"
        )

    def timestamp(self, moment: datetime) -> object:
        return moment

    def existing_keys(self, keys: list[str]) -> set[str]:
        rows = self.raw.execute(
            "SELECT source_key FROM incidents WHERE source_key = ANY(%s)", (keys,)
        ).fetchall()
        return {key for (key,) in rows}

    def insert(self, rows: list[tuple]) -> int:
        columns = ", ".join(COLUMNS)
        with self.raw.cursor() as cursor:
            with cursor.copy(f"COPY {self.STAGING} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO incidents ({columns}) SELECT {columns} FROM {self.STAGING} "  # noqa: S608 - fixed names
                "ON CONFLICT (source_key) DO NOTHING"
            )
            inserted = cursor.rowcount
            cursor.execute(f"TRUNCATE {self.STAGING}")
        return inserted


def incident_writer(connection: Connection, run: PoliceUkImport, police: Agency) -> IncidentWriter:
    if connection.dialect.name == "postgresql":
        return PostgresIncidentWriter(connection, run, police)
    return SqliteIncidentWriter(connection, run, police)
