"""The load-test tool (bench/loadtest.py) itself: a tiny run, its forms and its database rule."""

from __future__ import annotations

import socket

import psycopg
import pytest
import sqlalchemy as sa
from psycopg import sql

from bench import loadtest
from bench.loadclient import Answer, forms_in
from tests.conftest import POSTGRES

needs_postgres = pytest.mark.skipif(
    not POSTGRES, reason="the load test runs against PostgreSQL: set TEST_DATABASE_URL"
)

FORM_PAGE = """
<form method="post" action="/sign-out"><input type="hidden" name="csrf_token" value="a"></form>
<form method="post" novalidate>
  <input type="hidden" name="csrf_token" value="token-1">
  <input type="hidden" name="version" value="7">
  <input type="hidden" name="submission_key" value="key-9">
  <input class="govuk-input" name="occurred_date" value="">
  <input class="govuk-input" name="occurred_date" value="">
  <input class="govuk-input" name="occurred_date" value="">
  <input type="radio" name="status" value="investigating" checked>
  <input type="radio" name="status" value="action">
  <input type="checkbox" name="vulnerabilities" value="age">
  <select name="category"><option value="">Select</option><option value="noise">Noise</option>
  </select>
  <textarea name="text">
kept as typed</textarea>
  <button class="govuk-button" data-prevent-double-click="true">Save</button>
</form>
"""


def test_a_form_posts_back_every_hidden_input_and_the_answers_given():
    form = forms_in(Answer(200, "/cases/3/status", "", FORM_PAGE))[1]

    assert form.action == "/cases/3/status"
    assert form.choices("status") == ["investigating", "action"]
    assert form.submission({"occurred_date": ["1", "2", "2026"], "status": "action"}) == [
        ("csrf_token", "token-1"),
        ("version", "7"),
        ("submission_key", "key-9"),
        ("occurred_date", "1"),
        ("occurred_date", "2"),
        ("occurred_date", "2026"),
        ("status", "action"),
        ("category", ""),
        ("text", "kept as typed"),
    ]
    with pytest.raises(KeyError):
        form.submission({"no_such_field": "x"})


def _server_and_name(suffix: str) -> tuple[str, str]:
    from config import TestConfig

    url = sa.engine.make_url(TestConfig.SQLALCHEMY_DATABASE_URI).set(drivername="postgresql")
    server = url.set(database="").render_as_string(hide_password=False).rstrip("/")
    return server, f"{url.database}_{suffix}"


def _exists(server: str, name: str) -> bool:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        return found.fetchone() is not None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@needs_postgres
def test_a_short_run_counts_every_acknowledged_write_and_survives_a_killed_worker():
    server, name = _server_and_name("loadtest")
    options = loadtest.Options(
        users=2,  # each of its own agency: no two save the same case at once
        seconds=5,
        accounts=2,
        workers=2,
        port=_free_port(),
        database=name,
        server=server,
        demo_data=False,
        measure_argon2=False,
    )

    result = loadtest.run(options, log=lambda line: None)

    assert result.passed, result.verdict
    assert result.fault.replaced_after is not None
    assert result.fault.replacement != result.fault.pid
    kinds = {sample.kind for sample in result.samples}
    assert {"sign in", "incident log"} <= kinds
    assert all(count.missing == 0 for count in result.writes)
    assert sum(count.acknowledged for count in result.writes if count.kind != "open case") > 0
    server_errors = [s for s in result.samples if s.status >= 500]
    assert server_errors == []
    assert not _exists(server, name), "the run drops its own database"


@needs_postgres
def test_it_refuses_a_database_it_did_not_make(capsys):
    server, name = _server_and_name("not_the_load_tests")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        exit_code = loadtest.main(["--server", server, "--database", name, "--no-docs"])

        assert exit_code == 2
        assert "did not make it" in capsys.readouterr().err
        assert _exists(server, name)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
