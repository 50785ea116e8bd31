"""The audit page: who may read it, its filters, its export, and that reading it is recorded."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.audit.services import record_event
from asb.auth.models import Role
from asb.calendar import today_in_london
from asb.extensions import db
from tests.factories import IncidentFactory, agency
from tests.factories.people import CasePersonFactory, IncidentPersonFactory, PersonFactory
from tests.helpers import error_summary, page_text


def last_event(action: str, user) -> AuditEvent | None:
    return db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == action, AuditEvent.actor_id == user.id)
        .order_by(AuditEvent.sequence.desc())
    )


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize(
    ("role", "agency_code", "status"),
    [
        (Role.ASB_LEAD, "community-safety", 200),
        (Role.ADMIN, "community-safety", 200),
        (Role.MANAGER, "housing", 403),
        (Role.MANAGER, "community-safety", 403),
        (Role.OFFICER, "housing", 403),
        (Role.PARTNER, "city-police", 403),
    ],
)
@pytest.mark.parametrize("path", ["/audit", "/audit/export.csv"])
def test_only_the_asb_lead_and_admins_read_the_trail(
    client, login_as, role, agency_code, status, path
):
    login_as(role, agency_code)
    response = client.get(path)
    assert response.status_code == status
    navigation_link = 'href="/audit"' in client.get("/").get_data(as_text=True)
    assert navigation_link is (status == 200)


def test_nothing_on_the_page_edits_or_deletes_an_entry(app):
    methods = {
        method
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("audit_trail.")
        for method in rule.methods
    }
    assert methods <= {"GET", "HEAD", "OPTIONS"}


@pytest.fixture
def lead_client(client, login_as):
    return client, login_as(Role.ASB_LEAD, "community-safety")


def test_the_page_shows_who_did_what_when_and_from_where(lead_client, make_user, make_case):
    client, _lead = lead_client
    manager = make_user(Role.MANAGER, "housing", name="Morgan Manager")
    case = make_case("housing", actor=manager)
    text = page_text(client.get(f"/audit?record={case.reference}"))
    assert "case.opened" in text
    assert "Morgan Manager" in text
    assert "Barbican" not in text  # another agency's entries are filtered out


def test_the_search_and_the_export_are_recorded_with_their_filters_exactly(lead_client):
    client, lead = lead_client
    query = "action=case.&outcome=success&person=&page=2&action=ignored"
    client.get(f"/audit?{query}")
    searched = last_event("audit.searched", lead)
    assert searched.detail == {
        "filters": {
            "action": ["case.", "ignored"],
            "outcome": ["success"],
            "person": [""],
            "page": ["2"],
        }
    }
    client.get("/audit/export.xlsx?user=&action=audit.searched&action=case.viewed")
    exported = last_event("audit.exported", lead)
    assert exported.detail == {
        "format": "xlsx",
        "filters": {"user": [""], "action": ["audit.searched", "case.viewed"]},
        "rows": 1,  # the search above; the form keeps the first action it is sent
    }


def test_filter_by_user_action_and_outcome(lead_client, make_user):
    client, lead = lead_client
    officer = make_user(Role.OFFICER, "housing", name="Olu Officer")
    record_event("case.viewed", actor=officer, object_type="cases", object_id=7)
    record_event("case.closed", actor=officer, object_type="cases", object_id=7)
    record_event("access.denied", actor=officer, outcome="denied", object_type="cases", object_id=8)
    record_event("case.viewed", actor=lead, object_type="cases", object_id=9)
    db.session.commit()

    def actions(**args) -> list[str]:
        response = client.get("/audit/export.csv", query_string=args)
        return [row["Action"] for row in csv_rows(response)]

    assert actions(user=officer.id) == ["case.viewed", "case.closed", "access.denied"]
    assert actions(user=officer.id, action="case.") == ["case.viewed", "case.closed"]
    assert actions(user=officer.id, action="case.viewed") == ["case.viewed"]
    assert actions(user=officer.id, outcome="denied") == ["access.denied"]
    assert actions(record_type="cases", record="9") == ["case.viewed"]


def test_filter_by_person_finds_their_records(lead_client, make_case):
    client, lead = lead_client
    person = PersonFactory(name="Pat Victim")
    other = PersonFactory(name="Sam Other")
    incident = IncidentFactory(recording_agency=agency("housing"))
    theirs = make_case("housing")
    not_theirs = make_case("housing")
    IncidentPersonFactory(incident=incident, person=person)
    CasePersonFactory(case=theirs, person=person)
    CasePersonFactory(case=not_theirs, person=other)
    for obj in (person, incident, theirs, not_theirs, other):
        record_event("test.about", actor=lead, obj=obj)
    db.session.commit()

    rows = csv_rows(client.get(f"/audit/export.csv?person={person.id}&action=test.about"))
    found = {(row["Kind of record"], int(row["Record id"])) for row in rows}
    assert found == {("people", person.id), ("incidents", incident.id), ("cases", theirs.id)}


def test_filter_by_dates_in_london(lead_client):
    client, lead = lead_client
    record_event("test.dated", actor=lead)
    db.session.commit()
    today = today_in_london()
    yesterday = today - timedelta(days=1)

    def count(day_from, day_to) -> int:
        args = {
            "action": "test.dated",
            "date_from": [str(day_from.day), str(day_from.month), str(day_from.year)],
            "date_to": [str(day_to.day), str(day_to.month), str(day_to.year)],
        }
        return len(csv_rows(client.get("/audit/export.csv", query_string=args)))

    assert count(today, today) == 1
    assert count(yesterday, yesterday) == 0


def test_the_export_is_safe_to_open_in_a_spreadsheet(lead_client):
    client, lead = lead_client
    record_event("test.formula", actor=lead, note='=HYPERLINK("http://evil")')
    db.session.commit()
    (row,) = csv_rows(client.get("/audit/export.csv?action=test.formula"))
    assert row["Detail"].startswith("{")  # the JSON text, never a formula
    assert row["Entry hash"] and row["Previous entry's hash"]
    assert row["User email"] == lead.email


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"person": "abc"}, "Enter the person's record number as a whole number, like 42"),
        ({"record": "12"}, "Choose the kind of record the number belongs to"),
        ({"record": "ASB-1999-99999"}, "No record has the reference ASB-1999-99999: check it"),
        ({"record": "99999999999", "record_type": "cases"}, "Enter a record number no larger"),
        ({"user": "nobody"}, ""),
        (
            {"date_from": ["2", "1", "2026"], "date_to": ["1", "1", "2026"]},
            "The end of the date range must be after its start",
        ),
    ],
)
def test_bad_filters_are_explained_not_failed(lead_client, args, message):
    client, _lead = lead_client
    response = client.get("/audit", query_string=args)
    assert response.status_code == 200
    messages = [text for _, text in error_summary(response)]
    assert messages and messages[0].startswith(message)
    for path in ["/audit/export.csv", "/audit/export.xlsx"]:
        export = client.get(path, query_string=args)
        assert export.status_code == 400 and export.mimetype == "text/html"
        assert "Correct the filters before exporting." in page_text(export)
        assert [text for _, text in error_summary(export)] == messages


def test_a_reference_finds_the_record(lead_client, make_case):
    client, _lead = lead_client
    case = make_case("housing")
    client.get(f"/cases/{case.id}")
    rows = csv_rows(client.get(f"/audit/export.csv?record={case.reference.lower()}"))
    assert {row["Action"] for row in rows} >= {"case.opened", "case.viewed"}
    assert {(row["Kind of record"], row["Record id"]) for row in rows} == {("cases", str(case.id))}


@pytest.mark.parametrize(
    ("role", "agency_code"), [(Role.ASB_LEAD, "community-safety"), (Role.MANAGER, "housing")]
)
def test_record_pages_link_to_their_trail_for_those_who_may_read_it(
    client, login_as, make_case, role, agency_code
):
    user = login_as(role, agency_code)
    person = PersonFactory(name="Pat Victim")
    incident = IncidentFactory(recording_agency=agency("housing"))
    case = make_case("housing", incidents=[incident])
    CasePersonFactory(case=case, person=person)
    db.session.commit()
    links = {
        f"/cases/{case.id}": f"/audit?record={case.reference}",
        f"/incidents/{incident.id}": f"/audit?record={incident.reference}",
        f"/people/{person.id}": f"/audit?person={person.id}",
    }
    for page, link in links.items():
        html = client.get(page).get_data(as_text=True)
        assert (f'href="{link}"' in html) is (user.role is Role.ASB_LEAD), page
    if user.role is Role.ASB_LEAD:
        rows = csv_rows(client.get(f"/audit/export.csv?record={case.reference}"))
        assert "case.viewed" in {row["Action"] for row in rows}
