"""Admins maintain agencies and local ASB types; nobody else reaches admin pages."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from asb.auth.models import Agency, Role
from asb.extensions import db
from asb.incidents.models import LocalAsbType
from tests.conftest import sign_in_session
from tests.factories import IncidentFactory, LocalAsbTypeFactory, agency
from tests.helpers import visible_text


def agency_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Agency))


@pytest.fixture
def admin(client, make_user):
    user = make_user(Role.ADMIN, "community-safety")
    sign_in_session(client, user)
    return user


def test_agencies_page_lists_the_standard_agencies(client, admin):
    text = visible_text(client.get("/admin/agencies"))
    for name in ("Housing, DCCS", "Barbican Estates", "City of London Police"):
        assert name in text


def test_admin_adds_an_agency(client, admin):
    response = client.post(
        "/admin/agencies",
        data={"code": "lfb", "name": "London Fire Brigade", "is_external": "yes"},
    )
    assert (response.status_code, response.location) == (302, "/admin/agencies")
    added = db.session.scalar(select(Agency).where(Agency.code == "lfb"))
    assert (added.name, added.is_external, added.is_active) == ("London Fire Brigade", True, True)
    assert "London Fire Brigade added." in visible_text(client.get("/admin/agencies"))


AGENCY_ERRORS = [
    (
        "code with capitals and spaces",
        {"code": "Fire Brigade"},
        "#code",
        "Short code must be 2 to 39 lower-case letters, numbers or hyphens",
    ),
    (
        "code of one letter",
        {"code": "f"},
        "#code",
        "Short code must be 2 to 39 lower-case letters, numbers or hyphens",
    ),
    (
        "code starting with a digit",
        {"code": "1fire"},
        "#code",
        "Short code must be 2 to 39 lower-case letters, numbers or hyphens",
    ),
    (
        "code too long",
        {"code": "f" * 40},
        "#code",
        "Short code must be 2 to 39 lower-case letters, numbers or hyphens",
    ),
    ("duplicate code", {"code": "housing"}, "#code", "An agency with this code already exists"),
    ("missing code", {"code": ""}, "#code", "Enter a short code for the agency"),
    ("missing name", {"name": ""}, "#name", "Enter the agency's name"),
    (
        "external not answered",
        {"is_external": ""},
        "#is_external",
        "Select yes if the agency is an external partner",
    ),
]


@pytest.mark.parametrize(
    ("changes", "href", "message"),
    [pytest.param(c, h, m, id=case) for case, c, h, m in AGENCY_ERRORS],
)
def test_invalid_agency_is_explained_and_not_added(client, admin, changes, href, message):
    before = agency_count()
    data = {"code": "lfb", "name": "London Fire Brigade", "is_external": "yes", **changes}
    response = client.post("/admin/agencies", data=data)
    assert response.status_code == 200
    assert f'href="{href}"' in response.get_data(as_text=True)
    assert message in visible_text(response)
    assert agency_count() == before


def test_agency_with_an_existing_name_is_explained_and_not_added(client, admin):
    before = agency_count()
    response = client.post(
        "/admin/agencies",
        data={"code": "barbican-two", "name": "barbican estates", "is_external": "no"},
    )
    assert response.status_code == 200
    assert 'href="#name"' in response.get_data(as_text=True)
    assert "An agency with this name already exists" in visible_text(response)
    assert agency_count() == before


def test_admin_adds_a_local_type(client, admin):
    response = client.post("/admin/local-types", data={"name": "Pigeon feeding"})
    assert (response.status_code, response.location) == (302, "/admin/local-types")
    added = db.session.scalar(select(LocalAsbType).where(LocalAsbType.name == "Pigeon feeding"))
    assert added.is_active is True


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("graffiti", "A local type with this name already exists"),
        ("", "Enter the name of the local type"),
        ("x" * 81, "Name must be 80 characters or fewer"),
    ],
)
def test_invalid_local_type_is_explained(client, admin, name, message):
    response = client.post("/admin/local-types", data={"name": name})
    assert response.status_code == 200
    assert message in visible_text(response)


def new_incident_form_offers(client, local_type) -> bool:
    page = client.get("/incidents/new").get_data(as_text=True)
    return f'<option value="{local_type.id}"' in page


def test_retired_local_type_is_not_offered_but_stays_on_incidents(app, client, admin, make_user):
    local_type = LocalAsbTypeFactory(name="Pigeon feeding")
    incident = IncidentFactory(local_type=local_type)
    db.session.commit()
    officer_client = app.test_client()
    sign_in_session(officer_client, make_user(Role.OFFICER, "housing"))
    assert new_incident_form_offers(officer_client, local_type)

    response = client.post(f"/admin/local-types/{local_type.id}/retire")

    assert (response.status_code, response.location) == (302, "/admin/local-types")
    assert local_type.is_active is False
    assert not new_incident_form_offers(officer_client, local_type)
    assert "Pigeon feeding" in visible_text(officer_client.get(f"/incidents/{incident.id}"))
    # The log can still be filtered by it.
    log = officer_client.get("/incidents", query_string={"local_type": str(local_type.id)})
    assert incident.reference in log.get_data(as_text=True)

    client.post(f"/admin/local-types/{local_type.id}/reinstate")
    assert local_type.is_active is True
    assert new_incident_form_offers(officer_client, local_type)


NON_ADMINS = [
    (Role.OFFICER, "housing"),
    (Role.MANAGER, "barbican"),
    (Role.ASB_LEAD, "community-safety"),
    (Role.PARTNER, "city-police"),
]

ADMIN_REQUESTS = [
    ("GET", "/admin/users"),
    ("GET", "/admin/users/new"),
    ("POST", "/admin/users/new"),
    ("GET", "/admin/users/{user}"),
    ("POST", "/admin/users/{user}"),
    ("POST", "/admin/users/{user}/reset-password"),
    ("POST", "/admin/users/{user}/deactivate"),
    ("POST", "/admin/users/{user}/reactivate"),
    ("GET", "/admin/agencies"),
    ("POST", "/admin/agencies"),
    ("GET", "/admin/local-types"),
    ("POST", "/admin/local-types"),
    ("POST", "/admin/local-types/{local_type}/retire"),
    ("POST", "/admin/local-types/{local_type}/reinstate"),
]


@pytest.mark.parametrize(("method", "path"), ADMIN_REQUESTS)
@pytest.mark.parametrize(
    ("role", "agency_code"), NON_ADMINS, ids=[f"{r.value}@{a}" for r, a in NON_ADMINS]
)
def test_non_admins_are_refused_every_admin_page(
    client, make_user, role, agency_code, method, path
):
    victim = make_user(Role.OFFICER, "barbican")
    local_type = LocalAsbTypeFactory()
    db.session.commit()
    sign_in_session(client, make_user(role, agency_code))
    url = path.format(user=victim.id, local_type=local_type.id)
    data = {
        "name": "Sneaky",
        "code": "sneaky",
        "is_external": "no",
        "email": "sneaky@example.com",
        "agency": str(agency("barbican").id),
        "role": "admin",
        "temporary_password": "a long enough password",
    }
    response = client.open(url, method=method, data=data if method == "POST" else None)
    assert response.status_code == 403
    assert victim.role is Role.OFFICER
    assert victim.is_active_account is True
    assert db.session.scalar(select(Agency).where(Agency.code == "sneaky")) is None
