"""The words of a request for another agency's details about a person."""

from __future__ import annotations

from asb.agreements.vocabulary import DataCategory
from asb.enums import LabelledEnum


class RequestStatus(LabelledEnum):
    PENDING = "pending", "Waiting for an answer"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Decision(LabelledEnum):
    APPROVE = "approve", "Approve: share their details"
    REFUSE = "refuse", "Refuse"


# The parts of the holding agency's records that an approval can open to the requester: the
# details page shows these and nothing else (documents are never shown there).
SHAREABLE_CATEGORIES = (
    DataCategory.PEOPLE,
    DataCategory.VULNERABILITIES,
    DataCategory.INCIDENT_FACTS,
    DataCategory.LOCATIONS,
    DataCategory.CASE_WORK,
    DataCategory.RISK_ASSESSMENTS,
)

# How long an approval lasts, in days, as offered to the answering manager.
APPROVAL_PERIODS = (7, 30, 90)
DEFAULT_APPROVAL_DAYS = 30
