"""Taking reports from the public into a triage queue, and triaging them.

Every function here only flushes: the caller (a view, the API, Open311) commits once. What
the reporter is told goes through their channel (asb.notifications.channels) in the same
transaction, and only when they gave contact details and agreed to be contacted.
"""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from sqlalchemy import select

from asb.audit.services import record_event
from asb.auth.models import Agency, Role, User
from asb.database import utcnow
from asb.extensions import db
from asb.incidents.duplicates import add_report_to_incident
from asb.incidents.models import Incident
from asb.incidents.services import next_reference
from asb.incidents.vocabulary import Category, ReportingChannel
from asb.notifications.channels import reporter_channel
from asb.notifications.services import notify
from asb.public_reports.models import PublicReport
from asb.public_reports.vocabulary import PublicReportChannel, PublicReportStatus
from asb.versioning import StaleEditError, current_version

REFERENCE_PREFIX = "RPT"

# Whose triage queue a report starts in. The City's teams split ASB by where it happens:
# homes are Housing's, the street is Street Enforcement's. A rule in code rather than a
# settings file: the agency codes are fixed by migration 0002, and a report in the wrong
# queue costs one "pass to another agency", so nothing here needs changing per deployment.
QUEUE_AGENCY_BY_CATEGORY: dict[Category, str] = {
    Category.NOISE: "housing",
    Category.ROWDY_NEIGHBOURS: "housing",
    Category.STREET_DRINKING: "street-enforcement",
    Category.BEGGING: "street-enforcement",
    Category.LITTERING_DRUGS: "street-enforcement",
    Category.VEHICLE_ABANDONED: "street-enforcement",
    Category.ANIMAL_PROBLEMS: "mcp",
}
# Everything else, and "something else", goes to the ASB lead's own team.
DEFAULT_QUEUE_AGENCY = "community-safety"

SIGN_OFF = "City of London Corporation, anti-social behaviour team"


class AlreadyTriagedError(StaleEditError):
    """Someone else triaged the report after this manager opened it."""


def queue_agency_for(category: Category | None) -> Agency:
    """The active agency whose queue a report of this category starts in."""
    code = QUEUE_AGENCY_BY_CATEGORY.get(category, DEFAULT_QUEUE_AGENCY) if category else None
    for candidate in (code, DEFAULT_QUEUE_AGENCY):
        agency = db.session.scalar(
            select(Agency).where(Agency.code == candidate, Agency.is_active.is_(True))
        )
        if agency is not None:
            return agency
    raise LookupError(f"no active agency {DEFAULT_QUEUE_AGENCY!r} to take public reports")


def submit_public_report(
    *,
    channel: PublicReportChannel,
    description: str,
    category: Category | None,
    latitude: float | None,
    longitude: float | None,
    location_description: str | None,
    occurred_at: datetime | None,
    still_happening: bool | None,
    reporter_anonymous: bool,
    reporter_name: str | None,
    reporter_email: str | None,
    reporter_phone: str | None,
    may_contact: bool,
    attributes: dict | None = None,
) -> PublicReport:
    """Put a report in its agency's triage queue, with a reference, and acknowledge it.

    An anonymous reporter's name and contact details are not kept, whatever was sent, and
    no one is contacted who did not agree to be.
    """
    if reporter_anonymous:
        reporter_name = reporter_email = reporter_phone = None
        may_contact = False
    report = PublicReport(
        reference=next_reference(REFERENCE_PREFIX, utcnow().year),
        channel=channel,
        status=PublicReportStatus.AWAITING_TRIAGE,
        category=category,
        description=description,
        location_description=location_description,
        latitude=latitude,
        longitude=longitude,
        occurred_at=occurred_at,
        still_happening=still_happening,
        reporter_anonymous=reporter_anonymous,
        reporter_name=reporter_name,
        reporter_email=reporter_email,
        reporter_phone=reporter_phone,
        may_contact=may_contact,
        attributes=attributes or {},
        queue_agency=queue_agency_for(category),
        submitted_at=utcnow(),
    )
    db.session.add(report)
    db.session.flush()
    record_event(
        "public-report.submitted",
        obj=report,
        channel=channel.value,
        queue_agency_id=report.queue_agency_id,
    )
    tell_reporter(
        report,
        f"We have received your report {report.reference}",
        "Thank you for telling us about anti-social behaviour in the City of London. "
        f"Your reference is {report.reference}: quote it if you contact us about this "
        "report.\n\nWhat happens next: a manager in the team that deals with this kind of "
        "problem reads every report, usually within two working days, and decides who "
        "deals with it. We will tell you when they have.\n\n"
        "If anyone is in danger, or a crime is happening now, call 999.",
    )
    return report


