"""The disclosure log: who reads it, its search, its entries and its export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from asb.agreements.models import SharingAgreement
from asb.agreements.vocabulary import DataCategory, LawfulBasis
from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.cases.models import Case
from asb.disclosures.export import EXPORT_HEADER
from asb.disclosures.models import Disclosure
from asb.disclosures.services import record_disclosure
from asb.disclosures.vocabulary import DisclosureMethod
from asb.extensions import db
from tests.agreements.helpers import make_agreement
from tests.factories import CasePersonFactory, PersonFactory, agency, make_user
from tests.helpers import visible_text

ROLES = {
    "officer": (Role.OFFICER, "housing"),
    "manager": (Role.MANAGER, "housing"),
    "asb lead": (Role.ASB_LEAD, "community-safety"),
    "partner": (Role.PARTNER, "city-police"),
    "admin": (Role.ADMIN, "community-safety"),
}
READERS = {"asb lead", "admin"}


@dataclass
class Log:
    phone: Disclosure  # to City Police under the agreement, about Vera, on the case
    email: Disclosure  # to a named GP on a lawful basis, about Percy, no case
    restricted: Disclosure  # about the restricted case
    agreement: SharingAgreement
    case: Case
    restricted_case: Case


@pytest.fixture
def log(make_case, lead) -> Log:
    officer = make_user(Role.OFFICER, "housing")
    case = make_case("housing")
    restricted_case = make_case("housing", restricted=True)
    vera = PersonFactory(name="Vera Victim")
    percy = PersonFactory(name="Percy Noisy")
    CasePersonFactory(case_id=case.id, person_id=vera.id)
    agreement = make_agreement(lead, categories=["incident-facts", "people"])
    phone = record_disclosure(
        method=DisclosureMethod.PHONE,
        description='=HYPERLINK("http://evil.example","Times of the loud music")',
        purpose="Joint visit",
        disclosing_agency=agency("housing"),
        recorded_by=officer,
        categories=[DataCategory.INCIDENT_FACTS, DataCategory.PEOPLE],
        recipient_agency=agency("city-police"),
        recipient_name="PC Ahmed",
        agreement=agreement,
        subjects=[vera],
        case=case,
        disclosed_at=datetime(2026, 3, 10, 11, 0, tzinfo=UTC),
    )
    email = record_disclosure(
        method=DisclosureMethod.EMAIL,
        description="Percy's hospital appointments",
        purpose="Safeguarding referral",
        disclosing_agency=agency("community-safety"),
        recorded_by=lead,
        categories=[DataCategory.VULNERABILITIES],
        recipient_name="Dr Jones, GP",
        lawful_basis=LawfulBasis.VITAL_INTERESTS,
        legal_basis_note="@SUM(1+1)",
        subjects=[percy],
        disclosed_at=datetime(2026, 5, 2, 9, 0, tzinfo=UTC),
    )
    restricted = record_disclosure(
        method=DisclosureMethod.MEETING,
        description="Restricted safeguarding details",
        purpose="Safeguarding",
        disclosing_agency=agency("housing"),
        recorded_by=officer,
        recipient_agency=agency("city-police"),
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        case=restricted_case,
        disclosed_at=datetime(2026, 4, 1, 9, 0, tzinfo=UTC),
    )
    db.session.commit()
    return Log(phone, email, restricted, agreement, case, restricted_case)


def entry_ids(response) -> set[int]:
    body = response.get_data(as_text=True)
    return {
        entry.id
        for entry in db.session.scalars(select(Disclosure))
        if f'href="/disclosures/{entry.id}"' in body
    }


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize(
    "path",
    ["/disclosures", "/disclosures/{id}", "/disclosures/export.csv", "/disclosures/export.xlsx"],
)
def test_only_the_lead_and_admins_read_the_log(client, login_as, log, who, path):
    login_as(*ROLES[who])
    response = client.get(path.format(id=log.phone.id))
    assert response.status_code == (200 if who in READERS else 403)


def test_the_log_lists_every_entry_newest_first(client, login_as, log):
    login_as(Role.ASB_LEAD, "community-safety")
    response = client.get("/disclosures")
    text = visible_text(response)
    assert "3 disclosures match" in text
    assert text.index("2 May 2026") < text.index("1 April 2026") < text.index("10 March 2026")
    assert "Vera Victim" in text and "Percy Noisy" in text


def test_an_entry_shows_every_field(client, login_as, log):
    login_as(Role.ASB_LEAD, "community-safety")
    text = visible_text(client.get(f"/disclosures/{log.phone.id}"))
    for words in (
        "When 10 March 2026 at 11:00",
        "How Phone call",
        "Disclosed by Housing",
        "Disclosed to City of London Police, PC Ahmed",
        "About Vera Victim",
        f"Case {log.case.reference}",
        "Times of the loud music",
        "Kinds of information Incident facts (what happened, when, category), People's names",
        "Why Joint visit",
        f"Agreement {log.agreement.reference}",
    ):
        assert words in text


def test_entries_about_a_restricted_case_are_hidden_from_admins(client, login_as, log):
    login_as(Role.ADMIN, "community-safety")
    assert entry_ids(client.get("/disclosures")) == {log.phone.id, log.email.id}
    assert client.get(f"/disclosures/{log.restricted.id}").status_code == 404
    exported = client.get("/disclosures/export.csv").get_data(as_text=True)
    assert "Restricted safeguarding details" not in exported
    login_as(Role.ASB_LEAD, "community-safety")
    assert log.restricted.id in entry_ids(client.get("/disclosures"))


def test_admins_see_no_names_of_people(client, login_as, log):
    login_as(Role.ADMIN, "community-safety")
    text = visible_text(client.get("/disclosures"))
    assert "Vera Victim" not in text and "About: withheld" in text
    rows = list(csv.reader(io.StringIO(client.get("/disclosures/export.csv").text)))
    about = EXPORT_HEADER.index("About")
    assert {row[about] for row in rows[1:]} == {"Withheld"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"text": "loud music"}, {"phone"}),
        ({"text": "gp"}, {"email"}),
        ({"text": "100%"}, set()),
        ({"person": "vera"}, {"phone"}),
        ({"person": "  PERCY   noisy "}, {"email"}),
        ({"recipient": "city-police"}, {"phone", "restricted"}),
        ({"method": "email"}, {"email"}),
        ({"agreement": "agreement"}, {"phone"}),
        ({"reference": "case"}, {"phone"}),
        ({"date_from": ["1", "4", "2026"]}, {"email", "restricted"}),
        ({"date_to": ["1", "4", "2026"]}, {"phone", "restricted"}),
        ({"date_from": ["1", "4", "2026"], "date_to": ["1", "4", "2026"]}, {"restricted"}),
    ],
)
def test_the_log_is_searchable(client, login_as, log, query, expected):
    login_as(Role.ASB_LEAD, "community-safety")
    values = {
        "city-police": str(agency("city-police").id),
        "agreement": str(log.agreement.id),
        "case": log.case.reference.lower(),
    }
    args = {
        key: values.get(value, value) if isinstance(value, str) else value
        for key, value in query.items()
    }
    for key in ("date_from", "date_to"):
        args.setdefault(key, ["", "", ""])
    found = entry_ids(client.get("/disclosures", query_string=args))
    names = {getattr(log, name).id: name for name in ("phone", "email", "restricted")}
    assert {names[entry] for entry in found} == expected


def test_bad_filters_say_what_to_correct_and_export_nothing(client, login_as, log):
    login_as(Role.ASB_LEAD, "community-safety")
    query = {"date_from": ["1", "5", "2026"], "date_to": ["1", "4", "2026"], "method": "x"}
    response = client.get("/disclosures", query_string=query)
    assert response.status_code == 200
    assert "The end of the date range must be after its start" in visible_text(response)
    for path in ["/disclosures/export.csv", "/disclosures/export.xlsx"]:
        export = client.get(path, query_string=query)
        assert export.status_code == 400 and export.mimetype == "text/html"
        assert "Correct the filters before exporting." in visible_text(export)
        assert "The end of the date range must be after its start" in visible_text(export)


def test_the_log_pages(app, client, login_as, log, monkeypatch):
    monkeypatch.setitem(app.config, "DISCLOSURES_PER_PAGE", 2)
    login_as(Role.ASB_LEAD, "community-safety")
    first = client.get("/disclosures")
    second = client.get("/disclosures?page=2")
    assert entry_ids(first) == {log.email.id, log.restricted.id}
    assert entry_ids(second) == {log.phone.id}
    assert "Showing 3 to 3" in visible_text(second)


def test_the_csv_export_holds_every_field_and_no_formula(client, login_as, log):
    login_as(Role.ASB_LEAD, "community-safety")
    response = client.get("/disclosures/export.csv", query_string={"recipient": ""})
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="asb-disclosure-log.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == EXPORT_HEADER
    by_entry = {row[0]: dict(zip(EXPORT_HEADER, row, strict=True)) for row in rows[1:]}
    phone = by_entry[str(log.phone.id)]
    assert phone["What was disclosed"].startswith("'=HYPERLINK(")
    assert phone["Disclosed at"] == "2026-03-10 11:00"
    assert phone["About"] == "Vera Victim"
    assert phone["Agreement"] == log.agreement.reference
    assert phone["Case"] == log.case.reference
    assert phone["Recipient"] == "PC Ahmed"
    email = by_entry[str(log.email.id)]
    assert email["Further legal ground"] == "'@SUM(1+1)"
    assert email["Lawful basis"] == "Article 6(1)(d) vital interests"
    assert email["Kinds of information"] == "Vulnerabilities"


def test_the_spreadsheet_export_holds_the_same_rows_as_text(client, login_as, log):
    login_as(Role.ASB_LEAD, "community-safety")
    csv_rows = list(csv.reader(io.StringIO(client.get("/disclosures/export.csv").text)))
    response = client.get("/disclosures/export.xlsx")
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "Disclosure log"
    xlsx_rows = [[cell_as_csv(cell) for cell in row] for row in sheet.iter_rows()]
    assert xlsx_rows == csv_rows
    phone = next(row for row in sheet.iter_rows() if row[0].value == log.phone.id)
    disclosed_at = phone[EXPORT_HEADER.index("Disclosed at")]
    assert disclosed_at.value == datetime(2026, 3, 10, 11, 0)  # a real date, London time
    what = phone[EXPORT_HEADER.index("What was disclosed")]
    assert what.value.startswith("=HYPERLINK(")
    assert (what.data_type, what.quotePrefix) == ("s", True)  # text Excel never evaluates


def cell_as_csv(cell) -> str:
    """A spreadsheet cell as the CSV writes the same value."""
    if cell.value is None:
        return ""
    if isinstance(cell.value, datetime):
        return cell.value.strftime("%Y-%m-%d %H:%M")
    if cell.quotePrefix and cell.value[0] in "=+-@\t\r":
        return "'" + cell.value
    return str(cell.value)


def test_the_export_is_audited_with_its_filters_exactly(client, login_as, log):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    query = [("method", "phone"), ("method", "email"), ("text", "music"), ("page", "2")]
    for path, file_format in [("export.csv", "csv"), ("export.xlsx", "xlsx")]:
        assert client.get(f"/disclosures/{path}", query_string=query).status_code == 200
        event = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "disclosures.exported")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.actor_id == lead.id
        assert event.detail == {
            "format": file_format,
            "filters": {"method": ["phone", "email"], "text": ["music"], "page": ["2"]},
            "rows": 1,  # the entries by phone or email about music, every page of them
        }


def test_searching_the_log_and_opening_an_entry_are_audited(client, login_as, log):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    client.get("/disclosures", query_string=[("method", "email"), ("person", "percy")])
    client.get(f"/disclosures/{log.email.id}")
    events = {
        event.action: event
        for event in db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.actor_id == lead.id, AuditEvent.outcome == "success"
            )
        )
    }
    assert events["disclosures.searched"].detail == {
        "filters": {"method": ["email"], "person": ["percy"]}
    }
    assert events["disclosure.viewed"].object_id == log.email.id
