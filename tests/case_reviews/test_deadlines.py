"""The review's deadlines: configured in working days, counted across weekends and bank holidays."""

from __future__ import annotations

import json
from datetime import date

import pytest

from asb.case_reviews.deadlines import (
    CaseReviewConfigError,
    CaseReviewSettings,
    deadlines,
    load_settings,
    next_deadline,
)
from asb.case_reviews.models import CaseReviewApplication
from asb.cases.working_days import load_bank_holidays

SETTINGS = CaseReviewSettings()


@pytest.fixture(scope="module")
def holidays():
    return load_bank_holidays()


def application(**fields) -> CaseReviewApplication:
    fields.setdefault("received_on", date(2026, 12, 23))
    return CaseReviewApplication(**fields)


def due(app: CaseReviewApplication, holidays, today=date(2026, 12, 23)) -> dict[str, date | None]:
    steps = deadlines(app, today=today, settings=SETTINGS, holidays=holidays)
    return {key: step.due_on for key, step in steps.items()}


def test_the_default_procedure():
    assert load_settings() == CaseReviewSettings(
        qualifying_complaints=3,
        complaint_within_months_of_behaviour=1,
        application_within_months_of_complaint=6,
        acknowledge_days=5,
        threshold_decision_days=10,
        meeting_days=20,
        response_days=5,
    )


def test_received_just_before_christmas_2026(holidays):
    # Wed 23 Dec 2026. Not working days: Fri 25 Dec, Mon 28 Dec (Boxing Day's substitute),
    # Fri 1 Jan 2027 and the weekends. Working days: Thu 24, Tue 29, Wed 30, Thu 31, Mon 4 Jan.
    assert due(application(), holidays) == {
        "acknowledge": date(2027, 1, 4),
        "threshold_decision": date(2027, 1, 11),
        "meeting": None,
        "response": None,
    }


def test_received_on_a_bank_holiday_counts_from_the_next_working_day(holidays):
    # Sat 26 Dec 2026 is taken as Tue 29 Dec: Wed 30, Thu 31, Mon 4, Tue 5, Wed 6 Jan.
    assert due(application(received_on=date(2026, 12, 26)), holidays)["acknowledge"] == date(
        2027, 1, 6
    )


def test_meeting_and_response_count_from_the_step_before(holidays):
    app = application(threshold_met=True, threshold_decided_on=date(2027, 1, 11))
    assert due(app, holidays)["meeting"] == date(2027, 2, 8)
    # A meeting on Wed 24 Mar 2027, before Good Friday (26 Mar) and Easter Monday (29 Mar).
    app.meeting_on = date(2027, 3, 24)
    assert due(app, holidays)["response"] == date(2027, 4, 2)


def test_when_the_threshold_is_not_met_the_response_counts_from_the_decision(holidays):
    app = application(threshold_met=False, threshold_decided_on=date(2027, 1, 6))
    steps = deadlines(app, today=date(2027, 1, 6), settings=SETTINGS, holidays=holidays)
    assert list(steps) == ["acknowledge", "threshold_decision", "response"]
    assert steps["response"].label == "Tell the applicant the decision"
    assert steps["response"].due_on == date(2027, 1, 13)


def test_overdue_steps_are_flagged_until_done(holidays):
    app = application(acknowledged_on=date(2027, 1, 5))
    steps = deadlines(app, today=date(2027, 1, 12), settings=SETTINGS, holidays=holidays)
    assert steps["acknowledge"].overdue is False
    assert steps["acknowledge"].done_late is True
    assert steps["threshold_decision"].overdue is True
    assert next_deadline(steps).label == "Decide whether the threshold is met"
    on_the_day = deadlines(app, today=date(2027, 1, 11), settings=SETTINGS, holidays=holidays)
    assert on_the_day["threshold_decision"].overdue is False


def test_local_deadlines_come_from_the_configuration(tmp_path, holidays):
    path = tmp_path / "case_review.json"
    path.write_text(
        json.dumps(
            {
                "threshold": {
                    "qualifying_complaints": 2,
                    "complaint_within_months_of_behaviour": 1,
                    "application_within_months_of_complaint": 6,
                },
                "deadlines": {
                    "acknowledge": 2,
                    "threshold_decision": 5,
                    "meeting": 15,
                    "response": 3,
                },
            }
        )
    )
    settings = load_settings(path)
    assert settings.qualifying_complaints == 2
    steps = deadlines(application(), today=date(2026, 12, 23), settings=settings, holidays=holidays)
    assert steps["acknowledge"].due_on == date(2026, 12, 29)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        ("[]", 'needs "threshold" and "deadlines"'),
        (
            '{"threshold": {"qualifying_complaints": 4, "complaint_within_months_of_behaviour": 1,'
            ' "application_within_months_of_complaint": 6}, "deadlines": {"acknowledge": 5,'
            ' "threshold_decision": 10, "meeting": 20, "response": 5}}',
            "section 104\\(4\\) allows at most 3",
        ),
        (
            '{"threshold": {"qualifying_complaints": 3, "complaint_within_months_of_behaviour": 1,'
            ' "application_within_months_of_complaint": 6}, "deadlines": {"acknowledge": 0,'
            ' "threshold_decision": 10, "meeting": 20, "response": 5}}',
            "deadlines acknowledge is 0",
        ),
        (
            '{"threshold": {"qualifying_complaints": 3}, "deadlines": {}}',
            "threshold needs exactly",
        ),
    ],
)
def test_a_broken_configuration_is_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "case_review.json"
    path.write_text(content)
    with pytest.raises(CaseReviewConfigError, match=message):
        load_settings(path)