def tell_reporter(report: PublicReport, subject: str, body: str) -> bool:
    """Queue a message to the reporter if they agreed to be contacted; whether one was."""
    if not report.may_contact or report.reporter_anonymous:
        return False
    channel = reporter_channel(email=report.reporter_email, phone=report.reporter_phone)
    if channel is None:
        return False
    channel.send(subject, f"{body}\n\n{SIGN_OFF}")
    return True


def _start_triage(report: PublicReport, *, expected_version: int) -> None:
    """Refuse a triage decision on a report that changed since the manager opened it."""
    if current_version(report) != expected_version or not report.status.is_open:
        raise AlreadyTriagedError(report.reference)


def _finish_triage(report: PublicReport, status: PublicReportStatus, *, actor: User) -> None:
    report.status = status
    report.triaged_by = actor
    report.triaged_at = utcnow()
    db.session.flush()


def accept_report(
    report: PublicReport, incident: Incident, *, actor: User, expected_version: int
) -> None:
    """Mark the report as accepted into the incident just recorded from it."""
    _start_triage(report, expected_version=expected_version)
    report.incident = incident
    _finish_triage(report, PublicReportStatus.ACCEPTED, actor=actor)
    record_event("public-report.accepted", actor=actor, obj=report, incident_id=incident.id)
    tell_reporter(
        report,
        f"Your report {report.reference} has been accepted",
        f"Your report {report.reference} is now recorded as an incident for "
        f"{incident.recording_agency.name} to deal with.",
    )


def merge_report(
    report: PublicReport, incident: Incident, *, actor: User, expected_version: int
) -> None:
    """Add the report to an incident already recorded, keeping the reporter on it."""
    _start_triage(report, expected_version=expected_version)
    add_report_to_incident(
        incident,
        channel=ReportingChannel.ONLINE,
        reported_at=report.submitted_at,
        description=report.description,
        reporter_anonymous=report.reporter_anonymous,
        reporter_name=report.reporter_name,
        reporter_phone=report.reporter_phone,
        reporter_email=report.reporter_email,
        recorded_by=actor,
        public_report=report,
    )
    report.incident = incident
    _finish_triage(report, PublicReportStatus.MERGED, actor=actor)
    record_event("public-report.merged", actor=actor, obj=report, incident_id=incident.id)
    tell_reporter(
        report,
        f"Your report {report.reference} has been added to an incident we know about",
        f"Someone has already told us about what you reported ({report.reference}). We have "
        "added your report to theirs, so the officers dealing with it see what you told us.",
    )


def pass_report(
    report: PublicReport, agency: Agency, *, actor: User, expected_version: int, note: str
) -> None:
    """Move the report to another agency's queue, and tell that agency's managers."""
    _start_triage(report, expected_version=expected_version)
    previous_agency_id = report.queue_agency_id
    report.queue_agency = agency
    report.pass_note = note
    db.session.flush()
    record_event(
        "public-report.passed",
        actor=actor,
        obj=report,
        from_agency_id=previous_agency_id,
        to_agency_id=agency.id,
    )
    link = url_for("public_reports.show", report_id=report.id)
    managers = db.session.scalars(
        select(User).where(
            User.agency_id == agency.id,
            User.role == Role.MANAGER,
            User.is_active_account.is_(True),
        )
    )
    for manager in managers:
        notify(manager, f"Report from the public {report.reference} passed to your team", link)
    tell_reporter(
        report,
        f"Your report {report.reference} has been passed to {agency.name}",
        f"We have passed your report {report.reference} to {agency.name}, who deal with this "
        "kind of problem. They will decide what happens next.",
    )


def close_report(report: PublicReport, *, actor: User, expected_version: int, reason: str) -> None:
    """Close the report as not anti-social behaviour; the reason is written for the public."""
    _start_triage(report, expected_version=expected_version)
    report.closed_reason = reason
    _finish_triage(report, PublicReportStatus.CLOSED, actor=actor)
    record_event("public-report.closed", actor=actor, obj=report)
    tell_reporter(
        report,
        f"We have closed your report {report.reference}",
        f"We have looked at your report {report.reference} and closed it: {reason}",
    )
