"""Demo ASB panel meetings: one held last month with a decision on a case, and one planned
for next week, so the lead meets the agenda, its suggestions and the meeting packs at once."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from asb.auth.models import User
from asb.auth.services import find_agency
from asb.calendar import LONDON, today_in_london
from asb.cases.models import Case
from asb.cases.vocabulary import CaseStatus
from asb.extensions import db
from asb.panels.services import add_to_agenda, change_status, plan_meeting, record_decision
from asb.panels.vocabulary import AgendaReason, MeetingStatus

LEAD = "asb.lead@demo.asb.local"
ATTENDING = ("community-safety", "housing", "barbican", "city-police")


def load_demo_panel_meetings(users: dict[str, User]) -> None:
    """Plan the two meetings around the demo's first open case."""
    lead = users[LEAD]
    agencies = [find_agency(code) for code in ATTENDING]
    case = db.session.scalar(
        select(Case).where(Case.status != CaseStatus.CLOSED).order_by(Case.id)
    )
    today = today_in_london()
    held = plan_meeting(
        starts_at=datetime.combine(today - timedelta(days=21), time(10, 0), tzinfo=LONDON),
        place="Committee Room 2, Guildhall",
        chair=lead,
        agencies=agencies,
        actor=lead,
    )
    planned = plan_meeting(
        starts_at=datetime.combine(today + timedelta(days=7), time(10, 0), tzinfo=LONDON),
        place="Committee Room 2, Guildhall",
        chair=lead,
        agencies=agencies,
        actor=lead,
        notes="Monthly ASB panel",
    )
    if case is not None:
        item = add_to_agenda(
            held,
            case,
            reason=AgendaReason.REPEAT_VICTIM,
            note="Third report from the same household",
            actor=lead,
        )
        record_decision(
            item,
            discussion="Housing set out the reports; City Police had no further incidents.",
            decision="Housing to send a warning letter; review at the next panel.",
            actor=lead,
        )
        add_to_agenda(planned, case, reason=AgendaReason.LEAD_CHOICE, actor=lead)
    change_status(held, MeetingStatus.HELD, actor=lead)
