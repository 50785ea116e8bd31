"""The overview's counts against hand counts on a few incidents placed by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from asb.auth.models import Role
from asb.calendar import start_of_london_day, today_in_london
from asb.cases.vocabulary import CaseStatus
from asb.incidents.vocabulary import Category, IncidentSource, IncidentStatus, ReportKind
from asb.overview import queries, repeats
from asb.overview.queries import Interval, OverviewFilters, Signal
from tests.factories import IncidentFactory, agency

AS_OF = date(2025, 11, 15)  # a Saturday, in GMT


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def police_uk(**fields):
    return IncidentFactory(
        source=IncidentSource.POLICE_UK,
        recording_agency=agency("city-police"),
        category=Category.ROWDY_BEHAVIOUR,
        **fields,
    )


def counts_by_start(over_time, signal=Signal.COMPLAINTS) -> dict[date, int]:
    return {row.start: row.counts[signal] for row in over_time.rows if row.counts[signal]}


# -- Periods ------------------------------------------------------------------------------------


def test_the_periods_are_the_whole_months_before_this_one_and_this_one_so_far():
    starts = queries.period_starts(Interval.MONTH, 12, AS_OF)
    assert starts[0] == date(2024, 11, 1)
    assert starts[-1] == date(2025, 11, 1)
    assert len(starts) == 13


def test_weeks_begin_on_mondays_from_the_week_the_period_starts_in():
    starts = queries.period_starts(Interval.WEEK, 3, AS_OF)
    assert starts[0] == date(2025, 7, 28)  # the Monday before Friday 1 August
    assert starts[-1] == date(2025, 11, 10)
    assert all(start.weekday() == 0 for start in starts)
    assert len(starts) == 16


def test_incidents_fall_in_the_london_month_across_month_boundaries_and_clock_changes(
    db_session, lead
):
    IncidentFactory(occurred_from=utc(2025, 1, 31, 23, 30))  # GMT: 31 January
    IncidentFactory(occurred_from=utc(2025, 2, 1, 0, 10))  # 1 February
    IncidentFactory(occurred_from=utc(2025, 3, 31, 22, 30))  # BST: 23:30 on 31 March
    IncidentFactory(occurred_from=utc(2025, 3, 31, 23, 30))  # BST: 00:30 on 1 April
    IncidentFactory(occurred_from=utc(2025, 9, 30, 23, 30))  # BST: 00:30 on 1 October
    IncidentFactory(occurred_from=utc(2025, 10, 31, 23, 30))  # GMT again: 31 October
    IncidentFactory(occurred_from=utc(2025, 11, 14, 9, 0))  # this month, so far

    over_time = queries.incidents_over_time(lead, OverviewFilters(months=12), AS_OF)

    assert counts_by_start(over_time) == {
        date(2025, 1, 1): 1,
        date(2025, 2, 1): 1,
        date(2025, 3, 1): 1,
        date(2025, 4, 1): 1,
        date(2025, 10, 1): 2,
        date(2025, 11, 1): 1,
    }
    assert [row.complete for row in over_time.rows][-2:] == [True, False]


def test_incidents_fall_in_the_london_week_from_monday(db_session, lead):
    IncidentFactory(occurred_from=utc(2025, 9, 28, 22, 30))  # BST: Sunday 23:30
    IncidentFactory(occurred_from=utc(2025, 9, 28, 23, 30))  # BST: Monday 29 September 00:30
    IncidentFactory(occurred_from=utc(2025, 11, 2, 23, 30))  # GMT: Sunday 2 November
    IncidentFactory(occurred_from=utc(2025, 11, 3, 0, 10))  # Monday 3 November

    over_time = queries.incidents_over_time(
        lead, OverviewFilters(months=3, interval=Interval.WEEK), AS_OF
    )

    assert counts_by_start(over_time) == {
        date(2025, 9, 22): 1,
        date(2025, 9, 29): 1,
        date(2025, 10, 27): 1,
        date(2025, 11, 3): 1,
    }


def test_incidents_before_the_period_are_not_counted(db_session, lead):
    IncidentFactory(occurred_from=utc(2024, 10, 31, 23, 59))  # GMT: the day before it starts
    IncidentFactory(occurred_from=utc(2024, 11, 1, 0, 0))

    over_time = queries.incidents_over_time(lead, OverviewFilters(months=12), AS_OF)

    assert over_time.total(Signal.COMPLAINTS) == 1


# -- Complaints, observations and police.uk, trend and change -----------------------------------


def test_complaints_observations_and_police_uk_are_counted_apart_with_the_change(db_session, lead):
    for day in (3, 4, 5):
        IncidentFactory(occurred_from=utc(2025, 10, day, 12))
    IncidentFactory(occurred_from=utc(2025, 9, 3, 12))
    IncidentFactory(occurred_from=utc(2025, 10, 6, 12), report_kind=ReportKind.OBSERVATION)
    police_uk(occurred_from=utc(2025, 9, 30, 23, 0))  # police.uk's 1 October, London time
    police_uk(occurred_from=utc(2025, 8, 31, 23, 0))

    over_time = queries.incidents_over_time(lead, OverviewFilters(months=3), AS_OF)

    october = next(row for row in over_time.rows if row.start == date(2025, 10, 1))
    assert october.counts == {
        Signal.COMPLAINTS: 3,
        Signal.OBSERVATIONS: 1,
        Signal.POLICE_UK: 1,
    }
    changes = {change.signal: change for change in over_time.changes}
    assert (changes[Signal.COMPLAINTS].latest, changes[Signal.COMPLAINTS].previous) == (3, 1)
    assert changes[Signal.COMPLAINTS].percent == pytest.approx(200)
    assert changes[Signal.OBSERVATIONS].percent is None  # none the month before
    assert (changes[Signal.POLICE_UK].latest, changes[Signal.POLICE_UK].previous) == (1, 1)


def test_the_moving_average_and_trend_use_whole_periods_only(db_session, lead):
    # August 1, September 2, October 3 complaints; November (so far) 10.
    for month, complaints in ((8, 1), (9, 2), (10, 3), (11, 10)):
        for day in range(1, complaints + 1):
            IncidentFactory(occurred_from=utc(2025, month, day, 12))

    over_time = queries.incidents_over_time(lead, OverviewFilters(months=3), AS_OF)

    averages = [row.complaints_average for row in over_time.rows]
    assert averages == [None, None, pytest.approx(2.0), None]
    assert over_time.complaints_slope == pytest.approx(1.0)


def test_least_squares_slope_by_hand():
    assert queries.least_squares_slope([2, 4, 6, 8]) == pytest.approx(2)
    assert queries.least_squares_slope([5, 5, 5]) == pytest.approx(0)
    assert queries.least_squares_slope([1, 2]) is None


# -- Mix -----------------------------------------------------------------------------------------


def test_the_mix_counts_by_category_agency_and_ward(db_session, lead):
    when = utc(2025, 10, 10, 12)
    IncidentFactory(occurred_from=when, category=Category.NOISE)
    IncidentFactory(occurred_from=when, category=Category.NOISE, report_kind=ReportKind.OBSERVATION)
    IncidentFactory(
        occurred_from=when,
        category=Category.BEGGING,
        recording_agency=agency("barbican"),
        ward_code="E05009288",
        ward_name="Aldersgate",
    )
    police_uk(occurred_from=when)

    mix = queries.incident_mix(lead, OverviewFilters(), AS_OF)

    categories = {row.key: row.counts for row in mix.categories}
    assert categories == {
        "noise": {Signal.COMPLAINTS: 1, Signal.OBSERVATIONS: 1, Signal.POLICE_UK: 0},
        "begging": {Signal.COMPLAINTS: 1, Signal.OBSERVATIONS: 0, Signal.POLICE_UK: 0},
    }  # police.uk's placeholder category is left out
    agencies = {row.label: row.total for row in mix.agencies}
    assert agencies == {
        "Housing, DCCS": 2,
        "Barbican Estates": 1,
        "City of London Police": 1,
    }
    wards = {row.label: row.total for row in mix.wards}
    assert wards == {"Cheap": 3, "Aldersgate": 1}
    assert [row.label for row in mix.wards] == ["Cheap", "Aldersgate"]  # most first


def test_the_agency_filter_counts_only_that_agencys_incidents(db_session, lead):
    when = utc(2025, 10, 10, 12)
    IncidentFactory(occurred_from=when)
    IncidentFactory(occurred_from=when, recording_agency=agency("barbican"))
    barbican = OverviewFilters(agency_id=agency("barbican").id)

    assert queries.incidents_over_time(lead, barbican, AS_OF).total(Signal.COMPLAINTS) == 1
    assert [row.label for row in queries.incident_mix(lead, barbican, AS_OF).agencies] == [
        "Barbican Estates"
    ]


# -- Who sees what -------------------------------------------------------------------------------


@pytest.fixture
def restricted_incidents(db_session):
    """Three incidents awaiting triage: Barbican's restricted one, Housing's restricted one,
    and Barbican's ordinary one."""
    when = datetime.now(UTC) - timedelta(days=3)
    return [
        IncidentFactory(
            occurred_from=when,
            recording_agency=agency("barbican"),
            restricted=True,
            restriction_reason="Safeguarding",
        ),
        IncidentFactory(occurred_from=when, restricted=True, restriction_reason="Safeguarding"),
        IncidentFactory(occurred_from=when, recording_agency=agency("barbican")),
    ]


