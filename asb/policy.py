"""The access policy: may this user do this to this record?

Every view and API endpoint asks here; nothing else in asb decides who sees what.
Denial is the default: a permission with no rule below is refused to everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import NoReturn

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true

from asb.audit.services import record_denial
from asb.auth.models import Agency, Role, User
from asb.calendar import today_in_london
from asb.case_reviews.models import CaseReviewApplication, CaseReviewComplaint
from asb.cases.models import Case, CasePartner
from asb.database import utcnow
from asb.emergency_access.models import EmergencyAccess
from asb.extensions import db
from asb.incidents.models import Incident
from asb.incidents.vocabulary import IncidentSource
from asb.known_to.models import (
    MatchKeys,
    PersonDetailsRequest,
    records_about,
    same_person_ids,
)
from asb.open311.vocabulary import BLACKBOX_CATEGORIES
from asb.panels.models import PanelMeeting
from asb.people.models import CasePerson, IncidentPerson, Person
from asb.public_reports.models import PublicReport
from asb.public_reports.vocabulary import PublicReportChannel
from asb.sharing.models import CaseShare


class Permission(StrEnum):
    VIEW_INCIDENT_LOG = "view-incident-log"
    RECORD_INCIDENT = "record-incident"
    EXPORT_INCIDENTS = "export-incidents"
    VIEW_INCIDENT = "view-incident"
    VIEW_PERSONAL_DETAILS = "view-personal-details"
    EDIT_INCIDENT = "edit-incident"
    CHANGE_INCIDENT_STATUS = "change-incident-status"
    OPEN_CASE = "open-case"
    VIEW_ALL_CASES = "view-all-cases"
    VIEW_TEAM_QUEUE = "view-team-queue"
    VIEW_CASE = "view-case"
    VIEW_CASE_PERSONAL_DETAILS = "view-case-personal-details"
    ADD_CASE_NOTE = "add-case-note"
    WORK_CASE = "work-case"
    ASSIGN_CASE = "assign-case"
    ASSIGN_CASE_TO = "assign-case-to"
    OWN_CASE_ACTION = "own-case-action"
    PICK_UP_CASE = "pick-up-case"
    VIEW_REPEAT_VICTIMS = "view-repeat-victims"
    LOG_CASE_REVIEW = "log-case-review"
    MANAGE_CASE_REVIEWS = "manage-case-reviews"
    VIEW_INTERVENTION_DEADLINES = "view-intervention-deadlines"
    VIEW_CASE_REVIEW = "view-case-review"
    VIEW_CASE_REVIEW_APPLICANT = "view-case-review-applicant"
    CHANGE_CASE_REVIEW_COMPLAINTS = "change-case-review-complaints"
    VIEW_PERSON = "view-person"
    VIEW_PERSON_DETAILS = "view-person-details"
    MERGE_PEOPLE = "merge-people"
    VIEW_OVERVIEW = "view-overview"
    VIEW_OUTBOX = "view-outbox"
    MANAGE_USERS = "manage-users"
    MANAGE_REFERENCE_DATA = "manage-reference-data"
    CHANGE_USER_ACCESS = "change-user-access"
    # The partnership (sharing, disclosures, audit, data protection).
    VIEW_AGREEMENTS = "view-agreements"
    MANAGE_AGREEMENTS = "manage-agreements"
    VIEW_DISCLOSURE_LOG = "view-disclosure-log"
    RECORD_DISCLOSURE = "record-disclosure"
    SHARE_CASE = "share-case"
    WITHDRAW_SHARE = "withdraw-share"
    VIEW_SHARED_RECORDS = "view-shared-records"
    VIEW_SHARED_CASE = "view-shared-case"
    ADD_SHARED_CASE_NOTE = "add-shared-case-note"
    ADD_SHARED_CASE_INCIDENT = "add-shared-case-incident"
    OPEN_WITH_EMERGENCY_ACCESS = "open-with-emergency-access"
    VIEW_EMERGENCY_ACCESS_LOG = "view-emergency-access-log"
    END_EMERGENCY_ACCESS = "end-emergency-access"
    VIEW_RECORD_EMERGENCY_ACCESS = "view-record-emergency-access"
    REQUEST_PERSON_DETAILS = "request-person-details"
    ANSWER_PERSON_DETAILS_REQUEST = "answer-person-details-request"
    VIEW_PERSON_DETAILS_REQUESTS = "view-person-details-requests"
    VIEW_PERSON_DETAILS_REQUEST = "view-person-details-request"
    WITHDRAW_PERSON_DETAILS_REQUEST = "withdraw-person-details-request"
    VIEW_APPROVED_PERSON_DETAILS = "view-approved-person-details"
    VIEW_AUDIT_TRAIL = "view-audit-trail"
    MANAGE_PANEL_MEETINGS = "manage-panel-meetings"
    VIEW_PANEL_MEETINGS = "view-panel-meetings"
    VIEW_PANEL_MEETING = "view-panel-meeting"
    MANAGE_SUBJECT_ACCESS = "manage-subject-access"
    VIEW_RECORD_OF_PROCESSING = "view-record-of-processing"
    RESET_TWO_FACTOR = "reset-two-factor"
    # Reports from the public: the triage queue.
    TRIAGE_PUBLIC_REPORTS = "triage-public-reports"
    TRIAGE_PUBLIC_REPORT = "triage-public-report"
    # Personal API tokens (asb/api): anyone signed in keeps their own; a token sees through
    # the policy exactly what its user would.
    MANAGE_OWN_API_TOKENS = "manage-own-api-tokens"
    REVOKE_API_TOKEN = "revoke-api-token"  # noqa: S105 - a permission's name
    VIEW_REFERENCE_DATA = "view-reference-data"
    # Open311 (asb/open311): admins give sending organisations their api_keys.
    MANAGE_OPEN311_CLIENTS = "manage-open311-clients"


def _is_signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _works_incidents(user: User) -> bool:
    """Internal officers, managers and the ASB lead; never partners or admins."""
    return user.role.works_cases and not user.is_partner


def _is_recording_agency_or_lead(user: User, incident: Incident) -> bool:
    return user.is_asb_lead or incident.recording_agency_id == user.agency_id


def _is_recorder(user: User, incident: Incident) -> bool:
    """Whoever recorded an incident keeps access to it, even one they recorded on behalf of
    another agency and restricted."""
    return incident.recorded_by_id is not None and incident.recorded_by_id == user.id


def _may_open_with_emergency_access(user: User) -> bool:
    """Internal officers and managers; the ASB lead sees every record already."""
    return _works_incidents(user) and user.role in {Role.OFFICER, Role.MANAGER}


def emergency_access_in_use(user, record: Incident | Case) -> EmergencyAccess | None:
    """The live grant of emergency access through which the user sees this restricted record:
    None when they see it on their own account, or not at all. It opens the record's page
    and its personal details, never a list, and never lets anyone work the record."""
    if not (_is_signed_in(user) and record.restricted and _may_open_with_emergency_access(user)):
        return None
    if isinstance(record, Incident):
        if _sees_personal_details(user, record):
            return None
        held = EmergencyAccess.incident_id == record.id
    else:
        if _sees_case(user, record):
            return None
        held = EmergencyAccess.case_id == record.id
    return db.session.scalars(
        select(EmergencyAccess)
        .where(
            held,
            EmergencyAccess.user_id == user.id,
            EmergencyAccess.ended_at.is_(None),
            EmergencyAccess.expires_at > utcnow(),
        )
        .order_by(EmergencyAccess.expires_at.desc())
        .limit(1)
    ).first()


def _sees_incident(user: User, incident: Incident) -> bool:
    """VIEW_INCIDENT on the user's own account, without emergency access."""
    if not _works_incidents(user):
        return False
    return (
        not incident.restricted
        or _is_recording_agency_or_lead(user, incident)
        or _is_recorder(user, incident)
    )


