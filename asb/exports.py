"""Lists as files to download: CSV and Excel (XLSX), both safe to open in a spreadsheet.

A list's export hands over its column headings and rows of plain values (text, numbers (a
Decimal keeps its places in CSV), dates, times, yes/no, None); this module writes them. Text a
spreadsheet program would read as a formula (=HYPERLINK(...), +cmd, -1+1, @SUM(...), or
text starting with a tab or carriage return) is neutralised in both formats: in CSV by a
leading apostrophe, in XLSX by storing the cell as text with Excel's quote prefix (the
apostrophe typed before text, which Excel never evaluates). Dates and times are real dates
in XLSX, in London time.

The CSV streams a chunk at a time; the XLSX is written row by row to a temporary file (a
write-only workbook) and sent from there, so neither holds the whole list in memory.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from flask import Response, send_file, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from asb.calendar import LONDON

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CHUNK_CHARACTERS = 64_000
XLSX_DATE_FORMAT = "yyyy-mm-dd"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_DATETIME_SECONDS_FORMAT = "yyyy-mm-dd hh:mm:ss"
SHEET_TITLE_MAX = 31  # Excel's limit

Value = str | int | float | Decimal | bool | date | datetime | None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def is_formula_like(text: str) -> bool:
    """Text a spreadsheet program would evaluate, or that starts with a control character."""
    return text.startswith(FORMULA_STARTS) and not _is_number(text)


def safe_cell(value: object) -> str:
    """A CSV cell: text such as =HYPERLINK(...) is prefixed with an apostrophe, so spreadsheet
    programs show it as text; a negative number stays a number."""
    if value is None:
        return ""
    text = str(value)
    if is_formula_like(text):
        return "'" + text
    return text


def _local(value: datetime) -> datetime:
    """A stored (UTC) time in London; a time without a zone is taken as it is."""
    return value.astimezone(LONDON) if value.tzinfo else value


def csv_text(value: Value, *, seconds: bool = False) -> str:
    """One value as CSV text: times in London to the minute (or second), yes/no in words."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return safe_cell(value)


def csv_chunks(
    columns: Sequence[str], rows: Iterable[Sequence[Value]], *, seconds: bool = False
) -> Iterator[str]:
    """The heading row and the rows as CSV, a chunk at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(heading) for heading in columns])
    for row in rows:
        writer.writerow([csv_text(value, seconds=seconds) for value in row])
        if buffer.tell() > CSV_CHUNK_CHARACTERS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def csv_response(
    filename: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Value]],
    *,
    seconds: bool = False,
) -> Response:
    """A CSV download, streamed: `rows` is read while the response is sent (still inside the
    request, so a generator may query the database)."""
    body = stream_with_context(csv_chunks(columns, rows, seconds=seconds))
    return _attachment(Response(body, mimetype=CSV_TYPE), filename)


def xlsx_cell(sheet: WriteOnlyWorksheet, value: Value, *, seconds: bool = False) -> WriteOnlyCell:
    """One value as a spreadsheet cell: text stays text, numbers numbers, times real times."""
    if isinstance(value, bool):
        return WriteOnlyCell(sheet, value="Yes" if value else "No")
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=_local(value).replace(tzinfo=None))
        cell.number_format = XLSX_DATETIME_SECONDS_FORMAT if seconds else XLSX_DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_DATE_FORMAT
        return cell
    if value is None or isinstance(value, int | float | Decimal):
        return WriteOnlyCell(sheet, value=value)
    text = str(value)
    cell = WriteOnlyCell(sheet, value=text)
    # openpyxl would take "=..." for a formula: the cell is text, whatever it starts with.
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def write_xlsx(
    output,
    columns: Sequence[str],
    rows: Iterable[Sequence[Value]],
    *,
    sheet_title: str,
    seconds: bool = False,
) -> None:
    """Write one worksheet (a bold heading row, then the rows) to a binary file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:SHEET_TITLE_MAX])
    bold = Font(bold=True)
    headings = []
    for heading in columns:
        cell = xlsx_cell(sheet, heading)
        cell.font = bold
        headings.append(cell)
    sheet.append(headings)
    for row in rows:
        sheet.append([xlsx_cell(sheet, value, seconds=seconds) for value in row])
    workbook.save(output)


def xlsx_response(
    filename: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Value]],
    *,
    sheet_title: str | None = None,
    seconds: bool = False,
) -> Response:
    """An Excel download: the workbook is written to a temporary file, then sent from it."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 - send_file closes it once it is sent
    write_xlsx(
        output,
        columns,
        rows,
        sheet_title=sheet_title or filename.rsplit(".", 1)[0],
        seconds=seconds,
    )
    output.seek(0)
    response = send_file(output, mimetype=XLSX_TYPE, max_age=0)
    return _attachment(response, filename)
