"""The demo's partnership with City of London Police: an agreement in force and one case
shared under it, so the police user meets the partner's view at once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from asb.agreements.services import create_agreement
from asb.agreements.vocabulary import DataCategory, LawfulBasis, SpecialCategoryCondition
from asb.auth.models import User
from asb.auth.services import find_agency
from asb.calendar import today_in_london
from asb.cases.models import Case
from asb.cases.vocabulary import CaseStatus
from asb.extensions import db
from asb.people.models import CasePerson
from asb.sharing.services import share_case

LEAD = "asb.lead@demo.asb.local"
SHARED = [
    DataCategory.INCIDENT_FACTS,
    DataCategory.LOCATIONS,
    DataCategory.PEOPLE,
    DataCategory.CASE_WORK,
]


def load_demo_partnership(users: dict[str, User]) -> None:
    """Agree sharing with City of London Police and share the first open case with people."""
    lead = users[LEAD]
    police = find_agency("city-police")
    today = today_in_london()
    agreement = create_agreement(
        {
            "title": "Sharing ASB case information with City of London Police",
            "partner_agency": police,
            "purpose": "Preventing and reducing anti-social behaviour in the Square Mile: "
            "joint problem solving on cases, and the police's enforcement powers where the "
            "council's are not enough.",
            "lawful_basis": LawfulBasis.PUBLIC_TASK,
            "special_category_condition": SpecialCategoryCondition.PREVENTING_CRIME,
            "crime_and_disorder_s115": True,
            "categories": [category.value for category in SHARED],
            "starts_on": today - timedelta(days=240),
            "review_on": today + timedelta(days=125),
            "ends_on": None,
            "owner": lead,
        },
        actor=lead,
    )
    case = db.session.scalar(
        select(Case)
        .where(
            Case.status != CaseStatus.CLOSED,
            Case.restricted.is_(False),
            Case.id.in_(select(CasePerson.case_id)),
        )
        .order_by(Case.id)
    )
    share_case(
        case,
        agency=police,
        agreement=agreement,
        categories=SHARED,
        purpose="The alleged perpetrator is known to the police for noise and threats "
        "elsewhere on the estate: joint visit and possible community protection warning.",
        may_add_notes=True,
        may_add_incidents=True,
        actor=lead,
    )
