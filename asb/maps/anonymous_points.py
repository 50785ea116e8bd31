"""police.uk's anonymous map points, and records that lie just outside the area.

police.uk never publishes where a record happened: it moves each one to the nearest of a
fixed set of map points, named after a street ("On or near Middlesex Street") or, where a
point stands for a kind of place rather than a street, after that kind ("On or near Police
Station", "On or near Supermarket"). Dozens of records moved to one police station say
where the records were taken, not where the trouble was: a square whose incidents are
mostly at one such point is marked, and those points are listed apart from real places.

The kinds are the ones police.uk uses in the City's street-level files of January 2017 to
April 2025 (asb/demo/data and the monthly files behind it): every "On or near" text there
that names no street, road or station.

police.uk also gives each record the Lower layer Super Output Area (LSOA) its point lies
in. A point that recording accepted within the boundary tolerance but that lies in a
neighbouring borough's LSOA (Baltic Street West in Islington, Fleet Street's west end in
Westminster) is an edge case: counted apart, never added to the nearest ward. A partnership
record has no LSOA: a strict point-in-polygon test decides for it (Incident.outside_city_edge).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_

from asb.incidents.models import Incident
from asb.incidents.vocabulary import IncidentSource

KINDS_OF_PLACE = (
    "Bus/Coach Station",
    "Conference/Exhibition Centre",
    "Ferry Terminal",
    "Further/Higher Educational Building",
    "Hospital",
    "Nightclub",
    "Park/Open Space",
    "Parking Area",
    "Pedestrian Subway",
    "Petrol Station",
    "Police Station",
    "Shopping Area",
    "Sports/Recreation Area",
    "Supermarket",
    "Theatre/Concert Hall",
)
ANONYMOUS_POINTS = tuple(f"On or near {kind}" for kind in KINDS_OF_PLACE)
# A square or hotspot is marked when more than this share of its incidents are at one point.
DOMINANT_SHARE = 0.5


def is_anonymous_point(place: str) -> bool:
    return place.strip() in ANONYMOUS_POINTS


def at_anonymous_point() -> ColumnElement[bool]:
    """A police.uk record placed at one of police.uk's anonymous points."""
    return and_(
        Incident.source == IncidentSource.POLICE_UK,
        Incident.location_description.in_(ANONYMOUS_POINTS),
    )


def outside_the_area() -> ColumnElement[bool]:
    """A record accepted by the boundary tolerance but lying just outside the area.

    Stored on each incident when it is placed (Incident.outside_city_edge): a police.uk
    record by its LSOA's name, any other by a strict point-in-polygon test, so both go
    one way in every count.
    """
    return Incident.outside_city_edge.is_(True)


@dataclass(frozen=True)
class AnonymousShare:
    """The busiest anonymous point among some incidents, and how many they are."""

    place: str
    records: int
    incidents: int

    @property
    def dominant(self) -> bool:
        return self.incidents > 0 and self.records / self.incidents > DOMINANT_SHARE


def busiest_point(records: dict[str, int], incidents: int) -> AnonymousShare | None:
    """The point with most records among ``records`` (records by point), if any."""
    if not records:
        return None
    place, count = min(records.items(), key=lambda item: (-item[1], item[0]))
    return AnonymousShare(place, count, incidents)