def _view_incident(user: User, incident: Incident) -> bool:
    return _sees_incident(user, incident) or emergency_access_in_use(user, incident) is not None


def _edit_incident(user: User, incident: Incident) -> bool:
    # police.uk records are imported as published; only their status is worked here.
    return (
        incident.source is IncidentSource.PARTNERSHIP
        and _view_incident(user, incident)
        and _is_recording_agency_or_lead(user, incident)
    )


def _change_incident_status(user: User, incident: Incident) -> bool:
    return _view_incident(user, incident) and _is_recording_agency_or_lead(user, incident)


def _sees_personal_details(user: User, incident: Incident) -> bool:
    """VIEW_PERSONAL_DETAILS on the user's own account, without emergency access."""
    return _sees_incident(user, incident) and (
        _is_recording_agency_or_lead(user, incident) or _is_recorder(user, incident)
    )


def _view_personal_details(user: User, incident: Incident) -> bool:
    return (
        _sees_personal_details(user, incident)
        or emergency_access_in_use(user, incident) is not None
    )


def _is_case_creator(user: User, case: Case) -> bool:
    """Whoever opened a case keeps access to it, even one led by another agency and restricted."""
    return case.created_by_id is not None and case.created_by_id == user.id


def _sees_case(user: User, case: Case) -> bool:
    """VIEW_CASE on the user's own account, without emergency access."""
    if not _works_incidents(user):
        return False
    if user.is_asb_lead or _is_case_creator(user, case):
        return True
    if case.restricted:
        return user.agency_id == case.assigned_agency_id
    return user.agency_id in case.involved_agency_ids


