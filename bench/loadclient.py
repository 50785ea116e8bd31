"""The load test's users: a browser-like HTTP client and what each signed-in user does.

Production cookies are Secure `__Host-` ones, which the standard library's cookie jar keeps
off plain http, so the client holds them itself. Like a browser, it fetches every form and
posts back each hidden input the page rendered (csrf_token, version, submission_key, ...).
"""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pyotp

NO_ANSWER = 0  # the connection was refused or cut before an HTTP status came back
STALE = "changed since you opened it"
INCIDENT_LINK = re.compile(r'href="/incidents/(\d+)"')
SEARCH_WORDS = ("noise", "music", "Golden Lane", "Barbican", "shouting", "bins")
SETUP_KEY = re.compile(r'<code class="asb-setup-key">([A-Z2-7 ]+)</code>')
SECOND_STEPS = {"/two-factor/set-up", "/sign-in/code"}


@dataclass(frozen=True)
class Sample:
    kind: str
    status: int
    seconds: float


@dataclass(frozen=True)
class Answer:
    status: int
    path: str
    location: str
    body: str

    def redirected_to(self, pattern: str) -> re.Match | None:
        return re.fullmatch(pattern, self.location) if self.status == 302 else None


@dataclass
class Form:
    action: str
    method: str
    # (name, type, value, on): `on` is checked for radios and checkboxes, selected for options
    inputs: list[tuple[str, str, str, bool]] = field(default_factory=list)

    def choices(self, name: str) -> list[str]:
        return [v for n, kind, v, _ in self.inputs if n == name and kind in {"radio", "option"}]

    def names(self) -> set[str]:
        return {name for name, *_ in self.inputs}

    def submission(self, answers: dict[str, str | list[str]]) -> list[tuple[str, str]]:
        """What a browser would send after a person gave these answers."""
        pairs: list[tuple[str, str]] = []
        answered: set[str] = set()
        for name, kind, value, on in self.inputs:
            if name in answers:
                if name not in answered:
                    answered.add(name)
                    given = answers[name]
                    pairs += [(name, v) for v in (given if isinstance(given, list) else [given])]
            elif kind in {"submit", "button", "image", "file", "reset"}:
                continue
            elif kind not in {"radio", "checkbox", "option"} or on:
                pairs.append((name, value))
        for name in answers.keys() - answered:
            raise KeyError(f"the form at {self.action} has no field {name!r}")
        return pairs


