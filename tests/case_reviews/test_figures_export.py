"""The Case Review figures as CSV and Excel: the same row in both, real dates in the
spreadsheet, an exact audit entry, and 400 for a year the download does not know."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.case_reviews.views import FIGURES_HEADER
from asb.extensions import db
from tests.case_reviews.test_figures import year_of_applications  # noqa: F401 - a fixture
from tests.helpers import visible_text


def test_the_spreadsheet_holds_the_csvs_row_with_real_dates(client, login_as, year_of_applications):  # noqa: F811
    login_as(Role.ASB_LEAD, "community-safety")
    query = {"year": "2025", "basis": "financial"}
    csv_file = client.get("/case-reviews/figures.csv", query_string=query)
    _, csv_row = csv.reader(io.StringIO(csv_file.get_data(as_text=True)))
    response = client.get("/case-reviews/figures.xlsx", query_string=query)
    assert response.status_code == 200
    assert "asb-case-review-figures-financial-2025.xlsx" in response.headers["Content-Disposition"]
    header, row = load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    assert list(header) == FIGURES_HEADER
    assert list(row) == [
        "April 2025 to March 2026",
        datetime(2025, 4, 1),
        datetime(2026, 3, 31),
        6,
        1,
        3,
        2,
    ]
    assert csv_row == ["April 2025 to March 2026", "2025-04-01", "2026-03-31", "6", "1", "3", "2"]


def test_the_page_links_to_both_downloads_for_the_year_shown(client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")
    html = client.get("/case-reviews/figures?year=2024&basis=calendar").get_data(as_text=True)
    assert 'href="/case-reviews/figures.csv?year=2024&amp;basis=calendar"' in html
    assert 'href="/case-reviews/figures.xlsx?year=2024&amp;basis=calendar"' in html


def test_the_download_is_audited_with_every_filter_value(client, login_as):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    query = [("year", "2024"), ("basis", "calendar"), ("year", "2023")]
    assert client.get("/case-reviews/figures.xlsx", query_string=query).status_code == 200
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "case-review-figures.exported")
        .order_by(AuditEvent.sequence.desc())
    ).first()
    assert event.actor_id == lead.id
    assert event.detail == {
        "format": "xlsx",
        "filters": {"year": ["2024", "2023"], "basis": ["calendar"]},
        "rows": 1,
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "1999"}, "Choose a year from 2014 to"),
        ({"year": "twenty"}, "Choose a year from 2014 to"),
        ({"year": "3000"}, "Choose a year from 2014 to"),
        ({"basis": "nonsense"}, "Choose a financial or a calendar year"),
    ],
)
@pytest.mark.parametrize("path", ["/case-reviews/figures.csv", "/case-reviews/figures.xlsx"])
def test_a_year_it_does_not_know_answers_400(client, login_as, path, query, message):
    login_as(Role.ASB_LEAD, "community-safety")
    response = client.get(path, query_string=query)
    assert response.status_code == 400
    assert message in visible_text(response)
    exported = select(AuditEvent).where(AuditEvent.action == "case-review-figures.exported")
    assert db.session.scalars(exported).first() is None


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.PARTNER, Role.ADMIN])
def test_only_the_lead_downloads_the_figures(client, login_as, role):
    login_as(
        role, {Role.PARTNER: "city-police", Role.ADMIN: "community-safety"}.get(role, "housing")
    )
    assert client.get("/case-reviews/figures.xlsx").status_code == 403
