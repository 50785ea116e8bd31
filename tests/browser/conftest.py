"""Browser tests: Debian's Chromium, driven by Playwright, against a live asb on 127.0.0.1.

The live server has its own database (see ``scratch_database_url``), CSRF switched on and
no map tiles (the network is closed; the location picker then draws only the outlines).
Every page a test opens is watched: a console error, an uncaught script error, a Content
Security Policy violation, a failed asset or a request to any host but 127.0.0.1 fails the
test, after its own assertions have passed.

Without Chromium or the built front-end assets the package is skipped, unless
ASB_REQUIRE_BROWSER=1 (as in CI), when it fails instead.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # reported by _browser_prerequisites, which skips or fails every test
    expect = None

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
APP_CSS = ROOT / "static" / "dist" / "app.css"
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LIVE_HOST = "127.0.0.1"
PASSWORD = "correct horse battery staple"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Map tiles are switched off on the live server; should a tile URL ever creep back in,
# its failed loads say nothing about asb.
IGNORED_CONSOLE_ERRORS = [re.compile(r"tile\.openstreetmap\.org")]

USERS = {
    "housing-officer": ("hana.housing@example.test", "Hana Housing", "officer", "housing"),
    "barbican-officer": ("bo.barbican@example.test", "Bo Barbican", "officer", "barbican"),
    "housing-manager": ("hal.housing@example.test", "Hal Housing", "manager", "housing"),
    "asb-lead": ("lee.lead@example.test", "Lee Lead", "asb-lead", "community-safety"),
    "admin": ("ada.admin@example.test", "Ada Admin", "admin", "community-safety"),
    "police-partner": ("pat.police@example.test", "Pat Police", "partner", "city-police"),
}


def _missing_prerequisites() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} is missing (apt-get install chromium)")
    if not APP_CSS.exists():
        missing.append(f"{APP_CSS.relative_to(ROOT)} is missing (run: npm ci && npm run build)")
    if not AXE_SCRIPT.exists():
        missing.append(f"{AXE_SCRIPT.relative_to(ROOT)} is missing (run: npm ci)")
    if expect is None:
        missing.append("the playwright package is missing (pip install -r requirements-dev.txt)")
    return missing


@pytest.fixture(scope="session", autouse=True)
def _browser_prerequisites() -> None:
    missing = _missing_prerequisites()
    if not missing:
        return
    reason = "browser tests cannot run: " + "; ".join(missing)
    if os.environ.get("ASB_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " (ASB_REQUIRE_BROWSER=1, so this is an error)", pytrace=False)
    pytest.skip(reason + " (set ASB_REQUIRE_BROWSER=1 to make this an error)")


# The live server ---------------------------------------------------------------------------


@dataclass
class LiveServer:
    url: str
    user_ids: dict[str, int]
    incident_ids: list[int]
    restricted_incident_id: int
    # A planned panel meeting with a case on its agenda: "meeting", "item" and "housing" ids.
    panel_ids: dict[str, int] = field(default_factory=dict)
    # A subject access request with the requester's person record linked.
    subject_access_id: int = 0
    # A person Housing knows who is also known to Barbican, and Housing's requests for
    # Barbican's details: "known_person", "known_agency", "known_request" (waiting) and
    # "known_approved".
    known_to_ids: dict[str, int] = field(default_factory=dict)
    # An agreement with City Police in force; a case shared under it ("shared_case", "share")
    # and one with a victim not yet shared ("unshared_case").
    sharing_ids: dict[str, int] = field(default_factory=dict)
    # A report from the public waiting in Housing's triage queue.
    public_report_id: int = 0

    def email(self, who: str) -> str:
        return USERS[who][0]


def _seed(app) -> tuple[dict[str, int], list[int], int]:
    """The users the tests sign in as, and a few incidents for the log to show."""
    from asb.auth.models import Role
    from asb.auth.services import create_user, find_agency
    from asb.database import utcnow
    from asb.extensions import db
    from tests.factories import IncidentFactory, LocalAsbTypeFactory, agency

    with app.app_context():
        user_ids = {}
        for key, (email, name, role, agency_code) in USERS.items():
            user = create_user(
                email=email,
                name=name,
                agency=find_agency(agency_code),
                role=Role(role),
                password=PASSWORD,
            )
            if user.requires_two_factor:  # set up, with a secret the sign-in helper knows
                user.two_factor_secret = TOTP_SECRETS.setdefault(email, pyotp.random_base32())
                user.two_factor_enabled_at = utcnow()
            user_ids[key] = user.id
        incidents = [
            IncidentFactory(),
            IncidentFactory(
                recording_agency=agency("barbican"),
                location_description="Barbican Estate, Ben Jonson House podium",
                local_type=LocalAsbTypeFactory(name="Skateboarding on the podium"),
            ),
            IncidentFactory(hate_motivated=True, victim_name="Sam Victim"),
        ]
        restricted = IncidentFactory(restricted=True, restriction_reason="Safeguarding")
        db.session.commit()
        return user_ids, [incident.id for incident in incidents], restricted.id


def _seed_panel_meeting(app, lead_id: int) -> dict[str, int]:
    """A planned panel meeting attended by Housing and City Police, one case on its agenda."""
    from datetime import datetime, time, timedelta

    from asb.auth.models import User
    from asb.calendar import LONDON, today_in_london
    from asb.extensions import db
    from asb.panels.services import add_to_agenda, plan_meeting
    from asb.panels.vocabulary import AgendaReason
    from tests.factories import agency, make_case

    with app.app_context():
        lead = db.session.get(User, lead_id)
        meeting = plan_meeting(
            starts_at=datetime.combine(
                today_in_london() + timedelta(days=7), time(10, 0), tzinfo=LONDON
            ),
            place="Committee Room 2, Guildhall",
            chair=lead,
            agencies=[agency(code) for code in ("community-safety", "housing", "city-police")],
            actor=lead,
        )
        item = add_to_agenda(meeting, make_case(), reason=AgendaReason.LEAD_CHOICE, actor=lead)
        db.session.commit()
        return {"meeting": meeting.id, "item": item.id, "housing": agency("housing").id}


def _seed_subject_access(app, lead_id: int, incident_id: int) -> int:
    """The victim of an incident asking for their data: their person record linked."""
    from asb.auth.models import User
    from asb.calendar import today_in_london
    from asb.extensions import db
    from asb.incidents.models import Incident
    from asb.subject_access.services import log_request
    from asb.subject_access.vocabulary import ReceivedBy
    from tests.factories import IncidentPersonFactory, PersonFactory

    with app.app_context():
        person = PersonFactory(name="Sam Victim")
        IncidentPersonFactory(incident=db.session.get(Incident, incident_id), person=person)
        request = log_request(
            requester_name="Sam Victim",
            received_by=ReceivedBy.LETTER,
            received_on=today_in_london(),
            identity_checked_on=today_in_london(),
            notes=None,
            people=[person],
            actor=db.session.get(User, lead_id),
        )
        db.session.commit()
        return request.id


def _seed_known_to(app, user_ids: dict[str, int], incident_ids: list[int]) -> dict[str, int]:
    """Kit Known on a Housing incident, and on a Barbican and a Street Enforcement one under
    their records: Barbican has been asked twice (one approved), Street Enforcement not yet."""
    from datetime import date

    from asb.agreements.vocabulary import DataCategory
    from asb.auth.models import User
    from asb.extensions import db
    from asb.incidents.models import Incident
    from asb.known_to.services import approve, request_details
    from tests.factories import IncidentFactory, IncidentPersonFactory, PersonFactory, agency

    with app.test_request_context():
        person = PersonFactory(name="Kit Known", date_of_birth=date(1975, 3, 9))
        IncidentPersonFactory(incident=db.session.get(Incident, incident_ids[0]), person=person)
        IncidentPersonFactory(
            incident=db.session.get(Incident, incident_ids[1]),
            person=PersonFactory(name="Kit Known", date_of_birth=date(1975, 3, 9)),
        )
        IncidentPersonFactory(
            incident=IncidentFactory(recording_agency=agency("street-enforcement")),
            person=PersonFactory(name="Kit Known", date_of_birth=date(1975, 3, 9)),
        )
        officer = db.session.get(User, user_ids["housing-officer"])
        barbican = agency("barbican")
        approved = request_details(person, barbican, reason="A joint visit", actor=officer)
        approve(
            approved,
            categories=[DataCategory.PEOPLE, DataCategory.INCIDENT_FACTS],
            days=30,
            actor=db.session.get(User, user_ids["asb-lead"]),
        )
        waiting = request_details(person, barbican, reason="A second visit", actor=officer)
        db.session.commit()
        return {
            "known_person": person.id,
            "known_agency": agency("street-enforcement").id,
            "known_request": waiting.id,
            "known_approved": approved.id,
        }


def _seed_sharing(app, lead_id: int) -> dict[str, int]:
    """An agreement with City Police, a case shared under it and a case not yet shared."""
    from datetime import timedelta

    from asb.agreements.models import SharingAgreement
    from asb.agreements.vocabulary import DataCategory, LawfulBasis
    from asb.auth.models import User
    from asb.calendar import today_in_london
    from asb.extensions import db
    from asb.people.vocabulary import PersonRole
    from asb.sharing.services import share_case
    from tests.factories import CasePersonFactory, PersonFactory, agency, make_case

    with app.test_request_context():
        lead = db.session.get(User, lead_id)
        agreement = SharingAgreement(
            reference="ISA-2026-00001",
            title="City Police ASB information sharing",
            partner_agency=agency("city-police"),
            purpose="Preventing and reducing anti-social behaviour in the City",
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            crime_and_disorder_s115=True,
            categories=[
                DataCategory.INCIDENT_FACTS,
                DataCategory.LOCATIONS,
                DataCategory.PEOPLE,
                DataCategory.CASE_WORK,
            ],
            starts_on=today_in_london() - timedelta(days=60),
            review_on=today_in_london() + timedelta(days=300),
            owner=lead,
        )
        db.session.add(agreement)
        shared = make_case(title="Shouting in Fann Street", actor=lead)
        made = share_case(
            shared,
            agency=agency("city-police"),
            agreement=agreement,
            categories=[DataCategory.INCIDENT_FACTS, DataCategory.CASE_WORK],
            purpose="Joint patrols",
            may_add_notes=True,
            may_add_incidents=True,
            actor=lead,
        )
        unshared = make_case(
            title="Threats on Golden Lane",
            summary="A neighbour is threatened on the stairs most evenings",
            actor=lead,
        )
        victim = PersonFactory(name="Vic Golden", address="21 Hatfield House, EC1Y 0SL")
        CasePersonFactory(case_id=unshared.id, person_id=victim.id, role=PersonRole.VICTIM)
        db.session.commit()
        return {
            "shared_case": shared.id,
            "share": made.id,
            "unshared_case": unshared.id,
            "victim": victim.id,
            "agreement": agreement.id,
            "disclosure": made.disclosure_id,
        }


def _seed_public_report(app) -> int:
    from asb.extensions import db
    from tests.public_reports.conftest import submit

    with app.app_context():
        report = submit(description="Drumming on the walkway every evening")
        db.session.commit()
        return report.id


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    import flask_migrate
    from werkzeug.serving import make_server

    from asb import create_app
    from asb.extensions import db
    from tests.conftest import scratch_database_url

    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": scratch_database_url(
                "browser", tmp_path_factory.mktemp("browser")
            ),
            "WTF_CSRF_ENABLED": True,
            "MAP_TILE_URL": "",
            # TestConfig's "localhost" would make Flask refuse requests to 127.0.0.1.
            "SERVER_NAME": None,
        },
    )
    with app.app_context():
        flask_migrate.upgrade()
    user_ids, incident_ids, restricted_id = _seed(app)

    server = make_server(LIVE_HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="asb-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(
            url=f"http://{LIVE_HOST}:{server.port}",
            user_ids=user_ids,
            incident_ids=incident_ids,
            restricted_incident_id=restricted_id,
            panel_ids=_seed_panel_meeting(app, user_ids["asb-lead"]),
            subject_access_id=_seed_subject_access(app, user_ids["asb-lead"], incident_ids[2]),
            known_to_ids=_seed_known_to(app, user_ids, incident_ids),
            sharing_ids=_seed_sharing(app, user_ids["asb-lead"]),
            public_report_id=_seed_public_report(app),
        )
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


# Chromium and watched pages ----------------------------------------------------------------


_SHARED_BROWSER: dict[str, object] = {}


@pytest.fixture(scope="session")
def browser(_browser_prerequisites) -> Iterator:
    """One Chromium for the whole run.

    Other test folders import this fixture, which makes pytest hold a second copy of it;
    Playwright's sync API cannot start twice in one thread, so later copies share the first.
    """
    if "browser" in _SHARED_BROWSER:
        yield _SHARED_BROWSER["browser"]
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        _SHARED_BROWSER["browser"] = browser
        try:
            yield browser
        finally:
            _SHARED_BROWSER.pop("browser", None)
            browser.close()


# Reports each securitypolicyviolation event, before any of the page's own scripts run.
_CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (event) => {
  window.asbReportCspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ':' + event.lineNumber,
    sample: event.sample,
  });
});
"""


