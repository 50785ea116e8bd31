"""Every model in one import, so relationships named across features resolve and Alembic sees
the whole schema. Each model is written in its own feature's models.py."""

from __future__ import annotations

from asb.agreements.models import SharingAgreement
from asb.api.models import ApiToken
from asb.audit.models import AuditEvent
from asb.auth.models import Agency, RecoveryCode, User
from asb.case_reviews.models import (
    CaseReviewApplication,
    CaseReviewComplaint,
    CaseReviewExplanation,
)
from asb.cases.models import (
    Assignment,
    Case,
    CaseAction,
    CaseIncident,
    CasePartner,
    RiskAssessment,
    TimelineEntry,
)
from asb.disclosures.models import Disclosure, DisclosureSubject
from asb.documents.models import Document
from asb.emergency_access.models import EmergencyAccess
from asb.incidents.models import (
    Incident,
    IncidentChange,
    IncidentReport,
    LocalAsbType,
    ReferenceCounter,
)
from asb.interventions.models import Intervention, InterventionBreach
from asb.known_to.models import PersonDetailsRequest
from asb.notifications.models import Notification, OutboxEmail, OutboxText
from asb.open311.models import Open311Client, Open311Submission
from asb.panels.models import AgendaItem, PanelAttendance, PanelDisclosure, PanelMeeting, PanelPack
from asb.people.models import CasePerson, IncidentPerson, Person, PersonMerge
from asb.policeuk.models import PoliceUkImport
from asb.public_reports.models import PublicReport
from asb.rate_limits.models import RateLimitCount
from asb.retention.models import AnonymisedRecord
from asb.sharing.models import CaseShare, CaseShareContribution
from asb.subject_access.models import SubjectAccessPerson, SubjectAccessRequest
from asb.submissions.models import SubmissionKey

__all__ = [
    "Agency",
    "AgendaItem",
    "AnonymisedRecord",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "Case",
    "CaseAction",
    "CaseIncident",
    "CasePartner",
    "CasePerson",
    "CaseReviewApplication",
    "CaseReviewComplaint",
    "CaseReviewExplanation",
    "CaseShare",
    "CaseShareContribution",
    "Disclosure",
    "DisclosureSubject",
    "Document",
    "EmergencyAccess",
    "Incident",
    "IncidentChange",
    "IncidentPerson",
    "IncidentReport",
    "Intervention",
    "InterventionBreach",
    "LocalAsbType",
    "Notification",
    "Open311Client",
    "Open311Submission",
    "OutboxEmail",
    "OutboxText",
    "PanelAttendance",
    "PanelDisclosure",
    "PanelMeeting",
    "PanelPack",
    "Person",
    "PersonDetailsRequest",
    "PersonMerge",
    "PoliceUkImport",
    "PublicReport",
    "RateLimitCount",
    "RecoveryCode",
    "ReferenceCounter",
    "RiskAssessment",
    "SharingAgreement",
    "SubjectAccessPerson",
    "SubjectAccessRequest",
    "SubmissionKey",
    "TimelineEntry",
    "User",
]
