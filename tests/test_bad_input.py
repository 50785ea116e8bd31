"""Each cause of a server error that the fuzz found, answered with a message, a 404 or ignored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from asb.auth.models import Role
from asb.database import INTEGER_MAX
from asb.extensions import db
from asb.forms import whole_number
from asb.incidents.models import Incident
from tests.factories import IncidentFactory, PersonFactory, agency
from tests.helpers import error_summary, incident_form

TOO_BIG = "99999999999999999999"  # past a 64-bit integer, and so past SQLite's too


def messages(response) -> str:
    return " / ".join(message for _, message in error_summary(response))


def incident_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Incident))


@pytest.mark.parametrize("text", [str(INTEGER_MAX + 1), "99999999999", "999999999999"])
def test_whole_number_refuses_a_number_past_the_integer_column(text):
    assert whole_number(str(INTEGER_MAX)) == INTEGER_MAX
    assert whole_number(text) is None


@pytest.mark.parametrize(
    "path",
    [
        f"/incidents/{TOO_BIG}",
        f"/incidents/{INTEGER_MAX + 1}",  # a server error on PostgreSQL only
        f"/cases/{TOO_BIG}",
        f"/people/{TOO_BIG}/merge",
    ],
)
def test_an_id_outside_the_integer_column_is_not_found(client, login_as, path):
    login_as(Role.ASB_LEAD, "community-safety")

    assert client.get(path).status_code == 404


def test_an_id_in_digits_other_than_ascii_is_not_found(client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")
    incident = IncidentFactory()
    db.session.commit()
    arabic_indic = "".join(chr(0x660 + int(digit)) for digit in str(incident.id))

    assert client.get(f"/incidents/{incident.id}").status_code == 200
    assert client.get(f"/incidents/{arabic_indic}").status_code == 404


def test_an_id_outside_the_integer_column_in_a_query_string_is_not_found(client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")
    person = PersonFactory()
    db.session.commit()

    assert client.get(f"/case-reviews/new?case={TOO_BIG}").status_code == 404
    assert client.get(f"/people/{person.id}/merge?duplicate_id={TOO_BIG}").status_code == 404


def test_a_hotspot_cell_past_the_integer_column_is_ignored(client, login_as):
    login_as(Role.OFFICER, "housing")
    incident = IncidentFactory()
    db.session.commit()

    response = client.get(f"/incidents?cell={INTEGER_MAX + 1}")

    assert response.status_code == 200
    assert incident.reference in response.get_data(as_text=True)


# "²" passes isdigit() and fails int(); so does a number of more than 4,300 digits.
@pytest.mark.parametrize("year", ["%C2%B2", "1" * 5000])
def test_case_review_figures_ignore_a_year_that_is_not_a_number(client, login_as, year):
    login_as(Role.ASB_LEAD, "community-safety")

    response = client.get(f"/case-reviews/figures?year={year}")

    assert response.status_code == 200


def test_deadlines_ignore_a_number_of_days_too_long_to_read(client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")

    assert client.get("/interventions/deadlines?within=" + "9" * 5000).status_code == 200


@pytest.mark.parametrize(
    "parts",
    [
        [TOO_BIG, "3", "2025"],
        ["14", TOO_BIG, "2025"],
        ["14", "3", TOO_BIG],
        ["1_4", "3", "2025"],  # int() reads it as 14
    ],
)
def test_a_date_with_an_impossible_part_asks_for_a_real_date(client, login_as, parts):
    login_as(Role.OFFICER, "housing")

    response = client.post(
        "/incidents/new", data=incident_form(agency("housing"), occurred_date=parts)
    )

    assert response.status_code == 200
    assert "Date it happened must be a real date" in messages(response)
    assert incident_count() == 0


@pytest.mark.parametrize("text", ["Loud music\x00", "Loud\x1b[31m music", "Loud\x7f music"])
def test_control_characters_in_a_form_field_are_refused_with_a_message(client, login_as, text):
    login_as(Role.OFFICER, "housing")

    response = client.post(
        "/incidents/new",
        data=incident_form(
            agency("housing"), description=text, location_description="Crescent\r\n\tHouse"
        ),
    )

    assert response.status_code == 200
    # Tabs and line breaks are ordinary text; the other control characters are not.
    assert messages(response) == (
        "What happened contains invisible control characters: type it again without them"
    )
    assert incident_count() == 0


@pytest.mark.parametrize("query", ["text=Loud%00", "agency=%00&text=zzz%01"])
def test_query_parameters_with_control_characters_are_ignored(client, login_as, query):
    login_as(Role.OFFICER, "housing")
    incident = IncidentFactory(description="Loud music from a flat late at night")
    db.session.commit()

    response = client.get(f"/incidents?{query}")

    assert response.status_code == 200
    assert incident.reference in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["_scheme", "_anchor", "_method", "endpoint"])
def test_a_query_parameter_named_like_an_argument_of_url_for_is_kept_as_a_parameter(
    client, login_as, name
):
    login_as(Role.OFFICER, "housing")
    IncidentFactory()
    db.session.commit()

    listed = client.get(f"/incidents?{name}=x")
    refused_export = client.get(f"/incidents/export.csv?{name}=x&date_from=1")

    assert listed.status_code == 200
    assert f"{name}=x&amp;sort=" in listed.get_data(as_text=True)  # the sortable headings
    assert refused_export.status_code == 400  # the log explaining the filters, not an error
    assert "Correct the filters before exporting." in refused_export.get_data(as_text=True)
