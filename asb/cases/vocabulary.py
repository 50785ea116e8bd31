"""The corporate ASB process's vocabulary: case statuses, outcomes, timeline and actions."""

from __future__ import annotations

from asb.enums import LabelledEnum


class CaseStatus(LabelledEnum):
    OPEN = "open", "Open"
    INVESTIGATING = "investigating", "Investigating"
    ACTION = "action", "Action under way"
    MONITORING = "monitoring", "Monitoring"
    CLOSED = "closed", "Closed"

    @property
    def is_open(self) -> bool:
        return self is not CaseStatus.CLOSED

    @property
    def tag_colour(self) -> str:
        return {
            CaseStatus.OPEN: "blue",
            CaseStatus.INVESTIGATING: "light-blue",
            CaseStatus.ACTION: "orange",
            CaseStatus.MONITORING: "turquoise",
            CaseStatus.CLOSED: "grey",
        }[self]

    def can_move_to(self, target: CaseStatus) -> bool:
        return target in _TRANSITIONS[self]

    def next_statuses(self) -> list[CaseStatus]:
        return [status for status in CaseStatus if status in _TRANSITIONS[self]]


# Work moves forward or back between the working stages; closing needs an outcome and
# reopening a reason, so both happen through their own services.
_TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.OPEN: frozenset(
        {CaseStatus.INVESTIGATING, CaseStatus.ACTION, CaseStatus.MONITORING, CaseStatus.CLOSED}
    ),
    CaseStatus.INVESTIGATING: frozenset(
        {CaseStatus.ACTION, CaseStatus.MONITORING, CaseStatus.CLOSED}
    ),
    CaseStatus.ACTION: frozenset(
        {CaseStatus.INVESTIGATING, CaseStatus.MONITORING, CaseStatus.CLOSED}
    ),
    CaseStatus.MONITORING: frozenset(
        {CaseStatus.INVESTIGATING, CaseStatus.ACTION, CaseStatus.CLOSED}
    ),
    CaseStatus.CLOSED: frozenset({CaseStatus.OPEN}),
}


class CaseOutcome(LabelledEnum):
    RESOLVED = "resolved", "Resolved"
    NO_FURTHER_ACTION = "no-further-action", "No further action"
    REFERRED = "referred", "Referred to another service"
    VICTIM_WITHDREW = "victim-withdrew", "Victim withdrew"
    UNABLE_TO_CONTACT = "unable-to-contact", "Unable to contact"
    PERPETRATOR_MOVED = "perpetrator-moved", "Alleged perpetrator moved away"
    ENFORCEMENT_COMPLETED = "enforcement-completed", "Enforcement action completed"


class TimelineKind(LabelledEnum):
    OPENED = "opened", "Case opened"
    NOTE = "note", "Note"
    CONTACT = "contact", "Contact"
    STATUS = "status", "Status change"
    ASSIGNMENT = "assignment", "Assignment"
    INCIDENT_LINKED = "incident-linked", "Incident linked"
    INTERVENTION = "intervention", "Intervention"
    DOCUMENT = "document", "Document"
    ACTION = "action", "Action"
    REVIEW = "review", "Review"
    RISK_ASSESSMENT = "risk-assessment", "Risk assessment"
    PERSON = "person", "Person added"


class ContactMethod(LabelledEnum):
    CALL = "call", "Phone call"
    VISIT = "visit", "Visit"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    MEETING = "meeting", "Meeting"


class ActionState(LabelledEnum):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"