@dataclass
class PageMonitor:
    """What went wrong on a page, whatever the test itself checks."""

    label: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    hosts: set[str] = field(default_factory=set)
    foreign_requests: list[str] = field(default_factory=list)

    def attach(self, context, page) -> None:
        context.expose_binding("asbReportCspViolation", self._on_csp_violation)
        context.add_init_script(_CSP_LISTENER)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("request", self._on_request)
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_csp_violation(self, source, violation: dict) -> None:
        self.csp_violations.append(
            f"{violation['directive']} blocked {violation['blocked'] or '(inline)'} "
            f"at {violation['source']}: {violation['sample']!r} (page {source['frame'].url})"
        )

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        text = message.text
        if any(pattern.search(text) for pattern in IGNORED_CONSOLE_ERRORS):
            return
        if text.startswith("Failed to load resource"):
            return  # reported with its URL by _on_response or _on_request_failed
        where = message.location.get("url", "")
        self.console_errors.append(f"{text} ({where})")

    def _on_request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in {"http", "https", "ws", "wss"}:
            return
        self.hosts.add(parts.hostname or "")
        if parts.hostname != LIVE_HOST:
            self.foreign_requests.append(f"{request.method} {request.url}")

    def _on_request_failed(self, request) -> None:
        if urlsplit(request.url).hostname != LIVE_HOST:
            return  # already reported as a foreign request
        if request.failure == "net::ERR_ABORTED":
            return  # cancelled, because the page navigated away while it loaded
        self.failed_requests.append(f"{request.method} {request.url}: {request.failure}")

    def _on_response(self, response) -> None:
        # Pages that are meant to be errors (404, 403) are checked by their tests; a page's
        # stylesheet, script, image or data must never fail.
        if response.status >= 400 and not response.request.is_navigation_request():
            self.failed_requests.append(
                f"{response.request.method} {response.url}: HTTP {response.status}"
            )

    def problems(self) -> list[str]:
        found = []
        for title, items in [
            ("Content Security Policy violations", self.csp_violations),
            ("console errors", self.console_errors),
            ("uncaught script errors", self.page_errors),
            ("failed requests", self.failed_requests),
            (f"requests to hosts other than {LIVE_HOST}", self.foreign_requests),
        ]:
            if items:
                found.append(f"{title} on {self.label}:\n    " + "\n    ".join(items))
        return found


