"""The retention schedule file: read and checked at start-up, like the other settings files."""

from __future__ import annotations

import json

import pytest

from asb import create_app
from asb.retention.schedule import RetentionScheduleError, load_schedule, retention_schedule
from config import StartupError

GOOD = {
    "closed_cases_years": 6,
    "incidents_no_further_action_years": 2,
    "incidents_left_open_years": 6,
    "people_without_records_years": 1,
}


def test_the_shipped_schedule_keeps_closed_cases_six_years_and_nfa_incidents_two(app):
    with app.app_context():
        schedule = retention_schedule()

    assert (schedule.closed_cases_years, schedule.incidents_no_further_action_years) == (6, 2)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closed_cases_years": None}, "missing 'closed_cases_years'"),
        ({"incidents_left_open_years": 0}, "incidents_left_open_years must be a whole number"),
        ({"incidents_left_open_years": "6"}, "incidents_left_open_years must be a whole number"),
        ({"people_without_records_years": True}, "people_without_records_years must be a whole"),
        ({"closed_cases_years": 6.5}, "closed_cases_years must be a whole number"),
    ],
)
def test_a_mistake_in_the_schedule_is_named(tmp_path, changes, message):
    data = {**GOOD, **changes}
    data = {name: value for name, value in data.items() if value is not None}
    path = tmp_path / "retention.json"
    path.write_text(json.dumps(data))

    with pytest.raises(RetentionScheduleError, match=message):
        load_schedule(path)


def test_a_broken_schedule_stops_start_up_naming_the_setting(tmp_path, database_url):
    path = tmp_path / "retention.json"
    path.write_text("{not json")

    with pytest.raises(StartupError, match="ASB_RETENTION_SCHEDULE"):
        create_app(
            "testing",
            {"SQLALCHEMY_DATABASE_URI": database_url, "ASB_RETENTION_SCHEDULE": str(path)},
        )
