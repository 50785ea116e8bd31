"""The map's numbers against hand counts: filters, wards, change, reporters, repeats, cache."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from asb.auth.models import Role
from asb.extensions import db
from asb.incidents.vocabulary import (
    Category,
    IncidentSource,
    IncidentStatus,
    Qualifier,
    ReportKind,
)
from asb.maps import cache, filters, hotspots, queries
from asb.maps.filters import MapFilters
from tests.factories import IncidentFactory, LocalAsbTypeFactory, UserFactory, agency
from tests.maps.helpers import (
    BARBICAN_CELL,
    BISHOPSGATE,
    CENTRAL_CELL,
    CHEAP,
    CRIPPLEGATE,
    add_incidents,
    days_ago,
    last_28_days,
)


def test_presets_end_today_and_include_it():
    today = date(2026, 3, 31)

    assert filters.preset_range("28-days", today) == (date(2026, 3, 4), today)
    assert filters.preset_range("3-months", today) == (date(2026, 1, 1), today)
    assert filters.preset_range("12-months", today) == (date(2025, 4, 1), today)
    assert filters.preset_range("3-months", date(2026, 5, 31)) == (
        date(2026, 3, 1),
        date(2026, 5, 31),
    )


def test_the_previous_period_has_the_same_length_and_ends_the_day_before():
    filters = MapFilters(date(2026, 4, 1), date(2026, 6, 30), category="noise")

    previous = filters.previous()

    assert previous.days == filters.days == 91
    assert previous.date_to == date(2026, 3, 31)
    assert previous.category == "noise"


def test_filters_combine(lead):
    market = LocalAsbTypeFactory(name="Market pitches")
    barbican = agency("barbican").id
    cell = [CENTRAL_CELL]
    # Each incident differs from the first in one respect only.
    add_incidents(cell * 3)  # matches everything below
    add_incidents(cell, category=Category.BEGGING)
    add_incidents(cell, qualifier=Qualifier.PERSONAL)
    add_incidents(cell, local_type_id=market.id)
    add_incidents(cell, recording_agency_id=barbican)
    add_incidents(cell, status=IncidentStatus.TRIAGED)
    add_incidents(cell, source=IncidentSource.POLICE_UK)
    add_incidents([BARBICAN_CELL])
    add_incidents(cell, occurred_from=days_ago(40))

    def total(**criteria) -> int:
        cache.results.clear()
        return hotspots.hotspot_data(lead, last_28_days(**criteria)).total

    assert total() == 10
    assert total(category="noise") == 9
    assert total(qualifier="nuisance") == 9
    assert total(local_type_id=market.id) == 1
    assert total(agency_id=barbican) == 1
    assert total(status="triaged") == 1
    assert total(source="partnership") == 9
    assert total(source="police.uk") == 1
    assert total(ward_code=CRIPPLEGATE) == 1
    # Filters narrow together: noise, nuisance, housing, new, partnership, in Bishopsgate.
    housing = agency("housing").id
    assert (
        total(
            category="noise",
            qualifier="nuisance",
            agency_id=housing,
            status="new",
            source="partnership",
            ward_code=BISHOPSGATE,
        )
        == 4
    )
    assert total(category="begging", qualifier="personal") == 0
    assert hotspots.hotspot_data(lead, MapFilters.last("3-months")).total == 11


def test_counts_include_only_incidents_the_user_may_see(db_session):
    barbican = agency("barbican")
    add_incidents([CENTRAL_CELL] * 2)
    add_incidents([CENTRAL_CELL], restricted=True, recording_agency_id=barbican.id)
    housing_officer = UserFactory(role=Role.OFFICER, agency=agency("housing"))
    barbican_officer = UserFactory(role=Role.OFFICER, agency=barbican)
    lead = UserFactory(role=Role.ASB_LEAD, agency=agency("community-safety"))
    filters = last_28_days()

    # Asked in turn, with the cache kept: each user's visibility is part of the key.
    assert hotspots.hotspot_data(housing_officer, filters).total == 2
    assert hotspots.hotspot_data(barbican_officer, filters).total == 3
    assert hotspots.hotspot_data(lead, filters).total == 3
    assert queries.ward_data(housing_officer, filters).total == 2
    assert len(queries.recent_points(housing_officer, filters)) == 2
    assert queries.repeat_locations(housing_officer, filters)[0].incidents == 2


def test_ward_counts_and_change_against_the_previous_period(lead):
    filters = MapFilters(date.today() - timedelta(days=29), date.today())
    now, before = days_ago(5), days_ago(45)
    add_incidents([CENTRAL_CELL] * 3, occurred_from=now)  # Bishopsgate: 3 now
    add_incidents([CENTRAL_CELL], occurred_from=before)  # ... 1 before: +2, +200 %
    add_incidents([BARBICAN_CELL] * 4, occurred_from=before)  # Cripplegate: 0 now, 4 before
    add_incidents([BARBICAN_CELL], occurred_from=days_ago(75))  # too early for either

    wards = {ward.code: ward for ward in queries.ward_data(lead, filters).wards}

    bishopsgate, cripplegate, cheap = wards[BISHOPSGATE], wards[CRIPPLEGATE], wards[CHEAP]
    assert (bishopsgate.incidents, bishopsgate.previous, bishopsgate.change) == (3, 1, 2)
    assert bishopsgate.change_share == pytest.approx(2.0)
    assert (cripplegate.incidents, cripplegate.previous, cripplegate.change) == (0, 4, -4)
    assert cripplegate.change_share == pytest.approx(-1.0)
    assert (cheap.incidents, cheap.previous, cheap.change_share) == (0, 0, None)
    assert len(wards) == 25


def test_ward_rates_use_the_configured_population(lead, app, tmp_path):
    population = tmp_path / "population.json"
    population.write_text(
        '{"source": "test", "confirmed": true, "wards": {'
        f'"{BISHOPSGATE}": {{"residents": 600, "daytime_population": 20000}},'
        f'"{CRIPPLEGATE}": {{"residents": 3000, "daytime_population": 10000}},'
        f'"{CHEAP}": {{"residents": 499, "daytime_population": 5000}}'
        "}}"
    )
    add_incidents([CENTRAL_CELL] * 6)
    add_incidents([BARBICAN_CELL] * 3)
    app.config["ASB_WARD_POPULATION"] = str(population)
    try:
        data = queries.ward_data(lead, last_28_days())
    finally:
        app.config.pop("ASB_WARD_POPULATION")

    wards = {ward.code: ward for ward in data.wards}
    assert data.population.confirmed
    assert wards[BISHOPSGATE].resident_rate == pytest.approx(10.0)
    assert wards[BISHOPSGATE].daytime_rate == pytest.approx(0.3)
    assert wards[CRIPPLEGATE].resident_rate == pytest.approx(1.0)
    # 600 residents say little: Bishopsgate's smoothed rate moves towards the overall 9 / 4,099.
    assert wards[BISHOPSGATE].resident_rate_smoothed < wards[BISHOPSGATE].resident_rate
    # Under 500 residents, a rate per 1,000 residents is not shown; by day it is.
    assert wards[CHEAP].resident_rate is wards[CHEAP].resident_rate_smoothed is None
    assert wards[CHEAP].daytime_rate == 0.0
    assert data.rates_hidden
    assert wards["E05009288"].resident_rate is None  # Aldersgate: no population given


def test_packaged_ward_population_covers_every_ward(app, db_session):
    population = queries.ward_population()

    from asb.geo.services import geography

    codes = {ward.code for ward in geography().ward_list}
    assert set(population.residents) == codes == set(population.daytime)
    assert 8_000 < sum(population.residents.values()) < 9_500
    assert 400_000 < sum(population.daytime.values()) < 700_000


def test_reporting_pattern_tells_one_reporter_from_many(lead):
    cells = [CENTRAL_CELL]
    # One person, written five ways, and two other people.
    add_incidents(
        cells * 5,
        reporter_anonymous=False,
        reporter_name=["Pat Jones", "pat jones", "P Jones", "Pat Jones", None],
        reporter_email=["pat@example.com", " PAT@example.com", "pat@example.com", None, None],
        reporter_phone=[None, None, None, "020 7946 0000", "020-7946-0000"],
    )
    # The fourth and fifth are told apart from the first three only by phone, so they count
    # as a second reporter: email, else phone, else name.
    add_incidents(cells, reporter_anonymous=False, reporter_name="Sam Smith")
    add_incidents(cells * 2, reporter_anonymous=True)
    add_incidents(cells, report_kind=ReportKind.OBSERVATION)
    add_incidents(cells * 2, source=IncidentSource.POLICE_UK, reporter_anonymous=False)

    ward = {w.code: w for w in queries.ward_data(lead, last_28_days()).wards}[BISHOPSGATE]

    pattern = ward.reporting
    assert pattern.incidents == 11
    assert pattern.complaints == 8
    assert pattern.anonymous_complaints == 2
    assert pattern.named_reporters == 3
    assert pattern.top_reporter_complaints == 3
    assert pattern.top_reporter_share == pytest.approx(3 / 6)
    assert pattern.anonymous_share == pytest.approx(2 / 8)
    assert pattern.observations == 1
    assert pattern.police_uk == 2
    assert not pattern.mostly_one_reporter


def test_repeat_locations_are_the_same_place_text_in_one_square(lead):
    add_incidents([CENTRAL_CELL] * 3, location_description="Bank station, exit 3")
    add_incidents([CENTRAL_CELL], location_description="  bank STATION -  exit 3. ")
    add_incidents([CENTRAL_CELL] * 2, location_description="Cornhill")
    add_incidents([BARBICAN_CELL] * 2, location_description="Cornhill")  # elsewhere
    add_incidents([BARBICAN_CELL], location_description="Barbican podium")  # only once

    places = queries.repeat_locations(lead, last_28_days())

    # Ties go to the latest incident, then the square's number.
    assert [(p.place.lower(), p.incidents, p.cell) for p in places] == [
        ("bank station, exit 3", 4, CENTRAL_CELL),
        ("cornhill", 2, CENTRAL_CELL),
        ("cornhill", 2, BARBICAN_CELL),
    ]
    assert places[0].ward_name == "Bishopsgate"


def test_recent_points_are_capped_newest_first_and_carry_nothing_personal(lead):
    add_incidents([CENTRAL_CELL] * 5, occurred_from=[days_ago(d) for d in (5, 1, 3, 2, 4)])

    points = queries.recent_points(lead, last_28_days(), cap=3)

    assert [p.occurred_from for p in points] == sorted(
        (p.occurred_from for p in points), reverse=True
    )
    assert len(points) == 3
    assert set(points[0].__dataclass_fields__) == {
        "id",
        "reference",
        "category",
        "occurred_from",
        "latitude",
        "longitude",
    }


def test_the_cache_is_reused_until_an_incident_changes(lead):
    add_incidents([CENTRAL_CELL] * 2)
    filters = last_28_days()

    assert hotspots.hotspot_data(lead, filters).total == 2
    hotspots.hotspot_data(lead, filters)
    assert cache.results.hits == 1

    incident = IncidentFactory(occurred_from=days_ago(2))
    assert hotspots.hotspot_data(lead, filters).total == 3

    incident.occurred_from = days_ago(60)  # edited out of the window
    db.session.flush()
    assert hotspots.hotspot_data(lead, filters).total == 2


def test_incident_list_links_carry_the_filters():
    filters = MapFilters(
        date(2026, 1, 2),
        date(2026, 3, 31),
        qualifier="personal",
        category="noise",
        local_type_id=4,
        agency_id=2,
        status="new",
        source="police.uk",
        ward_code=CHEAP,
    )

    assert filters.incident_list_args(cell=CENTRAL_CELL) == {
        "date_from": ["2", "1", "2026"],
        "date_to": ["31", "3", "2026"],
        "category": "noise",
        "local_type": "4",
        "agency": "2",
        "status": "new",
        "source": "police.uk",
        "ward": CHEAP,
        "cell": str(CENTRAL_CELL),
    }
    assert filters.incident_list_args(ward=BISHOPSGATE)["ward"] == BISHOPSGATE
