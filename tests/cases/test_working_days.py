from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from flask import Flask

from asb.calendar import (
    BankHolidayDataMissing,
    BankHolidays,
    add_working_days,
    is_working_day,
    working_day_on_or_before,
    working_days_between,
)
from asb.cases.working_days import load_bank_holidays


@pytest.fixture(scope="module")
def holidays() -> BankHolidays:
    return load_bank_holidays()


def test_packaged_data_covers_2017_to_2028(holidays):
    assert holidays.years == range(2017, 2029)
    assert len(holidays) == 99


@pytest.mark.parametrize(
    "day",
    [
        date(2017, 1, 2),  # New Year's Day on a Sunday, substitute Monday
        date(2022, 1, 3),  # New Year's Day on a Saturday, substitute Monday
        date(2028, 1, 3),
        date(2020, 5, 8),  # early May moved to Friday for VE day
        date(2022, 6, 2),  # spring bank holiday moved for the platinum jubilee
        date(2022, 6, 3),  # platinum jubilee
        date(2022, 9, 19),  # state funeral of Queen Elizabeth II
        date(2023, 5, 8),  # coronation of King Charles III
        date(2021, 12, 27),  # Christmas on a Saturday: substitute Monday
        date(2021, 12, 28),  # Boxing Day on a Sunday: substitute Tuesday
        date(2022, 12, 26),  # Christmas on a Sunday: Boxing Day Monday...
        date(2022, 12, 27),  # ...and the Christmas substitute Tuesday
        date(2026, 12, 28),  # Boxing Day on a Saturday: substitute Monday
        date(2025, 4, 18),  # Good Friday
        date(2025, 4, 21),  # Easter Monday
        date(2026, 4, 3),
        date(2026, 4, 6),
    ],
)
def test_bank_holidays_are_not_working_days(holidays, day):
    assert day.weekday() < 5
    assert not is_working_day(day, holidays)


@pytest.mark.parametrize(
    "day",
    [
        date(2020, 5, 4),  # the first Monday of May 2020, moved for VE day
        date(2022, 5, 30),  # the last Monday of May 2022, moved for the jubilee
        date(2026, 12, 24),
        date(2026, 12, 29),
    ],
)
def test_moved_and_ordinary_weekdays_are_working_days(holidays, day):
    assert is_working_day(day, holidays)


def test_weekends_are_not_working_days(holidays):
    assert not is_working_day(date(2026, 6, 6), holidays)
    assert not is_working_day(date(2026, 6, 7), holidays)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 6, 3), 0, date(2026, 6, 3)),  # a working day is its own day 0
        (date(2026, 6, 6), 0, date(2026, 6, 8)),  # Saturday: day 0 is Monday
        (date(2026, 6, 5), 1, date(2026, 6, 8)),  # "within one working day" of Friday: Monday
        (date(2026, 6, 6), 1, date(2026, 6, 9)),  # of Saturday: Tuesday
        (date(2026, 6, 3), 5, date(2026, 6, 10)),
        (date(2021, 12, 24), 1, date(2021, 12, 29)),
        (date(2022, 12, 23), 1, date(2022, 12, 28)),
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2025, 4, 17), 1, date(2025, 4, 22)),
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        (date(2022, 6, 1), 1, date(2022, 6, 6)),
        (date(2022, 5, 27), 4, date(2022, 6, 6)),  # Mon 30, Tue 31, Wed 1, (jubilee) Mon 6
    ],
)
def test_add_working_days_skips_weekends_and_bank_holidays(holidays, start, days, expected):
    assert add_working_days(start, days, holidays) == expected


def test_add_working_days_refuses_to_count_backwards(holidays):
    with pytest.raises(ValueError, match="forwards only"):
        add_working_days(date(2026, 6, 3), -1, holidays)


def test_working_day_on_or_before_steps_back_over_christmas(holidays):
    assert working_day_on_or_before(date(2026, 12, 28), holidays) == date(2026, 12, 24)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (date(2026, 6, 3), date(2026, 6, 3), 0),
        (date(2026, 6, 5), date(2026, 6, 8), 1),
        (date(2021, 12, 24), date(2021, 12, 29), 1),
        (date(2021, 12, 29), date(2021, 12, 24), -1),
        (date(2022, 5, 27), date(2022, 6, 6), 4),
    ],
)
def test_working_days_between(holidays, a, b, expected):
    assert working_days_between(a, b, holidays) == expected


def test_working_days_between_undoes_add_working_days(holidays):
    start = date(2026, 3, 30)
    for offset in range(60):
        day = start + timedelta(days=offset)
        if not is_working_day(day, holidays):
            continue
        for days in range(8):
            assert (
                working_days_between(day, add_working_days(day, days, holidays), holidays) == days
            )


@pytest.mark.parametrize("day", [date(2016, 12, 30), date(2029, 1, 2)])
def test_a_year_without_data_is_refused(holidays, day):
    with pytest.raises(BankHolidayDataMissing, match=str(day.year)):
        is_working_day(day, holidays)


def test_counting_into_a_year_without_data_is_refused(holidays):
    with pytest.raises(BankHolidayDataMissing, match="2029"):
        add_working_days(date(2028, 12, 29), 1, holidays)


def _write(tmp_path, events) -> object:
    path = tmp_path / "bank_holidays.json"
    path.write_text(json.dumps({"division": "england-and-wales", "events": events}))
    return path


def test_a_partly_entered_year_is_refused_when_loading(tmp_path):
    events = [{"title": "New Year's Day", "date": "2029-01-01", "notes": ""}]
    with pytest.raises(BankHolidayDataMissing, match="1 bank holidays in 2029"):
        load_bank_holidays(_write(tmp_path, events))


def test_the_path_comes_from_app_config(tmp_path):
    extra = [
        {"title": "Local holiday", "date": f"2030-01-{day:02}", "notes": ""} for day in range(1, 9)
    ]
    app = Flask(__name__)
    app.config["ASB_BANK_HOLIDAYS"] = str(_write(tmp_path, extra))
    with app.app_context():
        holidays = load_bank_holidays()
    assert holidays.years == range(2030, 2031)
    assert not is_working_day(date(2030, 1, 7), holidays)
