"""`make bench`'s HTTP stage against a tiny server, and its guard on PostgreSQL databases."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import urllib.request
from datetime import datetime, timedelta

import psycopg
import pytest
import sqlalchemy as sa
from psycopg import sql

from bench.datasets import DATABASE_MARK, postgres_target
from bench.httpload import PageFigures, figures_table, python_load, wrk_load
from bench.loadsetup import HOST, Server
from bench.scratch import BenchError
from tests.conftest import POSTGRES


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def minimal_server(tmp_path_factory):
    """bench.minimal under gunicorn, as the stage serves it, over a 60-incident database."""
    folder = tmp_path_factory.mktemp("bench-http")
    database = folder / "tiny.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute(
            "CREATE TABLE incidents (id INTEGER PRIMARY KEY, reference TEXT, occurred_from "
            "DATETIME, category TEXT, location_description TEXT, status TEXT)"
        )
        start = datetime(2026, 1, 1, 9, 30)
        connection.executemany(
            "INSERT INTO incidents VALUES (?, ?, ?, 'noise', 'Golden Lane', 'new')",
            [
                (n, f"ASB-2026-{n:05d}", (start + timedelta(hours=n)).isoformat(" "))
                for n in range(1, 61)
            ],
        )
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    with Server(env, _free_port(), 2, folder / "gunicorn.log", "bench.minimal:app") as server:
        yield server


def test_the_minimal_page_renders_the_50_latest_incidents(minimal_server):
    with urllib.request.urlopen(f"http://{HOST}:{minimal_server.port}/") as response:
        page = response.read().decode()

    assert page.count("<tr><td>") == 50
    assert "ASB-2026-00060" in page and "ASB-2026-00010" not in page


def test_the_python_client_counts_requests_latencies_and_non_2xx(minimal_server):
    port = minimal_server.port

    found = python_load(HOST, port, "/", 1, connections=4, page="minimal")
    missing = python_load(HOST, port, "/no-such-page", 0.5, connections=2)

    assert found.tool == "python" and found.page == "minimal"
    assert found.requests > 10 and found.non_2xx == 0
    assert 0.9 < found.seconds < 5
    assert 0 < found.p50 <= found.p95 < 1
    assert missing.requests > 0 and missing.non_2xx == missing.requests


@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not on PATH (apt-get install wrk)")
def test_wrk_counts_requests_latencies_and_non_2xx(minimal_server):
    port = minimal_server.port

    found = wrk_load(HOST, port, "/", 1, connections=4, page="minimal")
    missing = wrk_load(HOST, port, "/no-such-page", 1, connections=2)

    assert found.tool == "wrk" and found.requests > 10 and found.non_2xx == 0
    assert 0 < found.p50 <= found.p95 < 1
    assert missing.requests > 0 and missing.non_2xx == missing.requests


def test_the_table_gives_each_page_its_share_of_the_minimal_pages_throughput():
    reference = PageFigures("minimal page", 2000, 10, 0.004, 0.009, 0, "python")
    log = PageFigures("incident log", 500, 10, 0.016, 0.0304, 3, "python", ["empty"])
    overview = PageFigures("overview", 0, 10, 0.0, 0.0, 0, "wrk")

    table = figures_table([log, overview], reference)

    assert table[0] == "| page | requests/s | ratio to the minimal page | p50 | p95 | non-2xx |"
    assert table[2] == "| minimal page | 200.0 | 1.00 | 4 ms | 9 ms | 0 |"
    assert table[3] == "| incident log (empty) | 50.0 | 0.25 | 16 ms | 30 ms | 3 |"
    assert table[4] == "| overview | 0.0 | 0.00 | no answer | no answer | 0 |"


needs_postgres = pytest.mark.skipif(
    not POSTGRES,
    reason="the bench's database guard is about PostgreSQL databases: set TEST_DATABASE_URL",
)


def _server_and_name(suffix: str) -> tuple[str, str]:
    from config import TestConfig

    url = sa.engine.make_url(TestConfig.SQLALCHEMY_DATABASE_URI).set(drivername="postgresql")
    server = url.set(database="").render_as_string(hide_password=False).rstrip("/")
    return server, f"{url.database}_{suffix}"


def _admin(server: str) -> psycopg.Connection:
    return psycopg.connect(f"{server}/postgres", autocommit=True)


@needs_postgres
def test_the_bench_refuses_a_database_it_did_not_make_and_leaves_it_as_it_was():
    server, name = _server_and_name("bench_not_its_own")
    with _admin(server) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with psycopg.connect(f"{server}/{name}", autocommit=True) as connection:
            connection.execute("CREATE TABLE precious (id integer)")

        with pytest.raises(BenchError, match="did not make it"):
            postgres_target(name, server)

        with psycopg.connect(f"{server}/{name}") as connection:
            assert connection.execute("SELECT to_regclass('precious')").fetchone()[0]
    finally:
        with _admin(server) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


@needs_postgres
def test_the_bench_remakes_its_own_database_but_not_once_its_mark_is_gone():
    server, name = _server_and_name("bench_own")
    with _admin(server) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    try:
        target = postgres_target(name, server)
        with _admin(server) as admin:
            mark = admin.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                (name,),
            ).fetchone()[0]
        assert mark == DATABASE_MARK
        assert postgres_target(name, server).url == target.url  # its own: reused

        target.database.create()  # what a --rows change does: remade while marked
        with _admin(server) as admin:
            admin.execute(sql.SQL("COMMENT ON DATABASE {} IS NULL").format(sql.Identifier(name)))
        with psycopg.connect(f"{server}/{name}", autocommit=True) as connection:
            connection.execute("CREATE TABLE precious (id integer)")

        with pytest.raises(BenchError, match="did not make it"):
            target.database.create()
        with psycopg.connect(f"{server}/{name}") as connection:
            assert connection.execute("SELECT to_regclass('precious')").fetchone()[0]
    finally:
        with _admin(server) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