def _view_case(user: User, case: Case) -> bool:
    return _sees_case(user, case) or emergency_access_in_use(user, case) is not None


def _holds_case(user: User, case: Case) -> bool:
    """The lead agency and the assigned team work the case; partner agencies contribute."""
    return _sees_case(user, case) and (
        user.is_asb_lead or user.agency_id in {case.lead_agency_id, case.assigned_agency_id}
    )


def _view_case_personal_details(user: User, case: Case) -> bool:
    return (
        _holds_case(user, case)
        or (_sees_case(user, case) and _is_case_creator(user, case))
        or emergency_access_in_use(user, case) is not None
    )


def _view_record_emergency_access(user: User, record: object) -> bool:
    """The record's owners and the ASB lead see who opened it with emergency access."""
    if isinstance(record, Incident):
        return _sees_personal_details(user, record) and _is_recording_agency_or_lead(user, record)
    if isinstance(record, Case):
        return _holds_case(user, record)
    return False


def _assign_case(user: User, case: Case) -> bool:
    if user.is_asb_lead:
        return _sees_case(user, case)
    return user.role is Role.MANAGER and _holds_case(user, case)


def _assign_case_to(user: User, target: tuple[Case, Agency]) -> bool:
    """Managers assign within their agency, the ASB lead across the partnership's agencies."""
    case, agency = target
    if not (_assign_case(user, case) and agency.is_active and not agency.is_external):
        return False
    return user.is_asb_lead or agency.id == user.agency_id


def _own_case_action(user: User, case: Case) -> bool:
    """An action's owner: the ASB lead, or an officer or manager of an agency working the case
    who sees it."""
    if user.is_asb_lead:
        return _sees_case(user, case)
    return (
        user.role in {Role.OFFICER, Role.MANAGER}
        and user.agency_id in case.involved_agency_ids
        and _sees_case(user, case)
    )


def _pick_up_case(user: User, case: Case) -> bool:
    return (
        case.status.is_open
        and case.case_officer_id is None
        and user.role in {Role.OFFICER, Role.MANAGER}
        and user.agency_id == case.assigned_agency_id
        and _sees_case(user, case)
    )


def _view_case_review(user: User, application: CaseReviewApplication) -> bool:
    """The ASB lead; whoever logged it; its single point of contact; anyone who sees its case."""
    if not _works_incidents(user):
        return False
    return (
        user.is_asb_lead
        or application.created_by_id == user.id
        or application.spoc_id == user.id
        or (application.case is not None and _sees_case(user, application.case))
    )


