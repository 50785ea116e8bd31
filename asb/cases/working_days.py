"""Working days in England and Wales: Monday to Friday, except bank holidays.

Bank holidays are data (config/bank_holidays.json), not rules, because they are moved and
added by proclamation (the 2022 jubilee, the 2023 coronation). Asking about a year the data
does not cover raises `BankHolidayDataMissing` rather than quietly treating it as having none.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

from flask import current_app, has_app_context

DEFAULT_PATH = Path(__file__).parent / "config" / "bank_holidays.json"

# England and Wales never has fewer in a year; fewer means the year is only partly entered.
_FEWEST_IN_A_YEAR = 8
_DAY = timedelta(days=1)


class BankHolidayDataMissing(LookupError):
    pass


class BankHolidays(frozenset[date]):
    """Bank holiday dates that know which years they cover."""

    years: range

    def __new__(cls, dates: Iterable[date], years: range) -> BankHolidays:
        holidays = super().__new__(cls, dates)
        holidays.years = years
        return holidays

    def check_covers(self, day: date) -> None:
        if day.year not in self.years:
            raise BankHolidayDataMissing(
                f"There is no bank holiday data for {day.year} (it covers "
                f"{self.years.start} to {self.years.stop - 1}): add that year's England and "
                "Wales bank holidays from GOV.UK to the bank holidays file"
            )


def load_bank_holidays(path: Path | None = None) -> BankHolidays:
    """Read the bank holidays: from `path`, the ASB_BANK_HOLIDAYS setting, or the default.

    The file has the shape of GOV.UK's bank-holidays.json for one division; the years
    covered run from the first event's year to the last.
    """
    if path is None:
        path = _configured_path()
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    dates = [date.fromisoformat(event["date"]) for event in data["events"]]
    if not dates:
        raise BankHolidayDataMissing(f"{path} lists no bank holidays")
    years = range(min(dates).year, max(dates).year + 1)
    for year in years:
        count = sum(1 for day in dates if day.year == year)
        if count < _FEWEST_IN_A_YEAR:
            raise BankHolidayDataMissing(
                f"{path} lists {count} bank holidays in {year}; England and Wales has at least "
                f"{_FEWEST_IN_A_YEAR} a year, so that year is incomplete"
            )
    return BankHolidays(dates, years)


def _configured_path() -> Path:
    if has_app_context():
        return Path(current_app.config.get("ASB_BANK_HOLIDAYS") or DEFAULT_PATH)
    return DEFAULT_PATH


def is_working_day(day: date, holidays: BankHolidays) -> bool:
    holidays.check_covers(day)
    return day.weekday() < 5 and day not in holidays


def working_day_on_or_after(day: date, holidays: BankHolidays) -> date:
    while not is_working_day(day, holidays):
        day += _DAY
    return day


def working_day_on_or_before(day: date, holidays: BankHolidays) -> date:
    while not is_working_day(day, holidays):
        day -= _DAY
    return day


def add_working_days(start: date, days: int, holidays: BankHolidays) -> date:
    """Count `days` working days on from `start`.

    Something that arrives on a weekend or bank holiday is taken to arrive on the next
    working day, and the day it arrives is day 0: so 0 days is that day, and "within one
    working day" of a Friday (or a Saturday) is the Monday (or the Tuesday).
    """
    if days < 0:
        raise ValueError(f"Cannot add {days} working days: count forwards only")
    day = working_day_on_or_after(start, holidays)
    for _ in range(days):
        day = working_day_on_or_after(day + _DAY, holidays)
    return day


def working_days_between(a: date, b: date, holidays: BankHolidays) -> int:
    """Count the working days after `a` up to and including `b`; negative if `b` is earlier.

    For a working day `a`, working_days_between(a, add_working_days(a, n)) == n.
    """
    if b < a:
        return -working_days_between(b, a, holidays)
    count = 0
    day = a + _DAY
    while day <= b:
        count += is_working_day(day, holidays)
        day += _DAY
    return count
