"""Where a public report came from and where it stands."""

from __future__ import annotations

from asb.enums import LabelledEnum
from asb.incidents.vocabulary import Category


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


# The kinds of anti-social behaviour the public may report, in their words, in the order
# the form offers them. A report of something else comes without a category.
PUBLIC_CATEGORY_LABELS: dict[Category, str] = {
    Category.NOISE: "Noise, like loud music, parties or shouting",
    Category.ROWDY_NEIGHBOURS: "Nuisance neighbours",
    Category.ROWDY_BEHAVIOUR: "Rowdy or intimidating behaviour in a public place",
    Category.STREET_DRINKING: "Street drinking",
    Category.BEGGING: "Begging",
    Category.LITTERING_DRUGS: "Litter, or needles and other drug litter",
    Category.VEHICLE_NUISANCE: "Vehicles driven or used as a nuisance",
    Category.VEHICLE_ABANDONED: "An abandoned vehicle",
    Category.ANIMAL_PROBLEMS: "Problems with animals, like an out-of-control dog",
    Category.FIREWORKS: "Fireworks",
    Category.TRESPASS: "Trespass",
    Category.NUISANCE_COMMUNICATIONS: "Nuisance or abusive calls, messages or letters",
    Category.PROSTITUTION: "Soliciting or kerb-crawling",
}
SOMETHING_ELSE = "something-else"
