"""Likely duplicates at intake (find_likely_duplicates) and further reports of an incident."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pyproj import Transformer
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.extensions import db
from asb.incidents.duplicates import (
    DuplicateRulesError,
    add_report_to_incident,
    find_likely_duplicates,
    load_rules,
    normalised_phone,
)
from asb.incidents.models import IncidentChange, IncidentReport
from asb.incidents.vocabulary import Category, IncidentSource, ReportingChannel
from tests.factories import CITY_POINT, IncidentFactory, agency, make_user

TO_GRID = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
FROM_GRID = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)

# When the existing incidents happened: well in the past, on a fixed hour.
BASE = datetime(2026, 6, 10, 21, 0, tzinfo=UTC)


def metres_away(east: float, north: float = 0.0) -> tuple[float, float]:
    """The latitude and longitude of the point so many metres from the factories' CITY_POINT,
    measured on the British National Grid as asb stores it (whole metres)."""
    easting, northing = TO_GRID.transform(CITY_POINT[1], CITY_POINT[0])
    longitude, latitude = FROM_GRID.transform(round(easting) + east, round(northing) + north)
    return latitude, longitude


def noise(**fields):
    """A noise incident at CITY_POINT at BASE, reported by no one in particular."""
    fields.setdefault("occurred_from", BASE)
    fields.setdefault("category", Category.NOISE)
    fields.setdefault("reporter_name", None)
    fields.setdefault("reporter_phone", None)
    fields.setdefault("reporter_email", None)
    return IncidentFactory(**fields)


def same_category(east: float = 0.0, hours: float = 0.0, **fields):
    latitude, longitude = metres_away(east)
    fields.setdefault("category", Category.NOISE)
    return find_likely_duplicates(
        latitude=latitude,
        longitude=longitude,
        occurred_at=BASE + timedelta(hours=hours),
        **fields,
    )


def same_reporter(east: float = 0.0, days: float = 0.0, **fields):
    """A report of street drinking (another category), so only the reporter rule can match."""
    latitude, longitude = metres_away(east)
    fields.setdefault("latitude", latitude)
    fields.setdefault("longitude", longitude)
    return find_likely_duplicates(
        category=Category.STREET_DRINKING,
        occurred_at=BASE + timedelta(days=days),
        **fields,
    )


# The same category, near and close in time --------------------------------------------------


@pytest.mark.parametrize(
    ("east", "north", "found"),
    [(0, 0, True), (99, 0, True), (0, -99, True), (70, 70, True), (101, 0, False), (0, 101, False)],
)
def test_same_category_within_100_metres(db_session, east, north, found):
    incident = noise()
    latitude, longitude = metres_away(east, north)
    suggested = find_likely_duplicates(
        category=Category.NOISE, latitude=latitude, longitude=longitude, occurred_at=BASE
    )
    assert (suggested == [incident]) is found


@pytest.mark.parametrize(
    ("hours", "found"), [(47, True), (-47, True), (48, True), (49, False), (-49, False)]
)
def test_same_category_within_48_hours_either_side(db_session, hours, found):
    incident = noise()
    assert (same_category(hours=hours) == [incident]) is found


def test_another_category_in_the_same_place_and_hour_is_not_suggested(db_session):
    noise()
    assert same_category(category=Category.BEGGING) == []


def test_without_a_category_or_a_point_the_category_rule_does_not_apply(db_session):
    noise()
    assert same_category(category=None) == []
    assert (
        find_likely_duplicates(
            category=Category.NOISE, latitude=None, longitude=None, occurred_at=BASE
        )
        == []
    )


def test_police_uk_records_are_never_suggested(db_session):
    noise(source=IncidentSource.POLICE_UK)
    assert same_category() == []


# The same reporter at the same place within 7 days -------------------------------------------


@pytest.mark.parametrize(
    ("days", "found"), [(6, True), (-6, True), (7, True), (8, False), (-8, False)]
)
def test_same_reporter_by_email_within_7_days(db_session, days, found):
    incident = noise(reporter_email="Sam.Caller@example.com")
    suggested = same_reporter(days=days, reporter_email="  sam.caller@EXAMPLE.com ")
    assert (suggested == [incident]) is found


@pytest.mark.parametrize(("east", "found"), [(99, True), (101, False)])
def test_same_reporter_within_100_metres(db_session, east, found):
    incident = noise(reporter_phone="020 7946 0001", location_description="Somewhere else")
    suggested = same_reporter(east=east, reporter_phone="020 7946 0001")
    assert (suggested == [incident]) is found


@pytest.mark.parametrize(
    "phone", ["02079460001", "+44 20 7946 0001", "+44 (0)20 7946 0001", "0044 20-7946-0001"]
)
def test_phone_numbers_match_however_written(db_session, phone):
    incident = noise(reporter_phone="020 7946 0001")
    assert same_reporter(reporter_phone=phone) == [incident]
    assert normalised_phone(phone) == "02079460001"


def test_same_name_at_the_same_place_as_written_without_a_point(db_session):
    incident = noise(
        reporter_name="Sam Caller", location_description="Golden Lane Estate, Crescent House"
    )
    suggested = same_reporter(
        latitude=None,
        longitude=None,
        reporter_name="sam  caller",
        location_description="golden lane estate, crescent house",
    )
    assert suggested == [incident]


def test_same_name_somewhere_else_is_not_suggested(db_session):
    noise(reporter_name="Sam Caller", location_description="Golden Lane Estate, Crescent House")
    assert same_reporter(east=300, reporter_name="Sam Caller", location_description="Bank") == []


def test_another_reporter_at_the_same_place_is_not_suggested(db_session):
    noise(reporter_email="alex@example.com", reporter_name="Alex", reporter_phone="020 7946 0009")
    assert (
        same_reporter(
            reporter_email="sam@example.com", reporter_name="Sam", reporter_phone="020 7946 0001"
        )
        == []
    )


def test_the_reporter_of_a_further_report_counts(db_session):
    incident = noise()
    add_report_to_incident(
        incident,
        channel=ReportingChannel.EMAIL,
        reported_at=BASE,
        description="Again tonight",
        reporter_anonymous=False,
        reporter_name="Jo Neighbour",
        reporter_email="jo@example.com",
    )
    assert same_reporter(days=5, reporter_email="JO@example.com") == [incident]


# Who sees what --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "agency_code", "suggested"),
    [
        (Role.OFFICER, "housing", False),
        (Role.MANAGER, "housing", False),
        (Role.OFFICER, "street-enforcement", True),
        (Role.ASB_LEAD, "community-safety", True),
        (Role.PARTNER, "city-police", False),
        (Role.ADMIN, "community-safety", False),
    ],
)
def test_a_viewer_is_offered_only_incidents_they_may_see(db_session, role, agency_code, suggested):
    restricted = noise(
        recording_agency=agency("street-enforcement"),
        restricted=True,
        restriction_reason="Safeguarding",
    )
    viewer = make_user(role, agency_code)
    assert (same_category(viewer=viewer) == [restricted]) is suggested
    assert same_category() == [restricted]  # the system (public intake) sees every incident


def test_an_excluded_incident_is_left_out(db_session):
    first = noise()
    second = noise(occurred_from=BASE + timedelta(hours=1))
    assert same_category(exclude_incident_id=first.id) == [second]


def test_closest_in_time_first_and_at_most_the_limit(db_session):
    far = noise(occurred_from=BASE - timedelta(hours=30))
    near = noise(occurred_from=BASE + timedelta(hours=1))
    middle = noise(occurred_from=BASE - timedelta(hours=10))
    assert same_category() == [near, middle, far]
    assert same_category(limit=2) == [near, middle]


# The distances and windows are the partnership's ----------------------------------------------


def write_rules(tmp_path, **sections) -> str:
    rules = {
        "same_category": {"distance_metres": 100, "window_hours": 48},
        "same_reporter": {"distance_metres": 100, "window_days": 7},
    }
    for name, values in sections.items():
        rules[name].update(values)
    path = tmp_path / "duplicates.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    return str(path)


def test_distances_and_windows_come_from_the_settings_file(app, db_session, tmp_path, monkeypatch):
    incident = noise(reporter_email="sam@example.com")
    assert same_category(east=150) == []
    assert same_category(hours=60) == []
    assert same_reporter(days=10, reporter_email="sam@example.com") == []
    monkeypatch.setitem(
        app.config,
        "ASB_DUPLICATE_RULES",
        write_rules(
            tmp_path,
            same_category={"distance_metres": 200, "window_hours": 72},
            same_reporter={"window_days": 14},
        ),
    )
    assert same_category(east=150) == [incident]
    assert same_category(hours=60) == [incident]
    assert same_reporter(days=10, reporter_email="sam@example.com") == [incident]


def test_the_shipped_settings_are_100_metres_48_hours_and_7_days(app):
    with app.app_context():
        rules = load_rules(Path(app.config["ASB_DUPLICATE_RULES"]))
    assert (rules.same_category_metres, rules.same_category_window) == (100, timedelta(hours=48))
    assert (rules.same_reporter_metres, rules.same_reporter_window) == (100, timedelta(days=7))


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ({"same_category": {"distance_metres": 0}}, "same_category distance_metres is 0"),
        ({"same_reporter": {"window_days": "7"}}, "same_reporter window_days is '7'"),
        ({"same_reporter": {"window_days": True}}, "same_reporter window_days is True"),
    ],
)
def test_a_wrong_setting_is_named(tmp_path, sections, message):
    with pytest.raises(DuplicateRulesError, match=message):
        load_rules(Path(write_rules(tmp_path, **sections)))


def test_a_missing_setting_is_named(tmp_path):
    path = tmp_path / "duplicates.json"
    path.write_text(json.dumps({"same_category": {"distance_metres": 100}}), encoding="utf-8")
    with pytest.raises(DuplicateRulesError) as refused:
        load_rules(path)
    assert "same_category needs exactly distance_metres, window_hours" in str(refused.value)
    assert "same_reporter needs exactly distance_metres, window_days" in str(refused.value)


# Adding a report to an incident -----------------------------------------------------------


def test_a_further_report_keeps_its_reporter_history_and_audit_without_personal_details(
    db_session,
):
    incident = noise()
    officer = make_user(Role.OFFICER, "housing")
    version = incident.version

    report = add_report_to_incident(
        incident,
        channel=ReportingChannel.PHONE,
        reported_at=BASE + timedelta(hours=2),
        description="The music is still going",
        reporter_anonymous=False,
        reporter_name="Jo Neighbour",
        reporter_phone="020 7946 0003",
        reporter_email="jo@example.com",
        reporter_address="3 Crescent House",
        recorded_by=officer,
    )
    db.session.commit()  # audit entries are written as their transaction commits

    assert db.session.get(IncidentReport, report.id) is report
    assert incident.reports == [report]
    assert (report.reporter_name, report.reporter_email, report.recorded_by) == (
        "Jo Neighbour",
        "jo@example.com",
        officer,
    )
    assert incident.version == version  # an editor mid-edit is not refused for it
    change = db.session.scalar(
        select(IncidentChange).where(
            IncidentChange.incident_id == incident.id, IncidentChange.action == "reported-again"
        )
    )
    assert change.changed_by == officer
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "incident.report-added", AuditEvent.object_id == incident.id
        )
    )
    assert event.actor_id == officer.id
    assert event.detail == {"report_id": report.id, "channel": "phone"}
    assert "Jo" not in json.dumps(event.detail)


def test_an_anonymous_further_report_keeps_no_contact_details(db_session):
    incident = noise()
    report = add_report_to_incident(
        incident,
        channel=ReportingChannel.ONLINE,
        reported_at=BASE,
        description=None,
        reporter_anonymous=True,
        reporter_name="Jo Neighbour",
        reporter_email="jo@example.com",
    )
    assert report.reporter_anonymous is True
    assert (report.reporter_name, report.reporter_email, report.description) == (None, None, None)
