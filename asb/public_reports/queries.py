"""Reading the triage queue."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, func, select, true

from asb.auth.models import Role, User
from asb.extensions import db
from asb.incidents.models import Incident
from asb.public_reports.models import PublicReport
from asb.public_reports.vocabulary import PublicReportStatus


@dataclass(frozen=True)
class QueuePage:
    reports: list[PublicReport]
    total: int
    page: int
    pages: int


def triaged_by(user: User) -> ColumnElement[bool]:
    """The reports whose queue the user triages: every queue for the ASB lead, their own
    agency's for a manager."""
    if user.is_asb_lead:
        return true()
    if user.role is Role.MANAGER:
        return PublicReport.queue_agency_id == user.agency_id
    return false()


def _waiting(user: User):
    return select(PublicReport).where(
        triaged_by(user), PublicReport.status == PublicReportStatus.AWAITING_TRIAGE
    )


def waiting_count(user: User) -> int:
    waiting = _waiting(user).subquery()
    return db.session.scalar(select(func.count()).select_from(waiting)) or 0


def triage_queue(user: User, *, page: int, per_page: int) -> QueuePage:
    """The reports waiting in the user's queues, oldest first."""
    total = waiting_count(user)
    pages = max(1, math.ceil(total / per_page))
    page = min(page, pages)
    reports = db.session.scalars(
        _waiting(user)
        .order_by(PublicReport.submitted_at, PublicReport.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return QueuePage(list(reports), total, page, pages)


def incident_by_reference(reference: str) -> Incident | None:
    return db.session.scalar(select(Incident).where(Incident.reference == reference.upper()))
