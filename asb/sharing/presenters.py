"""What a partner sees of a case shared with them: the shared parts, and nothing else.

One view of the case is built here, as text, and both the page and the CSV are drawn from it:
whatever the share does not carry is never read into it, so neither can show it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import select

from asb.agreements.vocabulary import DataCategory
from asb.cases.models import Case, CaseAction, RiskAssessment, TimelineEntry
from asb.cases.vocabulary import TimelineKind
from asb.documents.models import Document
from asb.documents.uploads import size_in_words
from asb.extensions import db
from asb.incidents.models import Incident
from asb.incidents.vocabulary import Vulnerability
from asb.interventions.models import Intervention
from asb.presentation import london_date, london_datetime
from asb.sharing.models import CaseShare
from asb.sharing.queries import contributions

NOT_SHARED = "Not shared"
REDACTED = "Redacted"

# Timeline entries that tell of a part of the case by kind: shown only with that part.
_TIMELINE_NEEDS = {
    TimelineKind.INCIDENT_LINKED: DataCategory.INCIDENT_FACTS,
    TimelineKind.PERSON: DataCategory.PEOPLE,
    TimelineKind.RISK_ASSESSMENT: DataCategory.RISK_ASSESSMENTS,
    TimelineKind.DOCUMENT: DataCategory.DOCUMENTS,
}


@dataclass
class Cell:
    """One value; None where the share does not carry it. `document_id` makes it a link."""

    text: str | None
    document_id: int | None = None


@dataclass
class Section:
    """A part of the page: a list of labelled values, or a table, or "Not shared"."""

    key: str
    title: str
    shared: bool
    missing: str = NOT_SHARED  # what stands in for a value the share does not carry
    fields: list[tuple[str, Cell]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    empty: str = "None recorded."

    def shown(self, cell: Cell) -> str:
        return self.missing if cell.text is None else cell.text

    def summary_rows(self) -> list[dict]:
        return [
            {"key": {"text": label}, "value": {"text": self.shown(cell)}}
            for label, cell in self.fields
        ]


@dataclass
class SharedCaseView:
    share: CaseShare
    reference: str
    title: str | None
    sections: list[Section]

    def csv_rows(self) -> Iterator[list[str]]:
        """Section, item, field and value: the page's content, line by line."""
        yield ["Case", "", "Reference", self.reference]
        yield ["Shared under", "", "Agreement", self.share.agreement.reference]
        for section in self.sections:
            if not section.shared:
                yield [section.title, "", "", NOT_SHARED]
                continue
            for label, cell in section.fields:
                yield [section.title, "", label, section.shown(cell)]
            for number, row in enumerate(section.rows, start=1):
                for column, cell in zip(section.columns, row, strict=True):
                    yield [section.title, str(number), column, section.shown(cell)]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _incidents(case: Case, own: set[int]) -> list[Incident]:
    """The incidents linked to the case that a partner may be told of: never a restricted
    one, and not those the partner added (shown as theirs)."""
    return [
        link.incident
        for link in case.incident_links
        if not link.incident.restricted and link.incident_id not in own
    ]


def _case_section(case: Case, share: CaseShare) -> Section:
    section = Section("case", "The case", share.carries(DataCategory.INCIDENT_FACTS))
    if section.shared:
        section.fields = [
            ("Title", Cell(case.title)),
            ("Problem", Cell(case.summary)),
            ("Status", Cell(case.status.label)),
            ("Opened", Cell(london_date(case.opened_at))),
        ]
        if case.closed_at:
            section.fields += [
                ("Closed", Cell(london_date(case.closed_at))),
                ("Outcome", Cell(case.outcome.label if case.outcome else "")),
                ("Closing summary", Cell(case.closing_summary or "")),
            ]
    return section


def _incident_section(incidents: list[Incident], share: CaseShare) -> Section:
    facts = share.carries(DataCategory.INCIDENT_FACTS)
    places = share.carries(DataCategory.LOCATIONS)
    section = Section(
        "incidents",
        "Incidents",
        facts or places,
        columns=["Reference", "Category", "When", "What happened", "Place", "Ward", "Point"],
    )
    if section.shared:
        section.rows = [
            [
                Cell(incident.reference),
                Cell(incident.category.label if facts else None),
                Cell(_when(incident) if facts else None),
                Cell(incident.description if facts else None),
                Cell(incident.location_description if places else None),
                Cell(_text(incident.ward_name) if places else None),
                Cell(f"{incident.latitude:.5f}, {incident.longitude:.5f}" if places else None),
            ]
            for incident in incidents
        ]
    return section


