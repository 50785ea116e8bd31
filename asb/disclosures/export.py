"""The disclosure log for the Information Board, as CSV and as a spreadsheet (XLSX).

Every cell goes through the incident export's safe_cell, so text such as =HYPERLINK(...) is
never read as a formula; in the spreadsheet every cell is written as text besides.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from asb.agreements.vocabulary import DataCategory
from asb.calendar import LONDON
from asb.disclosures.models import Disclosure
from asb.exports import safe_cell
from asb.people.models import Person

EXPORT_HEADER = [
    "Entry",
    "Disclosed at",
    "How",
    "Disclosed by",
    "Disclosed to",
    "Recipient",
    "About",
    "Case",
    "Incident",
    "What was disclosed",
    "Kinds of information",
    "Why",
    "Agreement",
    "Lawful basis",
    "Further legal ground",
    "Authorised by",
    "Recorded by",
    "Recorded at",
]
WITHHELD = "Withheld"


def _local(value) -> str:
    return value.astimezone(LONDON).strftime("%Y-%m-%d %H:%M") if value else ""


def export_row(disclosure: Disclosure, may_name: Callable[[Person], bool]) -> list[str]:
    """One entry as the export's cells; a person the reader may not see is 'Withheld'."""
    about = "; ".join(
        subject.person.name if may_name(subject.person) else WITHHELD
        for subject in disclosure.subjects
    )
    row = [
        disclosure.id,
        _local(disclosure.disclosed_at),
        disclosure.method.label,
        disclosure.disclosing_agency.name,
        disclosure.recipient_agency.name if disclosure.recipient_agency else "",
        disclosure.recipient_name,
        about,
        disclosure.case.reference if disclosure.case else "",
        disclosure.incident.reference if disclosure.incident else "",
        disclosure.description,
        "; ".join(DataCategory(value).label for value in disclosure.categories),
        disclosure.purpose,
        disclosure.agreement.reference if disclosure.agreement else "",
        disclosure.lawful_basis.label if disclosure.lawful_basis else "",
        disclosure.legal_basis_note,
        disclosure.authorised_by.name if disclosure.authorised_by else "",
        disclosure.recorded_by.name if disclosure.recorded_by else "",
        _local(disclosure.recorded_at),
    ]
    return [safe_cell(value) for value in row]


def csv_chunks(rows: Iterable[list[str]]) -> Iterator[str]:
    """The header and rows as CSV, a chunk at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_HEADER)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_bytes(rows: Iterable[list[str]]) -> bytes:
    """The header and rows as one worksheet, every cell text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Disclosure log")

    def text_cells(values: list[str]) -> list[WriteOnlyCell]:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        return cells

    sheet.append(text_cells(EXPORT_HEADER))
    for row in rows:
        sheet.append(text_cells(row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
