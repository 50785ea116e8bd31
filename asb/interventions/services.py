"""Recording interventions and their breaches, with the legal clocks worked out at issue.

The rules are the dated configuration in asb/interventions/config/interventions.json (or the file
named by ASB_INTERVENTION_RULES), read once per process: they change by deployment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from asb.audit.services import record_event
from asb.auth.models import User
from asb.calendar import london_day
from asb.cases.models import Case
from asb.cases.services import CaseWorkflowError, add_timeline, ensure_case_open
from asb.cases.vocabulary import TimelineKind
from asb.extensions import db
from asb.interventions.clocks import Clocks, compute_clocks, validate_intervention
from asb.interventions.models import Intervention, InterventionBreach
from asb.interventions.rules import (
    InterventionKind,
    InterventionRule,
    NoRuleInForce,
    intervention_rules,
)
from asb.people.models import Person

# Served on premises rather than (only) a person.
PREMISES_KINDS = frozenset({InterventionKind.CLOSURE_NOTICE, InterventionKind.CLOSURE_ORDER})
# Their clocks run in hours from service, so the moment of service is needed.
SERVED_AT_KINDS = frozenset({InterventionKind.CLOSURE_NOTICE, InterventionKind.DISPERSAL_DIRECTION})
# The order or agreement states how many months it lasts.
DURATION_KINDS = frozenset(
    {
        InterventionKind.ACCEPTABLE_BEHAVIOUR_CONTRACT,
        InterventionKind.CIVIL_INJUNCTION,
        InterventionKind.CRIMINAL_BEHAVIOUR_ORDER,
        InterventionKind.CLOSURE_ORDER,
    }
)


def rule_for(intervention: Intervention) -> InterventionRule | None:
    try:
        return intervention_rules().rule_for(intervention.kind, intervention.issued_on)
    except NoRuleInForce:
        return None


class InterventionNotAllowed(CaseWorkflowError):
    """The law (as configured) does not allow this intervention; each message says why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class InterventionDetails:
    """What the officer records about an intervention, before its clocks are worked out."""

    kind: InterventionKind
    issued_on: date
    served_on_person: Person | None = None
    served_on_premises: str | None = None
    served_at: datetime | None = None
    subject_age_on_issue: int | None = None
    duration_months: int | None = None
    on_conviction: bool | None = None
    conditions: str | None = None
    order_expires_on: date | None = None


def prior_kinds_on(case: Case) -> set[InterventionKind]:
    return set(
        db.session.scalars(
            db.select(Intervention.kind).where(Intervention.case_id == case.id).distinct()
        )
    )


