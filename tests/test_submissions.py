"""Every create happens once: a form sent twice (or more, at once) makes one record.

Each kind of create form is drawn, then sent twice with the key it was drawn with: the first
answer creates the record, the second writes nothing and sends the user to the same place.
A real server (gunicorn, two workers) then takes the same incident form from several
threads at the same moment, and records one incident.
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from http.cookiejar import CookieJar
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import func, select

from asb import create_app
from asb.auth.models import Role, User
from asb.calendar import today_in_london
from asb.case_reviews import services as case_review_services
from asb.case_reviews.deadlines import load_settings
from asb.cases.assessments import record_risk_assessment, risk_matrix
from asb.cases.models import Case
from asb.database import utcnow
from asb.extensions import db
from asb.incidents.models import Incident
from asb.interventions import services as intervention_services
from asb.interventions.rules import InterventionKind
from asb.people.models import Person
from asb.people.vocabulary import PersonRole
from asb.submissions import EXPIRED, KEPT_FOR, REPEATED, SubmissionKey, new_key
from tests.conftest import scratch_database_url, sign_in_session
from tests.factories import (
    TEST_PASSWORD,
    CasePersonFactory,
    IncidentFactory,
    PersonFactory,
    UserFactory,
    agency,
    make_application,
    make_case,
)
from tests.helpers import date_parts, incident_form

ROOT = Path(__file__).resolve().parents[1]
PORTS = range(5111, 5120)
_KEY = re.compile(r'name="submission_key" type="hidden" value="([^"]+)"')
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def key_on(html: str) -> str:
    found = _KEY.search(html)
    assert found, "the form carries no submission key"
    return found.group(1)


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


# One create form of each kind: where it is drawn, where it is sent, a valid answer, and the
# table that gains a row.


@dataclass
class CreateForm:
    page: str
    action: str
    answer: Callable[[], dict]
    table: str


def _case(lead: str = "housing", *, actor: User | None = None) -> Case:
    case = make_case(lead, actor)
    db.session.commit()
    return case


def _person_on(case: Case, name: str, role: PersonRole) -> Person:
    person = PersonFactory(name=name)
    CasePersonFactory(case_id=case.id, person_id=person.id, role=role)
    db.session.commit()
    return person


def incident(login_as) -> CreateForm:
    login_as(Role.OFFICER, "housing")
    answer = incident_form(agency("housing"), description="Music through the wall at 2am")
    return CreateForm("/incidents/new", "/incidents/new", lambda: answer, "incidents")


def case(login_as) -> CreateForm:
    login_as(Role.OFFICER, "housing")
    answer = {
        "title": "Graffiti on the walkway",
        "summary": "Tags reappear every week",
        "lead_agency": str(agency("housing").id),
        "restricted": "no",
        "restriction_reason": "",
        "incident_ids": "",
    }
    return CreateForm("/cases/new", "/cases/new", lambda: answer, "cases")


def note(login_as) -> CreateForm:
    login_as(Role.OFFICER, "housing")
    url = f"/cases/{_case().id}/notes"
    answer = {"contact_method": "", "text": "Spoke to the caretaker"}
    return CreateForm(url, url, lambda: answer, "case_timeline")


def contact(login_as) -> CreateForm:
    login_as(Role.OFFICER, "housing")
    url = f"/cases/{_case().id}/notes"
    answer = {"contact_method": "call", "text": "Rang the victim"}
    return CreateForm(url, url, lambda: answer, "case_timeline")


def action(login_as) -> CreateForm:
    manager = login_as(Role.MANAGER, "housing")
    url = f"/cases/{_case(actor=manager).id}/actions"
    answer = {
        "description": "Clean the wall",
        "owner": str(manager.id),
        "due_on": date_parts(today_in_london() + timedelta(days=7)),
    }
    return CreateForm(url, url, lambda: answer, "case_actions")


def review(login_as) -> CreateForm:
    officer = login_as(Role.OFFICER, "housing")
    reviewed = _case()
    answers = {q.id: q.answers[-1].value for q in risk_matrix("victim").questions}
    record_risk_assessment(reviewed, subject="victim", answers=answers, actor=officer)
    db.session.commit()
    url = f"/cases/{reviewed.id}/review"
    answer = {"note": "Looked again", "next_review_due": ["1", "1", "2099"]}
    return CreateForm(url, url, lambda: answer, "case_timeline")


def linked_incident(login_as) -> CreateForm:
    login_as(Role.OFFICER, "housing")
    linked = IncidentFactory(recording_agency=agency("housing"))
    url = f"/cases/{_case().id}/incidents"
    return CreateForm(url, url, lambda: {"reference": linked.reference}, "case_incidents")


def risk_assessment(login_as) -> CreateForm:
    login_as(Role.OFFICER, "housing")
    url = f"/cases/{_case().id}/risk-assessment/victim"
    answer = {q.id: q.answers[0].value for q in risk_matrix("victim").questions}
    return CreateForm(url, url, lambda: answer, "risk_assessments")


def partner(login_as) -> CreateForm:
    manager = login_as(Role.MANAGER, "housing")
    url = f"/cases/{_case(actor=manager).id}/partners"
    return CreateForm(url, url, lambda: {"agency": str(agency("barbican").id)}, "case_partners")


def intervention(login_as) -> CreateForm:
    login_as(Role.OFFICER, "street-enforcement")
    worked = _case("street-enforcement")
    perpetrator = _person_on(worked, "Sam Perpetrator", PersonRole.PERPETRATOR)
    url = f"/cases/{worked.id}/interventions/new"
    answer = {
        "kind": InterventionKind.COMMUNITY_PROTECTION_WARNING.value,
        "issued_on": date_parts(date(2025, 3, 1)),
        "served_on_person": str(perpetrator.id),
    }
    return CreateForm(url, url, lambda: answer, "interventions")


def breach(login_as) -> CreateForm:
    officer = login_as(Role.OFFICER, "street-enforcement")
    worked = _case("street-enforcement")
    perpetrator = _person_on(worked, "Sam Perpetrator", PersonRole.PERPETRATOR)
    notice = None
    for kind, issued_on in (
        (InterventionKind.COMMUNITY_PROTECTION_WARNING, date(2025, 3, 1)),
        (InterventionKind.COMMUNITY_PROTECTION_NOTICE, date(2025, 3, 3)),
    ):
        details = intervention_services.InterventionDetails(
            kind=kind,
            issued_on=issued_on,
            served_on_person=perpetrator,
            conditions="Not to leave bags on the pavement",
        )
        notice = intervention_services.record_intervention(worked, details, actor=officer)
    db.session.commit()
    page = f"/cases/{worked.id}/interventions/{notice.id}"
    answer = {"occurred_on": date_parts(date(2025, 4, 1)), "description": "Bags left again"}
    return CreateForm(page, f"{page}/breaches", lambda: answer, "intervention_breaches")


def document(login_as) -> CreateForm:
    login_as(Role.OFFICER, "housing")
    url = f"/cases/{_case().id}/documents/new"
    return CreateForm(
        url,
        url,
        lambda: {"file": (io.BytesIO(PDF), "warning-letter.pdf"), "description": "Letter"},
        "case_documents",
    )


def person(login_as) -> CreateForm:
    login_as(Role.OFFICER, "housing")
    url = f"/cases/{_case().id}/people/new"
    answer = {
        "role": "victim",
        "name": "Sam Caller",
        "date_of_birth": ["1", "5", "1980"],
        "address": "Flat 3, 12 Crescent House, EC1Y 0SL",
        "phone": "020 7946 0002",
        "email": "sam.caller@example.com",
        "vulnerability_notes": "",
    }
    return CreateForm(url, url, lambda: answer, "case_people")


def case_review_explained(login_as) -> CreateForm:
    login_as(Role.OFFICER, "housing")
    explained = IncidentFactory(recording_agency=agency("housing"))
    db.session.commit()
    url = f"/incidents/{explained.id}/case-review-explained"
    return CreateForm(url, url, lambda: {"how": "phone"}, "case_review_explanations")


_APPLICATION = {
    "applicant_name": "Pat Applicant",
    "applicant_contact": "020 7946 0123",
    "on_behalf_of": "",
    "consent_confirmed": "",
    "route": "phone",
    "incident_references": "",
    "case_id": "",
}


def case_review_application(login_as) -> CreateForm:
    login_as(Role.ASB_LEAD, "community-safety")
    answer = {**_APPLICATION, "received_on": date_parts(today_in_london())}
    return CreateForm(
        "/case-reviews/new", "/case-reviews/new", lambda: answer, "case_review_applications"
    )


def case_review_complaint(login_as) -> CreateForm:
    lead = login_as(Role.ASB_LEAD, "community-safety")
    url = f"/case-reviews/{make_application(lead).id}/complaints"
    answer = {
        "reference": "",
        "agency": str(agency("city-police").id),
        "behaviour_on": date_parts(today_in_london() - timedelta(days=30)),
        "complained_on": date_parts(today_in_london() - timedelta(days=30)),
        "description": "Shouting in the courtyard",
        "same_as": "",
    }
    return CreateForm(url, url, lambda: answer, "case_review_complaints")


def case_review_recommendation(login_as) -> CreateForm:
    lead = login_as(Role.ASB_LEAD, "community-safety")
    application = make_application(lead, case=_case())
    case_review_services.decide_threshold(
        application,
        met=True,
        decided_on=today_in_london(),
        notes="Persistent noise over many months",
        settings=load_settings(),
        actor=lead,
    )
    case_review_services.record_meeting(
        application, meeting_on=today_in_london(), victim_view=None, actor=lead
    )
    db.session.commit()
    url = f"/case-reviews/{application.id}/recommendations"
    answer = {
        "description": "Night-time noise patrols for four weeks",
        "owner": str(lead.id),
        "due_on": date_parts(today_in_london() + timedelta(days=14)),
    }
    return CreateForm(url, url, lambda: answer, "case_actions")


def case_review_case(login_as) -> CreateForm:
    lead = login_as(Role.ASB_LEAD, "community-safety")
    url = f"/case-reviews/{make_application(lead).id}/open-case"
    answer = {
        "title": "ASB Case Review case",
        "summary": "Repeated noise and parties at Crescent House",
        "lead_agency": str(agency("housing").id),
        "restricted": "no",
        "restriction_reason": "",
    }
    return CreateForm(url, url, lambda: answer, "cases")


def user(login_as) -> CreateForm:
    login_as(Role.ADMIN, "community-safety")
    answer = {
        "name": "Fiona MacLeod",
        "email": "fiona.macleod@cityoflondon.gov.uk",
        "agency": str(agency("mcp").id),
        "role": "officer",
        "temporary_password": "Quartz lantern orbit 8152",
    }
    return CreateForm("/admin/users/new", "/admin/users/new", lambda: answer, "users")


def agency_record(login_as) -> CreateForm:
    login_as(Role.ADMIN, "community-safety")
    answer = {"code": "lfb", "name": "London Fire Brigade", "is_external": "yes"}
    return CreateForm("/admin/agencies", "/admin/agencies", lambda: answer, "agencies")


def local_type(login_as) -> CreateForm:
    login_as(Role.ADMIN, "community-safety")
    answer = {"name": "Pigeon feeding"}
    return CreateForm("/admin/local-types", "/admin/local-types", lambda: answer, "local_asb_types")


CREATE_FORMS = [
    incident,
    case,
    note,
    contact,
    action,
    review,
    linked_incident,
    risk_assessment,
    partner,
    intervention,
    breach,
    document,
    person,
    case_review_explained,
    case_review_application,
    case_review_complaint,
    case_review_recommendation,
    case_review_case,
    user,
    agency_record,
    local_type,
]


@pytest.fixture
def documents_folder(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "DOCUMENT_STORAGE_DIR", str(tmp_path / "documents"))


@pytest.mark.parametrize("make_form", CREATE_FORMS, ids=lambda make: make.__name__)
def test_a_create_form_sent_twice_creates_once_and_answers_the_second_with_the_first(
    client, login_as, documents_folder, make_form
):
    form = make_form(login_as)
    page = client.get(form.page)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-prevent-double-click="true"' in html
    key = key_on(html)
    before = row_counts()

    first = client.post(form.action, data={**form.answer(), "submission_key": key})
    assert first.status_code == 302, first.get_data(as_text=True)
    after_first = row_counts()
    assert after_first[form.table] == before[form.table] + 1
    assert after_first["submission_keys"] == before["submission_keys"] + 1

    second = client.post(form.action, data={**form.answer(), "submission_key": key})

    assert second.status_code == 302, second.get_data(as_text=True)
    assert second.location == first.location
    assert row_counts() == after_first
    assert REPEATED in client.get(second.location).get_data(as_text=True)


# The key's own rules


@pytest.fixture
def officer(login_as) -> User:
    return login_as(Role.OFFICER, "housing")


def incidents_described(words: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Incident).where(Incident.description == words)
    )


def test_a_form_sent_without_its_key_is_refused_and_drawn_again_with_a_new_one(client, officer):
    client.send_submission_keys = False
    answer = incident_form(agency("housing"), description="Sent without a key")

    refused = client.post("/incidents/new", data=answer)

    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert EXPIRED in html
    assert incidents_described("Sent without a key") == 0
    fresh = key_on(html)
    saved = client.post("/incidents/new", data={**answer, "submission_key": fresh})
    assert saved.status_code == 302
    assert incidents_described("Sent without a key") == 1


@pytest.mark.parametrize(
    "key",
    ["", "short", "x" * 65, "a" * 40 + "!<>", "\u00e9" * 43, "a" * 10_000],
    ids=["empty", "short", "too-long", "punctuation", "unicode", "huge"],
)
def test_a_malformed_key_is_refused_with_the_message(client, officer, key):
    answer = incident_form(agency("housing"), description="Sent with a bad key")

    refused = client.post("/incidents/new", data={**answer, "submission_key": key})

    assert refused.status_code == 200
    assert EXPIRED in refused.get_data(as_text=True)
    assert incidents_described("Sent with a bad key") == 0


def test_another_users_key_does_not_lead_to_their_record(app, client, officer, make_user):
    answer = incident_form(agency("housing"), description="Only the first officer's")
    key = new_key()
    first = client.post("/incidents/new", data={**answer, "submission_key": key})
    assert first.status_code == 302
    colleague = app.test_client()
    sign_in_session(colleague, make_user(Role.OFFICER, "housing"))

    refused = colleague.post("/incidents/new", data={**answer, "submission_key": key})

    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert EXPIRED in html
    assert first.location not in html
    assert key_on(html) != key
    assert incidents_described("Only the first officer's") == 1


def test_a_key_sent_to_another_form_is_refused(client, officer):
    key = new_key()
    answer = incident_form(agency("housing"), description="Sent to the incident form")
    assert client.post("/incidents/new", data={**answer, "submission_key": key}).status_code == 302

    refused = client.post(
        "/cases/new",
        data={
            "title": "Opened with a spent key",
            "summary": "Tags reappear every week",
            "lead_agency": str(agency("housing").id),
            "restricted": "no",
            "restriction_reason": "",
            "incident_ids": "",
            "submission_key": key,
        },
    )

    assert refused.status_code == 200
    assert EXPIRED in refused.get_data(as_text=True)
    assert db.session.scalar(select(Case).where(Case.title == "Opened with a spent key")) is None


def test_a_form_refused_for_its_answers_keeps_its_key_for_the_corrected_one(client, officer):
    html = client.get("/incidents/new").get_data(as_text=True)
    key = key_on(html)
    answer = incident_form(agency("housing"), description="")

    refused = client.post("/incidents/new", data={**answer, "submission_key": key})
    assert refused.status_code == 200
    assert key_on(refused.get_data(as_text=True)) == key

    answer["description"] = "Corrected after the error"
    saved = client.post("/incidents/new", data={**answer, "submission_key": key})
    assert saved.status_code == 302
    assert incidents_described("Corrected after the error") == 1


def test_keys_older_than_a_week_are_forgotten_when_the_user_sends_a_form(
    client, officer, make_user
):
    someone_else = make_user(Role.OFFICER, "barbican")
    old, recent, others = new_key(), new_key(), new_key()
    for key, owner, age in (
        (old, officer, KEPT_FOR + timedelta(hours=1)),
        (recent, officer, KEPT_FOR - timedelta(hours=1)),
        (others, someone_else, KEPT_FOR + timedelta(hours=1)),
    ):
        db.session.add(
            SubmissionKey(
                key=key,
                user_id=owner.id,
                endpoint="incidents.new_incident",
                result_url="/incidents/1",
                created_at=utcnow() - age,
            )
        )
    db.session.commit()

    answer = incident_form(agency("housing"), description="Sent a week later")
    assert client.post("/incidents/new", data=answer).status_code == 302

    kept = set(db.session.scalars(select(SubmissionKey.key)))
    assert old not in kept
    assert {recent, others} <= kept


# The same form from several threads at once, against gunicorn with two workers


@dataclass
class Answer:
    status: int
    location: str | None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: its cookies, and redirects reported rather than followed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirects()
        )

    def get(self, path: str) -> str:
        with self._opener.open(self.base_url + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict) -> Answer:
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        request = urllib.request.Request(self.base_url + path, data=body)  # noqa: S310
        try:
            with self._opener.open(request, timeout=60) as response:
                return Answer(response.status, None)
        except urllib.error.HTTPError as answer:
            return Answer(answer.code, answer.headers.get("Location"))


@dataclass
class Server:
    url: str
    app: Flask
    email: str


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"every port in {PORTS} is taken")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    url = scratch_database_url("submissions", tmp_path_factory.mktemp("submissions"))
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade()
        email = UserFactory(role=Role.OFFICER, agency=agency("housing")).email
        db.session.commit()
    port = _free_port()
    environment = {
        **os.environ,
        "ASB_CONFIG": "development",
        "DATABASE_URL": url,
        "SECRET_KEY": "submission-keys-test-" + "x" * 32,
        "ASB_MAP_TILE_URL": "",
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4"]
    process = subprocess.Popen(
        [*gunicorn, "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, process)
        yield Server(base_url, app, email)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with app.app_context():
            db.engine.dispose()


def _wait_until_up(base_url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {process.stderr.read()}")
        try:
            with urllib.request.urlopen(base_url + "/sign-in", timeout=10):  # noqa: S310
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within a minute")


def test_the_same_incident_sent_from_many_threads_at_once_is_recorded_once(server):
    browser = Browser(server.url)
    sign_in = browser.get("/sign-in")
    signed_in = browser.post(
        "/sign-in",
        {
            "csrf_token": _CSRF.search(sign_in).group(1),
            "email": server.email,
            "password": TEST_PASSWORD,
        },
    )
    assert signed_in.status == 302
    with server.app.app_context():
        answer = incident_form(agency("housing"))

    for round_number in range(4):
        html = browser.get("/incidents/new")
        words = f"Clicked again and again, round {round_number}"
        fields = {
            **answer,
            # A month apart, so no round is offered as a likely duplicate of the one before.
            "occurred_date": ["1", str(round_number + 1), "2025"],
            "description": words,
            "csrf_token": _CSRF.search(html).group(1),
            "submission_key": key_on(html),
        }
        barrier = threading.Barrier(6)

        def send(_: int, fields: dict = fields, barrier=barrier) -> Answer:
            barrier.wait()
            return browser.post("/incidents/new", fields)

        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(send, range(6)))

        assert {answer.status for answer in answers} == {302}, answers
        assert len({answer.location for answer in answers}) == 1, answers
        with server.app.app_context():
            recorded = db.session.scalars(
                select(Incident.id).where(Incident.description == words)
            ).all()
        assert len(recorded) == 1
        assert answers[0].location.endswith(f"/incidents/{recorded[0]}")
