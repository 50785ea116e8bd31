"""The overview page: who may open it, what it is made of, and what it never contains."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from asb.auth.models import Role
from asb.incidents.vocabulary import Category, IncidentSource, ReportKind
from tests.factories import IncidentFactory, agency

SVG = re.compile(r"<svg\b([^>]*)>(.*?)</svg>", re.S)


@pytest.mark.parametrize(
    ("role", "agency_code", "status"),
    [
        (Role.ASB_LEAD, "community-safety", 200),
        (Role.MANAGER, "housing", 200),
        (Role.MANAGER, "barbican", 200),
        (Role.OFFICER, "housing", 403),
        (Role.PARTNER, "city-police", 403),
        (Role.ADMIN, "community-safety", 403),
    ],
)
def test_only_the_asb_lead_and_managers_open_the_overview(
    client, login_as, role, agency_code, status
):
    login_as(role, agency_code)
    assert client.get("/overview").status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client, db_session):
    response = client.get("/overview")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def _page_with_data(client, login_as, query: str = "") -> str:
    now = datetime.now(UTC)
    IncidentFactory(occurred_from=now - timedelta(days=40))
    IncidentFactory(occurred_from=now - timedelta(days=70), report_kind=ReportKind.OBSERVATION)
    IncidentFactory(
        occurred_from=now - timedelta(days=100),
        source=IncidentSource.POLICE_UK,
        recording_agency=agency("city-police"),
    )
    login_as(Role.ASB_LEAD, "community-safety")
    response = client.get(f"/overview{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["", "?months=3&interval=week", "?months=24&agency=1"])
def test_every_chart_is_an_image_with_a_title_description_and_table(client, login_as, query):
    html = _page_with_data(client, login_as, query)
    charts = SVG.findall(html)
    assert len(charts) == 7
    for attributes, body in charts:
        assert 'role="img"' in attributes
        chart_id = re.search(r'\bid="([^"]+)"', attributes).group(1)
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in attributes
        assert re.search(rf'<title id="{chart_id}-title">[^<]+</title>', body)
        assert re.search(rf'<desc id="{chart_id}-desc">[^<]+</desc>', body)
        assert "style=" not in body, "style attributes would need 'unsafe-inline' in the CSP"
    # Each chart's figures are in a table too (plus the repeat lists' tables, when listed).
    assert html.count('<table class="govuk-table">') >= 6


def test_the_page_fetches_nothing_from_another_site(client, login_as):
    html = _page_with_data(client, login_as)
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.I)
    for address in re.findall(r'\b(?:src|href|action)="([^"]*)"', html):
        assert address.startswith(("/", "#")), address
    for fill in re.findall(r"url\(([^)]*)\)", html):
        assert fill.startswith("#"), fill


def test_a_tampered_filter_shows_an_error_and_the_default_figures(client, login_as):
    html = _page_with_data(client, login_as, "?months=7")
    assert "There is a problem" in html
    assert "Select period from the list" in html
    assert "Incidents per month" in html


def test_a_new_incident_shows_at_once_though_the_figures_are_cached(client, login_as):
    from asb.extensions import db

    login_as(Role.ASB_LEAD, "community-safety")
    before = client.get("/overview").get_data(as_text=True)
    IncidentFactory(category=Category.FIREWORKS)
    db.session.commit()
    after = client.get("/overview").get_data(as_text=True)

    assert "Fireworks" not in before
    assert "Fireworks" in after