class _FormParser(HTMLParser):
    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_start = 0
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            action = urljoin(self.page_path, a.get("action") or self.page_path)
            self._form = Form(action, (a.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is None or ("name" not in a and tag != "option"):
            return
        elif tag == "input":
            self._form.inputs.append(
                (a["name"], a.get("type", "text").lower(), a.get("value", ""), "checked" in a)
            )
        elif tag == "button":
            self._form.inputs.append((a["name"], "button", a.get("value", ""), False))
        elif tag == "select":
            self._select, self._select_start = a["name"], len(self._form.inputs)
        elif tag == "option" and self._select is not None:
            self._form.inputs.append((self._select, "option", a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea = (a["name"], [])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._form is None:
            return
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._form.inputs.append((name, "textarea", "".join(text).removeprefix("\n"), True))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            options = self._form.inputs[self._select_start :]
            if options and not any(on for *_, on in options):  # a browser sends the first
                self._form.inputs[self._select_start] = (*options[0][:3], True)
            self._select = None


def forms_in(page: Answer) -> list[Form]:
    parser = _FormParser(page.path)
    parser.feed(page.body)
    return parser.forms


def form_with(page: Answer, field_name: str) -> Form | None:
    return next((form for form in forms_in(page) if field_name in form.names()), None)


class Browser:
    """One person's browser: their cookies, and a timed sample for every request."""

    def __init__(self, host: str, port: int, timeout: float = 60):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self.samples: list[Sample] = []

    def get(self, kind: str, path: str) -> Answer:
        return self._request(kind, "GET", path)

    def post(self, kind: str, form: Form, answers: dict[str, str | list[str]]) -> Answer:
        return self._request(kind, "POST", form.action, urlencode(form.submission(answers)))

    def _request(self, kind: str, method: str, path: str, body: str | None = None) -> Answer:
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "asb-loadtest"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            answer = Answer(
                response.status, path, urlsplit(response.getheader("Location", "")).path, text
            )
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        except (OSError, http.client.HTTPException):
            answer = Answer(NO_ANSWER, path, "", "")
        finally:
            connection.close()
        self.samples.append(Sample(kind, answer.status, time.perf_counter() - started))
        return answer

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            pair, *attributes = header.split(";")
            name, _, value = pair.strip().partition("=")
            expired = any(a.strip().lower() in {"max-age=0", "max-age=-1"} for a in attributes)
            if expired or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value


class Authenticators:
    """The authenticator apps of the accounts that sign in with two factors (the ASB lead),
    shared by every user's thread: the secret each account set up, and the last time step
    whose code it used. A step's code signs in once, so sessions of one account signing in
    together take the steps in turn (the server accepts the one after now), waiting for the
    next when both are used, as people sharing an account would."""

    STEP_SECONDS = 30

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: dict[str, str] = {}
        self._used: dict[str, int] = {}

    def set_up(self, email: str, secret: str) -> None:
        with self._lock:
            self._secrets[email] = secret

    def code(self, email: str) -> str | None:
        with self._lock:
            secret = self._secrets.get(email)
            if secret is None:
                return None
            step = max(self._now(), self._used.get(email, -1) + 1)
            self._used[email] = step
        while step > self._now() + 1:
            time.sleep(0.5)
        return pyotp.TOTP(secret).generate_otp(step)

    def _now(self) -> int:
        return int(time.time()) // self.STEP_SECONDS


AUTHENTICATORS = Authenticators()


@dataclass
class Writes:
    """What the server acknowledged with a redirect to the saved record, as the user saw it."""

    incidents: set[int] = field(default_factory=set)
    cases: set[int] = field(default_factory=set)
    notes: set[str] = field(default_factory=set)
    statuses: Counter = field(default_factory=Counter)  # (case id, email, status value)
    unanswered: Counter = field(default_factory=Counter)  # writes with no answer, by kind
    stale: int = 0  # saves refused because the case changed since the form was opened

    def add(self, other: Writes) -> None:
        self.incidents |= other.incidents
        self.cases |= other.cases
        self.notes |= other.notes
        self.statuses += other.statuses
        self.unanswered += other.unanswered
        self.stale += other.stale


class User:
    """A signed-in person: records incidents, browses the log, works their agency's cases."""

    TASKS = ("browse_log", "record_incident", "add_note", "change_status")
    WEIGHTS = (4, 2, 2, 2)

    def __init__(
        self, browser: Browser, email: str, password: str, run_id: str, number: int, seed: int
    ):
        self.browser, self.email, self.password = browser, email, password
        self.run_id, self.number = run_id, number
        self.random = random.Random(seed)  # noqa: S311 - choosing work, not secrets
        self.case_ids: list[int] = []
        self.writes = Writes()
        self._sequence = 0

    def marker(self, what: str) -> str:
        self._sequence += 1
        return f"Load test {self.run_id} {what} {self.number}-{self._sequence}"

    def run_until(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if not self.browser.cookies and not self.sign_in():
                time.sleep(2)  # as a person would before trying again
                continue
            task = self.random.choices(self.TASKS, self.WEIGHTS)[0]
            if task in {"add_note", "change_status"} and not self.case_ids:
                task = "browse_log"
            getattr(self, task)()

    def sign_in(self) -> bool:
        self.browser.cookies.clear()
        page = self.browser.get("sign-in page", "/sign-in")
        form = form_with(page, "password")
        if form is None:
            return False
        answer = self.browser.post(
            "sign in", form, {"email": self.email, "password": self.password}
        )
        # The second factor, set up at the first sign-in where the role requires it.
        for _ in range(3):
            if answer.status != 302 or answer.location not in SECOND_STEPS:
                break
            answer = self._second_factor(answer.location)
        if answer.status != 302 or answer.location in SECOND_STEPS:
            self.browser.cookies.clear()
            return False
        self.browser.get("home page", answer.location)
        return True

    def _second_factor(self, step: str) -> Answer:
        """Set up two factors or enter the code: where the next answer leads (the recovery
        codes page, once set up, leads home)."""
        page = self.browser.get("two-factor page", step)
        form = form_with(page, "code")
        if form is None:
            return page
        if step == "/two-factor/set-up":
            key = SETUP_KEY.search(page.body)
            if key is None:
                return page
            AUTHENTICATORS.set_up(self.email, key.group(1).replace(" ", ""))
        code = AUTHENTICATORS.code(self.email)
        if code is None:
            return page
        answer = self.browser.post("two-factor code", form, {"code": code})
        if step == "/two-factor/set-up" and answer.status == 200 and not form_with(answer, "code"):
            return Answer(302, answer.path, "/", "")  # set up: the recovery codes, then home
        return answer

    def _form_page(self, kind: str, path: str, field_name: str) -> Form | None:
        page = self.browser.get(kind, path)
        if page.status == 302 and page.location.startswith("/sign-in"):
            self.browser.cookies.clear()
        return form_with(page, field_name) if page.status == 200 else None

    def _write(self, kind: str, form: Form, answers: dict) -> Answer:
        answer = self.browser.post(kind, form, answers)
        if answer.status == NO_ANSWER:
            self.writes.unanswered[kind] += 1
        return answer

    def browse_log(self) -> None:
        query = self.random.choice(
            [
                {},
                {"page": str(self.random.randint(2, 20))},
                {"category": self.random.choice(["noise", "street-drinking", "begging"])},
                {"text": self.random.choice(SEARCH_WORDS)},
                {"status": "new", "sort": "occurred", "order": "asc"},
            ]
        )
        page = self.browser.get("incident log", "/incidents?" + urlencode(query))
        ids = INCIDENT_LINK.findall(page.body)
        if ids:
            self.browser.get("incident page", f"/incidents/{self.random.choice(ids)}")

    def record_incident(self) -> None:
        form = self._form_page("incident form", "/incidents/new", "description")
        if form is None:
            return
        when = date.today() - timedelta(days=self.random.randint(0, 60))
        answers = {
            "occurred_date": [str(when.day), str(when.month), str(when.year)],
            "occurred_time": f"{self.random.randint(0, 23):02d}:{self.random.randint(0, 59):02d}",
            "location_description": "Golden Lane Estate, Crescent House",
            "latitude": f"{51.5155 + self.random.uniform(-0.0015, 0.0015):.6f}",
            "longitude": f"{-0.0922 + self.random.uniform(-0.002, 0.002):.6f}",
            "qualifier": self.random.choice(form.choices("qualifier")),
            "category": self.random.choice([c for c in form.choices("category") if c]),
            "hate_motivated": "no",
            "possible_crime": "no",
            "description": self.marker("incident") + ": loud music from a flat late at night",
            "reporting_channel": "phone",
            "report_kind": "complaint",
            "reporter_anonymous": "anonymous",
            "reporter_is_victim": "yes",
            "restricted": "no",
        }
        answer = self._write("record incident", form, answers)
        saved = answer.redirected_to(r"/incidents/(\d+)")
        if saved:
            self.writes.incidents.add(int(saved.group(1)))
            self.browser.get("incident page", answer.location)

    def open_case(self) -> None:
        form = self._form_page("case form", "/cases/new", "title")
        if form is None:
            return
        marker = self.marker("case")
        answers = {"title": marker, "summary": f"{marker}: noise from a flat", "restricted": "no"}
        answer = self._write("open case", form, answers)
        saved = answer.redirected_to(r"/cases/(\d+)")
        if saved:
            self.writes.cases.add(int(saved.group(1)))

    def add_note(self) -> None:
        case_id = self.random.choice(self.case_ids)
        form = self._form_page("note form", f"/cases/{case_id}/notes", "text")
        if form is None:
            return
        text = self.marker("note") + ": spoke to the neighbour about the noise"
        answer = self._write("add note", form, {"text": text, "contact_method": ""})
        if answer.redirected_to(rf"/cases/{case_id}"):
            self.writes.notes.add(text)
            self.browser.get("case page", answer.location)

    def change_status(self) -> None:
        case_id = self.random.choice(self.case_ids)
        form = self._form_page("status form", f"/cases/{case_id}/status", "status")
        if form is None or not form.choices("status"):
            return
        status = self.random.choice(form.choices("status"))
        answer = self._write("change status", form, {"status": status})
        if answer.redirected_to(rf"/cases/{case_id}"):
            self.writes.statuses[(case_id, self.email, status)] += 1
            self.browser.get("case page", answer.location)
        elif answer.status == 200 and STALE in answer.body:
            self.writes.stale += 1
