"""Sharing a case with a partner organisation, withdrawing it, and what the partner adds.

Flush-only: the view commits once, so a share, its disclosure log entry, its timeline entry
and its audit event stand or fall together.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from asb.agreements.models import AgreementState, SharingAgreement
from asb.agreements.vocabulary import DataCategory
from asb.audit.services import record_event
from asb.auth.models import Agency, User
from asb.calendar import today_in_london
from asb.cases.models import Case, TimelineEntry
from asb.cases.services import add_timeline, case_link, link_incident
from asb.cases.vocabulary import TimelineKind
from asb.database import utcnow
from asb.disclosures.services import record_disclosure
from asb.disclosures.vocabulary import DisclosureMethod
from asb.extensions import db
from asb.incidents.models import Incident
from asb.incidents.services import record_incident
from asb.notifications.services import notify
from asb.policy import Permission, can
from asb.sharing.models import CaseShare, CaseShareContribution
from asb.sharing.queries import live_share

SECTION_115 = "Section 115 of the Crime and Disorder Act 1998"


class SharingError(Exception):
    """A share asb must refuse; the message says why. `field` names the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _labels(categories: Iterable[DataCategory]) -> str:
    return ", ".join(category.label.lower() for category in categories)


def check_agreement(
    agreement: SharingAgreement | None,
    agency: Agency,
    categories: list[DataCategory],
    day: date,
) -> SharingAgreement:
    """Refuse a share the agreement does not allow on the day: missing, with another agency,
    not started, ended, or not covering every category."""
    if agreement is None:
        raise SharingError(
            f"Choose the sharing agreement with {agency.name} to share under", field="agreement"
        )
    if agreement.partner_agency_id != agency.id:
        raise SharingError(
            f"Agreement {agreement.reference} is with {agreement.partner_agency.name}, not "
            f"{agency.name}: choose an agreement with {agency.name}",
            field="agreement",
        )
    state = agreement.state_on(day)
    if state is AgreementState.NOT_STARTED:
        raise SharingError(
            f"Agreement {agreement.reference} does not start until "
            f"{agreement.starts_on:%-d %B %Y}: nothing can be shared under it yet",
            field="agreement",
        )
    if state is AgreementState.ENDED:
        raise SharingError(
            f"Agreement {agreement.reference} ended on {agreement.ends_on:%-d %B %Y}: "
            "nothing can be shared under it",
            field="agreement",
        )
    if not categories:
        raise SharingError("Select what to share", field="categories")
    uncovered = [category for category in categories if not agreement.covers({category})]
    if uncovered:
        raise SharingError(
            f"Agreement {agreement.reference} does not cover {_labels(uncovered)}: "
            "select only what it covers",
            field="categories",
        )
    return agreement


