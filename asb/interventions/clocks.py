"""The legal clocks of an intervention, what stops one being recorded, and deadlines coming up.

The clocks follow the dated rules in asb/interventions/rules.py: an intervention's clocks are
those of the rule in force on its issue date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from asb.calendar import LONDON, london_day, long_date
from asb.interventions.rules import (
    InterventionKind,
    InterventionRules,
    NoRuleInForce,
    Period,
    PeriodLimits,
    require_aware,
)

# Clocks ----------------------------------------------------------------------------------------


@dataclass
class Clocks:
    """The legal clocks of one intervention; a clock that does not apply is None."""

    kind: InterventionKind
    appeal_deadline: date | None = None
    expires_on: date | datetime | None = None
    review_on: date | None = None
    hearing_by: datetime | None = None
    max_expiry: date | datetime | None = None
    warnings: list[str] = field(default_factory=list)


def compute_clocks(
    kind: InterventionKind | str,
    issued_on: date | datetime,
    rules: InterventionRules,
    *,
    subject_age_on_issue: int | None = None,
    served_at: datetime | None = None,
    duration_months: int | None = None,
    order_expires_on: date | None = None,
) -> Clocks:
    """Work out the clocks from the issue date, by the rule in force on that date.

    Clocks the law counts in hours are timezone-aware datetimes, run from `served_at` or,
    failing that, from `issued_on` when it carries a time. `duration_months` is the length
    the order specifies (None: the default length, or no end date where that is allowed).
    `order_expires_on` is, for a PSPO breach, when the order breached ends.
    """
    kind = InterventionKind(kind)
    require_aware(issued_on, "issued_on")
    require_aware(served_at, "served_at")
    rule = rules.rule_for(kind, issued_on)
    day = london_day(issued_on)
    start = served_at or (issued_on if isinstance(issued_on, datetime) else None)
    clocks = Clocks(kind)

    if rule.appeal_days:
        clocks.appeal_deadline = day + timedelta(days=rule.appeal_days - 1)

    if rule.hearing_within_hours:
        if served_at is None and start is not None:
            clocks.warnings.append(
                f"Enter when the {kind.in_sentence} was served: until then the court hearing "
                "deadline is counted from when it was issued"
            )
        if start is None:
            clocks.warnings.append(
                f"Enter when the {kind.in_sentence} was served to work out when the court "
                "must hear the application"
            )
        else:
            clocks.hearing_by = add_hours(
                start, rule.hearing_within_hours, skip_christmas=rule.christmas_day_disregarded
            )

    limits = rule.limits_for(subject_age_on_issue)
    if subject_age_on_issue is None and rule.depends_on_age:
        clocks.warnings.append(
            f"Enter the person's age on the day of issue to work out how long the "
            f"{kind.in_sentence} can last"
        )
    if limits is not None:
        duration = limits.default
        if duration_months and not (duration and duration.counts_hours):
            duration = Period.of_months(duration_months)
        longest = limits.longest
        hourly = [p for p in (duration, longest) if p and p.counts_hours]
        if hourly and start is None:
            clocks.warnings.append(
                f"Enter the time of issue to work out when the {kind.in_sentence} ends"
            )
        clocks.expires_on = _end(duration, day, start)
        clocks.max_expiry = _end(
            longest,
            day,
            start,
            skip_christmas=rule.christmas_day_disregarded and longest is limits.max_extended,
        )
        if limits.review_after:
            clocks.review_on = limits.review_after.after(day)
        elif limits.review_within:
            clocks.review_on = limits.review_within.after(day) - timedelta(days=1)

    if order_expires_on is not None:
        clocks.expires_on = order_expires_on
        if order_expires_on < day:
            clocks.warnings.append(
                f"The order ended on {long_date(order_expires_on)}, before this date"
            )
        elif rule.order_max_duration and order_expires_on > rule.order_max_duration.after(day):
            clocks.warnings.append(
                f"Check when the order ends: an order lasts at most {rule.order_max_duration} "
                "unless it is extended"
            )
    return clocks


def _end(
    period: Period | None, day: date, start: datetime | None, *, skip_christmas: bool = False
) -> date | datetime | None:
    if period is None:
        return None
    if period.counts_hours:
        return add_hours(start, period.amount, skip_christmas=skip_christmas) if start else None
    return period.after(day)


# Validation ------------------------------------------------------------------------------------


def validate_intervention(
    kind: InterventionKind | str,
    issued_on: date | datetime,
    rules: InterventionRules,
    *,
    prior_kinds_on_case: set[InterventionKind],
    on_conviction: bool | None,
    subject_age_on_issue: int | None,
    duration_months: int | None,
    order_expires_on: date | None = None,
) -> list[str]:
    """What stops this intervention being recorded, as error messages; empty if nothing."""
    kind = InterventionKind(kind)
    day = london_day(issued_on)
    try:
        rule = rules.rule_for(kind, day)
    except NoRuleInForce:
        return [_outside_rules_message(kind, day, rules)]

    problems = []
    too_young = subject_age_on_issue is not None and subject_age_on_issue < (rule.min_age or 0)
    if too_young:
        problems.append(
            f"{kind.with_article} can only be used against someone aged {rule.min_age} or over"
        )

    if rule.requires_prior and not rule.requires_prior & set(prior_kinds_on_case):
        prior_labels = " or ".join(sorted(k.label for k in rule.requires_prior))
        described = rule.prior_described_as or prior_labels
        problems.append(
            f"{kind.with_article} can only follow {described}: record the {prior_labels} first"
        )

    if rule.requires_conviction:
        if on_conviction is None:
            problems.append(f"Select yes if the {kind.in_sentence} was made on conviction")
        elif not on_conviction:
            problems.append(f"{kind.with_article} can only be made on conviction")

    limits = rule.limits_for(subject_age_on_issue)
    if limits and (problem := _duration_problem(kind, limits, duration_months)):
        problems.append(problem)

    if order_expires_on is not None and day > order_expires_on:
        problems.append(
            f"Enter a date on or before {long_date(order_expires_on)}, when the order ended"
        )
    return problems


def _duration_problem(
    kind: InterventionKind, limits: PeriodLimits, duration_months: int | None
) -> str | None:
    lowest = limits.min.months if limits.min else None
    highest = limits.max.months if limits.max else None
    if lowest is None and highest is None:
        return None
    subject = f"{kind.with_article}{limits.band.for_whom}"
    if limits.min and limits.max:
        allowed = f"{subject} must last at least {limits.min} and at most {limits.max}"
    elif limits.max:
        allowed = f"{subject} can last at most {limits.max}"
        if limits.max_extended:
            allowed += f" ({limits.max_extended} with an extension)"
    else:
        allowed = f"{subject} must last at least {limits.min}"
        if limits.indefinite_allowed:
            allowed += ", or have no end date"

    if duration_months is None:
        if limits.default is None and not limits.indefinite_allowed:
            return f"Enter how long the {kind.in_sentence} lasts: {allowed[0].lower()}{allowed[1:]}"
        return None
    if duration_months < 1:
        return f"Enter how long the {kind.in_sentence} lasts, in whole months"
    if (highest is not None and duration_months > highest) or (
        lowest is not None and duration_months < lowest
    ):
        return allowed
    return None


def _outside_rules_message(kind: InterventionKind, day: date, rules: InterventionRules) -> str:
    known = rules.rules_for_kind(kind)
    if known and day < known[0].effective_from:
        return f"The date of issue must be on or after {long_date(known[0].effective_from)}"
    return f"{kind.with_article} cannot be recorded with a date of issue of {long_date(day)}"


# Deadlines -------------------------------------------------------------------------------------


class Deadline(NamedTuple):
    intervention_id: int
    label: str
    due: date | datetime


CLOCK_LABELS = {
    "appeal_deadline": "appeal deadline",
    "hearing_by": "court hearing by",
    "review_on": "review due",
    "expires_on": "ends",
    "max_expiry": "latest possible end",
}


def upcoming_deadlines(
    clocks_by_id: dict[int, Clocks], today: date, within_days: int
) -> list[Deadline]:
    """The clocks falling due from today to `within_days` ahead, soonest first."""
    last_day = today + timedelta(days=within_days)
    deadlines = []
    for intervention_id, clocks in clocks_by_id.items():
        for name, words in CLOCK_LABELS.items():
            due = getattr(clocks, name)
            if due is None or (name == "max_expiry" and due == clocks.expires_on):
                continue
            if today <= london_day(due) <= last_day:
                deadlines.append(Deadline(intervention_id, f"{clocks.kind.label}: {words}", due))
    return sorted(deadlines, key=_deadline_order)


def _deadline_order(deadline: Deadline) -> tuple[date, time, int, str]:
    due = deadline.due
    at = due.astimezone(LONDON).time() if isinstance(due, datetime) else time.max
    return london_day(due), at, deadline.intervention_id, deadline.label


# Hours ----------------------------------------------------------------------------------------


def add_hours(start: datetime, hours: int, *, skip_christmas: bool = False) -> datetime:
    """Elapsed hours, right across a clock change, optionally not counting 25 December."""
    require_aware(start, "start")
    begin = start.astimezone(UTC)
    end = begin + timedelta(hours=hours)
    if skip_christmas:
        year = start.astimezone(LONDON).year
        while (christmas := _christmas_day_utc(year))[0] < end:
            day_begins, day_ends = christmas
            if day_ends > begin:
                end += day_ends - max(begin, day_begins)
            year += 1
    return end.astimezone(start.tzinfo)


def _christmas_day_utc(year: int) -> tuple[datetime, datetime]:
    begins = datetime(year, 12, 25, tzinfo=LONDON)
    return begins.astimezone(UTC), (begins + timedelta(days=1)).astimezone(UTC)
