"""The audit trail's downloads: the CSV and the spreadsheet hold the same entries, times to
the second (UTC) and real dates in the spreadsheet, and no formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from asb.audit.services import record_event
from asb.auth.models import Role
from asb.extensions import db


@pytest.fixture
def lead(client, login_as):
    user = login_as(Role.ASB_LEAD, "community-safety")
    record_event("test.formula", actor=user, note='=HYPERLINK("http://evil")')
    record_event("test.formula", actor=user, outcome="=1+1")
    db.session.commit()
    return user


def test_both_files_hold_the_same_entries(client, lead):
    query = {"action": "test.formula"}
    in_csv = list(csv.reader(io.StringIO(client.get("/audit/export.csv", query_string=query).text)))
    response = client.get("/audit/export.xlsx", query_string=query)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="asb-audit-trail.xlsx"'
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "Audit trail"
    rows = list(sheet.iter_rows())
    assert len(rows) == len(in_csv) == 3
    assert [cell.value for cell in rows[0]] == in_csv[0]
    for row, csv_row in zip(rows[1:], in_csv[1:], strict=True):
        sequence, when, actor, email, action = row[:5]
        assert str(sequence.value) == csv_row[0]
        assert when.is_date and when.number_format == "yyyy-mm-dd hh:mm:ss"
        assert when.value.strftime("%Y-%m-%d %H:%M:%S") == csv_row[1]
        assert abs(when.value - datetime.now(UTC).replace(tzinfo=None)).total_seconds() < 300
        assert (actor.value, email.value, action.value) == (lead.id, lead.email, "test.formula")
        assert [cell.value or "" for cell in row[8:]] == csv_row[8:]
    outcomes = {row[5].value: row[5] for row in rows[1:]}
    assert outcomes["=1+1"].quotePrefix and outcomes["=1+1"].data_type == "s"
    assert "'=1+1" in {row[5] for row in in_csv[1:]}