def _view_case_review_applicant(user: User, application: CaseReviewApplication) -> bool:
    return _view_case_review(user, application) and (
        user.is_asb_lead
        or application.created_by_id == user.id
        or application.spoc_id == user.id
        or (application.case is not None and _holds_case(user, application.case))
    )


def _change_case_review_complaints(user: User, application: CaseReviewApplication) -> bool:
    """The ASB lead, and whoever logged the application: they took the complaints down."""
    return _view_case_review(user, application) and (
        user.is_asb_lead or application.created_by_id == user.id
    )


def _person_records(person: Person) -> tuple[list[Case], list[Incident]]:
    cases = db.session.scalars(
        select(Case)
        .join(CasePerson, CasePerson.case_id == Case.id)
        .where(CasePerson.person_id == person.id)
    ).all()
    incidents = db.session.scalars(
        select(Incident)
        .join(IncidentPerson, IncidentPerson.incident_id == Incident.id)
        .where(IncidentPerson.person_id == person.id)
    ).all()
    return list(cases), list(incidents)


def _view_person(user: User, person: Person) -> bool:
    """Knowing a person record exists: anyone who sees one of their cases or incidents."""
    if not _works_incidents(user):
        return False
    if user.is_asb_lead:
        return True
    cases, incidents = _person_records(person)
    return any(_view_case(user, case) for case in cases) or any(
        _view_incident(user, incident) for incident in incidents
    )


def _view_person_details(user: User, person: Person) -> bool:
    """A person's details follow their records': who sees one record's details, sees theirs.

    The ASB lead sees every person; a record with no links is the lead's alone.
    """
    if not _works_incidents(user):
        return False
    if user.is_asb_lead:
        return True
    cases, incidents = _person_records(person)
    return any(_view_case_personal_details(user, case) for case in cases) or any(
        _view_personal_details(user, incident) for incident in incidents
    )


def _merge_people(user: User, pair: tuple[Person, Person]) -> bool:
    """The ASB lead, or someone who sees the personal details of every record of both."""
    if not _works_incidents(user):
        return False
    if user.is_asb_lead:
        return True
    for person in pair:
        cases, incidents = _person_records(person)
        if not (cases or incidents):
            return False
        if not all(_holds_case(user, case) for case in cases):
            return False
        if not all(_sees_personal_details(user, incident) for incident in incidents):
            return False
    return True


def _record_disclosure(user: User, record: object) -> bool:
    """Recording a disclosure about a case, an incident or a person names what was disclosed
    and about whom: only someone who sees that record's personal details may."""
    if isinstance(record, Case):
        return _holds_case(user, record)
    if isinstance(record, Incident):
        return _view_personal_details(user, record)
    if isinstance(record, Person):
        return _view_person_details(user, record)
    return False


def _view_panel_meeting(user: User, meeting: PanelMeeting) -> bool:
    """The ASB lead, and managers of the internal agencies attending (to read, not change)."""
    if not _works_incidents(user):
        return False
    return user.is_asb_lead or (user.role is Role.MANAGER and user.agency_id in meeting.agency_ids)


def agency_sees_case(agency: Agency, case: Case) -> bool:
    """Whether an internal agency's officers see the case (VIEW_CASE for an officer of it who
    is not the ASB lead), for what is handed to the agency as a whole: a panel meeting's pack.
    External agencies see only what an agreement lets them, decided by what shares it."""
    if agency.is_external:
        return False
    if case.restricted:
        return agency.id == case.assigned_agency_id
    return agency.id in case.involved_agency_ids


def agency_holds_case(agency: Agency, case: Case) -> bool:
    """Whether an internal agency's officers see the case's personal details (as _holds_case)."""
    return agency_sees_case(agency, case) and agency.id in {
        case.lead_agency_id,
        case.assigned_agency_id,
    }


