"""Saves, references and writes under real concurrency.

asb runs in gunicorn (two worker processes, four threads each) in a subprocess, on its own
database of the kind under test; signed-in users are HTTP clients in threads, released at
the same moment by a barrier.
"""

from __future__ import annotations

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
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import func, select

from asb import create_app
from asb.auth.models import Role
from asb.case_reviews.services import REFERENCE_PREFIX as CASE_REVIEW_PREFIX
from asb.cases.models import TimelineEntry
from asb.cases.services import CASE_PREFIX
from asb.cases.vocabulary import TimelineKind
from asb.extensions import db
from asb.incidents.models import Incident, IncidentChange
from asb.incidents.services import INCIDENT_PREFIX, next_reference
from tests.conftest import POSTGRES, scratch_database_url
from tests.factories import TEST_PASSWORD, IncidentFactory, UserFactory, agency, make_case

ROOT = Path(__file__).resolve().parents[1]
PORTS = range(5121, 5130)
ROUNDS = 6
STALE = "changed since you opened it"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_VERSION = re.compile(r'name="version"[^>]*value="(\d+)"')


# An HTTP client that behaves like one person's browser -------------------------------------


@dataclass
class Page:
    status: int
    text: str
    location: str | None = None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Keeps its cookies and reports redirects instead of following them."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirects()
        )

    def get(self, path: str) -> Page:
        return self._open(urllib.request.Request(self.base_url + path))  # noqa: S310

    def post(self, path: str, fields: dict[str, str] | list[tuple[str, str]]) -> Page:
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        return self._open(urllib.request.Request(self.base_url + path, data=body))  # noqa: S310

    def _open(self, request: urllib.request.Request) -> Page:
        try:
            with self._opener.open(request, timeout=120) as response:
                return Page(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Page(error.code, error.read().decode(), error.headers.get("Location"))

    def sign_in(self, email: str) -> None:
        form = self.get("/sign-in")
        signed_in = self.post(
            "/sign-in",
            {"csrf_token": csrf_token(form), "email": email, "password": TEST_PASSWORD},
        )
        assert signed_in.status == 302, f"{email} could not sign in: {signed_in.status}"


def csrf_token(page: Page) -> str:
    found = _CSRF.search(page.text)
    assert found, f"no CSRF token on the page ({page.status})"
    return found.group(1)


def version_on(page: Page) -> str:
    found = _VERSION.search(page.text)
    assert found, f"no version on the page ({page.status})"
    return found.group(1)


class _FormReader(HTMLParser):
    """What a browser would send for the form whose action is `action`, unchanged."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._in_form = attributes.get("action") == self.action
        if not self._in_form:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in {"radio", "checkbox"}:
                if "checked" in attributes:
                    self.fields.append((name, attributes.get("value") or "on"))
            elif kind != "submit":
                self.fields.append((name, attributes.get("value") or ""))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self.fields.append((self._select, attributes.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)


def form_fields(page: Page, action: str, **changes: str) -> list[tuple[str, str]]:
    reader = _FormReader(action)
    reader.feed(page.text)
    fields = [(name, value.removeprefix("\n")) for name, value in reader.fields]
    assert fields, f"no form posting to {action}"
    return [(name, changes.get(name, value)) for name, value in fields if name not in changes] + [
        (name, value) for name, value in changes.items()
    ]


def at_once(*requests: Callable[[], Page]) -> list[Page]:
    """Send the requests from separate threads, released together."""
    barrier = threading.Barrier(len(requests))

    def send(request: Callable[[], Page]) -> Page:
        barrier.wait()
        return request()

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(send, requests))


def _title(page: Page) -> str:
    found = re.search(r"<title>(.*?)</title>", page.text, re.S)
    return " ".join(unescape(found.group(1)).split()) if found else page.text[:200]


def one_saved_one_refused(pages: list[Page], round_number: int) -> None:
    statuses = sorted(page.status for page in pages)
    assert statuses == [200, 302], f"round {round_number}: answered {statuses}"
    refused = next(page for page in pages if page.status == 200)
    assert STALE in unescape(refused.text), f"round {round_number}: {_title(refused)}"


# The server --------------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    app: Flask
    emails: dict[str, str]
    case_ids: list[int]
    incident_ids: list[int]

    def browser(self, who: str) -> Browser:
        browser = Browser(self.url)
        browser.sign_in(self.emails[who])
        return browser


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"every port in {PORTS} is taken")


def _seed(app: Flask) -> tuple[dict[str, str], list[int], list[int]]:
    people = {
        "officer": (Role.OFFICER, "Olu Officer"),
        "other-officer": (Role.OFFICER, "Oma Officer"),
        "manager": (Role.MANAGER, "Mia Manager"),
        "other-manager": (Role.MANAGER, "Max Manager"),
    }
    with app.app_context(), app.test_request_context():
        users = {
            key: UserFactory(role=role, name=name, email=f"{key}@concurrency.test")
            for key, (role, name) in people.items()
        }
        cases = [make_case("housing", users["manager"]) for _ in range(3 * ROUNDS)]
        incidents = [IncidentFactory(recording_agency=agency("housing")) for _ in range(2 * ROUNDS)]
        db.session.commit()
        return (
            {key: user.email for key, user in users.items()},
            [case.id for case in cases],
            [incident.id for incident in incidents],
        )


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    scratch = tmp_path_factory.mktemp("concurrency")
    url = scratch_database_url("concurrency", scratch)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade()
    emails, case_ids, incident_ids = _seed(app)
    port = _free_port()
    environment = {
        **os.environ,
        "ASB_CONFIG": "development",
        "DATABASE_URL": url,
        "SECRET_KEY": "concurrency-test-" + "x" * 32,
        "ASB_MAP_TILE_URL": "",
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4"]
    process = subprocess.Popen(
        [*gunicorn, "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=(scratch / "gunicorn.log").open("w"),
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, process, scratch / "gunicorn.log")
        yield Server(base_url, app, emails, case_ids, incident_ids)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with app.app_context():
            db.engine.dispose()


def _wait_until_up(base_url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {log.read_text()}")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=10):  # noqa: S310
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within three minutes")


def timeline_count(server: Server, case_id: int, kind: TimelineKind) -> int:
    with server.app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(TimelineEntry)
            .where(TimelineEntry.case_id == case_id, TimelineEntry.kind == kind)
        )


# Two people saving the same record at the same moment --------------------------------------


def test_simultaneous_status_changes_save_one_and_refuse_the_other(server):
    first, second = server.browser("officer"), server.browser("other-officer")
    for round_number, case_id in enumerate(server.case_ids[:ROUNDS]):
        path = f"/cases/{case_id}/status"
        forms = [first.get(path), second.get(path)]

        pages = at_once(
            *(
                lambda browser=browser, form=form, status=status, path=path: browser.post(
                    path,
                    {"csrf_token": csrf_token(form), "version": version_on(form), "status": status},
                )
                for browser, form, status in zip(
                    (first, second), forms, ("investigating", "monitoring"), strict=True
                )
            )
        )

        one_saved_one_refused(pages, round_number)
        assert timeline_count(server, case_id, TimelineKind.STATUS) == 1


def test_simultaneous_assignments_save_one_and_refuse_the_other(server):
    first, second = server.browser("manager"), server.browser("other-manager")
    officers = _user_ids(server, "officer", "other-officer")
    for round_number, case_id in enumerate(server.case_ids[ROUNDS : 2 * ROUNDS]):
        path = f"/cases/{case_id}/assign"
        forms = [first.get(path), second.get(path)]

        pages = at_once(
            *(
                lambda browser=browser, form=form, officer=officer, path=path: browser.post(
                    path, form_fields(form, path, officer=officer, reason="")
                )
                for browser, form, officer in zip((first, second), forms, officers, strict=True)
            )
        )

        one_saved_one_refused(pages, round_number)
        assert timeline_count(server, case_id, TimelineKind.ASSIGNMENT) == 1


def _user_ids(server: Server, *keys: str) -> list[str]:
    from asb.auth.models import User

    with server.app.app_context():
        return [
            str(db.session.scalar(select(User.id).where(User.email == server.emails[key])))
            for key in keys
        ]


def test_simultaneous_incident_edits_save_one_and_refuse_the_other(server):
    first, second = server.browser("officer"), server.browser("other-officer")
    for round_number, incident_id in enumerate(server.incident_ids[:ROUNDS]):
        path = f"/incidents/{incident_id}/edit"
        forms = [first.get(path), second.get(path)]

        pages = at_once(
            *(
                lambda browser=browser, form=form, words=words, path=path: browser.post(
                    path, form_fields(form, path, description=words)
                )
                for browser, form, words in zip(
                    (first, second), forms, ("First officer's words", "Second's"), strict=True
                )
            )
        )

        one_saved_one_refused(pages, round_number)
        with server.app.app_context():
            edits = db.session.scalars(
                select(IncidentChange).where(
                    IncidentChange.incident_id == incident_id, IncidentChange.action == "edited"
                )
            ).all()
            assert [edit.changes["description"][1] for edit in edits] == [
                db.session.get(Incident, incident_id).description
            ]


def test_a_status_change_sent_with_an_edit_never_fails(server):
    """The status form carries no version: when it meets an edit, one of the two is saved
    and the other, if refused, is told why (never a server error, never both half-saved)."""
    editor, triager = server.browser("officer"), server.browser("other-officer")
    for round_number, incident_id in enumerate(server.incident_ids[ROUNDS:]):
        edit, status = f"/incidents/{incident_id}/edit", f"/incidents/{incident_id}/status"
        edit_page, status_page = editor.get(edit), triager.get(status)

        pages = at_once(
            lambda edit=edit, page=edit_page: editor.post(
                edit, form_fields(page, edit, description="Edited at the same moment")
            ),
            lambda status=status, page=status_page: triager.post(
                status, form_fields(page, status, status="triaged")
            ),
        )

        assert all(page.status in {200, 302, 409} for page in pages), (round_number, pages)
        assert 302 in {page.status for page in pages}, round_number
        for refused in (page for page in pages if page.status != 302):
            assert STALE in unescape(refused.text), f"round {round_number}: {_title(refused)}"


# References --------------------------------------------------------------------------------


def test_first_references_of_a_new_year_taken_at_once_are_all_different(server):
    year, per_series = 2091, 6
    series = [INCIDENT_PREFIX, CASE_PREFIX, CASE_REVIEW_PREFIX]
    barrier = threading.Barrier(len(series) * per_series)

    def take(prefix: str) -> str:
        with server.app.app_context():
            barrier.wait()
            reference = next_reference(prefix, year)
            db.session.commit()
            return reference

    with ThreadPoolExecutor(len(series) * per_series) as pool:
        taken = list(pool.map(take, [prefix for prefix in series for _ in range(per_series)]))

    for prefix in series:
        assert sorted(ref for ref in taken if ref.startswith(f"{prefix}-{year}")) == [
            f"{prefix}-{year}-{number:05d}" for number in range(1, per_series + 1)
        ]


# Writes wait their turn --------------------------------------------------------------------


@pytest.mark.skipif(POSTGRES, reason="SQLite's database lock; PostgreSQL locks rows")
def test_pages_that_write_and_notes_under_load_never_fail(server):
    viewer, writer = server.browser("officer"), server.browser("other-officer")
    notes = f"/cases/{server.case_ids[-1]}/notes"
    # The session's CSRF secret is made with the first form; four tabs opening their first
    # form at once would each make one and all but the last would be refused.
    writer.get(notes)
    stop = time.monotonic() + 4
    answers: Counter[tuple[str, int]] = Counter()
    titles: dict[tuple[str, int], str] = {}
    lock = threading.Lock()

    def count(kind: str, page: Page) -> None:
        with lock:
            answers[kind, page.status] += 1
            titles.setdefault((kind, page.status), _title(page))

    def view_incidents() -> None:
        while time.monotonic() < stop:
            for incident_id in server.incident_ids:
                count("view", viewer.get(f"/incidents/{incident_id}"))

    def add_notes() -> None:
        while time.monotonic() < stop:
            form = writer.get(notes)
            count(
                "note", writer.post(notes, form_fields(form, notes, text="Spoke to the caretaker"))
            )

    threads = [threading.Thread(target=view_incidents) for _ in range(4)]
    threads += [threading.Thread(target=add_notes) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert set(answers) == {("view", 200), ("note", 302)}, (answers, titles)
    assert timeline_count(server, server.case_ids[-1], TimelineKind.NOTE) == answers["note", 302]
