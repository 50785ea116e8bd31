"""The prompt to explain the ASB Case Review, at a victim's second report or later."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from asb.case_reviews.models import CaseReviewExplanation
from asb.extensions import db
from asb.incidents.models import Incident
from asb.people.models import IncidentPerson, Person
from asb.people.victimisation import prior_reports_within_window, repeat_settings, window_words
from asb.people.vocabulary import ExplanationMethod, PersonRole

_ORDINAL_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else _ORDINAL_SUFFIXES.get(number % 10, "th")
    return f"{number}{suffix}"


@dataclass
class Prompt:
    """Asks the officer to explain the ASB Case Review at a victim's second report or later."""

    incident: Incident
    report_number: int
    window_days: int
    explanations: list[CaseReviewExplanation]

    @property
    def explained(self) -> bool:
        return bool(self.explanations)

    @property
    def latest(self) -> CaseReviewExplanation | None:
        return self.explanations[-1] if self.explanations else None

    @property
    def latest_how(self) -> str:
        return ExplanationMethod.label_for(self.latest.how) if self.latest else ""

    @property
    def report_ordinal(self) -> str:
        return ordinal(self.report_number)

    @property
    def text(self) -> str:
        return (
            f"This is the victim's {self.report_ordinal} report in "
            f"{window_words(self.window_days)}: explain the ASB Case Review (Community Trigger) "
            "to them and record that you did"
        )


def explanations_for(incident: Incident) -> list[CaseReviewExplanation]:
    return list(
        db.session.scalars(
            select(CaseReviewExplanation)
            .where(CaseReviewExplanation.incident_id == incident.id)
            .order_by(CaseReviewExplanation.explained_at)
        )
    )


def case_review_prompt(incident: Incident) -> Prompt | None:
    """The prompt for the incident page, from the victim's second report within the window."""
    prior = prior_reports_within_window(incident)
    if prior < 1:
        return None
    _, days = repeat_settings()
    return Prompt(
        incident=incident,
        report_number=prior + 1,
        window_days=days,
        explanations=explanations_for(incident),
    )


def victim_person(incident: Incident) -> Person | None:
    """The incident's one victim person record, when there is exactly one."""
    people = list(
        db.session.scalars(
            select(Person)
            .join(IncidentPerson, IncidentPerson.person_id == Person.id)
            .where(
                IncidentPerson.incident_id == incident.id,
                IncidentPerson.role == PersonRole.VICTIM,
            )
            .distinct()
        )
    )
    return people[0] if len(people) == 1 else None