def agency_sees_incident(agency: Agency, incident: Incident) -> bool:
    """Whether an internal agency's officers see the incident (as _view_incident)."""
    if agency.is_external:
        return False
    return not incident.restricted or incident.recording_agency_id == agency.id


def _share_case(user: User, case: Case) -> bool:
    """The ASB lead, or a manager of the case's lead agency. A restricted case stays with its
    team and the lead: it is never shared in asb."""
    if case.restricted or not _view_case(user, case):
        return False
    return user.is_asb_lead or (user.role is Role.MANAGER and user.agency_id == case.lead_agency_id)


def _withdraw_share(user: User, share: CaseShare) -> bool:
    """Whoever shared it, the ASB lead, or a manager of the case's lead agency."""
    if not _view_case(user, share.case):
        return False
    return (
        user.is_asb_lead
        or user.id == share.shared_by_id
        or (user.role is Role.MANAGER and user.agency_id == share.case.lead_agency_id)
    )


def _live_share(user: User, case: Case) -> CaseShare | None:
    """The share that lets a partner user see the case today, if there is one."""
    if not user.is_partner or case.restricted:
        return None
    today = today_in_london()
    shares = db.session.scalars(
        select(CaseShare).where(
            CaseShare.case_id == case.id,
            CaseShare.agency_id == user.agency_id,
            CaseShare.withdrawn_at.is_(None),
        )
    )
    return next((share for share in shares if share.is_live_on(today)), None)


def _view_shared_case(user: User, case: Case) -> bool:
    return _live_share(user, case) is not None


def _add_shared_case_note(user: User, case: Case) -> bool:
    share = _live_share(user, case)
    return share is not None and share.may_add_notes


def _add_shared_case_incident(user: User, case: Case) -> bool:
    share = _live_share(user, case)
    return share is not None and share.may_add_incidents


def _sees_record_details(user: User, record: Incident | Case) -> bool:
    if isinstance(record, Incident):
        return _view_personal_details(user, record)
    return _view_case_personal_details(user, record)


def _request_person_details(user: User, target: tuple[Person, Agency]) -> bool:
    """An officer who sees a person's details may ask another agency for its own: one that
    holds records about the person (or about a matching record) whose details they may not
    see. Restricted records count: the request names the agency, never the record."""
    person, agency = target
    if not _works_incidents(user) or agency.id == user.agency_id:
        return False
    if person.merged_into_id is not None or not _view_person_details(user, person):
        return False
    held = records_about(same_person_ids(MatchKeys.of(person))).held_by(agency.id)
    return any(not _sees_record_details(user, record) for record in [*held.incidents, *held.cases])


def _answer_person_details_request(user: User, request: PersonDetailsRequest) -> bool:
    """A manager of the agency asked, or the ASB lead; never whoever asked. (While it waits:
    the service refuses to answer a request twice.)"""
    if not _works_incidents(user) or request.requested_by_id == user.id:
        return False
    return user.is_asb_lead or (
        user.role is Role.MANAGER and user.agency_id == request.holding_agency_id
    )


def _view_person_details_request(user: User, request: PersonDetailsRequest) -> bool:
    if not _works_incidents(user):
        return False
    return request.requested_by_id == user.id or _answer_person_details_request(user, request)


def _withdraw_person_details_request(user: User, request: PersonDetailsRequest) -> bool:
    """Whoever asked (while it waits: the service refuses to withdraw an answered request)."""
    return _works_incidents(user) and request.requested_by_id == user.id


def _view_approved_person_details(user: User, request: PersonDetailsRequest) -> bool:
    """The agency that asked, while the approval lasts: those of its officers who see their own
    record of the person."""
    return (
        _works_incidents(user)
        and user.agency_id == request.requesting_agency_id
        and request.approval_live_on(today_in_london())
        and _view_person_details(user, request.person)
    )


def _change_user_access(user: User, other: User) -> bool:
    """Admins set other people's role, agency and whether they may sign in, never their own:
    an admin who made themselves the ASB lead would read every reporter's details.
    """
    return user.role is Role.ADMIN and other.id != user.id