def age_on(born: date | None, day: date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def problems_with(case: Case, details: InterventionDetails) -> list[str]:
    """What stops this intervention being recorded on the case; empty if nothing."""
    return validate_intervention(
        details.kind,
        details.issued_on,
        intervention_rules(),
        prior_kinds_on_case=prior_kinds_on(case),
        on_conviction=details.on_conviction,
        subject_age_on_issue=details.subject_age_on_issue,
        duration_months=details.duration_months,
        order_expires_on=details.order_expires_on,
    )


def clocks_for(details: InterventionDetails) -> Clocks:
    return compute_clocks(
        details.kind,
        details.issued_on,
        intervention_rules(),
        subject_age_on_issue=details.subject_age_on_issue,
        served_at=details.served_at,
        duration_months=details.duration_months,
        order_expires_on=details.order_expires_on,
    )


def record_intervention(case: Case, details: InterventionDetails, *, actor: User) -> Intervention:
    """Check the intervention against the rules in force on its issue date, work out its
    clocks and put it on the case; raise InterventionNotAllowed if the rules refuse it."""
    ensure_case_open(case, "recording an intervention")
    if problems := problems_with(case, details):
        raise InterventionNotAllowed(problems)
    rule = intervention_rules().rule_for(details.kind, details.issued_on)
    clocks = clocks_for(details)
    intervention = Intervention(
        case_id=case.id,
        kind=details.kind,
        served_on_person_id=details.served_on_person.id if details.served_on_person else None,
        served_on_premises=details.served_on_premises,
        issued_by_id=actor.id,
        issued_on=details.issued_on,
        served_at=details.served_at,
        conditions=details.conditions,
        duration_months=details.duration_months,
        subject_age_on_issue=details.subject_age_on_issue,
        on_conviction=details.on_conviction,
        appeal_deadline=clocks.appeal_deadline,
        review_on=clocks.review_on,
        hearing_by=clocks.hearing_by,
        fixed_penalty_max_gbp=rule.fixed_penalty_max_gbp,
    )
    _store_end(intervention, clocks)
    db.session.add(intervention)
    db.session.flush()
    add_timeline(
        case,
        TimelineKind.INTERVENTION,
        f"{details.kind.label} issued on {details.issued_on.day} {details.issued_on:%B %Y}",
        actor=actor,
        intervention_id=intervention.id,
        intervention_kind=details.kind.value,
    )
    record_event(
        "intervention.recorded",
        actor=actor,
        obj=intervention,
        case_id=case.id,
        kind=details.kind.value,
    )
    return intervention


def _store_end(intervention: Intervention, clocks: Clocks) -> None:
    """Hour-based clocks end at a moment; the day is kept too, for lists and indexes."""
    if isinstance(clocks.expires_on, datetime):
        intervention.expires_at = clocks.expires_on
        intervention.expires_on = london_day(clocks.expires_on)
    else:
        intervention.expires_on = clocks.expires_on
    if clocks.max_expiry is not None:
        intervention.latest_expiry = london_day(clocks.max_expiry)


def stored_clocks(intervention: Intervention) -> Clocks:
    """The clocks as they were worked out at issue, from the intervention's own columns."""
    return Clocks(
        kind=intervention.kind,
        appeal_deadline=intervention.appeal_deadline,
        expires_on=intervention.expires_at or intervention.expires_on,
        review_on=intervention.review_on,
        hearing_by=intervention.hearing_by,
        max_expiry=intervention.latest_expiry,
    )


def current_warnings(intervention: Intervention) -> list[str]:
    """What is missing for the clocks to be complete, by the rule of the issue date."""
    try:
        clocks = compute_clocks(
            intervention.kind,
            intervention.issued_on,
            intervention_rules(),
            subject_age_on_issue=intervention.subject_age_on_issue,
            served_at=intervention.served_at,
            duration_months=intervention.duration_months,
            order_expires_on=(
                intervention.expires_on
                if intervention.kind is InterventionKind.PSPO_BREACH
                else None
            ),
        )
    except NoRuleInForce as error:
        return [str(error)]
    return clocks.warnings


def record_breach(
    intervention: Intervention,
    *,
    occurred_on: date,
    description: str,
    fixed_penalty_gbp: int | None,
    actor: User,
) -> InterventionBreach:
    case = intervention.case
    ensure_case_open(case, "recording a breach")
    limit = intervention.fixed_penalty_max_gbp
    if fixed_penalty_gbp is not None and (limit is None or fixed_penalty_gbp > limit):
        raise CaseWorkflowError(fixed_penalty_problem(intervention))
    breach = InterventionBreach(
        intervention_id=intervention.id,
        occurred_on=occurred_on,
        description=description,
        fixed_penalty_gbp=fixed_penalty_gbp,
        recorded_by_id=actor.id,
    )
    db.session.add(breach)
    db.session.flush()
    penalty = f", fixed penalty £{fixed_penalty_gbp}" if fixed_penalty_gbp is not None else ""
    add_timeline(
        case,
        TimelineKind.INTERVENTION,
        f"Breach of the {intervention.kind.in_sentence} on "
        f"{occurred_on.day} {occurred_on:%B %Y}{penalty}",
        actor=actor,
        intervention_id=intervention.id,
        breach_id=breach.id,
    )
    record_event(
        "intervention.breach-recorded",
        actor=actor,
        obj=breach,
        intervention_id=intervention.id,
        case_id=case.id,
    )
    return breach


def fixed_penalty_problem(intervention: Intervention) -> str:
    limit = intervention.fixed_penalty_max_gbp
    if limit is None:
        kind = intervention.kind.with_article
        return (
            f"A fixed penalty cannot be given for breaching {kind[0].lower()}{kind[1:]}: "
            "leave the amount blank"
        )
    return f"Fixed penalty must be £{limit} or less"
