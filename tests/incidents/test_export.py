"""The incident log's downloads: CSV and Excel hold the filtered log's rows, personal details
only where the policy lets the reader see them, no formula, and an exact audit entry."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.extensions import db
from asb.incidents.export import EXPORT_HEADER
from asb.incidents.vocabulary import Category
from tests.factories import IncidentFactory, agency
from tests.helpers import references
from tests.incidents.test_access import PERSONAL_COLUMNS, incidents  # noqa: F401 - a fixture


def csv_export(client, **args) -> list[dict[str, str]]:
    response = client.get("/incidents/export.csv", query_string=args)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def xlsx_export(client, **args) -> list[dict[str, object]]:
    response = client.get("/incidents/export.xlsx", query_string=args)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="asb-incidents.xlsx"'
    assert response.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "Incidents"
    header, *rows = sheet.iter_rows(values_only=True)
    assert list(header) == EXPORT_HEADER
    return [dict(zip(EXPORT_HEADER, row, strict=True)) for row in rows]


@pytest.fixture
def mixed_log(incidents):  # noqa: F811 - the fixture imported above
    """The access fixture's incidents, and litter recorded by Barbican with its reporter."""
    IncidentFactory(
        recording_agency=agency("barbican"),
        category=Category.LITTERING_DRUGS,
        reporter_name="Barbican Caller",
    )
    db.session.commit()
    return incidents


@pytest.mark.parametrize(
    ("role", "agency_code"),
    [
        (Role.OFFICER, "housing"),
        (Role.OFFICER, "barbican"),
        (Role.MANAGER, "housing"),
        (Role.ASB_LEAD, "community-safety"),
    ],
)
@pytest.mark.parametrize("args", [{}, {"category": "littering-drugs"}, {"sort": "reference"}])
def test_both_files_hold_the_filtered_logs_rows_in_its_order(
    client, login_as, mixed_log, role, agency_code, args
):
    login_as(role, agency_code)
    shown = references(client.get("/incidents", query_string=args))
    assert shown
    assert [row["Reference"] for row in csv_export(client, **args)] == shown
    assert [row["Reference"] for row in xlsx_export(client, **args)] == shown


@pytest.mark.parametrize(
    ("role", "agency_code", "sees_housing_reporters", "sees_restricted"),
    [
        (Role.OFFICER, "housing", True, True),
        (Role.OFFICER, "barbican", False, False),
        (Role.ASB_LEAD, "community-safety", True, True),
    ],
)
def test_personal_details_only_where_the_reader_may_see_them(
    client, login_as, mixed_log, role, agency_code, sees_housing_reporters, sees_restricted
):
    login_as(role, agency_code)
    rows = {row["Reference"]: row for row in xlsx_export(client)}
    housing = rows[mixed_log.open.reference]
    if sees_housing_reporters:
        assert (housing["Reporter anonymous"], housing["Reporter name"]) == ("No", "Alex Reporter")
    else:
        assert housing["Reporter anonymous"] == "Withheld"
        assert all(housing[column] is None for column in PERSONAL_COLUMNS)
        assert "Alex Reporter" not in str(rows)
    assert (mixed_log.restricted.reference in rows) is sees_restricted
    police = rows[mixed_log.police.reference]
    assert police["Reporter anonymous"] == ("No" if role is Role.ASB_LEAD else "Withheld")


def test_the_spreadsheet_keeps_formulas_as_text_and_dates_as_dates(client, login_as):
    incident = IncidentFactory(
        recording_agency=agency("housing"),
        description='=HYPERLINK("http://evil.example","click")',
        reporter_name="@SUM(1+1)",
        reporter_phone="+44 20 7946 0001",
        location_description="-1+1 Crescent House",
    )
    db.session.commit()
    login_as(Role.OFFICER, "housing")
    response = client.get("/incidents/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    (row,) = (row for row in sheet.iter_rows(min_row=2) if row[0].value == incident.reference)
    cells = dict(zip(EXPORT_HEADER, row, strict=True))
    for column, text in [
        ("Description", '=HYPERLINK("http://evil.example","click")'),
        ("Reporter name", "@SUM(1+1)"),
        ("Reporter phone", "+44 20 7946 0001"),
        ("Place", "-1+1 Crescent House"),
    ]:
        assert (cells[column].value, cells[column].data_type) == (text, "s")
        assert cells[column].quotePrefix, column
    happened = cells["Happened from"]
    assert isinstance(happened.value, datetime) and happened.is_date
    assert cells["Longitude"].data_type == "n"
    assert cells["Hate motivated"].value == "No"


def test_each_download_is_audited_with_every_filter_value_and_the_row_count(
    client, login_as, mixed_log
):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    query = [("category", "littering-drugs"), ("category", "noise"), ("ward", ""), ("page", "2")]
    for path, file_format in [("export.csv", "csv"), ("export.xlsx", "xlsx")]:
        response = client.get(f"/incidents/{path}", query_string=query)
        assert response.status_code == 200
        response.get_data()  # a streamed download runs to its end
        event = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "incidents.exported")
            .order_by(AuditEvent.sequence.desc())
        ).first()
        assert event.actor_id == lead.id
        assert event.detail == {
            "format": file_format,
            # The form filters by the first category; the entry keeps every value sent.
            "filters": {"category": ["littering-drugs", "noise"], "ward": [""], "page": ["2"]},
            "rows": 1,
        }


@pytest.mark.parametrize("path", ["/incidents/export.csv", "/incidents/export.xlsx"])
@pytest.mark.parametrize(
    "args",
    [
        {"date_from": ["31", "2", "2026"]},
        {"agency": "abc"},
        {"status": "=1+1"},
        {"sort": "nonsense"},
    ],
)
def test_bad_filters_answer_400_and_export_nothing(client, login_as, mixed_log, path, args):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    response = client.get(path, query_string=args)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "Correct the filters before exporting." in response.get_data(as_text=True)
    exported = select(AuditEvent).where(
        AuditEvent.action == "incidents.exported", AuditEvent.actor_id == lead.id
    )
    assert db.session.scalars(exported).first() is None


@pytest.mark.parametrize(("role", "status"), [(Role.PARTNER, 403), (Role.ADMIN, 403)])
def test_who_may_not_export_the_log(client, login_as, mixed_log, role, status):
    login_as(role, "city-police" if role is Role.PARTNER else "community-safety")
    assert client.get("/incidents/export.xlsx").status_code == status
