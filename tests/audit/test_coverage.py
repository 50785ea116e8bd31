"""Every page that shows a record with personal details, every search and every export writes
one audit entry: who, what, which record, the filters exactly and from which address."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

import pytest
from flask import request
from sqlalchemy import func, select

from asb import create_app
from asb.audit.models import AuditEvent
from asb.audit.services import client_address
from asb.auth.models import Role
from asb.extensions import db
from asb.interventions.rules import InterventionKind
from asb.interventions.services import InterventionDetails, record_intervention
from tests.factories import IncidentFactory, agency
from tests.factories.case_reviews import make_application
from tests.factories.documents import DocumentFactory
from tests.factories.people import CasePersonFactory, IncidentPersonFactory, PersonFactory
from tests.helpers import incident_form

CLIENT_ADDRESS = "192.0.2.44"


@dataclass
class World:
    incident_id: int
    case_id: int
    person_id: int
    document_id: int
    application_id: int
    intervention_id: int

    def fill(self, template: str) -> str:
        return template.format(**vars(self))


@pytest.fixture
def world(make_user, make_case, app, monkeypatch, tmp_path) -> World:
    manager = make_user(Role.MANAGER, "housing")
    incident = IncidentFactory(recording_agency=agency("housing"), recorded_by=manager)
    case = make_case("housing", actor=manager, incidents=[incident])
    person = PersonFactory(name="Pat Victim", address="12 Crescent House, EC1Y 0SL")
    CasePersonFactory(case=case, person=person)
    IncidentPersonFactory(incident=incident, person=person)
    monkeypatch.setitem(app.config, "DOCUMENT_STORAGE_DIR", str(tmp_path))
    document = DocumentFactory(
        case_id=case.id, uploaded_by_id=manager.id, storage_name=secrets.token_hex(16)
    )
    (tmp_path / document.storage_name).write_bytes(b"Statement of the victim\n")
    application = make_application(manager, case=case)
    warning = InterventionDetails(
        kind=InterventionKind.COMMUNITY_PROTECTION_WARNING,
        issued_on=date(2025, 3, 1),
        served_on_person=person,
    )
    with app.test_request_context():
        intervention = record_intervention(case, warning, actor=manager)
    db.session.commit()
    return World(incident.id, case.id, person.id, document.id, application.id, intervention.id)


LEAD = (Role.ASB_LEAD, "community-safety")
MANAGER = (Role.MANAGER, "housing")

# (who, the page, the audit action, the kind of record and its id's name, detail expected)
VIEWS = [
    (LEAD, "/incidents/{incident_id}", "incident.viewed", ("incidents", "incident_id"),
     {"personal_details": True}),
    (LEAD, "/cases/{case_id}", "case.viewed", ("cases", "case_id"), {"personal_details": True}),
    (LEAD, "/people/{person_id}", "person.viewed", ("people", "person_id"), {}),
    (MANAGER, "/cases/{case_id}/documents/{document_id}", "document.downloaded",
     ("case_documents", "document_id"), None),
    (LEAD, "/case-reviews/{application_id}", "case-review.viewed",
     ("case_review_applications", "application_id"), {"applicant_details": True}),
    (LEAD, "/cases/{case_id}/interventions/{intervention_id}", "intervention.viewed",
     ("interventions", "intervention_id"), None),
    (LEAD, "/repeat-victims", "repeat-victims.viewed", None, {}),
    (LEAD, "/incidents?text=noise&category=noise&category=litter&page=", "incidents.searched",
     None, {"filters": {"text": ["noise"], "category": ["noise", "litter"], "page": [""]}}),
    (LEAD, "/incidents/export.csv?status=new&status=open&ward=", "incidents.exported", None,
     {"format": "csv", "filters": {"status": ["new", "open"], "ward": [""]}, "rows": 0}),
    (LEAD, "/map?category=noise&category=litter", "incidents.mapped", None,
     {"filters": {"category": ["noise", "litter"]}}),
    (LEAD, "/cases/all?text=music&risk=high", "cases.searched", None,
     {"queue": "all", "filters": {"text": ["music"], "risk": ["high"]}}),
    (MANAGER, "/cases/team?overdue=yes", "cases.searched", None,
     {"queue": "team", "filters": {"overdue": ["yes"]}}),
    (MANAGER, "/cases?status=open", "cases.searched", None,
     {"queue": "mine", "filters": {"status": ["open"]}}),
    (LEAD, "/case-reviews/figures.csv?year=2026", "case-review-figures.exported", None,
     {"format": "csv", "filters": {"year": ["2026"]}, "rows": 1}),
]  # fmt: skip


def events() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize(("who", "page", "action", "record", "detail"), VIEWS)
def test_each_view_search_and_export_writes_one_entry(
    client, login_as, world, who, page, action, record, detail
):
    user = login_as(*who)
    before = events()
    response = client.get(world.fill(page), environ_base={"REMOTE_ADDR": CLIENT_ADDRESS})
    assert response.status_code == 200
    response.get_data()  # a streamed export runs to its end
    assert events() == before + 1, "one entry, and only one, for the page"
    entry = db.session.scalar(select(AuditEvent).order_by(AuditEvent.sequence.desc()))
    assert (entry.action, entry.outcome, entry.actor_id) == (action, "success", user.id)
    assert entry.ip_address == CLIENT_ADDRESS
    if record is None:
        assert (entry.object_type, entry.object_id) == (None, None)
    else:
        kind, id_name = record
        assert (entry.object_type, entry.object_id) == (kind, getattr(world, id_name))
    if detail is not None:
        assert entry.detail == detail


def test_a_view_without_personal_details_is_recorded_as_such(client, login_as, world):
    user = login_as(Role.OFFICER, "barbican")
    client.get(f"/incidents/{world.incident_id}")
    entry = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.actor_id == user.id, AuditEvent.action == "incident.viewed"
        )
    )
    assert entry.detail == {"personal_details": False}


def test_a_people_search_is_recorded_with_the_matches_shown(client, login_as, world):
    user = login_as(Role.MANAGER, "housing")
    form = {"name": "Pat Victim", "role": "victim", "address": "12 Crescent House, EC1Y 0SL"}
    response = client.post(f"/cases/{world.case_id}/people/new", data=form)
    assert response.status_code == 200  # the match is offered
    entry = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.actor_id == user.id, AuditEvent.action == "people.searched"
        )
    )
    assert (entry.object_type, entry.object_id) == ("cases", world.case_id)
    assert entry.detail == {"matches": [world.person_id]}
    assert "Pat Victim" not in str(entry.detail)


def test_a_refused_page_is_recorded_as_denied(client, login_as, world):
    user = login_as(Role.OFFICER, "barbican")
    assert client.get(f"/people/{world.person_id}").status_code in {403, 404}
    entry = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.actor_id == user.id)
        .order_by(AuditEvent.sequence.desc())
    )
    assert (entry.action, entry.outcome) == ("access.denied", "denied")


def test_changes_are_recorded(client, login_as, world):
    user = login_as(Role.OFFICER, "housing")
    response = client.post("/incidents/new", data=incident_form(agency("housing")))
    assert response.status_code == 302
    recorded = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.actor_id == user.id, AuditEvent.action == "incident.recorded"
        )
    )
    assert recorded is not None
    assert "Sam Caller" not in str(recorded.detail)


def test_a_failed_sign_in_is_recorded_with_the_address(client, make_user):
    user = make_user(Role.OFFICER, "housing")
    client.post(
        "/sign-in",
        data={"email": user.email, "password": "not the password"},
        environ_base={"REMOTE_ADDR": CLIENT_ADDRESS},
    )
    entry = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.actor_id == user.id, AuditEvent.action == "auth.sign-in"
        )
    )
    assert (entry.outcome, entry.ip_address) == ("failure", CLIENT_ADDRESS)


@pytest.mark.parametrize(("trusted_proxies", "recorded"), [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_the_address_comes_from_x_forwarded_for_only_behind_trusted_proxies(
    database_url, trusted_proxies, recorded
):
    """The audit trail and the sign-in limits read the same address (asb.security)."""
    app = create_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": database_url, "ASB_TRUSTED_PROXIES": trusted_proxies},
    )
    app.add_url_rule("/address", "address", lambda: f"{client_address()}|{request.remote_addr}")
    response = app.test_client().get(
        "/address",
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
        headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"},
    )
    assert response.get_data(as_text=True) == f"{recorded}|{recorded}"
