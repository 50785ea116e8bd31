"""Opening, assigning, working and closing cases. Every change goes on the case's timeline."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import current_app, url_for
from sqlalchemy import func

from asb.audit.services import record_event
from asb.auth.models import Agency, Role, User
from asb.cases.models import (
    Assignment,
    Case,
    CaseAction,
    CaseIncident,
    CasePartner,
    RiskAssessment,
    TimelineEntry,
)
from asb.cases.vocabulary import (
    ActionState,
    CaseOutcome,
    CaseStatus,
    ContactMethod,
    TimelineKind,
)
from asb.database import utcnow
from asb.extensions import db
from asb.incidents.models import Incident
from asb.incidents.services import change_status as change_incident_status
from asb.incidents.services import next_reference
from asb.incidents.vocabulary import IncidentStatus
from asb.notifications.services import notify
from asb.policy import Permission, can
from asb.versioning import StaleEditError, current_version

CASE_PREFIX = "ASB-C"


class CaseWorkflowError(Exception):
    """A change the corporate process does not allow; the message says why.

    `field` names the form field the message belongs to, where there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class CaseClosedError(CaseWorkflowError):
    """Work asked of a closed case; the views show the case with the message."""

    def __init__(self, case: Case, doing: str) -> None:
        super().__init__(f"Reopen the case before {doing}")
        self.case_id = case.id


class StaleCaseError(StaleEditError):
    """The case changed after the officer opened it."""


def ensure_case_open(case: Case, doing: str) -> None:
    """Refuse `doing` ("adding actions") to a closed case: it must be reopened, with a reason."""
    if not case.status.is_open:
        raise CaseClosedError(case, doing)


def check_version(case: Case, expected_version: int | None) -> None:
    """Refuse a change made on a page showing an older version of the case.

    None is for changes made on no such page (picking up a case, the demo data); every
    form that changes a case carries its version (VersionField), so its changes are checked.
    """
    if expected_version is not None and current_version(case) != expected_version:
        raise StaleCaseError(case.reference)


def case_link(case: Case) -> str:
    return url_for("cases.show_case", case_id=case.id)


def add_timeline(
    case: Case,
    kind: TimelineKind,
    summary: str,
    *,
    actor: User | None,
    contact_method: ContactMethod | None = None,
    **detail: Any,
) -> TimelineEntry:
    entry = TimelineEntry(
        case_id=case.id,
        kind=kind,
        summary=summary,
        actor_id=actor.id if actor else None,
        contact_method=contact_method,
        detail=detail,
    )
    db.session.add(entry)
    return entry


def open_case(
    *,
    title: str,
    summary: str,
    lead_agency: Agency,
    actor: User,
    incidents: list[Incident] = (),
    restricted: bool = False,
    restriction_reason: str | None = None,
) -> Case:
    now = utcnow()
    case = Case(
        reference=next_reference(CASE_PREFIX, now.year),
        title=title,
        summary=summary,
        status=CaseStatus.OPEN,
        lead_agency=lead_agency,
        assigned_agency=lead_agency,
        restricted=restricted,
        restriction_reason=restriction_reason if restricted else None,
        opened_at=now,
        review_due=now.date() + timedelta(days=current_app.config["CASE_DEFAULT_REVIEW_DAYS"]),
        created_by=actor,
    )
    db.session.add(case)
    db.session.flush()
    db.session.add(Assignment(case_id=case.id, agency_id=lead_agency.id, assigned_by_id=actor.id))
    if actor.agency_id != lead_agency.id and not actor.is_asb_lead:
        # The agency that opened the case for another stays on it as a partner.
        case.partners.append(CasePartner(agency_id=actor.agency_id, added_by_id=actor.id))
    add_timeline(case, TimelineKind.OPENED, f"Case opened by {actor.name}", actor=actor)
    for incident in incidents:
        link_incident(case, incident, actor=actor)
    record_event("case.opened", actor=actor, obj=case)
    return case


def link_incident(case: Case, incident: Incident, *, actor: User) -> None:
    if any(link.incident_id == incident.id for link in case.incident_links):
        raise CaseWorkflowError(f"{incident.reference} is already linked to this case")
    case.incident_links.append(CaseIncident(incident=incident, linked_by_id=actor.id))
    change_incident_status(incident, IncidentStatus.LINKED, actor=actor)
    add_timeline(
        case,
        TimelineKind.INCIDENT_LINKED,
        f"Incident {incident.reference} linked",
        actor=actor,
        incident_id=incident.id,
    )
    officer = case.case_officer
    # A restricted incident the officer may not see is not named to them, nor announced.
    if (
        officer is not None
        and officer.id != actor.id
        and can(officer, Permission.VIEW_INCIDENT, incident)
    ):
        notify(
            officer,
            f"New incident {incident.reference} linked to your case {case.reference}",
            case_link(case),
        )
    record_event("case.incident-linked", actor=actor, obj=case, incident_id=incident.id)
    db.session.flush()


