"""Response targets per risk level: first contact, complainant updates and reviews.

The periods are configuration (config/response_targets.json), each with its unit, working
days or calendar days. The conventions:

- A deadline falls at the end of the working day, 17:00 in London.
- Counting starts from the London date of the event, whatever the time of day; working days
  follow `add_working_days` (a Friday report with one working day is due on Monday).
- A calendar-day deadline that lands on a weekend or bank holiday moves back to the working
  day before, so it never waits on a day nobody works; if that would be on or before the
  starting day, it moves forward to the next working day instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from asb.calendar import (
    LONDON,
    BankHolidays,
    add_working_days,
    is_working_day,
    working_day_on_or_after,
    working_day_on_or_before,
)
from asb.cases.risk import RiskLevel
from asb.settings import SettingsError, read_json, settings_loader, settings_path

END_OF_WORKING_DAY = time(17)
_MEASURES = ("first_contact", "complainant_update", "review")


class TargetsConfigError(SettingsError):
    pass


class DayUnit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


@dataclass(frozen=True)
class Period:
    days: int
    unit: DayUnit


@dataclass(frozen=True)
class ResponseTarget:
    first_contact: Period
    complainant_update: Period
    review: Period


def load_response_targets(path: Path | None = None) -> dict[RiskLevel, ResponseTarget]:
    """Read the targets: from `path` or the ASB_RESPONSE_TARGETS setting."""
    path = path or settings_path("ASB_RESPONSE_TARGETS")
    data = read_json(path, TargetsConfigError)
    levels = data.get("levels") if isinstance(data, dict) else None
    expected = {level.value for level in RiskLevel}
    if not isinstance(levels, dict) or set(levels) != expected:
        raise TargetsConfigError(
            f'{path} needs "levels" with targets for exactly {", ".join(sorted(expected))}'
        )
    problems: list[str] = []
    targets = {
        RiskLevel(level): _parse_target(entry, level, problems) for level, entry in levels.items()
    }
    if problems:
        raise TargetsConfigError(f"{path}: " + "; ".join(problems))
    return targets


response_targets = settings_loader("ASB_RESPONSE_TARGETS", load_response_targets)


def _parse_target(data: Any, level: str, problems: list[str]) -> ResponseTarget:
    if not isinstance(data, dict) or set(data) != set(_MEASURES):
        problems.append(f"{level} needs exactly {', '.join(_MEASURES)}")
    if not isinstance(data, dict):
        data = {}
    periods = {}
    for measure in _MEASURES:
        entry = data.get(measure)
        if not isinstance(entry, dict):
            entry = {}
        days, unit = entry.get("days"), entry.get("unit")
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            problems.append(f"{level} {measure} has days {days!r}; use a whole number of 1 or more")
        if unit not in {member.value for member in DayUnit}:
            problems.append(
                f'{level} {measure} has unit {unit!r}; use "working_days" or "calendar_days"'
            )
            unit = DayUnit.CALENDAR_DAYS
        periods[measure] = Period(days, DayUnit(unit))
    return ResponseTarget(**periods)


def first_contact_due(
    opened_at: datetime,
    level: RiskLevel,
    targets: dict[RiskLevel, ResponseTarget],
    holidays: BankHolidays,
) -> datetime:
    start = _london_date(opened_at, "opened_at")
    return _end_of_day(_due_date(start, targets[level].first_contact, holidays))


def next_update_due(
    last_update: datetime,
    level: RiskLevel,
    targets: dict[RiskLevel, ResponseTarget],
    holidays: BankHolidays,
) -> datetime:
    start = _london_date(last_update, "last_update")
    return _end_of_day(_due_date(start, targets[level].complainant_update, holidays))


def next_review_due(
    from_date: date,
    level: RiskLevel,
    targets: dict[RiskLevel, ResponseTarget],
    holidays: BankHolidays,
) -> date:
    return _due_date(from_date, targets[level].review, holidays)


def is_overdue(due: date | datetime, now: datetime) -> bool:
    """Say whether `due` has passed; a date is due by the end of its working day."""
    return _aware(now, "now") > _deadline(due)


def is_due_soon(due: date | datetime, now: datetime, within: timedelta = timedelta(days=2)) -> bool:
    return not is_overdue(due, now) and _deadline(due) - now <= within


def _due_date(start: date, period: Period, holidays: BankHolidays) -> date:
    if period.unit is DayUnit.WORKING_DAYS:
        return add_working_days(start, period.days, holidays)
    day = start + timedelta(days=period.days)
    if is_working_day(day, holidays):
        return day
    earlier = working_day_on_or_before(day, holidays)
    return earlier if earlier > start else working_day_on_or_after(day, holidays)


def _deadline(due: date | datetime) -> datetime:
    if isinstance(due, datetime):
        return _aware(due, "due")
    return _end_of_day(due)


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, END_OF_WORKING_DAY, tzinfo=LONDON)


def _london_date(value: datetime, name: str) -> date:
    return _aware(value, name).astimezone(LONDON).date()


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, not {value!r}")
    return value
