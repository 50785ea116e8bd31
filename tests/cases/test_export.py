"""The case queues' downloads: CSV and Excel hold the queue's rows with its filters, and each
is audited with the queue, the filters exactly and the row count."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.cases.risk import RiskLevel
from asb.cases.views import CASES_EXPORT_HEADER
from asb.extensions import db
from tests.conftest import sign_in_session
from tests.helpers import case_references

QUEUES = [
    ("/cases", "mine", Role.OFFICER, "housing"),
    ("/cases/team", "team", Role.MANAGER, "housing"),
    ("/cases/all", "all", Role.ASB_LEAD, "community-safety"),
]


@pytest.fixture
def queue_cases(make_case, make_user):
    """Housing's cases: one high risk with a formula in its title, one restricted, and one of
    Barbican's that Housing does not see."""
    officer = make_user(Role.OFFICER, "housing", email="officer.export@example.com")
    high = make_case(
        "housing", title='=HYPERLINK("http://evil")', officer=officer, risk_level=RiskLevel.HIGH
    )
    restricted = make_case("housing", title="Restricted matter", officer=officer, restricted=True)
    theirs = make_case("barbican", title="Barbican stairwell")
    return officer, high, restricted, theirs


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def xlsx_rows(response) -> list[dict[str, object]]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    header, *rows = sheet.iter_rows()
    assert [cell.value for cell in header] == CASES_EXPORT_HEADER
    return [dict(zip(CASES_EXPORT_HEADER, row, strict=True)) for row in rows]


@pytest.mark.parametrize(("page", "queue", "role", "agency_code"), QUEUES)
@pytest.mark.parametrize("args", [{}, {"risk": "high"}, {"sort": "reference", "order": "desc"}])
def test_each_queue_downloads_its_rows_with_its_filters(
    client, login_as, queue_cases, page, queue, role, agency_code, args
):
    officer, high, restricted, theirs = queue_cases
    if role is Role.OFFICER:
        sign_in_session(client, officer)  # the officer the cases are assigned to
    else:
        login_as(role, agency_code)
    shown = case_references(client.get(page, query_string=args))
    csv_file = csv_rows(client.get(f"{page}/export.csv", query_string=args))
    xlsx_file = xlsx_rows(client.get(f"{page}/export.xlsx", query_string=args))
    assert [row["Case"] for row in csv_file] == shown
    assert [row["Case"].value for row in xlsx_file] == shown
    if not args:
        assert (theirs.reference in shown) is (queue == "all")
        assert restricted.reference in shown  # Housing's team, and the lead, see it
    if high.reference in shown:
        csv_row = next(row for row in csv_file if row["Case"] == high.reference)
        assert csv_row["Title"] == '\'=HYPERLINK("http://evil")'
        assert csv_row["Risk"] == "High"
        xlsx_row = next(row for row in xlsx_file if row["Case"].value == high.reference)
        assert xlsx_row["Title"].value == '=HYPERLINK("http://evil")'
        assert (xlsx_row["Title"].data_type, xlsx_row["Title"].quotePrefix) == ("s", True)
        assert xlsx_row["Opened"].is_date


def test_the_download_is_audited_with_every_filter_value(client, login_as, queue_cases):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    query = [("risk", "high"), ("risk", "medium"), ("text", ""), ("agency", "abc")]
    response = client.get("/cases/all/export.xlsx", query_string=query)
    assert response.status_code == 200
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "cases.exported")
        .order_by(AuditEvent.sequence.desc())
    ).first()
    assert event.actor_id == lead.id
    assert event.detail == {
        "queue": "all",
        "format": "xlsx",
        "filters": {"risk": ["high", "medium"], "text": [""], "agency": ["abc"]},
        "rows": 1,  # the high-risk case: the queue reads the first risk, ignores the agency
    }


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/cases/export.csv", {Role.OFFICER, Role.MANAGER, Role.ASB_LEAD}),
        ("/cases/team/export.xlsx", {Role.OFFICER, Role.MANAGER, Role.ASB_LEAD}),
        ("/cases/all/export.csv", {Role.ASB_LEAD}),
        ("/cases/all/export.xlsx", {Role.ASB_LEAD}),
    ],
)
@pytest.mark.parametrize(
    "role", [Role.OFFICER, Role.MANAGER, Role.ASB_LEAD, Role.PARTNER, Role.ADMIN]
)
def test_who_may_download_which_queue(client, login_as, path, allowed, role):
    agency_code = {Role.ASB_LEAD: "community-safety", Role.PARTNER: "city-police"}.get(
        role, "housing"
    )
    login_as(role, agency_code)
    assert client.get(path).status_code == (200 if role in allowed else 403)