@pytest.mark.parametrize(
    ("role", "agency_code", "expected"),
    [
        (Role.MANAGER, "housing", 2),  # not Barbican's restricted incident
        (Role.MANAGER, "barbican", 2),  # not Housing's
        (Role.ASB_LEAD, "community-safety", 3),
    ],
)
def test_restricted_incidents_of_other_agencies_are_not_counted(
    restricted_incidents, make_user, role, agency_code, expected
):
    viewer = make_user(role, agency_code)
    filters = OverviewFilters()

    assert queries.incidents_over_time(viewer, filters).total(Signal.COMPLAINTS) == expected
    mix = queries.incident_mix(viewer, filters)
    assert sum(row.total for row in mix.categories) == expected
    assert sum(row.total for row in mix.agencies) == expected
    assert sum(row.total for row in mix.wards) == expected
    work = queries.open_work_by_age(viewer, filters)
    assert sum(row.untriaged_incidents for row in work) == expected
    assert sum(row.total for row in queries.awaiting_triage_by_agency(viewer, filters)) == expected


def test_restricted_cases_of_other_agencies_are_not_counted(db_session, make_user, case_opened):
    opened = datetime.now(UTC) - timedelta(days=2)
    case_opened(opened, team="barbican", restricted=True)
    case_opened(opened, team="housing")
    case_opened(opened, team="barbican")

    housing = queries.open_work_by_age(make_user(Role.MANAGER, "housing"), OverviewFilters())
    lead = queries.open_work_by_age(make_user(Role.ASB_LEAD, "community-safety"), OverviewFilters())

    assert sum(row.open_cases for row in housing) == 1  # only cases Housing is involved in
    assert sum(row.open_cases for row in lead) == 3


