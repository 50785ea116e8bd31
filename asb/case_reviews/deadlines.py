"""The City's ASB Case Review procedure: its threshold and its deadlines, from configuration.

Each partnership publishes its own procedure, so the numbers live in config/case_review.json
(or the file named by the ASB_CASE_REVIEW_CONFIG setting), not in code. Deadlines count
working days with `add_working_days`: an application received on a weekend or bank holiday
is taken to arrive on the next working day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from asb.calendar import BankHolidayDataMissing, BankHolidays, add_working_days
from asb.case_reviews.models import CaseReviewApplication
from asb.case_reviews.threshold import months_words
from asb.settings import SettingsError, read_json, settings_loader, settings_path

# Section 104(4): the threshold may be set lower than three qualifying complaints, never higher.
MOST_COMPLAINTS_THE_LAW_ALLOWS = 3
_THRESHOLD_KEYS = (
    "qualifying_complaints",
    "complaint_within_months_of_behaviour",
    "application_within_months_of_complaint",
)
_DEADLINE_KEYS = ("acknowledge", "threshold_decision", "meeting", "response")


class CaseReviewConfigError(SettingsError):
    pass


@dataclass(frozen=True)
class CaseReviewSettings:
    qualifying_complaints: int = 3
    complaint_within_months_of_behaviour: int = 1
    application_within_months_of_complaint: int = 6
    acknowledge_days: int = 5
    threshold_decision_days: int = 10
    meeting_days: int = 20
    response_days: int = 5

    def describe_threshold(self) -> str:
        required = self.qualifying_complaints
        return (
            f"{required} qualifying complaint{'' if required == 1 else 's'} about separate "
            f"behaviour, each made within "
            f"{months_words(self.complaint_within_months_of_behaviour)} of the behaviour, with "
            f"the application made within "
            f"{months_words(self.application_within_months_of_complaint)} of the complaint"
        )


def load_settings(path: Path | None = None) -> CaseReviewSettings:
    """Read the procedure: from `path` or the ASB_CASE_REVIEW_CONFIG setting."""
    path = path or settings_path("ASB_CASE_REVIEW_CONFIG")
    data = read_json(path, CaseReviewConfigError)
    if not isinstance(data, dict):
        raise CaseReviewConfigError(f'{path} needs "threshold" and "deadlines"')
    problems: list[str] = []
    threshold = _numbers(data.get("threshold"), "threshold", _THRESHOLD_KEYS, problems)
    deadlines = _numbers(data.get("deadlines"), "deadlines", _DEADLINE_KEYS, problems)
    required = threshold.get("qualifying_complaints")
    if isinstance(required, int) and required > MOST_COMPLAINTS_THE_LAW_ALLOWS:
        problems.append(
            f"threshold qualifying_complaints is {required}; section 104(4) allows at most "
            f"{MOST_COMPLAINTS_THE_LAW_ALLOWS}"
        )
    if problems:
        raise CaseReviewConfigError(f"{path}: " + "; ".join(problems))
    return CaseReviewSettings(
        **threshold,
        acknowledge_days=deadlines["acknowledge"],
        threshold_decision_days=deadlines["threshold_decision"],
        meeting_days=deadlines["meeting"],
        response_days=deadlines["response"],
    )


case_review_settings = settings_loader("ASB_CASE_REVIEW_CONFIG", load_settings)


def _numbers(section: Any, name: str, keys: tuple[str, ...], problems: list[str]) -> dict:
    if not isinstance(section, dict) or set(section) != set(keys):
        problems.append(f"{name} needs exactly {', '.join(keys)}")
        return {}
    for key in keys:
        value = section[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(f"{name} {key} is {value!r}; use a whole number of 1 or more")
    return section


@dataclass(frozen=True)
class Deadline:
    label: str
    due_on: date | None  # None until the step it counts from has happened
    done_on: date | None
    overdue: bool
    note: str | None = None

    @property
    def done_late(self) -> bool:
        return bool(self.done_on and self.due_on and self.done_on > self.due_on)


def deadlines(
    application: CaseReviewApplication,
    *,
    today: date,
    settings: CaseReviewSettings,
    holidays: BankHolidays,
) -> dict[str, Deadline]:
    """Each step's due date, when it was done, and whether it is overdue.

    The meeting is left out when the threshold was not met: the response then tells the
    applicant the decision, and counts from it.
    """
    app = application
    steps: dict[str, tuple[str, date | None, int, date | None]] = {
        "acknowledge": (
            "Acknowledge the application",
            app.received_on,
            settings.acknowledge_days,
            app.acknowledged_on,
        ),
        "threshold_decision": (
            "Decide whether the threshold is met",
            app.received_on,
            settings.threshold_decision_days,
            app.threshold_decided_on,
        ),
    }
    if app.threshold_met is False:
        steps["response"] = (
            "Tell the applicant the decision",
            app.threshold_decided_on,
            settings.response_days,
            app.response_sent_on,
        )
    else:
        steps["meeting"] = (
            "Hold the review meeting",
            app.threshold_decided_on,
            settings.meeting_days,
            app.meeting_on,
        )
        steps["response"] = (
            "Send the response to the applicant",
            app.meeting_on,
            settings.response_days,
            app.response_sent_on,
        )
    result = {}
    for key, (label, start, days, done_on) in steps.items():
        due_on, note = None, None
        if start is not None:
            try:
                due_on = add_working_days(start, days, holidays)
            except BankHolidayDataMissing as error:
                note = str(error)
        overdue = done_on is None and due_on is not None and due_on < today
        result[key] = Deadline(label, due_on, done_on, overdue, note)
    return result


def next_deadline(steps: dict[str, Deadline]) -> Deadline | None:
    """The first step not yet done that has a date: what the review is waiting on."""
    return next((step for step in steps.values() if step.done_on is None and step.due_on), None)
