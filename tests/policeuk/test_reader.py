"""Reading street-level files: counts, keys, bad rows and memory, without a database."""

from __future__ import annotations

import csv
import shutil
import tracemalloc
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from asb.calendar import LONDON
from asb.policeuk.reader import (
    STREET_COLUMNS,
    WITHHELD_LOCATION,
    NotAStreetFile,
    police_uk_location,
    read_street_file,
)
from asb.policeuk.writing import month_period
from bench.policeuk import write_street_csv
from tests.policeuk.helpers import (
    CHEAPSIDE,
    COPIED_FILES,
    SCARBOROUGH,
    asb_row,
    write_street_file,
)


def read_all(path: Path, batch_rows: int = 10_000):
    batches = list(read_street_file(path, batch_rows))
    return {
        "rows_read": sum(batch.rows_read for batch in batches),
        "asb_rows": sum(batch.asb_rows for batch in batches),
        "without_location": sum(batch.without_location for batch in batches),
        "keys": [key for batch in batches for key in batch.keys],
        "months": [month for batch in batches for month in batch.months],
        "lines": [line for batch in batches for line in batch.lines],
        "locations": [location for batch in batches for location in batch.locations],
        "bad_rows": [(bad.line, bad.reason) for batch in batches for bad in batch.bad_rows],
        "batches": len(batches),
    }


@pytest.mark.parametrize("path", COPIED_FILES, ids=lambda path: path.name)
def test_a_real_file_is_read_whole_with_its_own_counts(path):
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    asb = [row for row in rows if row["Crime type"] == "Anti-social behaviour"]
    located = [row for row in asb if row["Longitude"]]

    found = read_all(path)

    assert found["rows_read"] == len(rows)
    assert found["asb_rows"] == len(asb)
    assert found["without_location"] == len(asb) - len(located)
    assert Counter(found["months"]) == Counter(row["Month"] for row in located)
    assert found["bad_rows"] == []
    assert len(set(found["keys"])) == len(located)


def test_identical_rows_in_a_file_are_each_a_row_of_their_own(tmp_path):
    path = write_street_file(
        tmp_path / "repeats-street.csv",
        [asb_row(), asb_row(), asb_row(month="2024-04"), asb_row()],
    )

    found = read_all(path)

    assert found["lines"] == [2, 3, 4, 5]
    assert len(set(found["keys"])) == 4


def test_the_same_rows_have_the_same_keys_in_any_batch_file_name_or_column_order(tmp_path):
    rows = [asb_row(), asb_row(), asb_row(point=SCARBOROUGH), asb_row(), asb_row("2024-05")]
    path = write_street_file(tmp_path / "2024-03-city-of-london-street.csv", rows)
    copy = shutil.copy(path, tmp_path / "copy.csv")
    order = [*reversed(STREET_COLUMNS)]
    reordered = write_street_file(
        tmp_path / "reordered.csv",
        [[row[STREET_COLUMNS.index(name)] for name in order] for row in rows],
        header=order,
    )

    keys = read_all(path)["keys"]

    assert read_all(path, batch_rows=2)["keys"] == keys
    assert read_all(Path(copy))["keys"] == keys
    assert read_all(reordered)["keys"] == keys
    assert read_all(path)["batches"] == 1


def test_repeats_across_batches_are_counted_on(tmp_path):
    path = write_street_file(tmp_path / "repeats-street.csv", [asb_row()] * 7)

    in_one = read_all(path)["keys"]
    in_twos = read_all(path, batch_rows=2)["keys"]

    assert in_one == in_twos
    assert len(set(in_twos)) == 7


def test_spaces_around_values_do_not_change_a_row(tmp_path):
    plain = write_street_file(tmp_path / "plain.csv", [asb_row()])
    padded = write_street_file(
        tmp_path / "padded.csv", [[f" {value} " if value else value for value in asb_row()]]
    )

    assert read_all(padded)["keys"] == read_all(plain)["keys"]
    assert read_all(padded)["locations"] == ["On or near Cheapside"]


def test_bad_rows_are_reported_with_their_line_and_reading_goes_on(tmp_path):
    path = write_street_file(
        tmp_path / "broken-street.csv",
        [
            asb_row(),
            asb_row()[:-1],  # a column short
            asb_row(month="2024-13"),
            asb_row(month="March 2024"),
            asb_row(point=("west", CHEAPSIDE[1])),
            asb_row(point=(CHEAPSIDE[0], "95.0")),
            asb_row(point=(CHEAPSIDE[0], "")),
            asb_row(point=("nan", "nan")),
            asb_row(location="On or near " + "x" * 200),
            asb_row(lsoa=("E010327390", "City of London 001F")),
            asb_row(point=("", "")),
            asb_row(month="bad", crime_type="Burglary"),  # not ASB: not checked
            asb_row(),
        ],
    )
    with path.open("ab") as file:
        file.write(
            b",2024-03,City of London Police,City of London Police,-0.093918,51.514179,"
            b"On or near Caf\xe9,E01032739,City of London 001F,Anti-social behaviour,,\n"
        )
        file.write(b'"' + b"x" * 200_000 + b'",2024-03\n')
    with path.open("a", newline="", encoding="utf-8") as file:
        csv.writer(file).writerow(asb_row())

    found = read_all(path)

    assert found["bad_rows"] == [
        (3, "it has 11 columns, not 12"),
        (4, "Month '2024-13' is not a year and month (YYYY-MM)"),
        (5, "Month 'March 2024' is not a year and month (YYYY-MM)"),
        (6, "Longitude 'west' is not a number"),
        (7, "Latitude '95.0' is not between -90 and 90"),
        (8, "Latitude '' is not a number"),
        (9, "Longitude 'nan' is not between -180 and 180"),
        (10, "Location is longer than 200 characters"),
        (11, "LSOA code 'E010327390' is longer than 9 characters"),
        (15, "it is not UTF-8 text"),
        (16, "it cannot be read: field larger than field limit (131072)"),
    ]
    assert found["lines"] == [2, 14, 17]
    assert found["without_location"] == 1
    assert found["rows_read"] == 16
    assert found["asb_rows"] == 13


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "it is empty"),
        ("Month,Crime type\n2024-03,Anti-social behaviour\n", "'Crime ID'"),
    ],
)
def test_a_file_that_is_not_street_level_is_refused_before_any_row(tmp_path, content, reason):
    path = tmp_path / "other.csv"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(NotAStreetFile, match=reason):
        next(read_street_file(path))


def test_police_uk_locations_read_naturally():
    assert police_uk_location("On or near ") == WITHHELD_LOCATION
    assert police_uk_location("On or near Sandy'S Row") == "On or near Sandy's Row"


def test_police_uk_incidents_span_their_month_in_london_time():
    start, end = month_period(date(2024, 3, 1))

    assert start == datetime(2024, 3, 1, tzinfo=LONDON)
    assert end == datetime(2024, 3, 31, 23, 59, tzinfo=LONDON)
    assert month_period(date(2024, 12, 1))[1] == datetime(2024, 12, 31, 23, 59, tzinfo=LONDON)


def _peak_memory(path: Path) -> int:
    tracemalloc.start()
    try:
        for _ in read_street_file(path):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_however_long_the_file(tmp_path):
    """A file ten times as long takes about the same memory to read (a ratio, not a time)."""
    short, long = tmp_path / "short-street.csv", tmp_path / "long-street.csv"
    write_street_csv(short, 10_000)
    write_street_csv(long, 100_000)

    short_peak, long_peak = _peak_memory(short), _peak_memory(long)

    assert long_peak < short_peak * 1.25
