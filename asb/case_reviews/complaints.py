"""Which incidents in asb are complaints an ASB Case Review counts, and the day each was made.

Section 104 counts complaints by the date they were made, not the date someone typed them
into asb: an officer logging last month's phone calls today must not push them out of the
threshold's window.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from asb.calendar import london_day
from asb.extensions import db
from asb.incidents.models import Incident
from asb.incidents.vocabulary import IncidentSource, ReportKind
from asb.public_reports.models import PublicReport

OBSERVATION = "an officer's observation, not a complaint"
POLICE_UK_RECORD = (
    "a police.uk record, which gives only the month and not who complained: add the "
    "complaint made to the police as one made elsewhere, with its dates"
)


def not_a_complaint(incident: Incident) -> str | None:
    """Why the incident cannot be cited as a complaint, or None when it can."""
    if incident.report_kind is ReportKind.OBSERVATION:
        return OBSERVATION
    if incident.source is IncidentSource.POLICE_UK:
        return POLICE_UK_RECORD
    return None


def complaint_made_on(incident: Incident) -> date:
    """The day the complaint was made.

    A report sent through asb's public form was made the day it was sent; asb has no other
    date of reporting, so otherwise the day the behaviour began stands in, as most ASB is
    reported the day it happens. Never before the behaviour, never after it was recorded.
    """
    happened = london_day(incident.occurred_from)
    first_sent = db.session.scalar(
        select(func.min(PublicReport.submitted_at)).where(PublicReport.incident_id == incident.id)
    )
    reported = london_day(first_sent) if first_sent is not None else happened
    return max(happened, min(reported, london_day(incident.created_at)))
