"""Time in the City (asb.calendar) and the partnership's settings files (asb.settings)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from asb.calendar import (
    LONDON,
    add_months,
    london_day,
    long_date,
    now_in_london,
    start_of_london_day,
    today_in_london,
)
from asb.case_reviews.deadlines import case_review_settings
from asb.settings import SettingsError, read_json, settings_path
from config import Config


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 12, 3), 1, date(2027, 1, 3)),
        (date(2026, 3, 31), 6, date(2026, 9, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2025, 3, 15), 3, date(2025, 6, 15)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2026, 5, 31), -3, date(2026, 2, 28)),
        (date(2026, 1, 31), -12, date(2025, 1, 31)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
    ],
)
def test_months_are_calendar_months_ending_on_a_short_months_last_day(day, months, expected):
    assert add_months(day, months) == expected


def test_a_london_day_begins_at_london_midnight_in_summer_and_winter():
    assert start_of_london_day(date(2026, 7, 1)).astimezone(UTC) == datetime(
        2026, 6, 30, 23, 0, tzinfo=UTC
    )
    assert start_of_london_day(date(2026, 12, 1)).astimezone(UTC) == datetime(
        2026, 12, 1, 0, 0, tzinfo=UTC
    )


def test_a_moment_late_on_a_summer_evening_in_utc_is_the_next_london_day():
    assert london_day(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 7, 1)
    assert london_day(date(2026, 6, 30)) == date(2026, 6, 30)
    with pytest.raises(ValueError, match="timezone-aware"):
        london_day(datetime(2026, 6, 30, 23, 30))


def test_today_is_read_on_londons_clock():
    now = now_in_london()
    assert now.tzinfo is LONDON
    assert today_in_london() in {now.date(), london_day(datetime.now(UTC))}


def test_dates_read_as_people_in_the_city_write_them():
    assert long_date(date(2026, 12, 4)) == "4 December 2026"
    assert long_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"


# Settings files


def test_outside_an_app_a_setting_names_config_pys_default_file():
    path = settings_path("ASB_CASE_REVIEW_CONFIG")
    assert path == Path(Config.ASB_CASE_REVIEW_CONFIG)
    assert path.is_file()


def test_a_settings_file_that_cannot_be_read_is_named(tmp_path):
    with pytest.raises(SettingsError, match=f"cannot read {tmp_path / 'missing.json'}"):
        read_json(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{nope")
    with pytest.raises(SettingsError, match=f"{broken} is not valid JSON"):
        read_json(broken)


def test_case_review_settings_are_read_once_per_file(app, tmp_path, monkeypatch):
    path = tmp_path / "case_review.json"
    settings = json.loads(settings_path("ASB_CASE_REVIEW_CONFIG").read_text(encoding="utf-8"))
    settings["threshold"]["qualifying_complaints"] = 2
    path.write_text(json.dumps(settings))
    monkeypatch.setitem(app.config, "ASB_CASE_REVIEW_CONFIG", str(path))
    with app.app_context():
        first = case_review_settings()
        path.write_text("{ a typo made while the app runs")
        assert case_review_settings() is first
    assert first.qualifying_complaints == 2