def _when(incident: Incident) -> str:
    started = london_datetime(incident.occurred_from)
    return (
        f"{started} to {london_datetime(incident.occurred_to)}" if incident.is_period else started
    )


def _people_section(case: Case, share: CaseShare) -> Section:
    named = share.carries(DataCategory.PEOPLE)
    section = Section(
        "people",
        "People",
        True,
        missing=REDACTED,
        columns=["Name", "Role", "Date of birth", "Address", "Phone", "Email"],
    )
    for link in case.people:
        person = link.person
        section.rows.append(
            [
                Cell(person.name if named else None),
                Cell(link.role.label),
                Cell(london_date(person.date_of_birth) if named else None),
                Cell(_text(person.address) if named else None),
                Cell(_text(person.phone) if named else None),
                Cell(_text(person.email) if named else None),
            ]
        )
    return section


def _who(link, named: bool) -> str:
    return f"{link.person.name} ({link.role.label.lower()})" if named else link.role.label


def _vulnerability_section(case: Case, incidents: list[Incident], share: CaseShare) -> Section:
    section = Section(
        "vulnerabilities",
        "Vulnerabilities",
        share.carries(DataCategory.VULNERABILITIES),
        columns=["About", "Vulnerability"],
    )
    if section.shared:
        named = share.carries(DataCategory.PEOPLE)
        section.rows = [
            [Cell(_who(link, named)), Cell(link.person.vulnerability_notes)]
            for link in case.people
            if link.person.vulnerability_notes
        ] + [
            [
                Cell(f"Incident {incident.reference}"),
                Cell(", ".join(Vulnerability(item).label for item in incident.vulnerabilities)),
            ]
            for incident in incidents
            if incident.vulnerabilities
        ]
    return section


def _risk_section(case: Case, share: CaseShare) -> Section:
    section = Section(
        "risk",
        "Risk assessments",
        share.carries(DataCategory.RISK_ASSESSMENTS),
        columns=["Assessment", "Level", "Score", "Assessed", "By"],
    )
    if section.shared:
        section.fields = [
            ("Case risk level", Cell(case.risk_level.label if case.risk_level else "Not assessed"))
        ]
        named = share.carries(DataCategory.PEOPLE)
        assessments = db.session.scalars(
            select(RiskAssessment)
            .where(RiskAssessment.case_id == case.id)
            .order_by(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc())
        )
        section.rows = [
            [
                Cell(_assessment_subject(assessment, named)),
                Cell(assessment.level.label),
                Cell(str(assessment.score)),
                Cell(london_datetime(assessment.assessed_at)),
                Cell(assessment.assessed_by.name if assessment.assessed_by else ""),
            ]
            for assessment in assessments
        ]
    return section


def _assessment_subject(assessment: RiskAssessment, named: bool) -> str:
    subject = "Victim" if assessment.subject == "victim" else "Alleged perpetrator"
    if named and assessment.person is not None:
        return f"{subject}: {assessment.person.name}"
    return subject


def _case_work_sections(case: Case, share: CaseShare, hidden_incidents: set[int]) -> list[Section]:
    shared = share.carries(DataCategory.CASE_WORK)
    actions = Section("actions", "Actions", shared, columns=["Action", "Owner", "Due", "State"])
    interventions = Section(
        "interventions",
        "Interventions",
        shared,
        columns=["Intervention", "Issued", "Served on", "Conditions"],
    )
    timeline = Section("timeline", "Timeline", shared, columns=["When", "What", "By", "Entry"])
    if not shared:
        return [actions, interventions, timeline]
    actions.rows = [
        [
            Cell(action.description),
            Cell(action.owner.name),
            Cell(london_date(action.due_on)),
            Cell(action.state.label),
        ]
        for action in db.session.scalars(
            select(CaseAction)
            .where(CaseAction.case_id == case.id)
            .order_by(CaseAction.due_on, CaseAction.id)
        )
    ]
    interventions.rows = [
        [
            Cell(intervention.kind.label),
            Cell(london_date(intervention.issued_on)),
            Cell(_served_on(intervention, share)),
            Cell(_text(intervention.conditions)),
        ]
        for intervention in db.session.scalars(
            select(Intervention)
            .where(Intervention.case_id == case.id)
            .order_by(Intervention.issued_on, Intervention.id)
        )
    ]
    timeline.rows = [
        [
            Cell(london_datetime(entry.occurred_at)),
            Cell(entry.kind.label),
            Cell(_actor(entry)),
            Cell(entry.summary),
        ]
        for entry in _timeline(case, share, hidden_incidents)
    ]
    return [actions, interventions, timeline]


