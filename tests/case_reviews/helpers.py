"""Building applications and answering the Case Review forms in tests."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from asb.case_reviews import services
from asb.case_reviews.models import CaseReviewApplication
from asb.case_reviews.queries import today
from asb.case_reviews.vocabulary import ApplicationRoute
from asb.extensions import db
from asb.incidents.models import Incident
from tests.factories import IncidentFactory
from tests.incidents.helpers import date_parts


def days_ago(days: int) -> date:
    return today() - timedelta(days=days)


def at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def complaint_incident(behaviour_on: date, complained_on: date, **fields) -> Incident:
    """An incident that happened on one day and was reported (recorded) on another."""
    return IncidentFactory(
        occurred_from=at_noon(behaviour_on), created_at=at_noon(complained_on), **fields
    )


def application_form(**changes) -> dict:
    data = {
        "applicant_name": "Pat Applicant",
        "applicant_contact": "020 7946 0123",
        "on_behalf_of": "",
        "consent_confirmed": "",
        "route": "phone",
        "received_on": date_parts(today()),
        "incident_references": "",
        "case_id": "",
    }
    data.update(changes)
    return data


def step_date(day: date | None = None) -> dict:
    return {"on": date_parts(day or today())}


def logged_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/case-reviews/(\d+)$", response.location).group(1))


def log_on_page(client, **changes) -> str:
    """Log an application through the page; return its address."""
    response = client.post("/case-reviews/new", data=application_form(**changes))
    return f"/case-reviews/{logged_id(response)}"


def make_application(actor, *, received_on: date | None = None, case=None, **fields):
    """Log an application through the service, then set any later steps directly."""
    application = services.log_application(
        applicant_name="Pat Applicant",
        applicant_contact="020 7946 0123",
        on_behalf_of=None,
        consent_confirmed=False,
        route=ApplicationRoute.PHONE,
        received_on=received_on or today(),
        complaints=[],
        actor=actor,
        case=case,
    )
    for name, value in fields.items():
        setattr(application, name, value)
    db.session.commit()
    return db.session.get(CaseReviewApplication, application.id)