class PageOpener:
    """Opens pages, each in a new browser context (so no cookies leak), and watches them."""

    def __init__(self, browser, base_url: str):
        self._browser = browser
        self._base_url = base_url
        self._contexts: list = []
        self.monitors: dict[int, PageMonitor] = {}

    def __call__(self, label: str = "page", storage_state: dict | None = None):
        context = self._browser.new_context(
            base_url=self._base_url,
            locale="en-GB",
            timezone_id="Europe/London",
            viewport={"width": 1280, "height": 900},
            storage_state=storage_state,
        )
        context.set_default_timeout(10_000)
        self._contexts.append(context)
        page = context.new_page()
        monitor = PageMonitor(label=f"{label} ({len(self._contexts)})")
        monitor.attach(context, page)
        self.monitors[id(page)] = monitor
        return page

    def monitor(self, page) -> PageMonitor:
        return self.monitors[id(page)]

    def close(self) -> None:
        for context in self._contexts:
            context.close()


@pytest.fixture
def open_page(browser, live_server, request) -> Iterator[PageOpener]:
    opener = PageOpener(browser, live_server.url)
    request.node.asb_page_opener = opener
    yield opener
    opener.close()


@pytest.fixture
def page(open_page):
    return open_page("page")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Once the test's own assertions pass, fail it for anything that went wrong in a page."""
    result = yield
    opener = getattr(item, "asb_page_opener", None)
    if opener is not None:
        problems = [p for monitor in opener.monitors.values() for p in monitor.problems()]
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)
    return result


