"""Security headers, the CSP nonce, CSRF, session cookies and production settings."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from asb import create_app
from asb.auth.models import Role
from asb.extensions import db
from asb.incidents.models import Incident
from asb.incidents.vocabulary import IncidentStatus
from config import Config, ProductionConfig, TestConfig
from tests.conftest import CheckedClient, sign_in_session
from tests.factories import TEST_PASSWORD, IncidentFactory, UserFactory, agency

GOOD_SECRET = "s" * 40
_NONCE = re.compile(r"'nonce-([^']+)'")
_SCRIPT_NONCES = re.compile(r"<script\b[^>]*\bnonce=\"([^\"]+)\"")
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csp(response) -> dict[str, str]:
    directives = response.headers["Content-Security-Policy"].split(";")
    return {d.strip().split(" ", 1)[0]: d.strip().split(" ", 1)[1] for d in directives}


@pytest.mark.parametrize("path", ["/sign-in", "/no-such-page", "/healthz"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    policy = csp(response)
    assert policy["script-src"].startswith("'self' 'nonce-")
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["default-src"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers


def test_map_tiles_are_the_only_other_image_origin(client):
    assert csp(client.get("/sign-in"))["img-src"] == ("'self' data: https://tile.openstreetmap.org")


def test_static_files_may_be_cached(client):
    response = client.get("/static/dist/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_script_nonce_matches_the_csp_and_changes_per_request(client, login_as):
    login_as(Role.OFFICER, "housing")
    nonces = []
    for _ in range(2):
        response = client.get("/incidents/new")
        nonce = _NONCE.search(response.headers["Content-Security-Policy"]).group(1)
        scripts = _SCRIPT_NONCES.findall(response.get_data(as_text=True))
        assert scripts, "the page has no scripts with a nonce"
        assert set(scripts) == {nonce}
        assert len(nonce) >= 16
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_no_inline_script_runs_without_the_nonce(client, login_as):
    login_as(Role.OFFICER, "housing")
    page = client.get("/incidents/new").get_data(as_text=True)
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "nonce=" in tag, tag


def test_hsts_only_in_production(monkeypatch, tmp_path):
    assert TestConfig.SECURITY_HSTS is False
    assert ProductionConfig.SECURITY_HSTS is True
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", ProductionConfig.SECRET_KEY)
    monkeypatch.setattr(
        ProductionConfig, "SQLALCHEMY_DATABASE_URI", ProductionConfig.SQLALCHEMY_DATABASE_URI
    )
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'production.sqlite3'}")
    production = create_app("production")
    try:
        response = production.test_client().get("/healthz")
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains"
        )
    finally:
        with production.app_context():
            db.engine.dispose()


def test_production_session_cookie_is_secure_and_host_only():
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY is True
    assert ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"
    assert ProductionConfig.SESSION_COOKIE_NAME.startswith("__Host-")


def test_session_cookie_is_http_only_and_same_site_lax(client, db_session):
    user = UserFactory()
    db.session.commit()
    response = client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    cookie = next(
        header
        for header in response.headers.getlist("Set-Cookie")
        if header.startswith(f"{Config.SESSION_COOKIE_NAME}=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.fixture
def production_settings(monkeypatch):
    """Let ProductionConfig.check() run without its settings outliving the test."""
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", ProductionConfig.SECRET_KEY)
    monkeypatch.setattr(
        ProductionConfig, "SQLALCHEMY_DATABASE_URI", ProductionConfig.SQLALCHEMY_DATABASE_URI
    )
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    monkeypatch.setenv("DATABASE_URL", "postgres://asb@db.internal/asb")
    return monkeypatch


@pytest.mark.parametrize(
    ("secret", "database", "named"),
    [
        (None, "postgres://asb@db.internal/asb", "SECRET_KEY"),
        ("", "postgres://asb@db.internal/asb", "SECRET_KEY"),
        ("too-short-secret", "postgres://asb@db.internal/asb", "SECRET_KEY"),
        (Config.SECRET_KEY, "postgres://asb@db.internal/asb", "SECRET_KEY"),
        (GOOD_SECRET, None, "DATABASE_URL"),
        (GOOD_SECRET, "", "DATABASE_URL"),
    ],
    ids=["no key", "empty key", "short key", "default key", "no database", "empty database"],
)
def test_production_refuses_to_start_without_real_settings(
    production_settings, secret, database, named
):
    for name, value in (("SECRET_KEY", secret), ("DATABASE_URL", database)):
        if value is None:
            production_settings.delenv(name, raising=False)
        else:
            production_settings.setenv(name, value)
    with pytest.raises(RuntimeError, match=named):
        ProductionConfig.check()
    with pytest.raises(RuntimeError, match=named):
        create_app("production")


def test_production_takes_its_settings_from_the_environment(production_settings):
    ProductionConfig.check()
    assert ProductionConfig.SECRET_KEY == GOOD_SECRET
    assert ProductionConfig.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://asb@db.internal/asb"


@pytest.fixture
def csrf_app(database_url):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": True})
    app.test_client_class = CheckedClient
    yield app
    with app.app_context():
        db.engine.dispose()


def test_post_without_csrf_token_is_refused(csrf_app):
    client = csrf_app.test_client()
    assert client.get("/sign-in").status_code == 200  # the page check finds its token
    response = client.post("/sign-in", data={"email": "a@example.com", "password": "x"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem with your request" in page
    assert "The form had expired or was sent from another site" in page


@pytest.fixture
def csrf_enabled(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


PAGES_BY_ROLE = {
    (Role.OFFICER, "housing"): [
        "/",
        "/incidents",
        "/incidents/new",
        "/incidents/{incident}",
        "/incidents/{incident}/edit",
        "/incidents/{incident}/status",
        "/account/password",
    ],
    (Role.ASB_LEAD, "community-safety"): ["/", "/incidents", "/incidents/{incident}"],
    (Role.PARTNER, "city-police"): ["/", "/account/password"],
    (Role.ADMIN, "community-safety"): [
        "/admin/users",
        "/admin/users/new",
        "/admin/users/{user}",
        "/admin/agencies",
        "/admin/local-types",
    ],
}


@pytest.mark.parametrize(
    ("role", "agency_code"), PAGES_BY_ROLE, ids=[f"{r.value}@{a}" for r, a in PAGES_BY_ROLE]
)
def test_every_post_form_carries_a_csrf_token(client, login_as, csrf_enabled, role, agency_code):
    incident = IncidentFactory(recording_agency=agency("housing"))
    db.session.commit()
    user = login_as(role, agency_code)
    for path in PAGES_BY_ROLE[(role, agency_code)]:
        response = client.get(path.format(incident=incident.id, user=user.id))
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        # The sign-out form in the header, at least; CheckedClient checks every POST form.
        assert 'action="/sign-out"' in page
        assert _CSRF.search(page), path


def test_state_change_needs_the_token(client, login_as, csrf_enabled):
    login_as(Role.OFFICER, "housing")
    incident = IncidentFactory(recording_agency=agency("housing"))
    db.session.commit()
    url = f"/incidents/{incident.id}/status"

    refused = client.post(url, data={"status": "triaged"})
    assert refused.status_code == 400
    assert incident.status is IncidentStatus.NEW

    token = _CSRF.search(client.get(url).get_data(as_text=True)).group(1)
    accepted = client.post(url, data={"status": "triaged", "csrf_token": token})
    assert accepted.status_code == 302
    assert db.session.scalar(select(Incident.status).where(Incident.id == incident.id)) == (
        IncidentStatus.TRIAGED
    )


def test_sign_out_needs_the_token(client, db_session, csrf_enabled):
    user = UserFactory()
    db.session.commit()
    sign_in_session(client, user)
    assert client.post("/sign-out").status_code == 400
    assert user.session_generation == 0
    assert client.get("/incidents").status_code == 200


def test_no_state_change_on_get(client, login_as):
    user = login_as(Role.OFFICER, "housing")
    assert client.get("/sign-out").status_code == 405
    assert user.session_generation == 0
    assert client.get("/incidents").status_code == 200
