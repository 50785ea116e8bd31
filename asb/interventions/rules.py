"""The interventions register: the tools and powers of the ASB, Crime and Policing Act 2014.

Statutory amounts, durations and clocks live in dated configuration
(asb/interventions/config/interventions.json), not here, because the law is changing. Each
rule applies from its `effective_from` date (and up to and including `effective_to`, if set);
an intervention follows the newest rule of its kind in force on its issue date, so a later
rule never changes the clocks of interventions issued before it (asb/interventions/clocks.py
works them out). A rule's fields:

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

import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from asb.calendar import add_months, london_day, long_date
from asb.enums import LabelledEnum
from asb.settings import SettingsError, read_json, settings_loader, settings_path


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


class InterventionConfigError(SettingsError):
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
    path = path or settings_path("ASB_INTERVENTION_RULES")
    document = read_json(path, InterventionConfigError)
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


intervention_rules = settings_loader("ASB_INTERVENTION_RULES", load_intervention_rules)


def require_aware(value: date | datetime | None, name: str) -> None:
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware")
