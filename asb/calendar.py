"""Time in the City: London's clock, calendar months and working days.

Moments are stored in UTC; people in the City count in London dates, so "today", "the day
it happened" and a deadline's day are all read on London's clock here, and nowhere else.

Working days are Monday to Friday except England and Wales bank holidays. The holidays are
data (the ASB_BANK_HOLIDAYS file), not rules, because they are moved and added by
proclamation (the 2022 jubilee, the 2023 coronation). Asking about a year the data does not
cover raises `BankHolidayDataMissing` rather than quietly treating it as having none.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
_DAY = timedelta(days=1)


def now_in_london() -> datetime:
    return datetime.now(UTC).astimezone(LONDON)


def today_in_london() -> date:
    return now_in_london().date()


def london_day(value: date | datetime) -> date:
    """The London date of a moment (a date is already one); a naive datetime is refused."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"{value!r} must be timezone-aware")
        return value.astimezone(LONDON).date()
    return value


def long_date(value: date | datetime) -> str:
    """A date as people in the City write it: 4 December 2026 (a moment's London date)."""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return f"{value.day} {value:%B %Y}"


def start_of_london_day(day: date) -> datetime:
    """Midnight in London at the start of `day` (23:00 or 00:00 UTC, by the season)."""
    return datetime.combine(day, time(0), tzinfo=LONDON)


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months on, or the month's last day if it is shorter.

    One month after 31 January is the last day of February; months may be negative.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# Working days -------------------------------------------------------------------------------


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