# Signing in --------------------------------------------------------------------------------


# The authenticator secrets of the users who sign in with two factors, by email address.
TOTP_SECRETS: dict[str, str] = {}
_USED_STEPS: dict[str, int] = {}


def authenticator_code(secret: str) -> str:
    """The code an authenticator app would show, for a time step the server has not accepted
    yet: each step's code signs in once, so a second sign-in soon after takes the next step
    (the server accepts the one after now), or waits for it."""
    from asb.auth.two_factor import code_for_step, current_step

    step = max(current_step(), _USED_STEPS.get(secret, -1) + 1)
    while step > current_step() + 1:
        time.sleep(0.5)
    _USED_STEPS[secret] = step
    return code_for_step(secret, step)


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the sign-in page, as a person would: with the code from their
    authenticator app too, if they have set up two-factor sign-in."""
    if not urlsplit(page.url).path.startswith("/sign-in"):
        page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    if email in TOTP_SECRETS:
        expect(page).to_have_url(re.compile(r"/sign-in/code$"))
        page.get_by_label("Code", exact=True).fill(authenticator_code(TOTP_SECRETS[email]))
        page.get_by_role("button", name="Continue").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))


@pytest.fixture(scope="session")
def signed_in_state(browser, live_server) -> Callable[[str], dict]:
    """The cookies of a signed-in session for one of USERS, signed in once per run."""
    states: dict[str, dict] = {}

    def state(who: str) -> dict:
        if who not in states:
            context = browser.new_context(base_url=live_server.url)
            try:
                page = context.new_page()
                sign_in(page, live_server.email(who))
                states[who] = context.storage_state()
            finally:
                context.close()
        return states[who]

    return state


# Accessibility -----------------------------------------------------------------------------


@cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more elements")
    return "\n".join(lines)


def assert_accessible(page, what: str | None = None) -> None:
    """Run axe-core (WCAG 2.2 A and AA rules) on the page as it is now; fail on any violation.

    axe is injected with evaluate(), which the page's Content Security Policy does not govern
    (an injected <script> would be refused, rightly).
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    results = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        AXE_TAGS,
    )
    violations = results["violations"]
    assert not violations, (
        f"axe-core found {len(violations)} accessibility problem(s) on "
        f"{what or page.title()} ({page.url}):\n{format_violations(violations)}"
    )
