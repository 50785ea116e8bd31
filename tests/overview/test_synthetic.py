"""The benchmark's synthetic City, made small: where its incidents are, and that they load."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from sqlalchemy import func, select

from asb.auth.models import Agency, Role
from asb.calendar import start_of_london_day
from asb.extensions import db
from asb.geo.services import geography
from asb.incidents.models import Incident
from asb.overview import queries
from bench.synthetic import generate_incidents, insert_incidents

ROWS = 2_000


@pytest.fixture
def incidents(db_session):
    geo = geography()
    agency_ids = dict(db.session.execute(select(Agency.code, Agency.id)).all())
    return generate_incidents(
        ROWS, area=geo.area, wards=geo.wards, agency_ids=agency_ids, now=datetime.now(UTC)
    )


def test_every_synthetic_incident_is_inside_the_city_with_its_ward_and_grid_cell(incidents):
    geo = geography()
    assert len(incidents) == ROWS
    points = geo._to_grid(incidents["latitude"], incidents["longitude"])
    assert points.within(geo.area_with_tolerance).all()
    assert incidents["ward_code"].notna().all()
    assert incidents["grid_cell"].notna().all()

    sample = incidents.sample(100, random_state=1)
    located = geo.locate_many(sample["latitude"], sample["longitude"])
    assert [place.grid_cell for place in located] == sample["grid_cell"].tolist()
    assert [place.ward.code for place in located] == sample["ward_code"].tolist()


def test_the_synthetic_mix_has_every_source_kind_and_status(incidents):
    assert set(incidents["source"]) == {"partnership", "police.uk"}
    assert set(incidents["report_kind"]) == {"complaint", "observation"}
    assert {"new", "triaged", "no-further-action"} <= set(incidents["status"])
    assert incidents["reference"].is_unique
    assert np.all(incidents["occurred_from"].diff().dropna() >= np.timedelta64(0, "s"))


def test_synthetic_incidents_load_in_bulk_and_are_counted_by_the_overview(incidents, make_user):
    insert_incidents(db.session.connection(), incidents)

    loaded = db.session.scalar(
        select(func.count()).select_from(Incident).where(Incident.reference.like("SYN-%"))
    )
    assert loaded == ROWS
    over_time = queries.incidents_over_time(
        make_user(Role.ASB_LEAD, "community-safety"), queries.OverviewFilters(months=24)
    )
    start = start_of_london_day(over_time.rows[0].start)
    expected = int((incidents["occurred_from"] >= start.astimezone(UTC).replace(tzinfo=None)).sum())
    assert sum(over_time.total(signal) for signal in queries.Signal) == expected
