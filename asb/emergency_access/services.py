"""Granting, ending and using emergency access. Flush-only: the view commits once.

A grant is logged three ways in the same transaction: an audit event, an entry in the
disclosure log (the record's owning agency disclosed it to the user's agency), and a
notification to the record's owners and the ASB lead.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import select

from asb.agreements.vocabulary import DataCategory, LawfulBasis
from asb.audit.services import record_event
from asb.auth.models import Agency, Role, User
from asb.cases.models import Case
from asb.database import utcnow
from asb.disclosures.services import record_disclosure
from asb.disclosures.vocabulary import DisclosureMethod
from asb.emergency_access.models import EmergencyAccess
from asb.extensions import db
from asb.incidents.models import Incident
from asb.notifications.services import notify
from asb.people.models import CasePerson, IncidentPerson, Person
from asb.policy import Permission, can, emergency_access_in_use

# What opening each kind of record shows: the whole record, personal details included.
INCIDENT_CATEGORIES = (
    DataCategory.INCIDENT_FACTS,
    DataCategory.LOCATIONS,
    DataCategory.PEOPLE,
    DataCategory.VULNERABILITIES,
)
CASE_CATEGORIES = tuple(DataCategory)


def record_label(record: Incident | Case) -> str:
    kind = "incident" if isinstance(record, Incident) else "case"
    return f"restricted {kind} {record.reference}"


def record_path(record: Incident | Case) -> str:
    if isinstance(record, Incident):
        return url_for("incidents.show_incident", incident_id=record.id)
    return url_for("cases.show_case", case_id=record.id)


def owning_agency(record: Incident | Case) -> Agency:
    """The agency a restricted record stays with: the recording agency, or the case's team."""
    return record.recording_agency if isinstance(record, Incident) else record.assigned_agency


def _people(record: Incident | Case) -> list[Person]:
    if isinstance(record, Incident):
        query = select(Person).join(IncidentPerson).where(IncidentPerson.incident_id == record.id)
    else:
        query = select(Person).join(CasePerson).where(CasePerson.case_id == record.id)
    return list(db.session.scalars(query.order_by(Person.id)).unique())


def _owners_and_leads(record: Incident | Case) -> list[User]:
    """Who is told of a grant: the record's owning agencies' managers who see it, and the
    ASB lead. A manager who may not see the record is not told it exists."""
    if isinstance(record, Incident):
        agency_ids = {record.recording_agency_id}
    else:
        agency_ids = {record.lead_agency_id, record.assigned_agency_id}
    managers = db.session.scalars(
        select(User).where(
            User.agency_id.in_(agency_ids),
            User.role == Role.MANAGER,
            User.is_active_account.is_(True),
        )
    ).all()
    leads = db.session.scalars(
        select(User).where(User.role == Role.ASB_LEAD, User.is_active_account.is_(True))
    ).all()
    owners = [m for m in managers if can(m, Permission.VIEW_RECORD_EMERGENCY_ACCESS, record)]
    return sorted({*owners, *leads}, key=lambda user: user.id)


def grant_emergency_access(
    user: User, record: Incident | Case, *, reason: str, lawful_basis: LawfulBasis
) -> EmergencyAccess:
    """Open a restricted record to the user for ASB_EMERGENCY_ACCESS_HOURS, on record."""
    now = utcnow()
    hours = current_app.config["ASB_EMERGENCY_ACCESS_HOURS"]
    is_incident = isinstance(record, Incident)
    grant = EmergencyAccess(
        user=user,
        incident=record if is_incident else None,
        case=None if is_incident else record,
        reason=reason,
        lawful_basis=lawful_basis,
        granted_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    db.session.add(grant)
    db.session.flush()
    grant.disclosure = record_disclosure(
        method=DisclosureMethod.EMERGENCY_ACCESS,
        description=f"Emergency access to {record_label(record)} for {hours:g} hours",
        purpose=reason,
        disclosing_agency=owning_agency(record),
        recorded_by=user,
        categories=INCIDENT_CATEGORIES if is_incident else CASE_CATEGORIES,
        recipient_agency=user.agency,
        recipient_name=user.name,
        lawful_basis=lawful_basis,
        subjects=_people(record),
        case=None if is_incident else record,
        incident=record if is_incident else None,
        disclosed_at=now,
    )
    record_event(
        "emergency-access.granted",
        actor=user,
        obj=grant,
        incident_id=grant.incident_id,
        case_id=grant.case_id,
        lawful_basis=lawful_basis.value,
        hours=hours,
        disclosure_id=grant.disclosure.id,
    )
    message = (
        f"{user.name} ({user.agency.name}) opened {record_label(record)} with emergency "
        "access. See why on the record."
    )
    for recipient in _owners_and_leads(record):
        if recipient.id != user.id:
            notify(recipient, message, record_path(record))
    db.session.flush()
    return grant


def end_emergency_access(grant: EmergencyAccess, *, actor: User) -> bool:
    """End a live grant now; False if it had already ended or expired."""
    now = utcnow()
    if not grant.is_live_at(now):
        return False
    grant.ended_at = now
    grant.ended_by = actor
    record_event(
        "emergency-access.ended",
        actor=actor,
        obj=grant,
        user_id=grant.user_id,
        incident_id=grant.incident_id,
        case_id=grant.case_id,
    )
    notify(
        grant.user,
        f"The ASB lead ended your emergency access to {record_label(grant.record)}.",
        email=False,
    )
    db.session.flush()
    return True


def note_emergency_view(user: User, record: Incident | Case) -> EmergencyAccess | None:
    """Audit a view of the record made through emergency access, naming the grant; returns
    the grant, or None when the user sees the record on their own account."""
    grant = emergency_access_in_use(user, record)
    if grant is not None:
        record_event("emergency-access.record-viewed", actor=user, obj=record, grant_id=grant.id)
    return grant