# -- Open work and triage -----------------------------------------------------------------------


def test_open_work_is_banded_by_age_in_whole_london_days(db_session, lead, case_opened):
    today = today_in_london()

    def start(days_ago: int) -> datetime:
        return start_of_london_day(today - timedelta(days=days_ago)).astimezone(UTC)

    for created in (
        start(0),
        start(7),  # 7 days old: still the first band
        start(7) - timedelta(seconds=1),  # 8 days old
        start(28),
        start(90),
        start(90) - timedelta(seconds=1),  # 91 days old
        start(400),
    ):
        IncidentFactory(created_at=created, occurred_from=created)
    IncidentFactory(created_at=start(3), status=IncidentStatus.TRIAGED)  # not awaiting triage
    for opened in (start(1), start(20), start(60), start(60), start(200)):
        case_opened(opened)
    case_opened(start(5), status=CaseStatus.CLOSED)

    rows = queries.open_work_by_age(lead, OverviewFilters())

    assert [row.band.label for row in rows] == [
        "0 to 7 days",
        "8 to 28 days",
        "29 to 90 days",
        "More than 90 days",
    ]
    assert [row.untriaged_incidents for row in rows] == [2, 2, 1, 2]
    assert [row.open_cases for row in rows] == [1, 1, 2, 1]


