"""Planning panel meetings, setting the agenda, recording decisions onto cases, and the
disclosures a meeting makes. Flush-only: the view commits once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from asb.agreements.models import SharingAgreement
from asb.agreements.vocabulary import DataCategory, LawfulBasis
from asb.audit.services import record_event
from asb.auth.models import Agency, User
from asb.calendar import LONDON
from asb.cases import services as case_services
from asb.cases.models import Case
from asb.cases.vocabulary import TimelineKind
from asb.database import utcnow
from asb.disclosures.services import record_disclosure
from asb.disclosures.vocabulary import DisclosureMethod
from asb.extensions import db
from asb.incidents.services import next_reference
from asb.panels.models import (
    AgendaItem,
    PanelAttendance,
    PanelDisclosure,
    PanelMeeting,
    PanelPack,
)
from asb.panels.queries import agreements_in_force, meeting_day
from asb.panels.vocabulary import AgendaReason, MeetingStatus
from asb.people.models import Person

MEETING_PREFIX = "ASB-P"


class PanelError(Exception):
    """A change the meeting's state does not allow; the message says what to do.

    `field` names the form field the message belongs to, where there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def plan_meeting(
    *,
    starts_at: datetime,
    place: str,
    chair: User,
    agencies: Iterable[Agency],
    actor: User,
    notes: str | None = None,
) -> PanelMeeting:
    attending = list({agency.id: agency for agency in agencies}.values())
    if not attending:
        raise PanelError("Select the agencies attending", field="agencies")
    meeting = PanelMeeting(
        reference=next_reference(MEETING_PREFIX, starts_at.astimezone(LONDON).year),
        starts_at=starts_at,
        place=place,
        chair=chair,
        notes=notes or None,
        created_by=actor,
        attendance=[PanelAttendance(agency=agency) for agency in attending],
    )
    db.session.add(meeting)
    db.session.flush()
    record_event(
        "panel.planned",
        actor=actor,
        obj=meeting,
        agencies=sorted(agency.code for agency in attending),
        chair_id=chair.id,
    )
    return meeting


def _ensure_planned(meeting: PanelMeeting, doing: str) -> None:
    if meeting.status is not MeetingStatus.PLANNED:
        raise PanelError(
            f"This meeting is {meeting.status.label.lower()}: it is too late for {doing}"
        )


def add_to_agenda(
    meeting: PanelMeeting,
    case: Case,
    *,
    reason: AgendaReason,
    actor: User,
    note: str | None = None,
) -> AgendaItem:
    _ensure_planned(meeting, "changing its agenda")
    if any(item.case_id == case.id for item in meeting.agenda):
        raise PanelError(f"Case {case.reference} is already on the agenda", field="reference")
    position = db.session.scalar(
        select(func.coalesce(func.max(AgendaItem.position), 0)).where(
            AgendaItem.meeting_id == meeting.id
        )
    )
    item = AgendaItem(
        case=case,
        position=position + 1,
        reason=reason,
        reason_note=note or None,
        added_by_id=actor.id,
    )
    meeting.agenda.append(item)
    db.session.flush()
    record_event(
        "panel.agenda-added", actor=actor, obj=meeting, case_id=case.id, reason=reason.value
    )
    return item


def remove_from_agenda(item: AgendaItem, *, actor: User) -> None:
    """Take a case off a planned meeting's agenda, unless a decision was recorded on it."""
    meeting = item.meeting
    _ensure_planned(meeting, "changing its agenda")
    if item.decision:
        raise PanelError(f"The decision on case {item.case.reference} is recorded: it stays")
    meeting.agenda.remove(item)
    db.session.flush()
    for position, remaining in enumerate(meeting.agenda, start=1):
        remaining.position = position
    db.session.flush()
    record_event("panel.agenda-removed", actor=actor, obj=meeting, case_id=item.case_id)


@dataclass(frozen=True)
class ActionDetails:
    """An action the meeting gives someone on the case."""

    description: str
    owner: User
    due_on: date


def record_decision(
    item: AgendaItem,
    *,
    discussion: str,
    decision: str,
    actor: User,
    action: ActionDetails | None = None,
) -> None:
    """Record what the meeting said and decided about a case, and put it on the case: a
    timeline entry naming the meeting and its decision, and the action it gave, if any."""
    meeting = item.meeting
    if meeting.status is MeetingStatus.CANCELLED:
        raise PanelError("This meeting was cancelled: nothing was decided at it")
    case = item.case
    item.discussion = discussion
    item.decision = decision
    item.decided_by_id = actor.id
    item.decided_at = utcnow()
    case_services.add_timeline(
        case,
        TimelineKind.NOTE,
        f"Discussed at ASB panel meeting {meeting.reference} on "
        f"{meeting.starts_at.astimezone(LONDON):%d %B %Y}. Decision: {decision}",
        actor=actor,
        panel_meeting_id=meeting.id,
    )
    if action is not None:
        try:
            case_services.add_action(
                case,
                description=action.description,
                owner=action.owner,
                due_on=action.due_on,
                actor=actor,
            )
        except case_services.CaseWorkflowError as error:
            field = "action_owner" if error.field == "owner" else "action_description"
            raise PanelError(str(error), field=field) from error
    db.session.flush()
    record_event(
        "panel.decision-recorded",
        actor=actor,
        obj=meeting,
        case_id=case.id,
        action_added=action is not None,
    )


