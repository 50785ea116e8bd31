"""Incidents a Case Review application cites, and answering the Case Review forms in tests."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from asb.calendar import today_in_london
from asb.extensions import db
from asb.models import Incident, PublicReport
from asb.public_reports.vocabulary import PublicReportChannel, PublicReportStatus
from tests.factories import IncidentFactory
from tests.helpers import date_parts


def days_ago(days: int) -> date:
    return today_in_london() - timedelta(days=days)


def at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def complaint_incident(behaviour_on: date, complained_on: date, **fields) -> Incident:
    """An incident that happened on one day, was reported on another through the public
    report form, and was typed into asb today (a backdated entry)."""
    incident = IncidentFactory(occurred_from=at_noon(behaviour_on), **fields)
    db.session.add(
        PublicReport(
            reference=f"T-{incident.id}",
            channel=PublicReportChannel.WEB,
            status=PublicReportStatus.ACCEPTED,
            description=incident.description,
            queue_agency_id=incident.recording_agency_id,
            submitted_at=at_noon(complained_on),
            incident_id=incident.id,
        )
    )
    db.session.flush()
    return incident


def application_form(**changes) -> dict:
    data = {
        "applicant_name": "Pat Applicant",
        "applicant_contact": "020 7946 0123",
        "on_behalf_of": "",
        "consent_confirmed": "",
        "route": "phone",
        "received_on": date_parts(today_in_london()),
        "incident_references": "",
        "case_id": "",
    }
    data.update(changes)
    return data


def step_date(day: date | None = None) -> dict:
    return {"on": date_parts(day or today_in_london())}


def logged_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/case-reviews/(\d+)$", response.location).group(1))


def log_on_page(client, **changes) -> str:
    """Log an application through the page; return its address."""
    response = client.post("/case-reviews/new", data=application_form(**changes))
    return f"/case-reviews/{logged_id(response)}"
