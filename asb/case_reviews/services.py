"""Logging and running ASB Case Reviews. Every step is audited and, on a case, on its timeline."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for

from asb.audit.services import record_event
from asb.auth.models import Agency, User
from asb.calendar import london_day
from asb.case_reviews.complaints import complaint_made_on
from asb.case_reviews.deadlines import CaseReviewSettings
from asb.case_reviews.models import CaseReviewApplication, CaseReviewComplaint
from asb.case_reviews.queries import threshold_result
from asb.case_reviews.threshold import applicant_problems
from asb.case_reviews.vocabulary import ApplicationRoute
from asb.cases import services as case_services
from asb.cases.models import Case, CaseAction
from asb.cases.vocabulary import TimelineKind
from asb.extensions import db
from asb.incidents.models import Incident
from asb.incidents.services import next_reference
from asb.notifications.services import notify

REFERENCE_PREFIX = "ASB-CR"


class CaseReviewError(Exception):
    """A step the review procedure does not allow now; the message says why.

    `field` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class CitedComplaint:
    """A complaint an application cites, from an incident in asb or as the applicant told it."""

    behaviour_on: date
    complained_on: date
    incident: Incident | None = None
    agency: Agency | None = None
    description: str | None = None
    # Complaints sharing a key are about the same behaviour; None means a behaviour of its own.
    behaviour_key: str | None = None

    @classmethod
    def from_incident(
        cls,
        incident: Incident,
        *,
        behaviour_on: date | None = None,
        complained_on: date | None = None,
        behaviour_key: str | None = None,
    ) -> CitedComplaint:
        """Take the dates from the incident unless told: when it happened, when it was reported.

        The complaint was made when it was reported, not when it was typed into asb.
        """
        return cls(
            behaviour_on=behaviour_on or london_day(incident.occurred_from),
            complained_on=complained_on or complaint_made_on(incident),
            incident=incident,
            agency=incident.recording_agency,
            behaviour_key=behaviour_key,
        )


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def incident_behaviour_key(incident: Incident) -> str:
    return f"incident-{incident.id}"


def _link(application: CaseReviewApplication) -> str:
    return url_for("case_reviews.show_application", application_id=application.id)


def _record(
    application: CaseReviewApplication, action: str, summary: str, *, actor: User, **detail: Any
) -> None:
    """Audit the step and, when the review is about a case, put it on the case's timeline.

    A step about an incident names it on the timeline, which shows it only to those who may
    see the incident.
    """
    record_event(f"case-review.{action}", actor=actor, obj=application, **detail)
    if application.case is not None:
        about = {"incident_id": detail["incident_id"]} if detail.get("incident_id") else {}
        case_services.add_timeline(
            application.case,
            TimelineKind.REVIEW,
            f"ASB Case Review {application.reference}: {summary}",
            actor=actor,
            case_review_id=application.id,
            **about,
        )
    db.session.flush()


def log_application(
    *,
    applicant_name: str,
    applicant_contact: str,
    on_behalf_of: str | None,
    consent_confirmed: bool,
    route: ApplicationRoute,
    received_on: date,
    complaints: list[CitedComplaint],
    actor: User,
    case: Case | None = None,
) -> CaseReviewApplication:
    problems = applicant_problems(applicant_name, on_behalf_of, consent_confirmed)
    if problems:
        field, message = next(iter(problems.items()))
        raise CaseReviewError(message, field)
    if not applicant_contact.strip():
        raise CaseReviewError("Enter how to contact the applicant", "applicant_contact")
    application = CaseReviewApplication(
        reference=next_reference(REFERENCE_PREFIX, received_on.year),
        case=case,
        applicant_name=applicant_name,
        applicant_contact=applicant_contact,
        on_behalf_of=on_behalf_of or None,
        consent_confirmed=bool(on_behalf_of) and consent_confirmed,
        route=route.value,
        received_on=received_on,
        created_by_id=actor.id,
    )
    db.session.add(application)
    db.session.flush()
    for complaint in complaints:
        _add_complaint(application, complaint)
    _record(
        application,
        "logged",
        f"application received by {route.label.lower()} on {_day(received_on)}, "
        f"citing {len(complaints)} complaint{'' if len(complaints) == 1 else 's'}",
        actor=actor,
        route=route.value,
        complaints=len(complaints),
    )
    return application


def _add_complaint(
    application: CaseReviewApplication, cited: CitedComplaint
) -> CaseReviewComplaint:
    if cited.incident is not None and any(
        existing.incident_id == cited.incident.id for existing in application.complaints
    ):
        raise CaseReviewError(
            f"{cited.incident.reference} is already cited by this application", "reference"
        )
    if cited.complained_on < cited.behaviour_on:
        raise CaseReviewError(
            "The date of the complaint must be the same as or after the date of the behaviour",
            "complained_on",
        )
    key = cited.behaviour_key
    if key is None:
        key = (
            incident_behaviour_key(cited.incident)
            if cited.incident is not None
            else f"behaviour-{uuid.uuid4().hex[:12]}"
        )
    complaint = CaseReviewComplaint(
        incident=cited.incident,
        agency=cited.agency,
        behaviour_on=cited.behaviour_on,
        complained_on=cited.complained_on,
        behaviour_key=key,
        description=cited.description or None,
    )
    application.complaints.append(complaint)
    db.session.flush()
    return complaint