def change_status(meeting: PanelMeeting, status: MeetingStatus, *, actor: User) -> None:
    """A planned meeting is held or cancelled, once."""
    if status is MeetingStatus.PLANNED:
        raise PanelError("A meeting is planned when it is made")
    _ensure_planned(meeting, f"marking it {status.label.lower()}")
    meeting.status = status
    meeting.status_changed_at = utcnow()
    db.session.flush()
    record_event("panel.status-changed", actor=actor, obj=meeting, status=status.value)


def people_on(case: Case) -> list[Person]:
    return [link.person for link in case.people]


def produce_pack(meeting: PanelMeeting, agency: Agency, *, actor: User) -> PanelPack:
    """Produce the pack for an external agency and log what it discloses: for each case, one
    entry per agreement relied on, carrying the categories that agreement covers.

    Restricted cases are never in an external agency's pack.
    """
    if not agency.is_external:
        raise PanelError("Packs for the City's own agencies follow the access policy")
    if agency.id not in meeting.agency_ids:
        raise PanelError(f"{agency.name} is not attending this meeting")
    if meeting.status is MeetingStatus.CANCELLED:
        raise PanelError("This meeting was cancelled: no pack is produced for it")
    agreements = agreements_in_force(agency, meeting_day(meeting))
    if not agreements:
        raise PanelError(
            f"No sharing agreement with {agency.name} is in force on the meeting's date"
        )
    cases = [item.case for item in meeting.agenda if not item.case.restricted]
    if not cases:
        raise PanelError("There are no cases on the agenda that can be shared")
    attributed: dict[int, list[DataCategory]] = {}
    covered: set[DataCategory] = set()
    for agreement in agreements:
        fresh = [category for category in agreement.data_categories if category not in covered]
        if fresh:
            attributed[agreement.id] = fresh
            covered |= set(fresh)
    pack = PanelPack(
        meeting_id=meeting.id,
        agency=agency,
        case_ids=[case.id for case in cases],
        categories=sorted(category.value for category in covered),
        produced_by=actor,
    )
    db.session.add(pack)
    db.session.flush()
    for case in cases:
        for agreement in agreements:
            categories = attributed.get(agreement.id)
            if not categories:
                continue
            labels = "; ".join(category.label for category in categories)
            disclosure = record_disclosure(
                method=DisclosureMethod.PANEL_MEETING,
                description=(
                    f"Meeting pack for ASB panel meeting {meeting.reference}: case "
                    f"{case.reference} ({labels})"
                ),
                purpose=f"ASB panel meeting {meeting.reference}: {agreement.purpose}",
                disclosing_agency=case.lead_agency,
                recorded_by=actor,
                categories=categories,
                recipient_agency=agency,
                agreement=agreement,
                subjects=people_on(case),
                case=case,
            )
            db.session.add(
                PanelDisclosure(meeting_id=meeting.id, disclosure_id=disclosure.id, pack_id=pack.id)
            )
    db.session.flush()
    record_event(
        "panel.pack-produced",
        actor=actor,
        obj=meeting,
        agency=agency.code,
        pack_id=pack.id,
        case_ids=pack.case_ids,
    )
    return pack


@dataclass(frozen=True)
class MeetingDisclosure:
    """What an agency disclosed at the meeting, as the lead records it."""

    disclosing_agency: Agency
    description: str
    categories: list[DataCategory]
    case: Case | None
    subjects: list[Person]
    agreement: SharingAgreement | None
    lawful_basis: LawfulBasis | None


def record_meeting_disclosure(
    meeting: PanelMeeting, disclosed: MeetingDisclosure, *, actor: User
) -> PanelDisclosure:
    """Log a disclosure made at the meeting, to everyone attending."""
    if meeting.status is not MeetingStatus.HELD:
        raise PanelError("Mark the meeting as held before recording what was disclosed at it")
    if disclosed.disclosing_agency.id not in meeting.agency_ids:
        raise PanelError(
            f"{disclosed.disclosing_agency.name} is not attending this meeting", field="agency"
        )
    if disclosed.agreement is None and disclosed.lawful_basis is None:
        raise PanelError("Select the agreement or the lawful basis", field="basis")
    attending = ", ".join(agency.name for agency in meeting.agencies)
    disclosure = record_disclosure(
        method=DisclosureMethod.PANEL_MEETING,
        description=f"At ASB panel meeting {meeting.reference}: {disclosed.description}",
        purpose=f"ASB panel meeting {meeting.reference}: case conference",
        disclosing_agency=disclosed.disclosing_agency,
        recorded_by=actor,
        categories=disclosed.categories,
        recipient_name=f"ASB panel meeting {meeting.reference} ({attending})",
        agreement=disclosed.agreement,
        lawful_basis=None if disclosed.agreement else disclosed.lawful_basis,
        subjects=disclosed.subjects,
        case=disclosed.case,
        disclosed_at=meeting.starts_at,
    )
    link = PanelDisclosure(meeting_id=meeting.id, disclosure_id=disclosure.id)
    db.session.add(link)
    db.session.flush()
    return link
