"""Reading data.police.uk street-level CSVs a batch at a time, never a whole file at once.

Each file is one force's month: `Crime ID, Month, Reported by, Falls within, Longitude,
Latitude, Location, LSOA code, LSOA name, Crime type, Last outcome category, Context`.
Anti-social behaviour rows have no Crime ID, so a row is known by its content and by its
occurrence within its file (RowCounter): the second of two identical rows is a second
incident, and the same row read again from the same file (or a copy of it) is the same one.

The checks that each row needs are made on a batch's columns at once (numpy, pandas), and
values that repeat (months, map points, LSOAs) are checked once each.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

STREET_COLUMNS = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
MONTH = STREET_COLUMNS.index("Month")
LONGITUDE = STREET_COLUMNS.index("Longitude")
LATITUDE = STREET_COLUMNS.index("Latitude")
LOCATION = STREET_COLUMNS.index("Location")
LSOA_CODE = STREET_COLUMNS.index("LSOA code")
LSOA_NAME = STREET_COLUMNS.index("LSOA name")
CRIME_TYPE = STREET_COLUMNS.index("Crime type")
ASB_CRIME_TYPE = "Anti-social behaviour"
WITHHELD_LOCATION = "Location withheld by police.uk"
BATCH_ROWS = 10_000

# The widths of the incident columns the values go into.
LOCATION_MAX = 200
LSOA_CODE_MAX = 9
LSOA_NAME_MAX = 100

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
# Separates the fields of a row's content when it is hashed: no field holds it (and, unlike
# the ASCII separators, Python does not count it as white space).
_FIELD_SEPARATOR = "\x00"
# Content that needs a closer look: spaces around a value, other white space anywhere (rare
# in police.uk's files), or bytes that were not UTF-8 (read as U+FFFD). Substring tests, as
# they run in C over the whole row at once.
_UNUSUAL = (f" {_FIELD_SEPARATOR}", f"{_FIELD_SEPARATOR} ", "\t", "\n", "\r", "\ufffd")


class NotAStreetFile(ValueError):
    """The file is not a police.uk street-level CSV (no such header), so nothing is read."""


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int
    reason: str


@dataclass
class Batch:
    """The next stretch of a file: its ASB rows with a location, as columns, and the counts."""

    lines: list[int] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)
    longitudes: np.ndarray = field(default_factory=lambda: np.empty(0))
    latitudes: np.ndarray = field(default_factory=lambda: np.empty(0))
    locations: list[str] = field(default_factory=list)
    lsoa_codes: list[str | None] = field(default_factory=list)
    lsoa_names: list[str | None] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)
    rows_read: int = 0
    asb_rows: int = 0
    without_location: int = 0
    # Bytes of the file read so far, for a progress bar.
    position: int = 0


def police_uk_location(text: str) -> str:
    """police.uk's map point as people would write it."""
    text = text.strip()
    if text == "On or near":
        return WITHHELD_LOCATION
    # police.uk capitalises after apostrophes ("Sandy'S Row").
    return re.sub(r"'S\b", "'s", text)