def _check_complaints_open(application: CaseReviewApplication) -> None:
    if application.threshold_decided_on is not None:
        raise CaseReviewError(
            "The threshold has been decided, so the complaints it was decided on cannot change"
        )


def add_complaint(
    application: CaseReviewApplication, cited: CitedComplaint, *, actor: User
) -> CaseReviewComplaint:
    _check_complaints_open(application)
    complaint = _add_complaint(application, cited)
    what = cited.incident.reference if cited.incident else "a complaint made elsewhere"
    _record(
        application,
        "complaint-added",
        f"{what} added to the complaints it cites",
        actor=actor,
        complaint_id=complaint.id,
        incident_id=complaint.incident_id,
    )
    return complaint


def remove_complaint(complaint: CaseReviewComplaint, *, actor: User) -> None:
    application = complaint.application
    _check_complaints_open(application)
    what = complaint.incident.reference if complaint.incident else "a complaint made elsewhere"
    complaint_id, incident_id = complaint.id, complaint.incident_id
    application.complaints.remove(complaint)
    _record(
        application,
        "complaint-removed",
        f"{what} removed from the complaints it cites",
        actor=actor,
        complaint_id=complaint_id,
        incident_id=incident_id,
    )


def acknowledge(application: CaseReviewApplication, *, on: date, actor: User) -> None:
    if application.acknowledged_on is not None:
        raise CaseReviewError(
            f"The application was acknowledged on {_day(application.acknowledged_on)}"
        )
    _check_not_before(on, application.received_on, "acknowledged_on", "received")
    application.acknowledged_on = on
    _record(application, "acknowledged", f"acknowledged on {_day(on)}", actor=actor)


def appoint_spoc(application: CaseReviewApplication, spoc: User, *, actor: User) -> None:
    """Name the single point of contact the applicant deals with throughout the review."""
    if not (spoc.is_active and spoc.role.works_cases and not spoc.is_partner):
        raise CaseReviewError(f"{spoc.name} cannot be the single point of contact", "spoc")
    if application.spoc_id == spoc.id:
        raise CaseReviewError(f"{spoc.name} is already the single point of contact", "spoc")
    application.spoc = spoc
    _record(
        application,
        "spoc-appointed",
        f"{spoc.name} ({spoc.agency.name}) is the single point of contact",
        actor=actor,
        spoc_id=spoc.id,
    )
    if spoc.id != actor.id:
        notify(
            spoc,
            f"You are the single point of contact for ASB Case Review {application.reference}",
            _link(application),
        )


def decide_threshold(
    application: CaseReviewApplication,
    *,
    met: bool,
    decided_on: date,
    notes: str | None,
    settings: CaseReviewSettings,
    actor: User,
) -> None:
    """Record the decision: asb's count, confirmed, or a decision the officer gives reasons for.

    Section 104(4) obliges the relevant bodies to find the threshold met when enough
    qualifying complaints were made; section 104(5) lets them find it met on other grounds
    (persistence, harm, the adequacy of the response), so a decision against the count
    needs its reasons written down.
    """
    if application.threshold_decided_on is not None:
        raise CaseReviewError("The threshold decision has already been recorded")
    _check_not_before(decided_on, application.received_on, "decided_on", "received")
    counted = threshold_result(application, settings)
    notes = (notes or "").strip()
    if met != counted.met and not notes:
        raise CaseReviewError(
            "Explain why the decision differs from the count of qualifying complaints", "notes"
        )
    application.threshold_met = met
    application.threshold_decided_on = decided_on
    application.threshold_notes = notes or f"Confirmed asb's count. {counted.summary()}"
    _record(
        application,
        "threshold-decided",
        f"threshold {'met' if met else 'not met'} ({counted.summary()})",
        actor=actor,
        met=met,
        qualifying=counted.qualifying,
        required=counted.required,
        agrees_with_count=met == counted.met,
    )


def link_case(application: CaseReviewApplication, case: Case, *, actor: User) -> None:
    if application.case_id is not None:
        raise CaseReviewError(
            f"The application is already about case {application.case.reference}", "reference"
        )
    application.case = case
    _record(application, "case-linked", "linked to this case", actor=actor, case_id=case.id)


