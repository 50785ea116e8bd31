"""What Open311 reads: the public side's service requests, tokens, and the senders' keys."""

from __future__ import annotations

from sqlalchemy import Select, and_, false, or_, select
from sqlalchemy.orm import contains_eager

from asb.extensions import db
from asb.incidents.models import Incident
from asb.incidents.vocabulary import IncidentStatus
from asb.open311.models import Open311Client, Open311Submission
from asb.open311.requests import MAX_REQUESTS, RequestFilters
from asb.open311.vocabulary import OTHER_SERVICE_CODE
from asb.policy import open311_public_reports
from asb.public_reports.models import PublicReport
from asb.public_reports.vocabulary import PublicReportStatus

# Closed for the public: the report was closed at triage, or its incident needed no action.
# Never NULL, even for a report without an incident, so that its negation is "open".
_CLOSED = or_(
    PublicReport.status == PublicReportStatus.CLOSED,
    and_(
        PublicReport.incident_id.is_not(None),
        Incident.status == IncidentStatus.NO_FURTHER_ACTION,
    ),
)


def _public() -> Select:
    return (
        select(PublicReport)
        .outerjoin(Incident, PublicReport.incident_id == Incident.id)
        .options(contains_eager(PublicReport.incident))
        .where(open311_public_reports())
    )


def public_requests(filters: RequestFilters) -> list[PublicReport]:
    """Newest first, at most MAX_REQUESTS: by reference alone when references are given."""
    statement = _public()
    if filters.references:
        statement = statement.where(PublicReport.reference.in_(filters.references))
    else:
        statement = statement.where(
            PublicReport.submitted_at >= filters.start, PublicReport.submitted_at <= filters.end
        )
        if filters.services:
            categories = [service.category for service in filters.services if service.category]
            wants_other = any(service.code == OTHER_SERVICE_CODE for service in filters.services)
            statement = statement.where(
                or_(
                    PublicReport.category.in_(categories),
                    PublicReport.category.is_(None) if wants_other else false(),
                )
            )
        if set(filters.statuses) == {"closed"}:
            statement = statement.where(_CLOSED)
        elif set(filters.statuses) == {"open"}:
            statement = statement.where(~_CLOSED)
    statement = statement.order_by(PublicReport.submitted_at.desc(), PublicReport.id.desc())
    return list(db.session.scalars(statement.limit(MAX_REQUESTS)).unique())


def public_request(reference: str) -> PublicReport | None:
    return db.session.scalars(_public().where(PublicReport.reference == reference)).first()


def submission_by_token(token: str) -> Open311Submission | None:
    if len(token) > 40:
        return None
    return db.session.scalars(
        select(Open311Submission).where(Open311Submission.token == token)
    ).first()


def is_closed(report: PublicReport) -> bool:
    return report.status is PublicReportStatus.CLOSED or (
        report.incident is not None and report.incident.status is IncidentStatus.NO_FURTHER_ACTION
    )


def clients() -> list[Open311Client]:
    return list(
        db.session.scalars(
            select(Open311Client).order_by(
                Open311Client.revoked_at.is_not(None), Open311Client.organisation
            )
        )
    )


def client_or_404(client_id: int) -> Open311Client:
    return db.get_or_404(Open311Client, client_id)
