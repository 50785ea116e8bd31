"""`make bench`'s HTTP stage: the pages people use all day, over HTTP, beside a minimal page.

For each database, gunicorn serves asb in the production configuration (gunicorn.conf.py,
ASB_CONFIG=production, 2 sync workers) and, in the same run, bench.minimal (the same 50 rows
through Flask + SQLAlchemy + Jinja and nothing else). Each page is loaded by 8 keep-alive
connections for --http-seconds (bench.httpload), signed in as the bench's ASB lead (the team
queue as its Housing manager). The map and the overview are requested once on every
connection first, so each worker has computed them before the clock starts.
"""

from __future__ import annotations

import http.client
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import sqlalchemy as sa
from pyotp import TOTP

from bench.datasets import LEAD_EMAIL, LEAD_TOTP_SECRET, MANAGER_EMAIL, ROOT, Target
from bench.httpload import PageFigures, load
from bench.loadclient import Browser, form_with
from bench.loadsetup import HOST, Server, production_environment
from bench.scratch import BenchError

LOG_DIR = ROOT / "instance" / "bench"
PASSWORD = "bench-password-not-secret"  # noqa: S105 - the bench users' (bench.datasets)
WORKERS = 2
CONNECTIONS = 8
DEEP_PAGE = 500
MINIMAL_PAGE = "minimal page (Flask + SQLAlchemy + Jinja, 50 incidents)"


@dataclass
class Page:
    label: str
    path: str
    user: str = LEAD_EMAIL
    warm: bool = False  # computed once per worker before it is measured


@dataclass
class HttpResults:
    target: Target
    reference: PageFigures
    pages: list[PageFigures] = field(default_factory=list)
    seconds: float = 0.0
    tool: str = ""


def pages_to_measure(url: str) -> list[Page]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        street = connection.scalar(
            sa.text("SELECT id FROM agencies WHERE code = 'street-enforcement'")
        )
        where = f"category = 'noise' AND recording_agency_id = {int(street)}"
        matching = connection.scalar(sa.text(f"SELECT count(*) FROM incidents WHERE {where}"))  # noqa: S608
        incident = connection.scalar(sa.text(f"SELECT max(id) FROM incidents WHERE {where}"))  # noqa: S608
        case = connection.scalar(
            sa.text("SELECT min(id) FROM cases WHERE status <> 'closed' AND NOT restricted")
        )
    engine.dispose()
    log = f"/incidents?category=noise&agency={street}&sort=occurred&order=desc"
    deep = max(2, min(DEEP_PAGE, math.ceil(matching / 25)))
    return [
        Page("incident log, filtered, page 1", log),
        Page(f"incident log, filtered, page {deep}", f"{log}&page={deep}"),
        Page("incident page", f"/incidents/{incident}"),
        Page("My cases", "/cases"),
        Page("team queue (Housing)", "/cases/team", user=MANAGER_EMAIL),
        Page("all open cases", "/cases/all"),
        Page("case page", f"/cases/{case}"),
        Page("hotspot map, 12 months, once computed", "/map?period=12-months", warm=True),
        Page("overview, once computed", "/overview", warm=True),
    ]


def sign_in(port: int, email: str) -> dict[str, str]:
    """The Cookie header of a signed-in session, got through the sign-in form."""
    browser = Browser(HOST, port, timeout=60)
    page = browser.get("sign-in page", "/sign-in")
    form = form_with(page, "password")
    if form is None:
        raise BenchError(f"the sign-in page answered {page.status} without its form")
    answer = browser.post("sign in", form, {"email": email, "password": PASSWORD})
    if answer.status == 302 and answer.location == "/sign-in/code" and email == LEAD_EMAIL:
        code_form = form_with(browser.get("two-factor code page", answer.location), "code")
        if code_form is None:
            raise BenchError(f"{email}: the two-factor code page answered without its form")
        answer = browser.post("two-factor code", code_form, {"code": TOTP(LEAD_TOTP_SECRET).now()})
    if answer.status != 302:
        raise BenchError(f"{email} could not sign in (answer {answer.status})")
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items())}


def warm(port: int, path: str, headers: dict[str, str]) -> None:
    """One request on each of the connections at once, so that every worker gets one."""

    def once() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=300)
        try:
            connection.request("GET", path, headers=headers)
            connection.getresponse().read()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=CONNECTIONS) as pool:
        for future in [pool.submit(once) for _ in range(CONNECTIONS)]:
            future.result()


def measure_http(target: Target, seconds: float, port: int, log=print) -> HttpResults:
    env = production_environment(target.url)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    stem = target.name.lower()
    pages = pages_to_measure(target.url)
    with Server(env, port, WORKERS, LOG_DIR / f"{stem}-minimal.log", "bench.minimal:app"):
        log(f"{target.name}: HTTP, the minimal page, {seconds:g} s ...")
        reference = load(HOST, port, "/", seconds, CONNECTIONS, page=MINIMAL_PAGE)
    results = HttpResults(target, reference, seconds=seconds, tool=reference.tool)
    with Server(env, port + 1, WORKERS, LOG_DIR / f"{stem}-gunicorn.log") as server:
        sessions = {email: sign_in(server.port, email) for email in {p.user for p in pages}}
        for page in pages:
            log(f"{target.name}: HTTP, {page.label}, {seconds:g} s ...")
            headers = sessions[page.user]
            if page.warm:
                warm(server.port, page.path, headers)
            results.pages.append(
                load(HOST, server.port, page.path, seconds, CONNECTIONS, headers, page.label)
            )
    return results
