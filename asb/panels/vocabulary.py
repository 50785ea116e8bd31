"""The words of a panel meeting: its status and why a case is on its agenda."""

from __future__ import annotations

from asb.enums import LabelledEnum


class MeetingStatus(LabelledEnum):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"

    @property
    def tag_colour(self) -> str:
        return {"planned": "blue", "held": "green", "cancelled": "grey"}[self.value]


class AgendaReason(LabelledEnum):
    """Why a case is on the agenda: one of asb's suggestions, or the lead's own choice."""

    HIGH_RISK = "high-risk", "Open high-risk case"
    OVERDUE_WORK = "overdue-work", "Overdue review or actions"
    REPEAT_VICTIM = "repeat-victim", "Repeat victim"
    LEAD_CHOICE = "lead-choice", "Chosen by the ASB lead"
