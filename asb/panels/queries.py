"""Reading panel meetings: the list, the agenda each user may see, suggestions for the agenda,
the meetings a case was discussed at, and the pack each attending agency may be given."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import abort
from sqlalchemy import or_, select

from asb.agreements.models import SharingAgreement
from asb.agreements.vocabulary import DataCategory
from asb.auth.models import Agency, Role, User
from asb.calendar import LONDON, today_in_london
from asb.cases.models import Case, CaseAction, CaseIncident, RiskAssessment, TimelineEntry
from asb.cases.risk import RiskLevel
from asb.cases.vocabulary import ActionState, CaseStatus, TimelineKind
from asb.disclosures.models import Disclosure
from asb.documents.models import Document
from asb.extensions import db
from asb.incidents.models import Incident
from asb.panels.models import AgendaItem, PanelAttendance, PanelDisclosure, PanelMeeting, PanelPack
from asb.panels.vocabulary import AgendaReason
from asb.people.models import CasePerson
from asb.people.victimisation import VICTIM_ROLES, repeat_victims
from asb.policy import (
    Permission,
    agency_holds_case,
    agency_sees_case,
    agency_sees_incident,
    authorize,
    can,
    visible_cases,
)

SUGGESTIONS_PER_REASON = 20
# The case work a pack carries: what was done and decided, not who was added or linked.
PACK_TIMELINE_KINDS = (
    TimelineKind.NOTE,
    TimelineKind.CONTACT,
    TimelineKind.STATUS,
    TimelineKind.ACTION,
    TimelineKind.REVIEW,
)
PACK_TIMELINE_ENTRIES = 10


def meeting_day(meeting: PanelMeeting) -> date:
    """The meeting's date in London: agreements are in force, or not, on that day."""
    return meeting.starts_at.astimezone(LONDON).date()


def agreements_in_force(agency: Agency, day: date) -> list[SharingAgreement]:
    """The agency's agreements in force on the day, oldest first."""
    agreements = db.session.scalars(
        select(SharingAgreement)
        .where(SharingAgreement.partner_agency_id == agency.id)
        .order_by(SharingAgreement.starts_on, SharingAgreement.id)
    )
    return [agreement for agreement in agreements if agreement.in_force_on(day)]


def load_meeting(meeting_id: int, *permissions: Permission) -> PanelMeeting:
    """The meeting, if the signed-in user may see it and has each of `permissions`."""
    meeting = db.get_or_404(PanelMeeting, meeting_id)
    authorize(Permission.VIEW_PANEL_MEETING, meeting)
    for permission in permissions:
        authorize(permission)
    return meeting