def _reset_two_factor(user: User, other: User) -> bool:
    """Admins reset a lost phone's two-factor sign-in for others, never their own (that would
    let a stolen password replace the second factor); an ASB lead, for others but admins."""
    if other.id == user.id:
        return False
    return user.role is Role.ADMIN or (user.is_asb_lead and other.role is not Role.ADMIN)


def _triages_public_reports(user: User) -> bool:
    """Managers triage their agency's queue of reports from the public, the ASB lead every
    queue. Officers do not: a report is unchecked and names its reporter until triaged."""
    return _works_incidents(user) and (user.is_asb_lead or user.role is Role.MANAGER)


def _triage_public_report(user: User, report: PublicReport) -> bool:
    return _triages_public_reports(user) and (
        user.is_asb_lead or report.queue_agency_id == user.agency_id
    )


_GENERAL_RULES: dict[Permission, Callable[[User], bool]] = {
    Permission.VIEW_INCIDENT_LOG: _works_incidents,
    Permission.RECORD_INCIDENT: _works_incidents,
    Permission.EXPORT_INCIDENTS: _works_incidents,
    Permission.OPEN_CASE: _works_incidents,
    Permission.VIEW_TEAM_QUEUE: _works_incidents,
    Permission.VIEW_ALL_CASES: lambda user: _works_incidents(user) and user.is_asb_lead,
    Permission.VIEW_REPEAT_VICTIMS: lambda user: _works_incidents(user) and user.is_asb_lead,
    Permission.LOG_CASE_REVIEW: _works_incidents,
    Permission.MANAGE_CASE_REVIEWS: lambda user: _works_incidents(user) and user.is_asb_lead,
    Permission.VIEW_INTERVENTION_DEADLINES: _works_incidents,
    Permission.VIEW_OVERVIEW: lambda user: (
        _works_incidents(user) and (user.is_asb_lead or user.role is Role.MANAGER)
    ),
    Permission.VIEW_OUTBOX: lambda user: user.role is Role.ADMIN or user.is_asb_lead,
    Permission.MANAGE_USERS: lambda user: user.role is Role.ADMIN,
    Permission.MANAGE_REFERENCE_DATA: lambda user: user.role is Role.ADMIN,
    Permission.VIEW_AGREEMENTS: lambda user: (
        user.role is Role.ADMIN or (_works_incidents(user) and user.role is not Role.OFFICER)
    ),
    Permission.MANAGE_AGREEMENTS: lambda user: user.role is Role.ADMIN or user.is_asb_lead,
    Permission.VIEW_DISCLOSURE_LOG: lambda user: user.role is Role.ADMIN or user.is_asb_lead,
    Permission.VIEW_SHARED_RECORDS: lambda user: user.is_partner,
    Permission.VIEW_AUDIT_TRAIL: lambda user: user.role is Role.ADMIN or user.is_asb_lead,
    Permission.MANAGE_PANEL_MEETINGS: lambda user: _works_incidents(user) and user.is_asb_lead,
    Permission.VIEW_PANEL_MEETINGS: lambda user: (
        _works_incidents(user) and (user.is_asb_lead or user.role is Role.MANAGER)
    ),
    Permission.MANAGE_SUBJECT_ACCESS: lambda user: user.role is Role.ADMIN or user.is_asb_lead,
    Permission.VIEW_RECORD_OF_PROCESSING: lambda user: True,
    Permission.VIEW_PERSON_DETAILS_REQUESTS: lambda user: (
        _works_incidents(user) and (user.is_asb_lead or user.role is Role.MANAGER)
    ),
    Permission.OPEN_WITH_EMERGENCY_ACCESS: _may_open_with_emergency_access,
    Permission.VIEW_EMERGENCY_ACCESS_LOG: lambda user: _works_incidents(user) and user.is_asb_lead,
    Permission.END_EMERGENCY_ACCESS: lambda user: _works_incidents(user) and user.is_asb_lead,
    Permission.TRIAGE_PUBLIC_REPORTS: _triages_public_reports,
    Permission.MANAGE_OWN_API_TOKENS: lambda user: True,
    Permission.VIEW_REFERENCE_DATA: lambda user: True,
    Permission.MANAGE_OPEN311_CLIENTS: lambda user: user.role is Role.ADMIN,
}