def _served_on(intervention: Intervention, share: CaseShare) -> str | None:
    if intervention.served_on_person is not None:
        named = share.carries(DataCategory.PEOPLE)
        return intervention.served_on_person.name if named else None
    if intervention.served_on_premises:
        placed = share.carries(DataCategory.LOCATIONS)
        return intervention.served_on_premises if placed else None
    return ""


def _timeline(case: Case, share: CaseShare, hidden_incidents: set[int]) -> list[TimelineEntry]:
    entries = db.session.scalars(
        select(TimelineEntry)
        .where(TimelineEntry.case_id == case.id)
        .order_by(TimelineEntry.occurred_at.desc(), TimelineEntry.id.desc())
    )
    return [
        entry
        for entry in entries
        if (entry.kind not in _TIMELINE_NEEDS or share.carries(_TIMELINE_NEEDS[entry.kind]))
        and (entry.detail or {}).get("incident_id") not in hidden_incidents
    ]


def _actor(entry: TimelineEntry) -> str:
    if entry.actor is None:
        return "asb"
    return f"{entry.actor.name} ({entry.actor.agency.name})"


def _document_section(case: Case, share: CaseShare) -> Section:
    section = Section(
        "documents",
        "Documents",
        share.carries(DataCategory.DOCUMENTS),
        columns=["Document", "Size", "Uploaded"],
    )
    if section.shared:
        section.rows = [
            [
                Cell(document.filename, document_id=document.id),
                Cell(size_in_words(document.size_bytes)),
                Cell(london_datetime(document.uploaded_at)),
            ]
            for document in db.session.scalars(
                select(Document)
                .where(Document.case_id == case.id)
                .order_by(Document.uploaded_at.desc(), Document.id.desc())
            )
        ]
    return section


def _contribution_sections(case: Case, share: CaseShare) -> list[Section]:
    """What the partner's own agency added: always theirs to see."""
    agency = share.agency.name
    notes = Section("partner-notes", f"Notes from {agency}", True, columns=["When", "By", "Note"])
    incidents = Section(
        "partner-incidents",
        f"Incidents recorded by {agency}",
        True,
        columns=["Reference", "Category", "When", "Place", "What happened"],
    )
    for contribution in contributions(case, share.agency):
        by = contribution.added_by.name if contribution.added_by else ""
        if contribution.timeline_entry is not None:
            entry = contribution.timeline_entry
            notes.rows.append(
                [Cell(london_datetime(entry.occurred_at)), Cell(by), Cell(entry.summary)]
            )
        elif contribution.incident is not None:
            incident = contribution.incident
            incidents.rows.append(
                [
                    Cell(incident.reference),
                    Cell(incident.category.label),
                    Cell(_when(incident)),
                    Cell(incident.location_description),
                    Cell(incident.description),
                ]
            )
    return [notes, incidents]


def shared_case_view(case: Case, share: CaseShare) -> SharedCaseView:
    """The case as the share lets its partner see it."""
    own = {
        contribution.incident_id
        for contribution in contributions(case, share.agency)
        if contribution.incident_id
    }
    incidents = _incidents(case, own)
    hidden = {link.incident_id for link in case.incident_links if link.incident.restricted}
    sections = [
        _case_section(case, share),
        _incident_section(incidents, share),
        _people_section(case, share),
        _vulnerability_section(case, incidents, share),
        _risk_section(case, share),
        *_case_work_sections(case, share, hidden),
        _document_section(case, share),
        *_contribution_sections(case, share),
    ]
    return SharedCaseView(
        share=share,
        reference=case.reference,
        title=case.title if share.carries(DataCategory.INCIDENT_FACTS) else None,
        sections=sections,
    )
