"""Filling in the public report form, as a member of the public would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from asb.database import utcnow
from asb.extensions import db
from asb.incidents.vocabulary import Category
from asb.models import PublicReport
from asb.public_reports.services import submit_public_report
from asb.public_reports.vocabulary import PublicReportChannel
from tests.factories.base import request_context
from tests.public_reports.helpers import CITY, answers


@pytest.fixture
def fill_in(client):
    """Answer every question page; returns the check page's response."""

    def fill(**changes):
        for page, data in answers(**changes).items():
            response = client.post(f"/report/{page}", data=data)
            assert response.status_code == 302, (page, response.get_data(as_text=True)[:3000])
        return client.get("/report/check")

    return fill


@pytest.fixture
def report_sent(client, fill_in):
    """Send a complete report; returns the confirmation page."""

    def send(**changes):
        fill_in(**changes)
        response = client.post("/report/check", data={}, follow_redirects=True)
        assert response.status_code == 200
        return response

    return send


def submit(**changes) -> PublicReport:
    """A report from the web form, as submit_public_report stores it (flushed)."""
    fields = {
        "channel": PublicReportChannel.WEB,
        "description": "Very loud music from the flat above",
        "category": Category.NOISE,
        "latitude": float(CITY[0]),
        "longitude": float(CITY[1]),
        "location_description": "Crescent House, Golden Lane Estate",
        "occurred_at": utcnow() - timedelta(hours=3),
        "still_happening": True,
        "reporter_anonymous": False,
        "reporter_name": "Robin Resident",
        "reporter_email": "robin@example.com",
        "reporter_phone": None,
        "may_contact": True,
        **changes,
    }
    with request_context():
        return submit_public_report(**fields)


@pytest.fixture
def public_report(db_session) -> Callable[..., PublicReport]:
    """A report in its queue, committed (within the test's transaction)."""

    def make(**changes) -> PublicReport:
        report = submit(**changes)
        db.session.commit()
        return report

    return make