def load_item(meeting: PanelMeeting, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


def possible_chairs() -> list[User]:
    """Who may chair a meeting: the ASB lead and the City's agencies' managers."""
    return list(
        db.session.scalars(
            select(User)
            .join(Agency, Agency.id == User.agency_id)
            .where(
                User.is_active_account.is_(True),
                User.role.in_([Role.ASB_LEAD, Role.MANAGER]),
                Agency.is_external.is_(False),
            )
            .order_by(User.name)
        )
    )


def meetings_for(user: User) -> list[PanelMeeting]:
    """The meetings the user may see, the latest first."""
    query = select(PanelMeeting).order_by(PanelMeeting.starts_at.desc(), PanelMeeting.id.desc())
    if not can(user, Permission.MANAGE_PANEL_MEETINGS):
        query = query.where(
            PanelMeeting.id.in_(
                select(PanelAttendance.meeting_id).where(
                    PanelAttendance.agency_id == user.agency_id
                )
            )
        )
    return [
        meeting
        for meeting in db.session.scalars(query.limit(200))
        if can(user, Permission.VIEW_PANEL_MEETING, meeting)
    ]


def visible_agenda(meeting: PanelMeeting, user: User) -> list[AgendaItem]:
    """The agenda less the cases the user may not see: a restricted one is not named."""
    return [item for item in meeting.agenda if can(user, Permission.VIEW_CASE, item.case)]


@dataclass
class Suggestion:
    case: Case
    reasons: list[AgendaReason] = field(default_factory=list)


def _overdue_action_exists():
    return (
        select(CaseAction.id)
        .where(
            CaseAction.case_id == Case.id,
            CaseAction.state == ActionState.OPEN,
            CaseAction.due_on < today_in_london(),
        )
        .exists()
    )


def suggestions(meeting: PanelMeeting, user: User) -> list[Suggestion]:
    """Open cases to consider for the agenda: high risk, overdue work, repeat victims."""
    on_agenda = [item.case_id for item in meeting.agenda]
    open_cases = select(Case).where(
        visible_cases(user), Case.status != CaseStatus.CLOSED, Case.id.not_in(on_agenda)
    )
    today = today_in_london()
    found: dict[int, Suggestion] = {}

    def add(query, reason: AgendaReason) -> None:
        for case in db.session.scalars(query.limit(SUGGESTIONS_PER_REASON)):
            found.setdefault(case.id, Suggestion(case)).reasons.append(reason)

    add(
        open_cases.where(Case.risk_level == RiskLevel.HIGH).order_by(Case.opened_at),
        AgendaReason.HIGH_RISK,
    )
    add(
        open_cases.where(or_(Case.review_due < today, _overdue_action_exists())).order_by(
            Case.review_due.asc().nulls_last(), Case.id
        ),
        AgendaReason.OVERDUE_WORK,
    )
    victims = repeat_victims(today)
    person_ids = {victim.person.id for victim in victims if victim.person is not None}
    incident_ids = {incident_id for victim in victims for incident_id in victim.incident_ids}
    if person_ids or incident_ids:
        add(
            open_cases.where(
                or_(
                    Case.id.in_(
                        select(CasePerson.case_id).where(
                            CasePerson.person_id.in_(person_ids), CasePerson.role.in_(VICTIM_ROLES)
                        )
                    ),
                    Case.id.in_(
                        select(CaseIncident.case_id).where(
                            CaseIncident.incident_id.in_(incident_ids)
                        )
                    ),
                )
            ).order_by(Case.opened_at),
            AgendaReason.REPEAT_VICTIM,
        )
    return list(found.values())


def case_panel_items(case: Case) -> list[AgendaItem]:
    """The meetings a case is on the agenda of, the latest first: whoever sees the case sees
    when it was discussed and what was decided, as its timeline says."""
    return list(
        db.session.scalars(
            select(AgendaItem)
            .join(PanelMeeting, PanelMeeting.id == AgendaItem.meeting_id)
            .where(AgendaItem.case_id == case.id)
            .order_by(PanelMeeting.starts_at.desc(), PanelMeeting.id.desc())
        )
    )


def meeting_disclosures(meeting: PanelMeeting) -> list[Disclosure]:
    return list(
        db.session.scalars(
            select(Disclosure)
            .join(PanelDisclosure, PanelDisclosure.disclosure_id == Disclosure.id)
            .where(PanelDisclosure.meeting_id == meeting.id)
            .order_by(Disclosure.disclosed_at, Disclosure.id)
        )
    )


def latest_pack(meeting: PanelMeeting, agency: Agency) -> PanelPack | None:
    return db.session.scalar(
        select(PanelPack)
        .where(PanelPack.meeting_id == meeting.id, PanelPack.agency_id == agency.id)
        .order_by(PanelPack.produced_at.desc(), PanelPack.id.desc())
    )


def basis_agreements(meeting: PanelMeeting) -> list[SharingAgreement]:
    """The agreements with the attending agencies in force on the meeting's day."""
    day = meeting_day(meeting)
    return [
        agreement
        for agency in meeting.agencies
        if agency.is_external
        for agreement in agreements_in_force(agency, day)
    ]


@dataclass
class PackCase:
    """One case in an agency's pack: what it carries, and the records behind each part."""

    item: AgendaItem
    categories: frozenset[DataCategory]
    withheld: str | None = None  # why the whole case is left out of this pack
    incidents: list[Incident] = field(default_factory=list)
    people: list[CasePerson] = field(default_factory=list)
    assessments: list[RiskAssessment] = field(default_factory=list)
    actions: list[CaseAction] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    @property
    def case(self) -> Case:
        return self.item.case

    def carries(self, category: DataCategory | str) -> bool:
        return DataCategory(category) in self.categories


@dataclass
class Pack:
    meeting: PanelMeeting
    agency: Agency
    day: date
    cases: list[PackCase]
    # External agencies: the agreements in force, and the pack produced under them.
    agreements: list[SharingAgreement] = field(default_factory=list)
    produced: PanelPack | None = None

    @property
    def can_be_produced(self) -> bool:
        return not self.agency.is_external or bool(self.agreements)


def _pack_case(item: AgendaItem, agency: Agency, categories: frozenset[DataCategory]) -> PackCase:
    case = item.case
    pack_case = PackCase(item=item, categories=categories)
    if DataCategory.INCIDENT_FACTS in categories or DataCategory.LOCATIONS in categories:
        pack_case.incidents = [
            link.incident for link in case.incident_links if _shown(agency, link.incident)
        ]
    if DataCategory.PEOPLE in categories or DataCategory.VULNERABILITIES in categories:
        pack_case.people = list(case.people)
    if DataCategory.RISK_ASSESSMENTS in categories:
        pack_case.assessments = list(
            db.session.scalars(
                select(RiskAssessment)
                .where(RiskAssessment.case_id == case.id)
                .order_by(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc())
            )
        )
    if DataCategory.CASE_WORK in categories:
        pack_case.actions = list(
            db.session.scalars(
                select(CaseAction)
                .where(CaseAction.case_id == case.id)
                .order_by(CaseAction.state, CaseAction.due_on)
            )
        )
        pack_case.timeline = list(
            db.session.scalars(
                select(TimelineEntry)
                .where(
                    TimelineEntry.case_id == case.id,
                    TimelineEntry.kind.in_(PACK_TIMELINE_KINDS),
                )
                .order_by(TimelineEntry.occurred_at.desc(), TimelineEntry.id.desc())
                .limit(PACK_TIMELINE_ENTRIES)
            )
        )
    if DataCategory.DOCUMENTS in categories:
        pack_case.documents = list(
            db.session.scalars(
                select(Document)
                .where(Document.case_id == case.id)
                .order_by(Document.uploaded_at.desc(), Document.id.desc())
            )
        )
    return pack_case


def _shown(agency: Agency, incident: Incident) -> bool:
    """A restricted incident is never in an external agency's pack."""
    if agency.is_external:
        return not incident.restricted
    return agency_sees_incident(agency, incident)


_PERSONAL = frozenset({DataCategory.PEOPLE, DataCategory.VULNERABILITIES})


def _internal_categories(agency: Agency, case: Case) -> frozenset[DataCategory]:
    """What an internal agency sees of a case by the policy: all of it where it sees the
    case, less the people and their vulnerabilities unless it holds the case."""
    if not agency_sees_case(agency, case):
        return frozenset()
    every = frozenset(DataCategory)
    return every if agency_holds_case(agency, case) else every - _PERSONAL


def build_pack(meeting: PanelMeeting, agency: Agency) -> Pack:
    """The pack for one attending agency.

    An internal agency gets what its officers see of each case by the access policy. An
    external one gets the pack last produced for it (whose disclosures are logged), carrying
    only the categories its agreements in force on the meeting's day covered then.
    """
    day = meeting_day(meeting)
    pack = Pack(meeting=meeting, agency=agency, day=day, cases=[])
    if not agency.is_external:
        for item in meeting.agenda:
            categories = _internal_categories(agency, item.case)
            if not categories:
                if item.case.restricted:
                    continue  # a restricted case is not named to those who may not see it
                pack.cases.append(
                    PackCase(
                        item=item,
                        categories=categories,
                        withheld=f"Not shared: {agency.name} is not working this case",
                    )
                )
                continue
            pack.cases.append(_pack_case(item, agency, categories))
        return pack
    pack.agreements = agreements_in_force(agency, day)
    pack.produced = latest_pack(meeting, agency)
    if pack.produced is None or not pack.agreements:
        return pack
    in_force = {category for agreement in pack.agreements for category in agreement.data_categories}
    carried = frozenset(
        DataCategory(value) for value in pack.produced.categories if DataCategory(value) in in_force
    )
    for item in meeting.agenda:
        if item.case_id not in pack.produced.case_ids or item.case.restricted:
            continue
        pack.cases.append(_pack_case(item, agency, carried))
    return pack