_RECORD_RULES: dict[Permission, Callable[[User, object], bool]] = {
    Permission.VIEW_INCIDENT: _view_incident,
    Permission.VIEW_PERSONAL_DETAILS: _view_personal_details,
    Permission.EDIT_INCIDENT: _edit_incident,
    Permission.CHANGE_INCIDENT_STATUS: _change_incident_status,
    Permission.VIEW_CASE: _view_case,
    Permission.VIEW_CASE_PERSONAL_DETAILS: _view_case_personal_details,
    Permission.ADD_CASE_NOTE: _sees_case,
    Permission.WORK_CASE: _holds_case,
    Permission.ASSIGN_CASE: _assign_case,
    Permission.ASSIGN_CASE_TO: _assign_case_to,
    Permission.OWN_CASE_ACTION: _own_case_action,
    Permission.PICK_UP_CASE: _pick_up_case,
    Permission.VIEW_CASE_REVIEW: _view_case_review,
    Permission.VIEW_CASE_REVIEW_APPLICANT: _view_case_review_applicant,
    Permission.CHANGE_CASE_REVIEW_COMPLAINTS: _change_case_review_complaints,
    Permission.VIEW_PERSON: _view_person,
    Permission.VIEW_PERSON_DETAILS: _view_person_details,
    Permission.MERGE_PEOPLE: _merge_people,
    Permission.CHANGE_USER_ACCESS: _change_user_access,
    Permission.RESET_TWO_FACTOR: _reset_two_factor,
    Permission.REQUEST_PERSON_DETAILS: _request_person_details,
    Permission.ANSWER_PERSON_DETAILS_REQUEST: _answer_person_details_request,
    Permission.VIEW_PERSON_DETAILS_REQUEST: _view_person_details_request,
    Permission.WITHDRAW_PERSON_DETAILS_REQUEST: _withdraw_person_details_request,
    Permission.VIEW_APPROVED_PERSON_DETAILS: _view_approved_person_details,
    Permission.VIEW_RECORD_EMERGENCY_ACCESS: _view_record_emergency_access,
    Permission.VIEW_PANEL_MEETING: _view_panel_meeting,
    Permission.RECORD_DISCLOSURE: _record_disclosure,
    Permission.SHARE_CASE: _share_case,
    Permission.WITHDRAW_SHARE: _withdraw_share,
    Permission.VIEW_SHARED_CASE: _view_shared_case,
    Permission.ADD_SHARED_CASE_NOTE: _add_shared_case_note,
    Permission.ADD_SHARED_CASE_INCIDENT: _add_shared_case_incident,
    Permission.TRIAGE_PUBLIC_REPORT: _triage_public_report,
    Permission.REVOKE_API_TOKEN: lambda user, token: token.user_id == user.id,
}


def can(user, permission: Permission, record: object | None = None) -> bool:
    """Answer without side effects; unknown permissions and missing records are refused."""
    if not _is_signed_in(user):
        return False
    if permission in _GENERAL_RULES:
        return _GENERAL_RULES[permission](user)
    if permission in _RECORD_RULES and record is not None:
        return _RECORD_RULES[permission](user, record)
    return False


def authorize(
    permission: Permission, record: object | None = None, *, hide_existence: bool = False
) -> None:
    """Abort with 403 (or 404 where the record's existence must not leak) unless allowed."""
    if can(current_user, permission, record):
        return
    deny(permission, record, hide_existence=hide_existence)


def deny(
    permission: Permission, record: object | None = None, *, hide_existence: bool = False
) -> NoReturn:
    record_denial(current_user if _is_signed_in(current_user) else None, permission, record)
    abort(404 if hide_existence else 403)


