"""The deadlines list's downloads: the list's rows in both files, whom an intervention was
served on only to who sees the case's personal details, an exact audit entry, and 400 for a
number of days the download does not take."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.calendar import today_in_london
from asb.extensions import db
from asb.interventions.views import DEADLINES_EXPORT_HEADER
from tests.interventions.test_deadlines import CPN, CPW, record, rows  # noqa: F401 - fixture


@pytest.fixture
def served(open_case, add_person, record):  # noqa: F811 - the fixture imported above
    """A notice served on a person on Street Enforcement's case, shared with Housing as a
    partner, and one served on premises."""
    case = open_case("street-enforcement", title="Begging at the station", partners=["housing"])
    person = add_person(case, "Sam Example")
    today = today_in_london()
    record(case, CPW, today, served_on_person=person)
    record(case, CPN, today, served_on_person=person)
    premises = open_case("street-enforcement", title="=1+1 Shop")
    record(premises, CPW, today, served_on_premises="Corner shop")
    record(premises, CPN, today, served_on_premises="Corner shop")
    return case


def csv_export(client, **args) -> list[dict[str, str]]:
    response = client.get("/interventions/deadlines.csv", query_string=args)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def xlsx_export(client, **args):
    response = client.get("/interventions/deadlines.xlsx", query_string=args)
    assert response.status_code == 200
    header, *found = load_workbook(io.BytesIO(response.data)).active.iter_rows()
    assert [cell.value for cell in header] == DEADLINES_EXPORT_HEADER
    return [dict(zip(DEADLINES_EXPORT_HEADER, row, strict=True)) for row in found]


@pytest.mark.parametrize(
    ("agency_code", "sees_names"), [("street-enforcement", True), ("housing", False)]
)
def test_both_files_hold_the_lists_rows(client, login_as, served, agency_code, sees_names):
    login_as(Role.OFFICER, agency_code)
    listed = rows(client.get("/interventions/deadlines", query_string={"within": 90}))
    in_csv = csv_export(client, within=90)
    in_xlsx = xlsx_export(client, within=90)
    assert len(in_csv) == len(in_xlsx) == len(listed) > 0
    for shown, csv_row, xlsx_row in zip(listed, in_csv, in_xlsx, strict=True):
        assert csv_row["Case"] in shown and csv_row["Deadline"] in shown
        assert xlsx_row["Case"].value == csv_row["Case"]
        assert xlsx_row["Due"].is_date
    people = {row["Served on"] for row in in_csv if row["Case"] == served.reference}
    assert people == ({"Sam Example"} if sees_names else {"A person"})
    xlsx_text = str([cell.value for row in in_xlsx for cell in row.values()])
    assert ("Sam Example" in xlsx_text) is sees_names
    if sees_names:  # the premises case is Street Enforcement's alone
        shop = next(row for row in in_xlsx if row["Case title"].value == "=1+1 Shop")
        assert (shop["Case title"].data_type, shop["Case title"].quotePrefix) == ("s", True)
        assert shop["Served on"].value == "Corner shop"
        shop_csv = next(row for row in in_csv if row["Case title"] == "'=1+1 Shop")
        assert shop_csv["Served on"] == "Corner shop"


def test_the_download_is_audited_with_every_filter_value(client, login_as, served):
    officer = login_as(Role.OFFICER, "street-enforcement")
    count = len(csv_export(client, within=30))
    response = client.get(
        "/interventions/deadlines.xlsx", query_string=[("within", "30"), ("within", "7")]
    )
    assert response.status_code == 200
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "intervention-deadlines.exported")
        .order_by(AuditEvent.sequence.desc())
    ).first()
    assert event.actor_id == officer.id
    assert event.detail == {
        "format": "xlsx",
        "filters": {"within": ["30", "7"]},
        "rows": count,
    }


@pytest.mark.parametrize("within", ["abc", "0", "367", "-5", "=1+1", ""])
@pytest.mark.parametrize("path", ["/interventions/deadlines.csv", "/interventions/deadlines.xlsx"])
def test_a_number_of_days_it_does_not_take_answers_400(client, login_as, served, path, within):
    login_as(Role.OFFICER, "street-enforcement")
    response = client.get(path, query_string={"within": within})
    assert response.status_code == 400
    assert "Enter the number of days ahead as a whole number from 1 to 366" in (
        response.get_data(as_text=True)
    )


@pytest.mark.parametrize(("role", "status"), [(Role.PARTNER, 403), (Role.ADMIN, 403)])
def test_who_may_not_download_the_deadlines(client, login_as, role, status):
    login_as(role, "city-police" if role is Role.PARTNER else "community-safety")
    assert client.get("/interventions/deadlines.csv").status_code == status
