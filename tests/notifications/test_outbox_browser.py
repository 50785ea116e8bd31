"""The outbox in Chromium with a mail server set: a failed email passes axe-core, and its
"Try again" button (a POST with its CSRF token) puts it back in the queue."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from asb.extensions import db
from asb.notifications.models import EmailStatus, OutboxEmail
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LIVE_HOST,
    USERS,
    PageMonitor,
    _missing_prerequisites,
    _seed,
    assert_accessible,
    expect,
    sign_in,
)
from tests.factories import OutboxEmailFactory
from tests.notifications.conftest import REFUSING_PORT
from tests.overview.test_overview_browser import in_own_thread

pytestmark = pytest.mark.browser

SUBJECT = "asb: Case ASB-C-2026-00007 has been assigned to you"


@dataclass(frozen=True)
class LiveOutbox:
    url: str
    app: Flask
    email_id: int


@pytest.fixture(scope="module")
def live_outbox(tmp_path_factory) -> Iterator[LiveOutbox]:
    missing = _missing_prerequisites()
    if missing:
        reason = "browser tests cannot run: " + "; ".join(missing)
        if os.environ.get("ASB_REQUIRE_BROWSER") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)

    import flask_migrate
    from werkzeug.serving import make_server

    from asb import create_app
    from tests.conftest import scratch_database_url

    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": scratch_database_url(
                "outbox_browser", tmp_path_factory.mktemp("outbox-browser")
            ),
            "WTF_CSRF_ENABLED": True,
            "MAP_TILE_URL": "",
            "SERVER_NAME": None,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": REFUSING_PORT,
        },
    )
    with app.app_context():
        flask_migrate.upgrade()
    _seed(app)
    with app.app_context():
        email = OutboxEmailFactory(
            recipient=USERS["housing-officer"][0],
            subject=SUBJECT,
            status=EmailStatus.FAILED,
            attempts=6,
            next_attempt_at=None,
            error="[Errno 111] Connection refused",
        )
        db.session.commit()
        email_id = email.id
    server = make_server(LIVE_HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveOutbox(f"http://{LIVE_HOST}:{server.port}", app, email_id)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def test_a_failed_email_is_shown_accessibly_and_tried_again_from_the_outbox(live_outbox):
    from playwright.sync_api import sync_playwright

    def check() -> None:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            context = browser.new_context(base_url=live_outbox.url, locale="en-GB")
            context.set_default_timeout(10_000)
            page = context.new_page()
            monitor = PageMonitor(label="the outbox")
            monitor.attach(context, page)
            sign_in(page, USERS["asb-lead"][0])
            page.goto("/outbox")

            main = page.locator("main")
            expect(main).to_contain_text("Failed after 6 attempts: [Errno 111] Connection refused")
            assert_accessible(page)
            page.get_by_role("button", name=f"Try again sending “{SUBJECT}”").click()

            expect(page.get_by_role("heading", level=1)).to_have_text("Email outbox")
            expect(main).to_contain_text("will be sent again")
            expect(page.get_by_role("button", name=f"Try again sending “{SUBJECT}”")).to_have_count(
                0
            )
            assert_accessible(page, "the outbox after Try again")
            assert monitor.problems() == []
            browser.close()

    in_own_thread(check)

    with live_outbox.app.app_context():
        email = db.session.scalar(select(OutboxEmail).where(OutboxEmail.id == live_outbox.email_id))
        assert (email.status, email.attempts, email.error) == (EmailStatus.QUEUED, 0, None)
