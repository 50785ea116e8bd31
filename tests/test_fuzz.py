"""Malformed input in every form, filter and id answers 4xx or a form error, never a 5xx.

The forms and filtered pages are not listed here: they are found by crawling the pages that
an anonymous visitor and a signed-in user of each main role can reach, on the demo's users,
partnership incidents and cases plus records in the states that offer the other forms. Each
form is then posted again and again with some of its fields replaced by hostile values
(hypothesis draws them, derandomised so every run sends the same requests); the hidden
inputs each page renders (CSRF token, version, submission key) are kept unless they are the
field being fuzzed. A new form or filter is fuzzed as soon as a page links to it; a POST
route that no crawl reaches fails the test.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound

from asb.agreements.vocabulary import LawfulBasis
from asb.api.services import create_token as create_api_token
from asb.auth.models import Role, User
from asb.auth.services import create_user, find_agency
from asb.case_reviews import services as case_review_services
from asb.case_reviews.models import CaseReviewApplication
from asb.case_reviews.vocabulary import ApplicationRoute
from asb.cases.models import Case
from asb.database import INTEGER_MAX, utcnow
from asb.demo.cases import load_demo_cases
from asb.demo.panels import load_demo_panel_meetings
from asb.demo.partnership import load_demo_partnership
from asb.demo.public_reports import load_demo_public_reports
from asb.demo.seed import DEMO_USERS, load_partnership_incidents
from asb.emergency_access.services import grant_emergency_access
from asb.extensions import db
from asb.incidents.models import Incident
from asb.known_to.services import request_details
from asb.notifications.models import EmailStatus
from asb.open311.services import create_client as create_open311_client
from asb.panels.models import PanelAttendance, PanelMeeting
from asb.people.models import IncidentPerson, Person
from asb.people.vocabulary import PersonRole
from asb.subject_access.services import log_request as log_subject_access_request
from asb.subject_access.vocabulary import ReceivedBy
from tests.conftest import awaiting_second_factor_session, sign_in_session
from tests.factories import (
    CasePersonFactory,
    IncidentFactory,
    IncidentPersonFactory,
    LocalAsbTypeFactory,
    OutboxEmailFactory,
    PersonFactory,
    UserFactory,
)
from tests.public_reports.helpers import answers as public_report_answers

AWAITING_CODE = "awaiting-code:"
# A member of the public who has answered the report form's questions (not signed in).
PUBLIC_REPORTER = "public-reporter"
# Who crawls: an anonymous visitor, then a demo user of each main role.
CRAWLERS = (
    None,
    "housing.officer@demo.asb.local",
    "housing.manager@demo.asb.local",
    "asb.lead@demo.asb.local",
    "admin@demo.asb.local",
    "police.partner@demo.asb.local",
    "street.officer@demo.asb.local",  # the demo's case waiting in a team queue is theirs
    # The second step of signing in: the admin's password was right, their code is awaited.
    AWAITING_CODE + "admin@demo.asb.local",
    PUBLIC_REPORTER,
)
PAGES_PER_ENDPOINT = 1  # addresses crawled for each endpoint and set of parameters, by each user
EXAMPLES_PER_FORM = 6
# The values behind the server errors found before (issue 7), sent in every field at once.
EVERY_FIELD_AT_ONCE = [
    "Loud\x00music",  # PostgreSQL refuses a NUL
    "99999999999999999999",  # past any integer column; a date part that overflows
    "2147483648",  # past PostgreSQL's integer
    "²",  # isdigit() but not int()
    "9" * 5000,  # more digits than int() reads
    "x" * 10_000,  # longer than any column
]
# Query parameters named like url_for's own arguments, or like the page's view arguments.
HOSTILE_NAMES = ["endpoint", "_scheme", "_external", "_anchor", "_method", "case_id", "values"]

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "Loud\x00music",
    "\x1b[2J\x07",
    "\x7f\x85\x9f",
    "\r\n\t",
    "\u202econtrol\u200b",
    "\ufeff\ufffe\uffff",
    "²",
    "٣",
    "0",
    "-1",
    "+7",
    "1_000",
    "1,000",
    "0x1f",
    "1e309",
    "nan",
    "-inf",
    "1.5",
    str(INTEGER_MAX),
    str(INTEGER_MAX + 1),
    "-2147483649",
    "99999999999",
    "99999999999999999999",
    "9" * 5000,
    "29",
    "30",
    "31",
    "32",
    "13",
    "9999",
    "10000",
    "0000",
    "2025-02-30",
    "30/02/2025",
    "24:00",
    "23:60",
    "99:99",
    "x" * 10_000,
    "é" * 3000,
    "😀" * 200,
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "%",
    "_",
    "\\",
    "../../etc/passwd",
    "//evil.example/",
    "javascript:alert(1)",
    "null",
    "true",
    "[]",
]


@dataclass
class Form:
    page: str  # where the form was found, fetched again for fresh hidden inputs
    action: str
    method: str
    fields: list[tuple[str, str, list[str]]] = field(default_factory=list)  # name, kind, options
    values: MultiDict = field(default_factory=MultiDict)

    def names(self) -> list[str]:
        return list(dict.fromkeys(name for name, _, _ in self.fields))

    def kind(self, name: str) -> str:
        return next((kind for field_name, kind, _ in self.fields if field_name == name), "hidden")

    def slots(self, name: str) -> int:
        return sum(1 for field_name, _, _ in self.fields if field_name == name)

    def options(self, name: str) -> list[str]:
        """The answers offered for a select, radios or checkboxes."""
        return [
            option
            for field_name, _, options in self.fields
            if field_name == name
            for option in options
        ]


class PageReader(HTMLParser):
    """The links and forms on a page, with the values a browser would send unchanged."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, list[str], list[str]] | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._submitted = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag == "a" and attr.get("href"):
            self.links.append(attr["href"])
        elif tag == "form":
            self._form = Form(
                self.page, attr.get("action") or self.page, attr.get("method", "get").lower()
            )
            self._submitted = False
        elif tag == "option" and self._select is not None:
            self._select[1].append(attr.get("value", ""))
            if "selected" in attr:
                self._select[2].append(attr.get("value", ""))
        elif self._form is None or "name" not in attr:
            return
        elif tag == "input":
            kind = attr.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                self._button(attr)
                return
            options = [attr.get("value", "")] if kind in {"checkbox", "radio"} else []
            self._form.fields.append((attr["name"], kind, options))
            unchosen = kind in {"checkbox", "radio"} and "checked" not in attr
            if not unchosen and kind != "file":
                self._form.values.add(attr["name"], attr.get("value", ""))
        elif tag == "button":
            self._button(attr)
        elif tag == "select":
            self._select = (attr["name"], [], [])
        elif tag == "textarea":
            self._textarea = (attr["name"], [])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, selected = self._select
            self._form.fields.append((name, "select", options))
            for value in selected or options[:1]:
                self._form.values.add(name, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            self._form.fields.append((name, "textarea", []))
            self._form.values.add(name, "".join(text).removeprefix("\n"))
            self._textarea = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def _button(self, attr: dict[str, str]) -> None:
        # The first named button is the one pressed, as a browser sends it.
        if self._form is not None and attr.get("name") and not self._submitted:
            self._form.values.add(attr["name"], attr.get("value", ""))
            self._submitted = True


def read_page(page: str, html: str) -> PageReader:
    reader = PageReader(page)
    reader.feed(html)
    return reader


def plain_client(app: Flask) -> FlaskClient:
    """A client without the page-structure check: here only the status code is judged."""
    return FlaskClient(app, app.response_class, use_cookies=True)


@dataclass
class Crawl:
    forms: dict[tuple, tuple[str | None, Form]] = field(default_factory=dict)
    links: dict[str, tuple[str | None, Form]] = field(default_factory=dict)
    ids: set[int] = field(default_factory=set)

    def targets(self) -> list[tuple[str | None, Form]]:
        return [*self.forms.values(), *self.links.values()]


def _local_path(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith("/static/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(app: Flask, email: str | None, records: list[str], found: Crawl) -> None:
    """Visit what the user can reach from the home page and each record's page.

    Every record's page is visited; other pages PAGES_PER_ENDPOINT times per endpoint and
    set of parameters.
    """
    client = signed_in(app, email)
    adapter = app.url_map.bind("localhost")
    queue = [(path, True) for path in ["/", "/sign-in", *records]]
    seen: set[str] = set()
    per_endpoint: dict[tuple, int] = defaultdict(int)
    while queue:
        path, pinned = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        parts = urlsplit(path)
        try:
            endpoint, arguments = adapter.match(parts.path, method="GET")
        except (NotFound, MethodNotAllowed):
            continue
        key = (endpoint, tuple(sorted({name for name, _ in parse_qsl(parts.query)})))
        if per_endpoint[key] >= PAGES_PER_ENDPOINT and not pinned:
            continue
        per_endpoint[key] += 1
        found.ids.update(value for value in arguments.values() if isinstance(value, int))
        response = client.get(path)
        # Downloads (a spreadsheet) are not text: only pages are read.
        html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        response.close()
        assert response.status_code < 500, f"{email} GET {path}: {response.status_code}"
        if response.status_code in (301, 302, 303) and _local_path(response.location):
            queue.append((_local_path(response.location), pinned))
        if response.mimetype != "text/html" or response.status_code != 200:
            continue
        page = read_page(path, html)
        for form in page.forms:
            action = _local_path(form.action)
            if action is None:
                continue
            form.action = action
            found.forms.setdefault(_form_key(adapter, form), (email, form))
        for link in filter(None, (_local_path(href) for href in page.links)):
            queue.append((link, False))
            if "?" in link:
                add_link_parameters(adapter, link, email, found)


def add_link_parameters(adapter, link: str, email: str | None, found: Crawl) -> None:
    """Gather the query parameters that links send to each page: a filter to fuzz as well."""
    parts = urlsplit(link)
    try:
        endpoint, _ = adapter.match(parts.path, method="GET")
    except (NotFound, MethodNotAllowed):
        return
    _, form = found.links.setdefault(endpoint, (email, Form(link, parts.path, "get")))
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name not in form.names():
            form.fields.append((name, "text", []))
            form.values.add(name, value)


def _form_key(adapter, form: Form) -> tuple:
    try:
        endpoint, _ = adapter.match(urlsplit(form.action).path, method=form.method.upper())
    except (NotFound, MethodNotAllowed):
        endpoint = form.action
    return endpoint, form.method, tuple(sorted(form.names()))


def signed_in(app: Flask, email: str | None) -> FlaskClient:
    client = plain_client(app)
    if email == PUBLIC_REPORTER:
        answer_report_questions(client)
    elif email is not None:
        start_session(client, email)
    return client


def answer_report_questions(client: FlaskClient) -> None:
    """Answer the public report form's questions, so its check page and its links open."""
    for page, data in public_report_answers().items():
        assert client.post(f"/report/{page}", data=data).status_code == 302


def start_session(client: FlaskClient, crawler: str) -> None:
    """Sign the crawler in, or leave them awaiting their code (AWAITING_CODE)."""
    email = crawler.removeprefix(AWAITING_CODE)
    user = db.session.scalar(select(User).where(User.email == email))
    if crawler.startswith(AWAITING_CODE):
        awaiting_second_factor_session(client, user)
    else:
        sign_in_session(client, user)


@dataclass
class Account:
    """A crawler's account as it was, put back before each request a fuzzed form may change."""

    email: str
    role: Role
    agency_id: int

    @classmethod
    def of(cls, crawler: str) -> Account:
        email = crawler.removeprefix(AWAITING_CODE)
        user = db.session.scalar(select(User).where(User.email == email))
        return cls(crawler, user.role, user.agency_id)

    def restore(self, client: FlaskClient) -> None:
        db.session.expire_all()
        email = self.email.removeprefix(AWAITING_CODE)
        user = db.session.scalar(select(User).where(User.email == email))
        user.role, user.agency_id = self.role, self.agency_id
        user.is_active_account, user.must_change_password = True, False
        user.failed_sign_in_count, user.locked_until = 0, None
        db.session.commit()
        start_session(client, self.email)


def seed_partnership(app: Flask) -> None:
    """The demo's users, partnership incidents and cases, without its police.uk records."""
    users = {
        spec.email: create_user(
            email=spec.email,
            name=spec.name,
            agency=find_agency(spec.agency_code),
            role=spec.role,
            password="demo-password-2026",
        )
        for spec in DEMO_USERS
    }
    load_partnership_incidents(
        {spec.agency_code: users[spec.email] for spec in DEMO_USERS if spec.role is Role.OFFICER}
    )
    with app.test_request_context():
        load_demo_cases(users)
        load_demo_panel_meetings(users)
        load_demo_partnership(users)
        load_demo_public_reports()
    db.session.commit()


def add_what_the_demo_lacks(app: Flask) -> None:
    """Records in every state that offers a form: Case Reviews, people, a document..."""
    lead = db.session.scalar(select(User).where(User.email == "asb.lead@demo.asb.local"))
    case = db.session.scalars(select(Case).order_by(Case.id)).first()
    incidents = [link.incident for link in case.incident_links]
    day = incidents[0].created_at.date()
    with app.test_request_context():
        for linked, steps in [
            (case, {}),
            (None, {"threshold_met": True, "threshold_decided_on": day, "meeting_on": day}),
            (case, {"threshold_met": True, "threshold_decided_on": day, "meeting_on": day}),
            (None, {"threshold_met": False, "threshold_decided_on": day, "response_sent_on": day}),
            (
                None,
                {
                    "threshold_met": False,
                    "threshold_decided_on": day,
                    "response_sent_on": day,
                    "appeal_received_on": day,
                },
            ),
        ]:
            application = case_review_services.log_application(
                applicant_name="Pat Applicant",
                applicant_contact="020 7946 0123",
                on_behalf_of=None,
                consent_confirmed=False,
                route=ApplicationRoute.PHONE,
                received_on=day,
                complaints=[case_review_services.CitedComplaint.from_incident(incidents[0])],
                actor=lead,
                case=linked,
            )
            for name, value in steps.items():
                setattr(application, name, value)
    # A victim reporting again (the Case Review prompt), and a duplicate of them to merge.
    victim, duplicate = PersonFactory.create_batch(
        2, name="Sam Caller", date_of_birth=date(1980, 5, 1)
    )
    for incident in incidents[:2]:
        IncidentPersonFactory(incident_id=incident.id, person_id=victim.id, role=PersonRole.VICTIM)
    CasePersonFactory(case_id=case.id, person_id=duplicate.id, role=PersonRole.VICTIM)
    # The victim is also known to Barbican and to Markets: Housing's request for Barbican's
    # details waits (to answer, to withdraw), and Markets may still be asked.
    for code in ("barbican", "mcp"):
        IncidentPersonFactory(
            incident=IncidentFactory(recording_agency=find_agency(code)),
            person=PersonFactory(name="Sam Caller", date_of_birth=date(1980, 5, 1)),
            role=PersonRole.VICTIM,
        )
    with app.test_request_context():
        request_details(
            victim,
            find_agency("barbican"),
            reason="A joint visit to the victim is planned",
            actor=db.session.scalar(
                select(User).where(User.email == "housing.officer@demo.asb.local")
            ),
        )
    # Two-factor sign-in set up: the admin's code to enter, the lead's recovery codes and
    # reset, and an officer who may turn it off.
    for email in ("admin", "asb.lead", "housing.officer"):
        user = db.session.scalar(select(User).where(User.email == f"{email}@demo.asb.local"))
        user.two_factor_secret = "JBSWY3DPEHPK3PXP"
        user.two_factor_enabled_at = incidents[0].created_at
    # A live grant of emergency access, for the ASB lead to end early.
    street_officer = db.session.scalar(
        select(User).where(User.email == "street.officer@demo.asb.local")
    )
    hidden = db.session.scalars(
        select(Incident).where(
            Incident.restricted.is_(True),
            Incident.recording_agency_id != street_officer.agency_id,
        )
    ).first()
    with app.test_request_context():
        grant_emergency_access(
            street_officer,
            hidden,
            reason="The victim's neighbour called about threats tonight; I need the history.",
            lawful_basis=LawfulBasis.VITAL_INTERESTS,
        )
    # The victim's subject access request: their record linked, the duplicate offered.
    log_subject_access_request(
        requester_name="Sam Caller",
        received_by=ReceivedBy.EMAIL,
        received_on=day,
        identity_checked_on=None,
        notes=None,
        people=[victim],
        actor=lead,
    )
    # A personal API token for the officer to revoke.
    officer = db.session.scalar(select(User).where(User.email == "housing.officer@demo.asb.local"))
    create_api_token(officer, name="Weekly figures", expires_at=utcnow() + timedelta(days=30))
    # An Open311 sender's key for the admin to revoke.
    admin = db.session.scalar(select(User).where(User.email == "admin@demo.asb.local"))
    create_open311_client("FixMyStreet", "open311@fixmystreet.example", actor=admin)
    # Someone to reactivate, a local type to reinstate, an email to try again.
    LocalAsbTypeFactory(name="Retired local type", is_active=False)
    UserFactory(is_active_account=False)
    OutboxEmailFactory(
        recipient="someone@example.com",
        subject="A case was assigned to you",
        body="",
        status=EmailStatus.FAILED,
        attempts=5,
        error="Connection refused",
    )
    db.session.commit()
    client = signed_in(app, "asb.lead@demo.asb.local")
    page = f"/cases/{case.id}/documents/new"
    forms = read_page(page, client.get(page).get_data(as_text=True)).forms
    form = next(f for f in forms if any(kind == "file" for _, kind, _ in f.fields))
    data = MultiDict(form.values)
    file_field = next(name for name, kind, _ in form.fields if kind == "file")
    data.add(file_field, (io.BytesIO(b"Seen at 23:00 on Friday.\n"), "notes.txt"))
    response = client.post(form.action, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


def record_pages() -> list[str]:
    return [
        *(f"/cases/{id_}" for id_ in db.session.scalars(select(Case.id))),
        *(f"/case-reviews/{id_}" for id_ in db.session.scalars(select(CaseReviewApplication.id))),
        *(f"/people/{id_}" for id_ in db.session.scalars(select(Person.id))),
        *(f"/panels/{id_}" for id_ in db.session.scalars(select(PanelMeeting.id))),
        *(
            f"/panels/{meeting_id}/packs/{agency_id}"
            for meeting_id, agency_id in db.session.execute(
                select(PanelAttendance.meeting_id, PanelAttendance.agency_id)
            )
        ),
        *(f"/incidents/{id_}" for id_ in db.session.scalars(select(IncidentPerson.incident_id))),
        *(
            f"/admin/users/{id_}"
            for id_ in db.session.scalars(
                # one to deactivate, one to reactivate
                select(User.id).where(
                    (User.email == "housing.officer@demo.asb.local") | ~User.is_active_account
                )
            )
        ),
        "/outbox",
        "/report/check",
    ]


@pytest.fixture
def partnership(app: Flask, db_session, tmp_path, monkeypatch) -> Crawl:
    monkeypatch.setitem(app.config, "DOCUMENT_STORAGE_DIR", str(tmp_path / "documents"))
    seed_partnership(app)
    add_what_the_demo_lacks(app)
    records = record_pages()
    found = Crawl()
    for email in CRAWLERS:
        crawl(app, email, records, found)
    return found


def hostile_values(ids: set[int]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from(HOSTILE_TEXT),  # twice as likely as the others
        st.text(max_size=40),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        # ids of records of every kind: foreign ones, missing ones
        st.sampled_from(sorted(ids)).map(str),
        st.integers(min_value=0, max_value=60).map(str),
        st.builds(
            lambda text, times: text * times,
            st.sampled_from(["9", "a\x00", "€"]),
            st.integers(min_value=1, max_value=120_000),
        ),
    )


def hostile_file() -> st.SearchStrategy:
    return st.builds(
        lambda content, name: (io.BytesIO(content), name),
        st.binary(max_size=200),
        st.sampled_from(["notes.txt", "", "a\x00.txt", "../../x.pdf", "é" * 300 + ".png", "."]),
    )


def fuzz_form(app: Flask, email: str | None, form: Form, ids: set[int]) -> list[str]:
    """Post the form with hostile values; return what answered with a server error.

    First every field at once gets each of the values that once caused a server error, then
    hypothesis mixes hostile values into a few fields at a time.
    """
    client = plain_client(app)
    account = Account.of(email) if email and email != PUBLIC_REPORTER else None
    # A form without fields (a button) still has its CSRF token in production.
    names = form.names() or ["csrf_token"]
    fresh = {"values": MultiDict(form.values)}
    failures: list[str] = []

    def send(changes: dict[str, list]) -> None:
        if account is not None:
            account.restore(client)
        if email == PUBLIC_REPORTER:
            answer_report_questions(client)
        sent = MultiDict(fresh["values"])
        for name, values in changes.items():
            sent.setlist(name, values)
        if form.method == "post":
            response = client.post(form.action, data=sent)
        else:
            response = client.get(f"{form.action}?{urlencode(list(sent.items(multi=True)))}")
        if response.status_code >= 500:
            shown = {
                name: [repr(value)[:60] for value in values] for name, values in changes.items()
            }
            failures.append(f"{email} {form.method.upper()} {form.action} {shown}")
        if response.status_code in (302, 303) and form.method == "post":
            # A saved form may have used up its one-time hidden values: fetch them again.
            page = client.get(form.page)
            for again in read_page(form.page, page.get_data(as_text=True)).forms:
                if again.action.endswith(form.action) and again.names() == form.names():
                    fresh["values"] = MultiDict(again.values)
                    break

    if form.method == "get":
        send({name: ["x"] for name in HOSTILE_NAMES})
    for value in EVERY_FIELD_AT_ONCE:
        send(
            {
                name: [value] * max(1, form.slots(name))
                for name in names
                if form.kind(name) != "file"
            }
        )

    def values_for(name: str) -> st.SearchStrategy:
        if form.kind(name) == "file":
            return st.lists(hostile_file(), max_size=2)
        values = hostile_values(ids)
        if form.options(name):
            # Offered answers too, so that the other fields' checks are reached.
            values = st.one_of(values, st.sampled_from(form.options(name)))
        return st.lists(values, max_size=form.slots(name) + 1)

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def post_hostile_values(data) -> None:
        chosen = data.draw(
            st.one_of(
                st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True),
                st.just(names),
            )
        )
        send({name: data.draw(values_for(name)) for name in chosen})

    post_hostile_values()
    return failures


def test_every_form_and_filter_answers_hostile_values_without_a_server_error(
    app, partnership: Crawl
):
    post_endpoints = {
        rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())
    }
    fuzzed = {endpoint for endpoint, _, _ in partnership.forms}
    # The JSON API takes no forms: tests/api/test_contract.py sends it hostile requests.
    json_api = {endpoint for endpoint in post_endpoints if endpoint.startswith("api.")}
    # Open311 takes other systems' posts, from no page: tests/open311 sends it hostile fields.
    open311 = {"open311.create_request"}
    assert post_endpoints - fuzzed - json_api - open311 == set(), (
        "no page offers these forms to the crawlers"
    )

    failures = [
        failure
        for email, form in partnership.targets()
        for failure in fuzz_form(app, email, form, partnership.ids)
    ]

    assert failures == []


# None of them can be an id, so no view is even reached.
HOSTILE_IDS = [str(INTEGER_MAX + 1), "99999999999999999999", "9" * 5000, "%C2%B2", "%00"]


def test_every_route_answers_an_impossible_id_with_not_found(app, make_user):
    client = plain_client(app)
    sign_in_session(client, make_user("asb-lead", "community-safety"))
    answers = {}
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            for value in HOSTILE_IDS:
                path = re.sub(r"<\w+>", "victim", re.sub(r"<int:\w+>", value, rule.rule))
                answers[f"{method} {path[:80]}"] = client.open(path, method=method).status_code

    assert len(answers) > 100
    assert {request: status for request, status in answers.items() if status != 404} == {}