def authorize_incident_view(incident: Incident) -> None:
    """A restricted incident is not even admitted to exist for those who may not see it."""
    authorize(Permission.VIEW_INCIDENT, incident, hide_existence=incident.restricted)


def visible_incidents(user) -> ColumnElement[bool]:
    """The SQL form of VIEW_INCIDENT, for lists and exports."""
    if not _is_signed_in(user) or not _works_incidents(user):
        return false()
    if user.is_asb_lead:
        return true()
    return or_(
        Incident.restricted.is_(False),
        Incident.recording_agency_id == user.agency_id,
        Incident.recorded_by_id == user.id,
    )


def personal_details_visible(user) -> ColumnElement[bool]:
    """The SQL form of VIEW_PERSONAL_DETAILS, for exports."""
    if not _is_signed_in(user) or not _works_incidents(user):
        return false()
    if user.is_asb_lead:
        return true()
    return or_(Incident.recording_agency_id == user.agency_id, Incident.recorded_by_id == user.id)


def hides_existence(user, record: object | None) -> bool:
    """Whether the record is, or points at, a restricted incident or case the user may not see.

    Such a record is not admitted to exist: refusals answer 404, lists and timelines leave
    it out.
    """
    if record is None:
        return False
    if not _is_signed_in(user):
        return True
    if isinstance(record, Incident):
        return record.restricted and not _view_incident(user, record)
    if isinstance(record, Case):
        return record.restricted and not _view_case(user, record)
    if isinstance(record, CaseReviewComplaint):
        return hides_existence(user, record.incident)
    if isinstance(record, CaseReviewApplication):
        return hides_existence(user, record.case) or any(
            hides_existence(user, complaint) for complaint in record.complaints
        )
    return False


def authorize_case_review_view(application: CaseReviewApplication) -> None:
    """An application about a restricted case or incident is not admitted to exist for those
    who may not see it."""
    if can(current_user, Permission.VIEW_CASE_REVIEW, application):
        return
    deny(
        Permission.VIEW_CASE_REVIEW,
        application,
        hide_existence=hides_existence(current_user, application),
    )


def authorize_case_view(case: Case) -> None:
    """A restricted case is not even admitted to exist for those who may not see it."""
    authorize(Permission.VIEW_CASE, case, hide_existence=case.restricted)


def open311_public_reports() -> ColumnElement[bool]:
    """The reports from the public anyone may read through Open311's GET requests.

    Only those sent by Open311: their senders (FixMyStreet and the like) publish reports
    anyway, while the /report form never told its reporters their words would be public.
    Never a report of a blackbox service (ASB aimed at a person).
    """
    return and_(
        PublicReport.channel == PublicReportChannel.OPEN311,
        or_(
            PublicReport.category.is_(None),
            PublicReport.category.not_in(sorted(BLACKBOX_CATEGORIES, key=str)),
        ),
    )


def visible_cases(user) -> ColumnElement[bool]:
    """The SQL form of VIEW_CASE, for queues and lists."""
    if not _is_signed_in(user) or not _works_incidents(user):
        return false()
    if user.is_asb_lead:
        return true()
    partner = exists().where(
        CasePartner.case_id == Case.id, CasePartner.agency_id == user.agency_id
    )
    involved = or_(
        Case.lead_agency_id == user.agency_id,
        Case.assigned_agency_id == user.agency_id,
        partner,
    )
    return or_(
        and_(Case.restricted.is_(False), involved),
        and_(Case.restricted.is_(True), Case.assigned_agency_id == user.agency_id),
        Case.created_by_id == user.id,
    )


def visible_case_reviews(user) -> ColumnElement[bool]:
    """The SQL form of VIEW_CASE_REVIEW, for lists."""
    if not _is_signed_in(user) or not _works_incidents(user):
        return false()
    if user.is_asb_lead:
        return true()
    return or_(
        CaseReviewApplication.created_by_id == user.id,
        CaseReviewApplication.spoc_id == user.id,
        CaseReviewApplication.case_id.in_(select(Case.id).where(visible_cases(user))),
    )
