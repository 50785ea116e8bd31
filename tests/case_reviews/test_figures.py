"""The yearly figures section 104 requires to be published."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from asb.auth.models import Role
from asb.case_reviews.queries import YearBasis, current_year, figures, period_for
from tests.factories import UserFactory, agency, make_application
from tests.helpers import visible_text


@pytest.mark.parametrize(
    ("year", "basis", "start", "end", "label"),
    [
        (
            2025,
            YearBasis.FINANCIAL,
            date(2025, 4, 1),
            date(2026, 3, 31),
            "April 2025 to March 2026",
        ),
        (2025, YearBasis.CALENDAR, date(2025, 1, 1), date(2025, 12, 31), "2025"),
    ],
)
def test_periods(year, basis, start, end, label):
    period = period_for(year, basis)
    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize(
    ("on", "basis", "year"),
    [
        (date(2026, 3, 31), YearBasis.FINANCIAL, 2025),
        (date(2026, 4, 1), YearBasis.FINANCIAL, 2026),
        (date(2026, 3, 31), YearBasis.CALENDAR, 2026),
    ],
)
def test_the_current_year_is_named_for_where_it_starts(on, basis, year):
    assert current_year(basis, on) == year


@pytest.fixture
def year_of_applications(db_session):
    """Applications around the 2025 to 2026 financial year, in each state."""
    lead = UserFactory(role=Role.ASB_LEAD, agency=agency("community-safety"))
    states = [
        # Outside the financial year, inside calendar 2025: counts only by calendar year.
        (date(2025, 3, 31), {"threshold_met": False}),
        (date(2025, 4, 1), {"threshold_met": False}),
        (date(2025, 6, 10), {"threshold_met": True, "meeting_on": date(2025, 7, 1)}),
        (
            date(2025, 9, 1),
            {"threshold_met": True, "meeting_on": date(2025, 9, 20), "made_recommendations": True},
        ),
        (
            date(2026, 3, 31),
            {"threshold_met": True, "meeting_on": date(2026, 4, 20), "made_recommendations": True},
        ),
        # Waiting for its meeting: met, but no review held yet.
        (date(2026, 1, 5), {"threshold_met": True}),
        (date(2026, 2, 5), {}),
        (date(2026, 4, 1), {"threshold_met": False}),
    ]
    for received_on, fields in states:
        if "threshold_met" in fields:
            fields["threshold_decided_on"] = received_on
        make_application(lead, received_on=received_on, **fields)


def test_figures_for_a_financial_year(year_of_applications):
    counted = figures(period_for(2025, YearBasis.FINANCIAL))
    assert (
        counted.applications,
        counted.threshold_not_met,
        counted.reviews_held,
        counted.reviews_with_recommendations,
        counted.awaiting_decision,
    ) == (6, 1, 3, 2, 1)


def test_figures_for_a_calendar_year(year_of_applications):
    counted = figures(period_for(2025, YearBasis.CALENDAR))
    assert (
        counted.applications,
        counted.threshold_not_met,
        counted.reviews_held,
        counted.reviews_with_recommendations,
    ) == (4, 2, 2, 1)


def test_the_lead_reads_and_downloads_the_figures(client, login_as, year_of_applications):
    login_as(Role.ASB_LEAD, "community-safety")
    page = visible_text(client.get("/case-reviews/figures?year=2025"))
    assert "April 2025 to March 2026" in page
    assert "Applications received 6 Threshold not met 1 Reviews carried out 3" in page
    assert "Reviews resulting in recommendations 2" in page

    response = client.get("/case-reviews/figures.csv?year=2025&basis=calendar")
    assert response.mimetype == "text/csv"
    assert "asb-case-review-figures-calendar-2025.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [
        [
            "Period",
            "From",
            "To",
            "Applications received",
            "Threshold not met",
            "Reviews carried out",
            "Reviews resulting in recommendations",
        ],
        ["2025", "2025-01-01", "2025-12-31", "4", "2", "2", "1"],
    ]


@pytest.mark.parametrize("year", ["1999", "3000", "twenty", ""])
def test_an_unusable_year_shows_the_current_one(client, login_as, year):
    login_as(Role.ASB_LEAD, "community-safety")
    page = visible_text(client.get(f"/case-reviews/figures?year={year}&basis=nonsense"))
    assert "Financial year (April to March)" in page
    assert "ASB Case Review figures" in page
