"""The demo's ASB Case Review: Mrs Ellison applies about the noise from flat 62.

Her complaints were made over five months and mostly typed into asb long after: the
threshold counts each from the day it was made, so the application meets it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from asb.auth.models import User
from asb.calendar import london_day, today_in_london
from asb.case_reviews.complaints import not_a_complaint
from asb.case_reviews.models import CaseReviewApplication
from asb.case_reviews.services import CitedComplaint, incident_behaviour_key, log_application
from asb.case_reviews.vocabulary import ApplicationRoute
from asb.cases.models import Case
from asb.extensions import db

NOISE_CASE_TITLE = "Noise and harassment at Great Arthur House"


def load_demo_case_review(users: dict[str, User]) -> CaseReviewApplication | None:
    """Log Mrs Ellison's application on the noise case, citing its complaints.

    Reports of the same night are complaints about the same behaviour and count once.
    """
    case = db.session.scalar(select(Case).where(Case.title == NOISE_CASE_TITLE))
    if case is None:
        return None
    complaints = [
        link.incident
        for link in sorted(case.incident_links, key=lambda link: link.incident.occurred_from)
        if not_a_complaint(link.incident) is None
    ]
    first_of_night: dict[date, str] = {}
    cited = []
    for incident in complaints:
        night = london_day(incident.occurred_from)
        key = first_of_night.setdefault(night, incident_behaviour_key(incident))
        cited.append(CitedComplaint.from_incident(incident, behaviour_key=key))
    return log_application(
        applicant_name="Margaret Ellison",
        applicant_contact="020 7946 0412, Flat 58, Great Arthur House, Golden Lane Estate",
        on_behalf_of=None,
        consent_confirmed=False,
        route=ApplicationRoute.PHONE,
        received_on=today_in_london(),
        complaints=cited,
        actor=users["housing.officer@demo.asb.local"],
        case=case,
    )