def add_partner(case: Case, agency: Agency, *, actor: User) -> None:
    if agency.id in case.involved_agency_ids:
        raise CaseWorkflowError(f"{agency.name} is already working this case")
    case.partners.append(CasePartner(agency=agency, added_by_id=actor.id))
    add_timeline(case, TimelineKind.ASSIGNMENT, f"{agency.name} added as a partner", actor=actor)
    record_event("case.partner-added", actor=actor, obj=case, agency=agency.code)
    db.session.flush()


def current_assignment(case: Case) -> Assignment | None:
    return db.session.scalar(
        db.select(Assignment)
        .where(Assignment.case_id == case.id, Assignment.ended_at.is_(None))
        .order_by(Assignment.id.desc())
    )


def assign_case(
    case: Case,
    *,
    agency: Agency,
    officer: User | None,
    actor: User,
    reason: str | None = None,
    expected_version: int | None = None,
) -> None:
    """Give the case to a team and, optionally, one of its officers.

    Moving the case away from an officer who had it needs a reason; placing it in a team's
    queue for the first time does not.
    """
    check_version(case, expected_version)
    ensure_case_open(case, "assigning it")
    if not can(actor, Permission.ASSIGN_CASE_TO, (case, agency)):
        raise CaseWorkflowError(f"You cannot assign this case to {agency.name}", field="agency")
    _assign(case, agency=agency, officer=officer, actor=actor, reason=reason)


def _assign(
    case: Case, *, agency: Agency, officer: User | None, actor: User, reason: str | None
) -> None:
    if officer is not None and officer.agency_id != agency.id:
        raise CaseWorkflowError(f"{officer.name} is not in {agency.name}", field="officer")
    if officer is not None and not (officer.is_active and officer.role.works_cases):
        raise CaseWorkflowError(f"{officer.name} cannot take cases", field="officer")
    ensure_case_open(case, "assigning it")
    previous = current_assignment(case)
    if (
        previous
        and previous.agency_id == agency.id
        and previous.officer_id == (officer.id if officer else None)
    ):
        raise CaseWorkflowError("The case is already assigned there")
    is_reassignment = previous is not None and previous.officer_id is not None
    if is_reassignment and not reason:
        raise CaseWorkflowError("Enter why the case is being reassigned", field="reason")
    now = utcnow()
    if previous is not None:
        previous.ended_at = now
    db.session.add(
        Assignment(
            case_id=case.id,
            agency_id=agency.id,
            officer_id=officer.id if officer else None,
            assigned_by_id=actor.id,
            reason=reason,
            started_at=now,
        )
    )
    case.assigned_agency = agency
    case.case_officer = officer
    who = f"{officer.name} ({agency.name})" if officer else f"{agency.name}'s team queue"
    add_timeline(
        case,
        TimelineKind.ASSIGNMENT,
        f"Assigned to {who}" + (f": {reason}" if reason else ""),
        actor=actor,
    )
    record_event(
        "case.assigned",
        actor=actor,
        obj=case,
        agency=agency.code,
        officer_id=officer.id if officer else None,
    )
    if officer is not None and officer.id != actor.id:
        notify(officer, f"Case {case.reference} has been assigned to you", case_link(case))
    db.session.flush()


def pick_up_case(case: Case, *, officer: User) -> None:
    # Against the version this request loaded: of two officers picking it up at once, the
    # second is refused.
    check_version(case, case.version)
    if case.case_officer_id is not None:
        raise CaseWorkflowError("Someone has already picked up this case")
    if not can(officer, Permission.PICK_UP_CASE, case):
        raise CaseWorkflowError("You cannot pick up this case")
    _assign(case, agency=officer.agency, officer=officer, actor=officer, reason=None)


def change_case_status(
    case: Case, target: CaseStatus, *, actor: User, expected_version: int | None = None
) -> None:
    check_version(case, expected_version)
    if target is CaseStatus.CLOSED:
        raise CaseWorkflowError("Close the case with an outcome and a closing summary")
    ensure_case_open(case, "changing its status")
    if not case.status.can_move_to(target):
        raise CaseWorkflowError(
            f"A case cannot move from {case.status.label.lower()} to {target.label.lower()}"
        )
    previous = case.status
    case.status = target
    add_timeline(
        case,
        TimelineKind.STATUS,
        f"Status changed from {previous.label} to {target.label}",
        actor=actor,
        previous=previous.value,
        status=target.value,
    )
    record_event("case.status-changed", actor=actor, obj=case, status=target.value)
    db.session.flush()


def close_case(
    case: Case,
    *,
    outcome: CaseOutcome,
    closing_summary: str,
    actor: User,
    expected_version: int | None = None,
) -> None:
    check_version(case, expected_version)
    if not case.status.can_move_to(CaseStatus.CLOSED):
        raise CaseWorkflowError("The case is already closed")
    if not closing_summary.strip():
        raise CaseWorkflowError("Enter a closing summary")
    open_actions = open_actions_for(case)
    for action in open_actions:
        action.state = ActionState.CANCELLED
        action.completed_at = utcnow()
    previous = case.status
    case.status = CaseStatus.CLOSED
    case.outcome = outcome
    case.closing_summary = closing_summary
    case.closed_at = utcnow()
    add_timeline(
        case,
        TimelineKind.STATUS,
        f"Case closed: {outcome.label}. {closing_summary}",
        actor=actor,
        previous=previous.value,
        status=CaseStatus.CLOSED.value,
        outcome=outcome.value,
        cancelled_actions=len(open_actions),
    )
    record_event("case.closed", actor=actor, obj=case, outcome=outcome.value)
    db.session.flush()


