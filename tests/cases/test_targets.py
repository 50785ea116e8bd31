from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from freezegun import freeze_time

from asb.calendar import BankHolidayDataMissing
from asb.cases.risk import RiskLevel
from asb.cases.targets import (
    LONDON,
    DayUnit,
    Period,
    ResponseTarget,
    TargetsConfigError,
    first_contact_due,
    is_due_soon,
    is_overdue,
    load_response_targets,
    next_review_due,
    next_update_due,
)
from asb.cases.working_days import load_bank_holidays

HIGH, MEDIUM, STANDARD = RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.STANDARD


@pytest.fixture(scope="module")
def holidays():
    return load_bank_holidays()


@pytest.fixture(scope="module")
def targets():
    return load_response_targets()


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_the_default_targets(targets):
    assert targets[HIGH] == ResponseTarget(
        first_contact=Period(1, DayUnit.WORKING_DAYS),
        complainant_update=Period(7, DayUnit.CALENDAR_DAYS),
        review=Period(14, DayUnit.CALENDAR_DAYS),
    )
    assert targets[MEDIUM].first_contact == Period(3, DayUnit.WORKING_DAYS)
    assert targets[MEDIUM].review == Period(28, DayUnit.CALENDAR_DAYS)
    assert targets[STANDARD].first_contact == Period(5, DayUnit.WORKING_DAYS)
    assert targets[STANDARD].complainant_update == Period(28, DayUnit.CALENDAR_DAYS)


@pytest.mark.parametrize(
    ("opened_at", "level", "due"),
    [
        # Christmas Eve 2026 is a Thursday: Fri 25, the weekend and Mon 28 (Boxing Day's
        # substitute) are not working days.
        (london(2026, 12, 24, 16, 0), HIGH, london(2026, 12, 29, 17, 0)),
        # "Within one working day" of a Friday afternoon is Monday.
        (london(2026, 6, 5, 15, 30), HIGH, london(2026, 6, 8, 17, 0)),
        # Just after midnight on Saturday in London is still Friday in UTC.
        (datetime(2026, 6, 5, 23, 30, tzinfo=UTC), HIGH, london(2026, 6, 9, 17, 0)),
        # Wed 1 Apr 2026: Thu 2, then Good Friday and Easter Monday, then Tue 7, Wed 8.
        (london(2026, 4, 1, 10, 0), MEDIUM, london(2026, 4, 8, 17, 0)),
        # Opened on the spring bank holiday: day 0 is Tue 26 May, five on is Tue 2 June.
        (london(2026, 5, 25, 9, 0), STANDARD, london(2026, 6, 2, 17, 0)),
    ],
)
def test_first_contact_is_due_at_the_end_of_a_working_day(targets, holidays, opened_at, level, due):
    assert first_contact_due(opened_at, level, targets, holidays) == due


def test_first_contact_due_is_an_aware_london_time(targets, holidays):
    due = first_contact_due(london(2026, 6, 5, 15, 30), HIGH, targets, holidays)
    assert due.tzinfo is LONDON
    assert due.astimezone(UTC) == datetime(2026, 6, 8, 16, 0, tzinfo=UTC)


def test_a_naive_datetime_is_refused(targets, holidays):
    with pytest.raises(ValueError, match="timezone-aware"):
        first_contact_due(datetime(2026, 6, 5, 15, 30), HIGH, targets, holidays)


def test_dates_beyond_the_bank_holiday_data_are_refused(targets, holidays):
    with pytest.raises(BankHolidayDataMissing, match="2029"):
        first_contact_due(london(2028, 12, 29, 10, 0), HIGH, targets, holidays)


@pytest.mark.parametrize(
    ("last_update", "level", "due"),
    [
        (london(2026, 12, 1, 11, 0), HIGH, london(2026, 12, 8, 17, 0)),
        # 14 days after Mon 14 Dec 2026 is Mon 28 Dec, a bank holiday: back to Thu 24 Dec.
        (london(2026, 12, 14, 11, 0), MEDIUM, london(2026, 12, 24, 17, 0)),
        # 28 days after Sun 11 Oct 2026 is a Sunday: back to Fri 6 Nov.
        (london(2026, 10, 11, 9, 0), STANDARD, london(2026, 11, 6, 17, 0)),
    ],
)
def test_next_complainant_update(targets, holidays, last_update, level, due):
    assert next_update_due(last_update, level, targets, holidays) == due


