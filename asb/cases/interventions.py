"""The interventions register: the tools and powers of the ASB, Crime and Policing Act 2014.

Statutory amounts, durations and clocks live in dated configuration (config/interventions.json),
not here, because the law is changing. Each rule applies from its `effective_from` date
(and up to and including `effective_to`, if set); an intervention follows the newest rule of
its kind in force on its issue date, so a later rule never changes the clocks of interventions
issued before it. A rule's fields:

    kind                       an InterventionKind value
    effective_from             ISO date the rule starts to apply
    effective_to               optional ISO date, the last day it applies (a power repealed)
    legal_basis                where the power comes from, for people reading the register
    legally_binding            false for voluntary agreements (default true)
    min_age                    the youngest person it can be used against
    requires_prior             kinds of which at least one must already be on the case
    prior_described_as         how messages name that prerequisite ("a written warning")
    requires_conviction        true if it can only be made on conviction
    appeal_days                the appeal window, counted beginning with the day of issue
    fixed_penalty_max_gbp      the most a fixed penalty notice for breach can be
    hearing_within_hours       the court must hear the application within this time of service
    christmas_day_disregarded  Christmas Day does not count towards the 48-hour clocks
                               (the hearing and the extended maximum), as ss.77(3), 80(4) say
    order_max_duration         for breaches: how long the order breached can last
    periods                    by age band: "any", "under_18", "adult" (a band missing for the
                               subject's age falls back to "any"), each with optional
                               default, min, max, max_extended (periods), indefinite_allowed,
                               review_after (a review on that anniversary) and review_within
                               (a review by the last day of that period beginning with issue)

Periods are written "24 hours", "21 days", "12 months" or "3 years". Months are calendar
months: six months from 31 August ends on the last day of February.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from asb.enums import LabelledEnum

DEFAULT_RULES_PATH = Path(__file__).parent / "config" / "interventions.json"
LONDON = ZoneInfo("Europe/London")


class InterventionKind(LabelledEnum):
    WARNING_LETTER = "warning-letter", "Warning letter"
    ACCEPTABLE_BEHAVIOUR_CONTRACT = (
        "acceptable-behaviour-contract",
        "Acceptable Behaviour Contract or Agreement",
    )
    COMMUNITY_PROTECTION_WARNING = "community-protection-warning", "Community Protection Warning"
    COMMUNITY_PROTECTION_NOTICE = "community-protection-notice", "Community Protection Notice"
    CIVIL_INJUNCTION = "civil-injunction", "Civil injunction"
    CRIMINAL_BEHAVIOUR_ORDER = "criminal-behaviour-order", "Criminal Behaviour Order"
    CLOSURE_NOTICE = "closure-notice", "Closure notice"
    CLOSURE_ORDER = "closure-order", "Closure order"
    PSPO_BREACH = "pspo-breach", "Breach of a Public Spaces Protection Order"
    DISPERSAL_DIRECTION = "dispersal-direction", "Dispersal direction"
    TENANCY_ACTION = "tenancy-action", "Tenancy action"

    @property
    def in_sentence(self) -> str:
        """The label mid-sentence: proper names keep their capitals, common nouns lose them."""
        if all(word[0].isupper() for word in self.label.split()):
            return self.label
        return self.label[0].lower() + self.label[1:]

    @property
    def with_article(self) -> str:
        article = "An" if self.label[0] in "AEIOU" else "A"
        return f"{article} {self.in_sentence}"


class PeriodUnit(StrEnum):
    HOURS = "hours"
    DAYS = "days"
    MONTHS = "months"
    YEARS = "years"


PERIOD_PATTERN = re.compile(r"^\s*(\d+)\s+(hour|day|month|year)s?\s*$")


@dataclass(frozen=True)
class Period:
    amount: int
    unit: PeriodUnit

    @classmethod
    def parse(cls, text: str) -> Period:
        match = PERIOD_PATTERN.match(text) if isinstance(text, str) else None
        if not match:
            raise InterventionConfigError(
                f"'{text}' is not a period: write it like '24 hours', '21 days', "
                "'12 months' or '3 years'"
            )
        return cls(int(match[1]), PeriodUnit(match[2] + "s"))

    @classmethod
    def of_months(cls, months: int) -> Period:
        return cls(months, PeriodUnit.MONTHS)

    @property
    def counts_hours(self) -> bool:
        return self.unit is PeriodUnit.HOURS

    @property
    def months(self) -> int | None:
        if self.unit is PeriodUnit.MONTHS:
            return self.amount
        if self.unit is PeriodUnit.YEARS:
            return self.amount * 12
        return None

    def after(self, start: date) -> date:
        """The calendar date this period after `start`; for hours, use `add_hours`."""
        if self.unit is PeriodUnit.DAYS:
            return start + timedelta(days=self.amount)
        months = self.months
        if months is None:
            raise ValueError(f"{self} is counted in hours, not calendar days")
        return add_months(start, months)

    def __str__(self) -> str:
        unit = self.unit.value
        return f"{self.amount} {unit[:-1] if self.amount == 1 else unit}"


class AgeBand(StrEnum):
    ANY = "any"
    UNDER_18 = "under_18"
    ADULT = "adult"

    @classmethod
    def of(cls, age: int) -> AgeBand:
        return cls.UNDER_18 if age < 18 else cls.ADULT

    @property
    def for_whom(self) -> str:
        return {AgeBand.ANY: "", AgeBand.UNDER_18: " for someone under 18"}.get(
            self, " for an adult"
        )


@dataclass(frozen=True)
class PeriodLimits:
    band: AgeBand
    default: Period | None = None
    min: Period | None = None
    max: Period | None = None
    max_extended: Period | None = None
    indefinite_allowed: bool = False
    review_after: Period | None = None
    review_within: Period | None = None

    @property
    def longest(self) -> Period | None:
        """The longest the law allows, extensions included; None if it may be indefinite."""
        if self.indefinite_allowed:
            return None
        return self.max_extended or self.max


@dataclass(frozen=True)
class InterventionRule:
    kind: InterventionKind
    effective_from: date
    effective_to: date | None = None
    legal_basis: str = ""
    legally_binding: bool = True
    min_age: int | None = None
    requires_prior: frozenset[InterventionKind] = frozenset()
    prior_described_as: str | None = None
    requires_conviction: bool = False
    appeal_days: int | None = None
    fixed_penalty_max_gbp: int | None = None
    hearing_within_hours: int | None = None
    christmas_day_disregarded: bool = False
    order_max_duration: Period | None = None
    periods: dict[AgeBand, PeriodLimits] = field(default_factory=dict)

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    @property
    def depends_on_age(self) -> bool:
        return AgeBand.UNDER_18 in self.periods or AgeBand.ADULT in self.periods

    def limits_for(self, age: int | None) -> PeriodLimits | None:
        if age is not None and (limits := self.periods.get(AgeBand.of(age))):
            return limits
        return self.periods.get(AgeBand.ANY)


class InterventionConfigError(ValueError):
    """The interventions configuration cannot be read as rules."""


class NoRuleInForce(LookupError):
    """No rule for this kind of intervention applies on the date asked about."""


@dataclass(frozen=True)
class InterventionRules:
    rules: tuple[InterventionRule, ...]

    def rules_for_kind(self, kind: InterventionKind | str) -> list[InterventionRule]:
        kind = InterventionKind(kind)
        return sorted(
            (rule for rule in self.rules if rule.kind is kind), key=lambda r: r.effective_from
        )

    def rule_for(
        self, kind: InterventionKind | str, issued_on: date | datetime
    ) -> InterventionRule:
        """The newest rule of this kind in force on the issue date."""
        kind = InterventionKind(kind)
        day = london_day(issued_on)
        started = [rule for rule in self.rules_for_kind(kind) if rule.effective_from <= day]
        if started and started[-1].in_force_on(day):
            return started[-1]
        raise NoRuleInForce(
            f"No rule for a {kind.label} is in force on {long_date(day)}: "
            f"check the dates in the interventions configuration"
        )


RULE_FIELDS = {f.name for f in fields(InterventionRule)}
PERIOD_FIELDS = {"default", "min", "max", "max_extended", "review_after", "review_within"}


def load_intervention_rules(path: Path | None = None) -> InterventionRules:
    """Read and check the dated rules; a mistake in the file stops here, not mid-case."""
    path = path or DEFAULT_RULES_PATH
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InterventionConfigError(f"Cannot read the rules in {path}: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise InterventionConfigError(f'{path} must be an object with a "rules" list')
    rules = tuple(_parse_rule(raw, number) for number, raw in enumerate(document["rules"], 1))
    seen: set[tuple[InterventionKind, date]] = set()
    for rule in rules:
        key = (rule.kind, rule.effective_from)
        if key in seen:
            raise InterventionConfigError(
                f"Two rules for {rule.kind} start on {rule.effective_from}: keep one"
            )
        seen.add(key)
    return InterventionRules(rules)


def _parse_rule(raw: Any, number: int) -> InterventionRule:
    where = f"Rule {number}"
    if not isinstance(raw, dict):
        raise InterventionConfigError(f"{where} must be an object")
    if raw.get("kind"):
        where = f"Rule {number} ({raw['kind']})"
    if unknown := set(raw) - RULE_FIELDS:
        raise InterventionConfigError(f"{where} has unknown fields: {', '.join(sorted(unknown))}")
    try:
        kind = InterventionKind(raw["kind"])
        effective_from = date.fromisoformat(raw["effective_from"])
        effective_to = date.fromisoformat(raw["effective_to"]) if raw.get("effective_to") else None
        rule = InterventionRule(
            kind=kind,
            effective_from=effective_from,
            effective_to=effective_to,
            legal_basis=raw.get("legal_basis", ""),
            legally_binding=_bool(raw, "legally_binding", default=True),
            min_age=_int(raw, "min_age"),
            requires_prior=frozenset(InterventionKind(k) for k in raw.get("requires_prior", [])),
            prior_described_as=raw.get("prior_described_as"),
            requires_conviction=_bool(raw, "requires_conviction"),
            appeal_days=_int(raw, "appeal_days"),
            fixed_penalty_max_gbp=_int(raw, "fixed_penalty_max_gbp"),
            hearing_within_hours=_int(raw, "hearing_within_hours"),
            christmas_day_disregarded=_bool(raw, "christmas_day_disregarded"),
            order_max_duration=_period(raw.get("order_max_duration")),
            periods=_parse_periods(raw.get("periods", {})),
        )
    except KeyError as error:
        raise InterventionConfigError(f"{where} needs {error.args[0]}") from error
    except (ValueError, TypeError, AttributeError) as error:
        raise InterventionConfigError(f"{where}: {error}") from error
    if effective_to and effective_to < effective_from:
        raise InterventionConfigError(f"{where} ends before it starts")
    return rule


def _parse_periods(raw: dict[str, Any]) -> dict[AgeBand, PeriodLimits]:
    periods = {}
    for band_name, limits in raw.items():
        band = AgeBand(band_name)
        if unknown := set(limits) - PERIOD_FIELDS - {"indefinite_allowed"}:
            names = ", ".join(sorted(unknown))
            raise ValueError(f"periods.{band_name} has unknown fields: {names}")
        periods[band] = PeriodLimits(
            band=band,
            indefinite_allowed=_bool(limits, "indefinite_allowed"),
            **{name: _period(limits.get(name)) for name in PERIOD_FIELDS},
        )
    return periods


def _period(value: str | None) -> Period | None:
    return None if value is None else Period.parse(value)


def _int(raw: dict[str, Any], name: str) -> int | None:
    value = raw.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    return value


def _bool(raw: dict[str, Any], name: str, *, default: bool = False) -> bool:
    value = raw.get(name, default)
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, not {value!r}")
    return value


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
    _require_aware(issued_on, "issued_on")
    _require_aware(served_at, "served_at")
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


# Calendar arithmetic ---------------------------------------------------------------------------


def add_months(start: date, months: int) -> date:
    """The same day `months` calendar months on, or the month's last day if it is shorter."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return start.replace(year=year, month=month, day=min(start.day, _days_in(year, month)))


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_hours(start: datetime, hours: int, *, skip_christmas: bool = False) -> datetime:
    """Elapsed hours, right across a clock change, optionally not counting 25 December."""
    _require_aware(start, "start")
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


def london_day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        _require_aware(value, "the datetime")
        return value.astimezone(LONDON).date()
    return value


def long_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _require_aware(value: date | datetime | None, name: str) -> None:
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware")