def test_incidents_awaiting_triage_are_counted_by_agency_with_the_oldest(db_session, lead):
    now = datetime.now(UTC).replace(microsecond=0)
    IncidentFactory(created_at=now - timedelta(days=9))
    IncidentFactory(created_at=now - timedelta(days=2))
    IncidentFactory(created_at=now - timedelta(days=30), status=IncidentStatus.TRIAGED)
    IncidentFactory(created_at=now, recording_agency=agency("barbican"))
    police_uk(created_at=now - timedelta(days=4))

    rows = queries.awaiting_triage_by_agency(lead, OverviewFilters())

    found = {row.agency: (row.partnership, row.police_uk, row.oldest_recorded) for row in rows}
    assert found == {
        "Housing, DCCS": (2, 0, now - timedelta(days=9)),
        "Barbican Estates": (1, 0, now),
        "City of London Police": (0, 1, now - timedelta(days=4)),
    }
    assert rows[0].agency == "Housing, DCCS"


# -- Repeat lists --------------------------------------------------------------------------------


def test_repeat_locations_are_the_same_square_and_place_three_times_in_six_months(db_session, lead):
    recent = datetime.now(UTC) - timedelta(days=10)
    for place in (
        "Golden Lane Estate, Crescent House",
        "golden lane estate crescent house",
        "Golden Lane Estate - Crescent House",
    ):
        IncidentFactory(occurred_from=recent, location_description=place)
    IncidentFactory(
        occurred_from=datetime.now(UTC) - timedelta(days=200),
        location_description="Golden Lane Estate, Crescent House",
    )  # too long ago
    police_uk(occurred_from=recent, location_description="Golden Lane Estate, Crescent House")
    for _ in range(2):
        IncidentFactory(occurred_from=recent, location_description="Cheapside, outside No. 1")

    found = repeats.repeat_locations(lead, OverviewFilters())

    assert found.total == 1
    (location,) = found.locations
    assert location.incidents == 3
    assert location.complaints == 3
    assert location.ward == "Cheap"
    assert "crescent house" in location.place.lower()


@pytest.fixture
def repeat_victim(db_session):
    """Three Housing incidents with one victim's address, written three ways."""
    recent = datetime.now(UTC) - timedelta(days=5)
    return [
        IncidentFactory(occurred_from=recent - timedelta(days=n), victim_address=address)
        for n, address in enumerate(
            [
                "Flat 3, 12 Crescent House, EC1Y 0SL",
                "flat 3 12 crescent house ec1y0sl",
                "Flat 3, 12 Crescent House, EC1Y 0SL ",
            ]
        )
    ]


def test_repeat_victims_show_who_to_those_who_see_their_details(repeat_victim, make_user, lead):
    for viewer in (lead, make_user(Role.MANAGER, "housing")):
        victims = repeats.visible_repeat_victims(viewer, OverviewFilters())
        assert victims.total == 1
        assert victims.victims[0].count == 3
        assert victims.victims[0].identity == "Flat 3, 12 Crescent House, EC1Y 0SL"


def test_repeat_victims_are_counted_but_not_named_for_other_agencies(repeat_victim, make_user):
    victims = repeats.visible_repeat_victims(make_user(Role.MANAGER, "barbican"), OverviewFilters())
    assert victims.total == 1
    assert victims.victims[0].identity is None


def test_a_repeat_victim_seen_only_through_restricted_incidents_is_not_listed(
    repeat_victim, make_user
):
    repeat_victim[0].restricted = True
    repeat_victim[0].restriction_reason = "Safeguarding"

    barbican = repeats.visible_repeat_victims(
        make_user(Role.MANAGER, "barbican"), OverviewFilters()
    )
    housing = repeats.visible_repeat_victims(make_user(Role.MANAGER, "housing"), OverviewFilters())

    assert barbican.total == 0
    assert housing.total == 1