@pytest.mark.parametrize(
    ("from_date", "level", "due"),
    [
        (date(2026, 7, 1), STANDARD, date(2026, 7, 29)),
        (date(2026, 7, 1), HIGH, date(2026, 7, 15)),
        # 14 days after Sun 5 July is a Sunday: the Friday before.
        (date(2026, 7, 5), HIGH, date(2026, 7, 17)),
        # 14 days after Mon 14 Dec 2026 is Mon 28 Dec, Boxing Day's substitute.
        (date(2026, 12, 14), HIGH, date(2026, 12, 24)),
        # 28 days after Fri 6 Mar 2026 is Good Friday.
        (date(2026, 3, 6), MEDIUM, date(2026, 4, 2)),
    ],
)
def test_a_review_on_a_non_working_day_moves_to_the_working_day_before(
    targets, holidays, from_date, level, due
):
    assert next_review_due(from_date, level, targets, holidays) == due


def write_targets(tmp_path, **high) -> object:
    default = {"days": 28, "unit": "calendar_days"}
    levels = {
        level: {"first_contact": default, "complainant_update": default, "review": default}
        for level in ("high", "medium", "standard")
    }
    levels["high"] = levels["high"] | high
    path = tmp_path / "response_targets.json"
    path.write_text(json.dumps({"levels": levels}))
    return path


def test_a_review_never_moves_back_to_the_day_it_counts_from(tmp_path, holidays):
    targets = load_response_targets(
        write_targets(tmp_path, review={"days": 1, "unit": "calendar_days"})
    )
    # Fri 4 Dec + 1 is Saturday; the working day before is the Friday itself, so Monday.
    assert next_review_due(date(2026, 12, 4), HIGH, targets, holidays) == date(2026, 12, 7)


def test_targets_in_working_days_from_a_custom_file(tmp_path, holidays):
    targets = load_response_targets(
        write_targets(
            tmp_path,
            review={"days": 10, "unit": "working_days"},
            complainant_update={"days": 2, "unit": "working_days"},
        )
    )
    # Ten working days from Fri 18 Dec 2026 skip 25 and 28 Dec and 1 Jan 2027.
    assert next_review_due(date(2026, 12, 18), HIGH, targets, holidays) == date(2027, 1, 6)
    assert next_update_due(london(2026, 12, 24, 9, 0), HIGH, targets, holidays) == london(
        2026, 12, 30, 17, 0
    )


def test_the_path_comes_from_app_config(tmp_path):
    app = Flask(__name__)
    app.config["ASB_RESPONSE_TARGETS"] = str(
        write_targets(tmp_path, first_contact={"days": 2, "unit": "calendar_days"})
    )
    with app.app_context():
        targets = load_response_targets()
    assert targets[HIGH].first_contact == Period(2, DayUnit.CALENDAR_DAYS)


@pytest.mark.parametrize(
    ("high", "message"),
    [
        ({"review": {"days": 14, "unit": "weeks"}}, "has unit 'weeks'"),
        ({"review": {"days": 0, "unit": "calendar_days"}}, "has days 0"),
        ({"review": {"days": "14", "unit": "calendar_days"}}, "has days '14'"),
        ({"review": None}, "high review has days None"),
        ({"reviews": {"days": 14, "unit": "calendar_days"}}, "high needs exactly"),
    ],
)
def test_bad_targets_are_refused(tmp_path, high, message):
    with pytest.raises(TargetsConfigError) as caught:
        load_response_targets(write_targets(tmp_path, **high))
    assert message in str(caught.value)


def test_targets_for_every_level_are_required(tmp_path):
    path = tmp_path / "response_targets.json"
    path.write_text(json.dumps({"levels": {"high": {}}}))
    with pytest.raises(TargetsConfigError, match="exactly high, medium, standard"):
        load_response_targets(path)


DUE = london(2026, 12, 29, 17, 0)


@pytest.mark.parametrize(
    ("now", "overdue", "due_soon"),
    [
        ("2026-12-26 12:00", False, False),
        ("2026-12-27 17:00", False, True),
        ("2026-12-29 16:59", False, True),
        ("2026-12-29 17:00", False, True),
        ("2026-12-29 17:01", True, False),
    ],
)
def test_overdue_and_due_soon(now, overdue, due_soon):
    # London is on GMT in December, so these UTC times are London times.
    with freeze_time(now):
        current = datetime.now(UTC)
        assert is_overdue(DUE, current) is overdue
        assert is_due_soon(DUE, current) is due_soon


def test_a_date_is_due_by_the_end_of_its_working_day():
    review = date(2026, 7, 17)
    # 16:30 in London during British Summer Time is 15:30 UTC.
    assert not is_overdue(review, datetime(2026, 7, 17, 15, 30, tzinfo=UTC))
    assert is_overdue(review, datetime(2026, 7, 17, 16, 30, tzinfo=UTC))


def test_due_soon_window_can_be_changed():
    now = DUE - timedelta(days=5)
    assert not is_due_soon(DUE, now)
    assert is_due_soon(DUE, now, within=timedelta(days=7))


def test_a_naive_now_is_refused():
    with pytest.raises(ValueError, match="now must be a timezone-aware"):
        is_overdue(DUE, datetime(2026, 12, 29, 18, 0))
