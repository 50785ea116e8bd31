"""Importing street-level files into the incident log (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import func, select

from asb.audit.models import AuditEvent
from asb.calendar import LONDON
from asb.extensions import db
from asb.geo.services import geography
from asb.incidents.models import Incident, IncidentChange, ReferenceCounter
from asb.incidents.services import INCIDENT_PREFIX
from asb.incidents.vocabulary import (
    Category,
    IncidentSource,
    IncidentStatus,
    ReportingChannel,
)
from asb.policeuk.models import PoliceUkImport
from asb.policeuk.reader import NotAStreetFile
from asb.policeuk.services import import_street_file, street_files
from tests.factories import agency
from tests.policeuk.helpers import (
    CHEAPSIDE,
    COPIED_FILES,
    SANDYS_ROW,
    SCARBOROUGH,
    SHARED_FOLDER,
    asb_row,
    file_counts,
    write_street_file,
)


def import_file(path, **options) -> PoliceUkImport:
    return import_street_file(path, police=agency("city-police"), **options)


def police_uk_incidents() -> list[Incident]:
    return db.session.scalars(
        select(Incident).where(Incident.source == IncidentSource.POLICE_UK).order_by(Incident.id)
    ).all()


def imported_per_month() -> Counter:
    return Counter(
        incident.occurred_from.astimezone(LONDON).strftime("%Y-%m")
        for incident in police_uk_incidents()
    )


def test_the_real_files_come_in_month_by_month_as_they_count_themselves(db_session):
    runs = [import_file(path) for path in COPIED_FILES]
    expected = file_counts(COPIED_FILES)

    assert imported_per_month() == expected["inside"]
    assert sum(run.imported for run in runs) == sum(expected["inside"].values())
    assert sum(run.outside_area for run in runs) == sum(expected["outside"].values()) > 0
    assert sum(run.without_location for run in runs) == sum(expected["unplaced"].values()) == 11
    assert sum(run.bad_rows for run in runs) == 0
    assert {incident.category for incident in police_uk_incidents()} == {Category.ROWDY_BEHAVIOUR}


@pytest.mark.skipif(not SHARED_FOLDER.is_dir(), reason="../shared/data is not beside the checkout")
def test_the_whole_shared_folder_comes_in_as_it_counts_itself(db_session):
    files = list(street_files([SHARED_FOLDER]))
    runs = [import_file(path) for path in files]
    expected = file_counts(files)

    assert len(files) == 67
    assert imported_per_month() == expected["inside"]
    assert sum(run.asb_rows for run in runs) == 5022
    assert sum(run.without_location for run in runs) == 170
    assert sum(run.outside_area for run in runs) == sum(expected["outside"].values())
    assert sum(run.rows_read for run in runs) == 48586


def test_importing_a_file_twice_adds_nothing(db_session):
    path = COPIED_FILES[0]
    first = import_file(path)
    counter = db.session.scalar(select(func.sum(ReferenceCounter.last_value)))
    incidents = db.session.scalar(select(func.count()).select_from(Incident))

    again = import_file(path)

    assert first.imported > 100
    assert again.imported == 0
    assert again.already_present == first.imported
    assert again.outside_area == first.outside_area
    assert db.session.scalar(select(func.count()).select_from(Incident)) == incidents
    # No reference was issued for a row already present.
    assert db.session.scalar(select(func.sum(ReferenceCounter.last_value))) == counter


def test_a_copy_under_another_name_adds_nothing_and_a_grown_file_adds_only_its_new_rows(
    db_session, tmp_path
):
    rows = [asb_row(), asb_row(), asb_row("2024-04")]
    import_file(write_street_file(tmp_path / "first-street.csv", rows))

    copy = import_file(shutil.copy(tmp_path / "first-street.csv", tmp_path / "copy.csv"))
    grown = import_file(write_street_file(tmp_path / "grown-street.csv", [asb_row(), *rows]))

    assert (copy.imported, copy.already_present) == (0, 3)
    assert (grown.imported, grown.already_present) == (1, 3)
    assert len(police_uk_incidents()) == 4


def test_identical_rows_in_one_file_are_all_kept(db_session, tmp_path):
    path = write_street_file(
        tmp_path / "repeats-street.csv", [asb_row()] * 3 + [asb_row("2024-04")]
    )

    run = import_file(path)

    assert run.imported == 4
    assert Counter(imported_per_month()) == {"2024-03": 3, "2024-04": 1}
    assert len({incident.source_key for incident in police_uk_incidents()}) == 4


def test_rows_outside_the_area_and_without_a_location_are_counted_not_stored(db_session, tmp_path):
    path = write_street_file(
        tmp_path / "edges-street.csv",
        [
            asb_row(),
            asb_row(point=SANDYS_ROW, location="On or near Sandy'S Row"),
            asb_row(point=SCARBOROUGH, location="On or near Falsgrave Road"),
            asb_row(point=("", ""), location="On or near "),
            asb_row(crime_type="Burglary"),
        ],
    )

    run = import_file(path)

    assert (run.rows_read, run.asb_rows) == (5, 4)
    assert (run.imported, run.outside_area, run.without_location, run.bad_rows) == (1, 2, 1, 0)
    assert [incident.location_description for incident in police_uk_incidents()] == [
        "On or near Cheapside"
    ]


def test_bad_rows_are_reported_with_their_line_and_the_rest_imported(db_session, tmp_path):
    path = write_street_file(
        tmp_path / "broken-street.csv",
        [asb_row(), asb_row(month="2024-13"), asb_row()[:-2], asb_row(point=("x", "y")), asb_row()],
    )
    reported = []

    run = import_file(path, on_bad_row=reported.append)

    assert [(bad.line, bad.reason) for bad in reported] == [
        (3, "Month '2024-13' is not a year and month (YYYY-MM)"),
        (4, "it has 10 columns, not 12"),
        (5, "Longitude 'x' is not a number"),
    ]
    assert (run.imported, run.bad_rows) == (2, 3)


def test_an_incident_carries_what_police_uk_published(db_session, tmp_path):
    path = write_street_file(
        tmp_path / "one-street.csv",
        [
            asb_row(
                "2024-03", CHEAPSIDE, "On or near Cheapside", ("E01032739", "City of London 001F")
            )
        ],
    )

    run = import_file(path)

    incident = police_uk_incidents()[0]
    location = geography().locate(incident.latitude, incident.longitude)
    assert (incident.latitude, incident.longitude) == (51.514179, -0.093918)
    assert incident.occurred_from == datetime(2024, 3, 1, tzinfo=LONDON)
    assert incident.occurred_to == datetime(2024, 3, 31, 23, 59, tzinfo=LONDON)
    assert incident.location_description == "On or near Cheapside"
    assert (incident.lsoa_code, incident.lsoa_name) == ("E01032739", "City of London 001F")
    assert (incident.ward_code, incident.ward_name) == (location.ward.code, location.ward.name)
    assert (incident.easting, incident.northing, incident.grid_cell) == (
        location.easting,
        location.northing,
        location.grid_cell,
    )
    assert incident.reference == f"{INCIDENT_PREFIX}-2024-00001"
    assert incident.recording_agency.code == "city-police"
    assert incident.status is IncidentStatus.NEW
    assert incident.reporting_channel is ReportingChannel.POLICE_REFERRAL
    assert incident.reporter_anonymous and incident.reporter_name is None
    assert "March 2024" in incident.description
    assert incident.police_uk_import_id == run.id
    assert [change.action for change in incident.changes] == ["recorded"]


def test_references_follow_the_file_year_by_year(db_session, tmp_path):
    path = write_street_file(
        tmp_path / "years-street.csv",
        [asb_row("2023-12"), asb_row("2024-01"), asb_row("2023-11"), asb_row("2024-02")],
    )

    import_file(path)

    assert [incident.reference for incident in police_uk_incidents()] == [
        f"{INCIDENT_PREFIX}-2023-00001",
        f"{INCIDENT_PREFIX}-2024-00001",
        f"{INCIDENT_PREFIX}-2023-00002",
        f"{INCIDENT_PREFIX}-2024-00002",
    ]


def test_each_run_is_recorded_and_audited_once_with_counts_only(db_session, lead, tmp_path):
    path = write_street_file(tmp_path / "run-street.csv", [asb_row(), asb_row(point=SCARBOROUGH)])

    run = import_file(path, actor=lead)
    db.session.commit()  # audit entries join the chain as the transaction commits

    assert run.file_name == str(path)
    assert len(run.file_sha256) == 64
    assert run.finished_at is not None and run.imported_by == lead
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "police-uk.imported")
    ).all()
    assert [(event.actor_id, event.object_type, event.object_id) for event in events] == [
        (lead.id, "police_uk_imports", run.id)
    ]
    assert events[0].detail == {
        "file_sha256": run.file_sha256,
        "rows_read": 2,
        "asb_rows": 2,
        "imported": 1,
        "already_present": 0,
        "outside_area": 1,
        "without_location": 0,
        "bad_rows": 0,
    }
    assert db.session.scalar(select(func.count()).select_from(IncidentChange)) == 1


def test_a_file_that_is_not_street_level_leaves_nothing(db_session, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("Date,Note\n2024-03-01,Nothing here\n", encoding="utf-8")

    with pytest.raises(NotAStreetFile):
        import_file(path)

    assert db.session.scalar(select(func.count()).select_from(PoliceUkImport)) == 0


def test_folders_are_searched_for_street_files(tmp_path):
    (tmp_path / "2024-03" / "nested").mkdir(parents=True)
    wanted = [
        write_street_file(tmp_path / "2024-03" / "2024-03-city-of-london-street.csv", []),
        write_street_file(tmp_path / "2024-03" / "nested" / "2024-03-metropolitan-street.csv", []),
    ]
    write_street_file(tmp_path / "2024-03" / "2024-03-city-of-london-outcomes.csv", [])
    named = write_street_file(tmp_path / "named.csv", [])

    assert list(street_files([tmp_path, named])) == [*wanted, named]