def open_case_for(
    application: CaseReviewApplication,
    *,
    title: str,
    summary: str,
    lead_agency: Agency,
    restricted: bool,
    restriction_reason: str | None,
    actor: User,
) -> Case:
    """Open a case for the review's recommendations, linking the incidents the application cites."""
    if application.case_id is not None:
        raise CaseReviewError(f"The application is already about case {application.case.reference}")
    incidents = list(
        {c.incident.id: c.incident for c in application.complaints if c.incident}.values()
    )
    case = case_services.open_case(
        title=title,
        summary=summary,
        lead_agency=lead_agency,
        actor=actor,
        incidents=incidents,
        restricted=restricted,
        restriction_reason=restriction_reason,
    )
    link_case(application, case, actor=actor)
    return case


def record_meeting(
    application: CaseReviewApplication,
    *,
    meeting_on: date,
    victim_view: str | None,
    actor: User,
) -> None:
    """Record the review meeting and the victim's view on the action plan.

    It can be recorded again until the response is sent, as the victim's view often
    comes after the meeting.
    """
    if application.threshold_met is not True:
        raise CaseReviewError("A review meeting is held only when the threshold is met")
    if application.response_sent_on is not None:
        raise CaseReviewError("The response has been sent, so the review is finished")
    _check_not_before(meeting_on, application.threshold_decided_on, "meeting_on", "decided")
    again = application.meeting_on is not None
    application.meeting_on = meeting_on
    application.victim_view = (victim_view or "").strip() or None
    _record(
        application,
        "meeting-recorded",
        ("meeting details updated: " if again else "review meeting held on ")
        + f"{_day(meeting_on)}"
        + ("; the victim's view on the action plan recorded" if application.victim_view else ""),
        actor=actor,
    )


def add_recommendation(
    application: CaseReviewApplication,
    *,
    description: str,
    owner: User,
    due_on: date,
    actor: User,
) -> CaseAction:
    """Record a recommendation as an action on the case, so it is worked like any other."""
    if application.meeting_on is None:
        raise CaseReviewError("Record the review meeting before its recommendations")
    if application.response_sent_on is not None:
        raise CaseReviewError("The response has been sent, so the review is finished")
    if application.case is None:
        raise CaseReviewError(
            "Link the application to a case, or open one, before recording recommendations"
        )
    try:
        action = case_services.add_action(
            application.case, description=description, owner=owner, due_on=due_on, actor=actor
        )
    except case_services.CaseWorkflowError as error:
        raise CaseReviewError(str(error)) from error
    action.case_review_id = application.id
    application.made_recommendations = True
    _record(
        application,
        "recommendation-added",
        f"recommended: {description}",
        actor=actor,
        action_id=action.id,
    )
    return action


def record_response(application: CaseReviewApplication, *, sent_on: date, actor: User) -> None:
    if application.response_sent_on is not None:
        raise CaseReviewError(f"The response was sent on {_day(application.response_sent_on)}")
    if application.threshold_decided_on is None:
        raise CaseReviewError("Decide whether the threshold is met before responding")
    if application.threshold_met and application.meeting_on is None:
        raise CaseReviewError("Record the review meeting before sending the response")
    start, what = (
        (application.meeting_on, "meeting")
        if application.threshold_met
        else (application.threshold_decided_on, "decided")
    )
    _check_not_before(sent_on, start, "sent_on", what)
    if application.threshold_met and application.made_recommendations is None:
        application.made_recommendations = False
    application.response_sent_on = sent_on
    _record(application, "response-sent", f"response sent on {_day(sent_on)}", actor=actor)


def record_appeal(application: CaseReviewApplication, *, received_on: date, actor: User) -> None:
    """The applicant asks for the decision or the review to be looked at again."""
    if application.response_sent_on is None:
        raise CaseReviewError("An appeal can be recorded once the response has been sent")
    if application.appeal_received_on is not None:
        raise CaseReviewError(f"An appeal was received on {_day(application.appeal_received_on)}")
    _check_not_before(received_on, application.response_sent_on, "received_on", "sent")
    application.appeal_received_on = received_on
    _record(application, "appeal-received", f"appeal received on {_day(received_on)}", actor=actor)


def record_appeal_outcome(application: CaseReviewApplication, *, outcome: str, actor: User) -> None:
    if application.appeal_received_on is None:
        raise CaseReviewError("Record the appeal before its outcome")
    if application.appeal_outcome:
        raise CaseReviewError("The outcome of the appeal has already been recorded")
    if not outcome.strip():
        raise CaseReviewError("Enter the outcome of the appeal", "outcome")
    application.appeal_outcome = outcome.strip()
    _record(application, "appeal-decided", f"appeal decided: {outcome.strip()}", actor=actor)


_EARLIER = {
    "received": "the date the application was received",
    "decided": "the date of the threshold decision",
    "meeting": "the date of the review meeting",
    "sent": "the date the response was sent",
}


def _check_not_before(day: date, earliest: date | None, field: str, what: str) -> None:
    if earliest is not None and day < earliest:
        raise CaseReviewError(
            f"The date must be the same as or after {_EARLIER[what]} ({_day(earliest)})",
            field,
        )
