"""The health check of each dependency, and error pages in the design system without traces."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from asb import create_app
from asb.auth.models import Role
from asb.extensions import db
from asb.incidents import queries

LEAKS = ("Traceback", 'File "', "RuntimeError", "sqlalchemy", "werkzeug")
ALL_OK = {"database": "ok", "migrations": "ok", "boundaries": "ok", "settings": "ok"}


def test_health_check_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", **ALL_OK}


@pytest.mark.parametrize(
    ("setting", "dependency"),
    [
        ("ASB_WARD_BOUNDARIES", "boundaries"),
        ("ASB_AREA_BOUNDARY", "boundaries"),
        ("ASB_RISK_MATRIX", "settings"),
        ("ASB_WARD_POPULATION", "settings"),
    ],
)
def test_health_check_names_a_file_that_cannot_be_loaded(
    app, client, monkeypatch, tmp_path, setting, dependency
):
    monkeypatch.setitem(app.config, setting, str(tmp_path / "missing.json"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", **ALL_OK, dependency: "unavailable"}


def test_health_check_reports_a_database_behind_the_code(client, db_session):
    db_session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", **ALL_OK, "migrations": "behind"}


def test_health_check_needs_no_sign_in(client):
    assert client.get("/healthz").status_code == 200


def test_health_check_reports_an_unreachable_database(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"
    assert response.get_json()["status"] != "ok"


def test_health_check_of_an_app_whose_database_does_not_exist():
    app = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent-dir/asb.sqlite3"}
    )
    try:
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.get_json() == {
            "status": "unavailable",
            **ALL_OK,
            "database": "unavailable",
            "migrations": "unknown",
        }
    finally:
        with app.app_context():
            db.engine.dispose()


def test_health_check_with_a_session_cookie_answers_during_a_database_outage():
    """A signed-in browser (or a monitor reusing its cookie) must not turn /healthz into a 500."""
    app = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent-dir/asb.sqlite3"}
    )
    try:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = "1"
            session["asb_generation"] = 0
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.get_json()["database"] == "unavailable"
    finally:
        with app.app_context():
            db.engine.dispose()


def test_unknown_page_is_not_found_in_the_design_system(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page
    assert "govuk-template" in page
    for leak in LEAKS:
        assert leak not in page


def test_unknown_incident_is_not_found_in_the_design_system(client, login_as):
    login_as(Role.OFFICER, "housing")
    response = client.get("/incidents/999999")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_unknown_api_path_answers_in_json(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.get_json() == {"error": "Page not found", "status": 404}


def test_unexpected_error_shows_the_sorry_page_without_a_traceback(
    client, login_as, monkeypatch, caplog
):
    login_as(Role.OFFICER, "housing")

    def broken(*args, **kwargs):
        raise RuntimeError("secret connection string postgres://asb:hunter2@db")

    monkeypatch.setattr(queries, "page_of_incidents", broken)
    response = client.get("/incidents")

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page
    assert "hunter2" not in page
    for leak in LEAKS:
        assert leak not in page
    assert "hunter2" in caplog.text  # logged for the service desk, not shown


@pytest.mark.parametrize(
    ("method", "path", "status", "heading"),
    [
        ("GET", "/sign-out", 405, "There is a problem with your request"),
        ("DELETE", "/incidents", 405, "There is a problem with your request"),
    ],
)
def test_other_http_errors_use_the_design_system(client, method, path, status, heading):
    response = client.open(path, method=method)
    assert response.status_code == status
    assert heading in response.get_data(as_text=True)
