"""The retention schedule, from configuration (config/retention.json, or the file the
ASB_RETENTION_SCHEDULE setting names).

Each period is whole years from the day it counts from:
- closed_cases_years: from the day a case closed. The case's incidents, people's parts in it,
  notes, actions, interventions and documents go with it.
- incidents_no_further_action_years: from the day an incident not on any case was closed
  with no further action.
- incidents_left_open_years: from the last change to an incident not on any case that was
  never closed (new or triaged and left so).
- people_without_records_years: from the day a person record was made, for one linked to no
  incident or case. A person whose records have all been anonymised is anonymised with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from asb.settings import SettingsError, read_json, settings_loader

PERIODS = (
    "closed_cases_years",
    "incidents_no_further_action_years",
    "incidents_left_open_years",
    "people_without_records_years",
)
# No schedule keeps case records for less than a year or more than a lifetime.
SHORTEST_YEARS, LONGEST_YEARS = 1, 100


class RetentionScheduleError(SettingsError):
    pass


@dataclass(frozen=True)
class RetentionSchedule:
    closed_cases_years: int
    incidents_no_further_action_years: int
    incidents_left_open_years: int
    people_without_records_years: int

    def describe(self) -> list[tuple[str, str]]:
        """What is kept how long, in words, for the record of processing."""
        return [
            (
                "Closed cases, with their notes, actions, documents and linked incidents",
                f"{_years(self.closed_cases_years)} after the case closes",
            ),
            (
                "Incidents closed with no further action (not on a case)",
                f"{_years(self.incidents_no_further_action_years)} after they are closed",
            ),
            (
                "Incidents never closed or linked to a case",
                f"{_years(self.incidents_left_open_years)} after the last change",
            ),
            (
                "People",
                "Until every incident and case they are linked to has been anonymised; a record "
                f"linked to none, {_years(self.people_without_records_years)} after it was made",
            ),
        ]


def _years(count: int) -> str:
    return f"{count} year{'' if count == 1 else 's'}"


def load_schedule(path: Path) -> RetentionSchedule:
    data = read_json(path, RetentionScheduleError)
    if not isinstance(data, dict):
        raise RetentionScheduleError(f"{path} must be an object with {', '.join(PERIODS)}")
    problems = []
    for name in PERIODS:
        value = data.get(name)
        if name not in data:
            problems.append(f"missing {name!r}")
        elif (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not SHORTEST_YEARS <= value <= LONGEST_YEARS
        ):
            problems.append(
                f"{name} must be a whole number of years from {SHORTEST_YEARS} to {LONGEST_YEARS}"
            )
    if problems:
        raise RetentionScheduleError(f"{path}: " + "; ".join(problems))
    return RetentionSchedule(**{name: data[name] for name in PERIODS})


retention_schedule = settings_loader("ASB_RETENTION_SCHEDULE", load_schedule)