def reopen_case(
    case: Case, *, reason: str, actor: User, expected_version: int | None = None
) -> None:
    check_version(case, expected_version)
    if case.status is not CaseStatus.CLOSED:
        raise CaseWorkflowError("Only a closed case can be reopened")
    if not reason.strip():
        raise CaseWorkflowError("Enter why the case is being reopened")
    case.status = CaseStatus.OPEN
    case.outcome = None
    case.closing_summary = None
    case.closed_at = None
    case.review_due = utcnow().date() + timedelta(
        days=current_app.config["CASE_DEFAULT_REVIEW_DAYS"]
    )
    add_timeline(case, TimelineKind.STATUS, f"Case reopened: {reason}", actor=actor)
    record_event("case.reopened", actor=actor, obj=case)
    db.session.flush()


def add_note(
    case: Case, text: str, *, actor: User, contact_method: ContactMethod | None = None
) -> TimelineEntry:
    kind = TimelineKind.CONTACT if contact_method else TimelineKind.NOTE
    entry = add_timeline(case, kind, text, actor=actor, contact_method=contact_method)
    if contact_method and case.first_contact_at is None:
        case.first_contact_at = utcnow()
    db.session.flush()
    record_event("case.note-added", actor=actor, obj=case, timeline_entry_id=entry.id)
    return entry


def add_action(
    case: Case, *, description: str, owner: User, due_on: date, actor: User
) -> CaseAction:
    ensure_case_open(case, "adding actions")
    if not can(owner, Permission.OWN_CASE_ACTION, case):
        raise CaseWorkflowError(f"{owner.name} cannot own actions on this case", field="owner")
    action = CaseAction(
        case_id=case.id,
        description=description,
        owner_id=owner.id,
        due_on=due_on,
        created_by_id=actor.id,
    )
    db.session.add(action)
    db.session.flush()
    add_timeline(
        case,
        TimelineKind.ACTION,
        f"Action for {owner.name}, due {due_on:%d %B %Y}: {description}",
        actor=actor,
        action_id=action.id,
    )
    if owner.id != actor.id:
        notify(owner, f"New action on case {case.reference}", case_link(case))
    record_event("case.action-added", actor=actor, obj=case, action_id=action.id)
    return action


def complete_action(action: CaseAction, *, actor: User) -> None:
    if action.state is not ActionState.OPEN:
        raise CaseWorkflowError("This action is already finished")
    action.state = ActionState.DONE
    action.completed_at = utcnow()
    add_timeline(
        action.case,
        TimelineKind.ACTION,
        f"Action done: {action.description}",
        actor=actor,
        action_id=action.id,
    )
    record_event("case.action-completed", actor=actor, obj=action.case, action_id=action.id)
    db.session.flush()


def open_actions_for(case: Case) -> list[CaseAction]:
    return list(
        db.session.scalars(
            db.select(CaseAction)
            .where(CaseAction.case_id == case.id, CaseAction.state == ActionState.OPEN)
            .order_by(CaseAction.due_on)
        )
    )


def victim_reassessment_due(case: Case) -> bool:
    """A review repeats the victim's risk assessment: is there none since the last review?"""
    last_assessed = db.session.scalar(
        db.select(func.max(RiskAssessment.assessed_at)).where(
            RiskAssessment.case_id == case.id, RiskAssessment.subject == "victim"
        )
    )
    last_review = db.session.scalar(
        db.select(func.max(TimelineEntry.occurred_at)).where(
            TimelineEntry.case_id == case.id, TimelineEntry.kind == TimelineKind.REVIEW
        )
    )
    return last_assessed is None or (last_review is not None and last_assessed < last_review)


def record_review(case: Case, *, note: str, next_review_due: date, actor: User) -> None:
    ensure_case_open(case, "reviewing it")
    if victim_reassessment_due(case):
        raise CaseWorkflowError(
            "Repeat the victim's risk assessment before recording the review", field="note"
        )
    case.review_due = next_review_due
    add_timeline(
        case,
        TimelineKind.REVIEW,
        f"Case reviewed. Next review due {next_review_due:%d %B %Y}. {note}",
        actor=actor,
    )
    record_event("case.reviewed", actor=actor, obj=case)
    db.session.flush()


def team_members(agency: Agency) -> list[User]:
    return list(
        db.session.scalars(
            db.select(User)
            .where(
                User.agency_id == agency.id,
                User.is_active_account.is_(True),
                User.role.in_([Role.OFFICER, Role.MANAGER]),
            )
            .order_by(User.name)
        )
    )