class RowCounter:
    """Numbers each row content's occurrences in one file: 1 the first time it is seen, 2 the
    second, and so on, in memory that does not grow with the file.

    A Bloom filter of fixed size (FILTER_BITS) remembers every content seen; only contents
    it reports seen before are counted one by one, and those are the file's repeated rows.
    A content the filter wrongly reports seen (about one row in 10^9 in a month's file of
    50,000 rows; one in 10^5 in a file of a million) is numbered 2 rather than 1. Numbering
    depends only on the file, so the same file always gives every row the same number.
    """

    FILTER_BITS = 2**27  # 16 MiB
    HASHES = 3

    def __init__(self) -> None:
        self._filter = np.zeros(self.FILTER_BITS // 8, dtype=np.uint8)
        self._repeated: dict[int, int] = {}

    def number(self, digests: list[bytes]) -> list[int]:
        """Each content digest's occurrence number, in order (digests of 32 bytes)."""
        if not digests:
            return []
        words = np.frombuffer(b"".join(digests), dtype=">u8").astype(np.uint64).reshape(-1, 4)
        identities = words[:, 0]
        positions = (words[:, 1 : 1 + self.HASHES] % self.FILTER_BITS).astype(np.int64)
        bytes_, bits = positions >> 3, (positions & 7).astype(np.uint8)
        seen_before = ((self._filter[bytes_] >> bits) & 1).all(axis=1)
        _, inverse, counts = np.unique(identities, return_inverse=True, return_counts=True)
        repeated_in_batch = counts[inverse] > 1
        numbers = np.ones(len(digests), dtype=np.int64)
        for index in np.flatnonzero(seen_before | repeated_in_batch).tolist():
            identity = int(identities[index])
            known = self._repeated.get(identity)
            if known is None:
                known = 1 if seen_before[index] else 0
            self._repeated[identity] = numbers[index] = known + 1
        np.bitwise_or.at(self._filter, bytes_.ravel(), np.left_shift(1, bits.ravel()))
        return numbers.tolist()


def _header_indexes(header: list[str]) -> list[int]:
    names = [name.strip() for name in header]
    missing = [name for name in STREET_COLUMNS if name not in names]
    if missing:
        raise NotAStreetFile(
            "it is not a police.uk street-level file: the first line has no "
            + ", ".join(f"'{name}'" for name in missing)
            + " column"
            + ("s" if len(missing) > 1 else "")
        )
    return [names.index(name) for name in STREET_COLUMNS]


@lru_cache(maxsize=4096)
def _month_problem(month: str) -> str | None:
    if _MONTH.fullmatch(month):
        return None
    return f"Month '{month}' is not a year and month (YYYY-MM)"


@lru_cache(maxsize=65536)
def _place(location: str, lsoa_code: str, lsoa_name: str) -> tuple[str, str | None, str | None]:
    """The location as shown, and the LSOA; ValueError if one is too long to keep."""
    if len(location) > LOCATION_MAX:
        raise ValueError(f"Location is longer than {LOCATION_MAX} characters")
    if len(lsoa_code) > LSOA_CODE_MAX:
        raise ValueError(f"LSOA code '{lsoa_code}' is longer than {LSOA_CODE_MAX} characters")
    if len(lsoa_name) > LSOA_NAME_MAX:
        raise ValueError(f"LSOA name is longer than {LSOA_NAME_MAX} characters")
    return police_uk_location(location), lsoa_code or None, lsoa_name or None


def _coordinate(text: str, name: str, limit: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} '{text}' is not a number") from None
    if not math.isfinite(value) or abs(value) > limit:
        raise ValueError(f"{name} '{text}' is not between -{limit:g} and {limit:g}")
    return value


def read_street_file(path: Path, batch_rows: int = BATCH_ROWS) -> Iterator[Batch]:
    """The file's rows, a batch at a time; raises NotAStreetFile before the first batch."""
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        reader = csv.reader(text)
        try:
            header = next(reader)
        except StopIteration:
            raise NotAStreetFile("it is empty") from None
        except csv.Error as error:
            raise NotAStreetFile(f"its first line cannot be read: {error}") from None
        indexes = _header_indexes(header)
        counter = RowCounter()
        while True:
            batch, lines, rows, finished = _read_batch(reader, indexes, len(header), batch_rows)
            _check_batch(batch, lines, rows, counter)
            batch.position = raw.tell()
            yield batch
            if finished:
                return


def _read_batch(
    reader, indexes: list[int], width: int, batch_rows: int
) -> tuple[Batch, list[int], list[list[str]], bool]:
    """Up to batch_rows rows: their ASB rows' lines and fields (in STREET_COLUMNS order), and
    whether the file has ended."""
    batch = Batch()
    lines: list[int] = []
    rows: list[list[str]] = []
    crime_type = indexes[CRIME_TYPE]
    in_order = indexes == list(range(len(STREET_COLUMNS)))
    while batch.rows_read < batch_rows:
        try:
            row = next(reader)
        except StopIteration:
            return batch, lines, rows, True
        except csv.Error as error:
            batch.rows_read += 1
            batch.bad_rows.append(BadRow(reader.line_num, f"it cannot be read: {error}"))
            continue
        if not row:
            continue  # a blank line
        batch.rows_read += 1
        if len(row) != width:
            batch.bad_rows.append(
                BadRow(reader.line_num, f"it has {len(row)} columns, not {width}")
            )
        elif row[crime_type] == ASB_CRIME_TYPE or row[crime_type].strip() == ASB_CRIME_TYPE:
            lines.append(reader.line_num)
            rows.append(row if in_order else [row[index] for index in indexes])
    return batch, lines, rows, False


def _unusual_rows(contents: list[str]) -> list[int]:
    """The indexes of the contents that need a closer look."""
    return [
        index
        for index, content in enumerate(contents)
        if any(sign in content for sign in _UNUSUAL) or content != content.strip()
    ]


def _check_batch(
    batch: Batch, lines: list[int], rows: list[list[str]], counter: RowCounter
) -> None:
    """Check the ASB rows, put the good ones with a location into the batch as columns."""
    batch.asb_rows = len(rows)
    contents = [_FIELD_SEPARATOR.join(row) for row in rows]
    problems: dict[int, str] = {}
    for index in _unusual_rows(contents):
        if "\ufffd" in contents[index]:
            problems[index] = "it is not UTF-8 text"
        rows[index] = [value.strip() for value in rows[index]]
        contents[index] = _FIELD_SEPARATOR.join(rows[index])
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(STREET_COLUMNS)
    longitude_text, latitude_text = columns[LONGITUDE], columns[LATITUDE]
    longitudes = pd.to_numeric(pd.Series(longitude_text, dtype=object), errors="coerce")
    latitudes = pd.to_numeric(pd.Series(latitude_text, dtype=object), errors="coerce")
    longitudes, latitudes = longitudes.to_numpy(float), latitudes.to_numpy(float)
    unplaced = ~((np.abs(longitudes) <= 180) & (np.abs(latitudes) <= 90))
    places: dict[int, tuple[str, str | None, str | None]] = {}
    # What the vectorised reading left unplaced: no location, or one to look at closely.
    for index in np.flatnonzero(unplaced).tolist():
        if not longitude_text[index] and not latitude_text[index]:
            continue
        try:
            longitudes[index] = _coordinate(longitude_text[index], "Longitude", 180)
            latitudes[index] = _coordinate(latitude_text[index], "Latitude", 90)
        except ValueError as error:
            problems.setdefault(index, str(error))
        else:
            unplaced[index] = False
    for index, month in enumerate(columns[MONTH]):
        problem = _month_problem(month)
        if problem:
            problems.setdefault(index, problem)
    keep = []
    places_read = zip(columns[LOCATION], columns[LSOA_CODE], columns[LSOA_NAME], strict=True)
    for index, place in enumerate(places_read):
        if index in problems:
            continue
        try:
            places[index] = _place(*place)
        except ValueError as error:
            problems[index] = str(error)
            continue
        if unplaced[index]:
            batch.without_location += 1
        else:
            keep.append(index)
    batch.bad_rows += [BadRow(lines[index], reason) for index, reason in problems.items()]
    batch.bad_rows.sort(key=lambda bad: bad.line)
    digests = [hashlib.sha256(contents[index].encode()).digest() for index in keep]
    numbers = counter.number(digests)
    batch.keys = [
        hashlib.sha256(digest + number.to_bytes(8, "big")).hexdigest()
        for digest, number in zip(digests, numbers, strict=True)
    ]
    batch.lines = [lines[index] for index in keep]
    batch.months = [columns[MONTH][index] for index in keep]
    batch.longitudes, batch.latitudes = longitudes[keep], latitudes[keep]
    batch.locations = [places[index][0] for index in keep]
    batch.lsoa_codes = [places[index][1] for index in keep]
    batch.lsoa_names = [places[index][2] for index in keep]
