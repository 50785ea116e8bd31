"""An incident reported again is still one incident: repeat victims, repeat locations, the
map's counts and Case Review complaints count it once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from asb.extensions import db
from asb.incidents.duplicates import add_report_to_incident
from asb.incidents.vocabulary import ReportingChannel
from asb.maps import analysis
from asb.maps import queries as map_queries
from asb.overview import repeats
from asb.overview.queries import OverviewFilters
from asb.people.prompts import case_review_prompt
from asb.people.victimisation import repeat_flag_for_incident, repeat_victims
from tests.factories import IncidentFactory, agency
from tests.maps.helpers import last_28_days

HOME = "Flat 3, 12 Crescent House, EC1Y 0SL"
NEIGHBOUR = "Flat 4, 12 Crescent House, EC1Y 0SL"


def days_ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def reported_again(incident, *, address: str | None = HOME, times: int = 1) -> None:
    for _ in range(times):
        add_report_to_incident(
            incident,
            channel=ReportingChannel.PHONE,
            reported_at=incident.occurred_from + timedelta(hours=1),
            description="It is happening again",
            reporter_anonymous=False,
            reporter_name="Sam Caller",
            reporter_address=address,
        )


def incident(days: float, **fields):
    fields.setdefault("reporter_address", HOME)
    fields.setdefault("victim_address", None)
    return IncidentFactory(occurred_from=days_ago(days), **fields)


def victims_at(address: str) -> list:
    key = "".join(character for character in address.lower() if character.isalnum())
    return [
        victim
        for victim in repeat_victims()
        if victim.address
        and "".join(character for character in victim.address.lower() if character.isalnum()) == key
    ]


def test_reporting_one_incident_three_times_makes_no_one_a_repeat_victim(db_session):
    once = incident(5)
    reported_again(once, times=2)
    db.session.commit()

    assert victims_at(HOME) == []
    assert repeat_flag_for_incident(once) is None
    assert case_review_prompt(once) is None


def test_an_incident_reported_again_from_the_same_address_counts_once(db_session):
    first = incident(30)
    reported_again(first, times=3)
    incident(20)
    incident(10)
    db.session.commit()

    (victim,) = victims_at(HOME)
    assert victim.count == 3
    assert len(set(victim.incident_ids)) == 3
    assert repeat_flag_for_incident(first).count == 3


def test_someone_who_reports_three_incidents_again_is_a_repeat_victim(db_session):
    """The neighbour never reported first, only again; three incidents make three."""
    incidents = [incident(days, reporter_address=None) for days in (30, 20, 10)]
    for each in incidents:
        reported_again(each, address=NEIGHBOUR, times=2)
    db.session.commit()

    (victim,) = victims_at(NEIGHBOUR)
    assert victim.count == 3
    assert repeat_flag_for_incident(incidents[0]).count == 3


def test_repeat_locations_count_incidents_not_reports(db_session, lead):
    place = "Golden Lane Estate, Crescent House"
    busy = incident(5, location_description=place)
    reported_again(busy, times=4)
    db.session.commit()

    assert repeats.repeat_locations(lead, OverviewFilters()).total == 0

    for days in (4, 3):
        reported_again(incident(days, location_description=place), times=2)
    db.session.commit()

    (location,) = repeats.repeat_locations(lead, OverviewFilters()).locations
    assert (location.incidents, location.complaints) == (3, 3)
    (on_the_map,) = map_queries.repeat_locations(lead, last_28_days())
    assert on_the_map.incidents == 3


def test_the_maps_grid_counts_an_incident_once(db_session, lead):
    counted = incident(5, recording_agency=agency("barbican"))
    reported_again(counted, times=3)
    db.session.commit()
    filters = last_28_days()

    counts = map_queries.grid_counts(lead, filters, analysis.periods(filters.start, filters.end))

    assert sum(count for cell, _, count in counts if cell == counted.grid_cell) == 1