def share_case(
    case: Case,
    *,
    agency: Agency,
    agreement: SharingAgreement | None,
    categories: Iterable[DataCategory],
    purpose: str,
    actor: User,
    may_add_notes: bool = False,
    may_add_incidents: bool = False,
) -> CaseShare:
    """Share chosen parts of the case with a partner organisation under an agreement in force
    today, and write the one disclosure log entry that records it."""
    if not can(actor, Permission.SHARE_CASE, case):
        raise SharingError("You cannot share this case")
    if not agency.is_external:
        raise SharingError(
            f"{agency.name} is a partnership agency: add it to the case as a partner agency",
            field="agency",
        )
    chosen = sorted(set(categories), key=list(DataCategory).index)
    agreement = check_agreement(agreement, agency, chosen, today_in_london())
    if not purpose.strip():
        raise SharingError("Enter why the case is being shared", field="purpose")
    if live_share(case, agency) is not None:
        raise SharingError(
            f"This case is already shared with {agency.name}: withdraw that share first to "
            "share different parts",
            field="agency",
        )
    share = CaseShare(
        case=case,
        agency=agency,
        agreement=agreement,
        categories=[category.value for category in chosen],
        may_add_notes=may_add_notes,
        may_add_incidents=may_add_incidents,
        purpose=purpose,
        shared_by=actor,
        shared_at=utcnow(),
    )
    db.session.add(share)
    db.session.flush()
    share.disclosure = record_disclosure(
        method=DisclosureMethod.CASE_SHARE,
        description=f"Case {case.reference} shared in asb: {_labels(chosen)}",
        purpose=purpose,
        disclosing_agency=case.lead_agency,
        recorded_by=actor,
        categories=chosen,
        recipient_agency=agency,
        agreement=agreement,
        legal_basis_note=SECTION_115 if agreement.crime_and_disorder_s115 else None,
        authorised_by=actor,
        subjects=[link.person for link in case.people],
        case=case,
        disclosed_at=share.shared_at,
    )
    add_timeline(
        case,
        TimelineKind.ASSIGNMENT,
        f"Shared with {agency.name} under agreement {agreement.reference}: {_labels(chosen)}",
        actor=actor,
        share_id=share.id,
    )
    record_event(
        "case.shared",
        actor=actor,
        obj=case,
        share_id=share.id,
        agency=agency.code,
        agreement_id=agreement.id,
        categories=share.categories,
        may_add_notes=may_add_notes,
        may_add_incidents=may_add_incidents,
    )
    db.session.flush()
    return share


def withdraw_share(share: CaseShare, *, reason: str, actor: User) -> None:
    """End the share now: the partner's next request is refused."""
    if not can(actor, Permission.WITHDRAW_SHARE, share):
        raise SharingError("You cannot withdraw this share")
    if share.withdrawn_at is not None:
        raise SharingError("This share has already been withdrawn")
    if not reason.strip():
        raise SharingError("Enter why the share is being withdrawn", field="reason")
    share.withdrawn_at = utcnow()
    share.withdrawn_by = actor
    share.withdrawal_reason = reason
    add_timeline(
        share.case,
        TimelineKind.ASSIGNMENT,
        f"Sharing with {share.agency.name} withdrawn: {reason}",
        actor=actor,
        share_id=share.id,
    )
    record_event(
        "case.share-withdrawn",
        actor=actor,
        obj=share.case,
        share_id=share.id,
        agency=share.agency.code,
    )
    db.session.flush()


def _partner_share(case: Case, actor: User, permission: Permission) -> CaseShare:
    share = live_share(case, actor.agency)
    if share is None or not can(actor, permission, case):
        raise SharingError("The case is no longer shared with you for this")
    return share


def add_partner_note(case: Case, text: str, *, actor: User) -> TimelineEntry:
    """A partner's note on a case shared with them, on the case's timeline as theirs."""
    share = _partner_share(case, actor, Permission.ADD_SHARED_CASE_NOTE)
    entry = add_timeline(
        case, TimelineKind.NOTE, text, actor=actor, share_id=share.id, partner=actor.agency.code
    )
    db.session.flush()
    db.session.add(
        CaseShareContribution(share=share, timeline_entry=entry, added_by=actor, added_at=utcnow())
    )
    record_event("case.partner-note-added", actor=actor, obj=case, share_id=share.id)
    if case.case_officer is not None:
        notify(
            case.case_officer,
            f"{actor.agency.name} added a note to your case {case.reference}",
            case_link(case),
        )
    db.session.flush()
    return entry


def record_partner_incident(case: Case, fields: dict[str, Any], *, actor: User) -> Incident:
    """A partner's own incident, recorded as theirs and linked to the case shared with them."""
    share = _partner_share(case, actor, Permission.ADD_SHARED_CASE_INCIDENT)
    incident = record_incident({**fields, "recording_agency": actor.agency}, actor=actor)
    link_incident(case, incident, actor=actor)
    db.session.add(
        CaseShareContribution(share=share, incident=incident, added_by=actor, added_at=utcnow())
    )
    record_event(
        "case.partner-incident-added",
        actor=actor,
        obj=case,
        share_id=share.id,
        incident_id=incident.id,
    )
    db.session.flush()
    return incident
