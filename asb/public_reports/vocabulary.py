"""Where a public report came from and where it stands."""

from __future__ import annotations

from asb.enums import LabelledEnum


class PublicReportChannel(LabelledEnum):
    WEB = "web", "Report form on the website"
    OPEN311 = "open311", "Open311 (another council system)"
    API = "api", "asb API"


class PublicReportStatus(LabelledEnum):
    AWAITING_TRIAGE = "awaiting-triage", "Awaiting triage"
    ACCEPTED = "accepted", "Accepted as an incident"
    MERGED = "merged", "Added to an existing incident"
    CLOSED = "closed", "Closed: not anti-social behaviour"

    @property
    def is_open(self) -> bool:
        return self is PublicReportStatus.AWAITING_TRIAGE

    @property
    def tag_colour(self) -> str:
        return {
            PublicReportStatus.AWAITING_TRIAGE: "blue",
            PublicReportStatus.ACCEPTED: "green",
            PublicReportStatus.MERGED: "purple",
            PublicReportStatus.CLOSED: "grey",
        }[self]
