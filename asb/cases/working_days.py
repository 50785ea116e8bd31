"""The bank holidays file (ASB_BANK_HOLIDAYS); the working-day arithmetic is asb.calendar's."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from asb.calendar import BankHolidayDataMissing, BankHolidays
from asb.settings import read_json, settings_loader, settings_path

# England and Wales never has fewer in a year; fewer means the year is only partly entered.
_FEWEST_IN_A_YEAR = 8


def load_bank_holidays(path: Path | None = None) -> BankHolidays:
    """Read the bank holidays: from `path` or the ASB_BANK_HOLIDAYS setting.

    The file has the shape of GOV.UK's bank-holidays.json for one division; the years
    covered run from the first event's year to the last.
    """
    path = path or settings_path("ASB_BANK_HOLIDAYS")
    data = read_json(path)
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


bank_holidays = settings_loader("ASB_BANK_HOLIDAYS", load_bank_holidays)
