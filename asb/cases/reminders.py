"""Reminders of overdue work, sent daily by `flask --app wsgi asb notify-overdue`."""

from __future__ import annotations

from datetime import date

from asb.auth.models import Agency, Role, User
from asb.calendar import start_of_london_day
from asb.cases.models import Case, CaseAction
from asb.cases.services import case_link
from asb.cases.vocabulary import ActionState, CaseStatus
from asb.extensions import db
from asb.notifications.models import Notification
from asb.notifications.services import notify


def notify_overdue_work(today: date) -> int:
    """Tell case officers (or, for unpicked cases, the team's managers) of overdue reviews and
    action owners of overdue actions; each reminder goes once a day. Returns how many went."""
    sent = 0
    start_of_day = start_of_london_day(today)  # today in London

    def already_told(user: User, message: str) -> bool:
        return (
            db.session.scalar(
                db.select(Notification.id).where(
                    Notification.user_id == user.id,
                    Notification.message == message,
                    Notification.created_at >= start_of_day,
                )
            )
            is not None
        )

    overdue_cases = db.session.scalars(
        db.select(Case).where(Case.status != CaseStatus.CLOSED, Case.review_due < today)
    )
    for case in overdue_cases:
        message = f"The review of case {case.reference} is overdue"
        officer = case.case_officer
        recipients = [officer] if officer and officer.is_active else _managers(case.assigned_agency)
        for user in recipients:
            if not already_told(user, message):
                notify(user, message, case_link(case))
                sent += 1
    overdue_actions = db.session.scalars(
        db.select(CaseAction).where(CaseAction.state == ActionState.OPEN, CaseAction.due_on < today)
    )
    for action in overdue_actions:
        message = f"Your action on case {action.case.reference} is overdue"
        if action.owner.is_active and not already_told(action.owner, message):
            notify(action.owner, message, case_link(action.case))
            sent += 1
    db.session.flush()
    return sent


def _managers(agency: Agency) -> list[User]:
    return list(
        db.session.scalars(
            db.select(User).where(
                User.agency_id == agency.id,
                User.role == Role.MANAGER,
                User.is_active_account.is_(True),
            )
        )
    )
