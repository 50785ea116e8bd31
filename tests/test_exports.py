"""asb/exports.py: CSV and Excel downloads that are safe to open, with real dates, and the
audit entry's filters kept exactly (every value of a repeated key)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from asb.audit.services import request_filters
from asb.exports import (
    XLSX_TYPE,
    csv_response,
    safe_cell,
    xlsx_response,
)

ATTACKS = [
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
COLUMNS = ["Text", "When", "Day", "Count", "Place", "Flag", "Nothing"]
ROWS = [
    [
        attack,
        datetime(2026, 7, 1, 9, 30, tzinfo=UTC),  # 10:30 in London (summer time)
        date(2026, 1, 31),
        -3,
        Decimal("-0.092200"),
        True,
        None,
    ]
    for attack in ATTACKS
]


def body(response) -> bytes:
    response.direct_passthrough = False  # send_file's, for reading here
    data = response.get_data()
    response.close()
    return data


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body(response).decode())))


def workbook(response):
    return load_workbook(io.BytesIO(body(response)))


@pytest.mark.parametrize("attack", ATTACKS)
def test_csv_neutralises_formulas_with_an_apostrophe(app, attack):
    with app.test_request_context():
        response = csv_response("things.csv", COLUMNS, [[attack, *ROWS[0][1:]]])
    header, row = csv_rows(response)
    assert header == COLUMNS
    assert row == [
        "'" + attack,
        "2026-07-01 10:30",
        "2026-01-31",
        "-3",  # a number stays a number
        "-0.092200",  # a Decimal keeps its places
        "Yes",
        "",
    ]


def test_csv_leaves_ordinary_text_and_negative_numbers_alone():
    assert safe_cell("Noise = music") == "Noise = music"
    assert safe_cell("-12.5") == "-12.5"
    assert safe_cell(None) == ""


def test_csv_is_an_attachment_never_cached(app):
    with app.test_request_context():
        response = csv_response("things.csv", COLUMNS, [])
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="things.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    assert csv_rows(response) == [COLUMNS]


def test_xlsx_stores_formula_like_text_as_text_with_the_quote_prefix(app):
    with app.test_request_context():
        response = xlsx_response("things.xlsx", COLUMNS, ROWS, sheet_title="Things")
    assert response.mimetype == XLSX_TYPE
    assert response.headers["Content-Disposition"] == 'attachment; filename="things.xlsx"'
    assert response.headers["Cache-Control"] == "no-store"
    data = body(response)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Things"
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]] == COLUMNS
    for attack, row in zip(ATTACKS, rows[1:], strict=True):
        text = row[0]
        # The text as recorded (XML reads a carriage return as a line feed)...
        assert text.value == attack.replace("\r", "\n")
        assert text.data_type == "s"  # ...stored as text, never as a formula...
        assert text.quotePrefix  # ...and marked so Excel never evaluates it, even edited
    # No cell anywhere in the file is a formula.
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml


def test_xlsx_writes_real_dates_in_london_time_and_real_numbers(app):
    with app.test_request_context():
        response = xlsx_response("things.xlsx", COLUMNS, ROWS[:1])
    (row,) = workbook(response).active.iter_rows(min_row=2)
    when, day, count, place, flag, nothing = row[1:]
    assert when.value == datetime(2026, 7, 1, 10, 30)
    assert (when.data_type, when.number_format) == ("d", "yyyy-mm-dd hh:mm")
    assert day.value == datetime(2026, 1, 31)
    assert (day.data_type, day.number_format) == ("d", "yyyy-mm-dd")
    assert (count.value, count.data_type) == (-3, "n")
    assert (place.value, place.data_type) == (pytest.approx(-0.0922), "n")
    assert flag.value == "Yes"
    assert nothing.value is None


def test_times_to_the_second_when_asked(app):
    moment = datetime(2026, 1, 5, 8, 1, 2, tzinfo=UTC)
    with app.test_request_context():
        csv_file = csv_response("t.csv", ["When"], [[moment]], seconds=True)
        xlsx_file = xlsx_response("t.xlsx", ["When"], [[moment]], seconds=True)
    assert csv_rows(csv_file)[1] == ["2026-01-05 08:01:02"]
    cell = workbook(xlsx_file).active["A2"]
    assert (cell.value, cell.number_format) == (
        datetime(2026, 1, 5, 8, 1, 2),
        "yyyy-mm-dd hh:mm:ss",
    )


def test_the_csv_streams_in_chunks(app):
    rows = ([f"row {number}", "x" * 100] for number in range(2000))
    with app.test_request_context():
        response = csv_response("big.csv", ["Name", "Filler"], rows)
    assert response.is_streamed
    chunks = list(response.response)
    assert len(chunks) > 1
    assert len(list(csv.reader(io.StringIO("".join(chunks))))) == 2001


def test_the_audited_filters_keep_every_value_of_a_repeated_key(app):
    query = "status=new&ward=&status=open&text=%3D1%2B1"
    with app.test_request_context(f"/incidents/export.csv?{query}"):
        assert request_filters() == {
            "status": ["new", "open"],
            "ward": [""],
            "text": ["=1+1"],
        }
    with app.test_request_context("/incidents/export.csv"):
        assert request_filters() == {}
