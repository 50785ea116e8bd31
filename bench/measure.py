"""The measurements: pages through the Flask test client, queries, and experiments with and
without the choices that matter (a cache, an index, counting, prepared statements)."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bench.datasets import LEAD_EMAIL, Target, make_app


@dataclass
class Measurement:
    name: str
    seconds: list[float]
    target: float | None = None  # seconds
    size: int | None = None  # bytes, for pages
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "met" if self.median <= self.target else "MISSED"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def repeat(runs: int, action: Callable[[], object], before: Callable[[], object] | None = None):
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def sign_in(client, user) -> None:
    """A signed-in session in the client's cookie, as the sign-in page leaves it."""
    now = datetime.now(UTC).timestamp()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session["asb_generation"] = user.session_generation
        session["asb_signed_in_at"] = now
        session["asb_seen_at"] = now


def get(client, path: str) -> int:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return len(response.get_data())


def maps_available(app) -> tuple[bool, bool]:
    """(hotspot_data importable, GET /map routed): the map is built alongside this bench."""
    try:
        from asb.maps.hotspots import hotspot_data  # noqa: F401
    except ImportError:
        return False, False
    return True, any(rule.rule == "/map" for rule in app.url_map.iter_rules())


@dataclass
class Results:
    target: Target
    dataset: dict
    measurements: list[Measurement] = field(default_factory=list)
    extras: dict[str, str] = field(default_factory=dict)
    plans: dict[str, str] = field(default_factory=dict)


def measure(target: Target, dataset: dict, runs: int) -> Results:
    from asb.auth.models import Agency, User
    from asb.extensions import db

    results = Results(target, dataset)
    load_before = os.getloadavg()[0]
    app = make_app(target.url)
    with app.app_context():
        lead = db.session.scalar(sa.select(User).where(User.email == LEAD_EMAIL))
        street = db.session.scalar(sa.select(Agency.id).where(Agency.code == "street-enforcement"))
        client = app.test_client()
        sign_in(client, lead)
        add = results.measurements.append
        has_hotspots, has_map_page = maps_available(app)
        from asb.maps import cache  # the map's result cache, which the overview shares

        if has_hotspots:
            from asb.maps.filters import MapFilters
            from asb.maps.hotspots import hotspot_data

            filters = MapFilters.last("12-months")
            add(
                Measurement(
                    "Hotspot data, 12 months (grid + Gi*), computed",
                    repeat(runs, lambda: hotspot_data(lead, filters), cache.results.clear),
                    target=1.0,
                )
            )
            add(
                Measurement(
                    "Hotspot data, 12 months, from the cache",
                    repeat(runs, lambda: hotspot_data(lead, filters)),
                )
            )
        if has_map_page:
            size = get(client, "/map?period=12-months")
            add(
                Measurement(
                    "Map page, 12 months, computed",
                    repeat(runs, lambda: get(client, "/map?period=12-months"), cache.results.clear),
                    size=size,
                )
            )
            add(
                Measurement(
                    "Map page, 12 months, cached",
                    repeat(runs, lambda: get(client, "/map?period=12-months")),
                    size=size,
                )
            )
        overview_size = get(client, "/overview")
        add(
            Measurement(
                "Overview page, 12 months by month, computed",
                repeat(runs, lambda: get(client, "/overview"), cache.results.clear),
                size=overview_size,
            )
        )
        add(
            Measurement(
                "Overview page, 12 months by month, cached",
                repeat(runs, lambda: get(client, "/overview")),
                size=overview_size,
            )
        )
        add(
            Measurement(
                "Overview page, 24 months by week, computed",
                repeat(
                    runs,
                    lambda: get(client, "/overview?months=24&interval=week"),
                    cache.results.clear,
                ),
            )
        )
        listing = f"/incidents?category=noise&agency={street}&sort=occurred&order=desc"
        list_size = get(client, listing)
        add(
            Measurement(
                "Incident list, page 1 (category + agency, by date)",
                repeat(runs, lambda: get(client, listing)),
                target=0.1,
                size=list_size,
            )
        )
        add(
            Measurement(
                "Incident list, page 500 (category + agency, by date)",
                repeat(runs, lambda: get(client, f"{listing}&page=500")),
                target=0.1,
            )
        )
        results.measurements.extend(_overview_parts(lead, runs))
        results.extras.update(_counts(lead, street, runs))
        results.plans.update(_plans(street))
        results.extras.update(_list_experiments(street, runs))
        if not has_hotspots:
            results.extras["Hotspot data"] = "not measured: asb.maps.hotspots is not importable"
        elif not has_map_page:
            results.extras["Map page"] = "not measured: no GET /map route is registered"
        db.session.remove()
        db.engine.dispose()
    if target.name == "PostgreSQL":
        found, plans = _prepare_threshold(target, runs)
        results.extras.update(found)
        results.plans.update(plans)
        results.extras.update(_repeat_victims_prepared(target))
    # Other work on the machine slows every figure; the load average says how much there was.
    results.extras["Load average (1 min) before and after measuring"] = (
        f"{load_before:.2f}, {os.getloadavg()[0]:.2f}"
    )
    return results


def _overview_parts(lead, runs: int) -> list[Measurement]:
    """Each of the overview's queries on its own, to see where its time goes."""
    from asb.overview import queries, repeats

    filters = queries.OverviewFilters()
    parts = {
        "incidents per month": lambda: queries.incidents_over_time(lead, filters),
        "mix by category, agency and ward (one query)": lambda: queries.incident_mix(lead, filters),
        "open work by age": lambda: queries.open_work_by_age(lead, filters),
        "awaiting triage by agency": lambda: queries.awaiting_triage_by_agency(lead, filters),
        "repeat locations": lambda: repeats.repeat_locations(lead, filters),
        "repeat victims (asb.people)": lambda: repeats.visible_repeat_victims(lead, filters),
    }
    return [
        Measurement(f"Overview part: {name}", repeat(max(3, runs // 2), action))
        for name, action in parts.items()
    ]


def _counts(lead, agency_id: int, runs: int) -> dict[str, str]:
    """ "Page x of N" needs a count: the capped count the log uses against an exact one."""
    from flask import current_app

    from asb.extensions import db
    from asb.incidents.models import Incident
    from asb.incidents.queries import IncidentFilters, capped_count, filtered_incidents

    query = filtered_incidents(lead, IncidentFilters(category="noise", agency_id=agency_id))
    cap = current_app.config["INCIDENT_COUNT_CAP"]
    capped = statistics.median(repeat(runs, lambda: capped_count(query, cap)))
    everything = filtered_incidents(lead, IncidentFilters())
    exact_query = sa.select(sa.func.count()).select_from(everything.subquery())
    exact = statistics.median(repeat(runs, lambda: db.session.scalar(exact_query)))
    capped_all = statistics.median(repeat(runs, lambda: capped_count(everything, cap)))
    total = db.session.scalar(sa.select(sa.func.count(Incident.id)))
    return {
        f"Count for the filtered list (capped at {cap:,})": f"{capped * 1000:.1f} ms",
        f"Exact count of all {total:,} incidents": f"{exact * 1000:.1f} ms",
        f"Capped count of all incidents (stops at {cap:,})": f"{capped_all * 1000:.1f} ms",
    }


def _plans(agency_id: int) -> dict[str, str]:
    """The query plans of the list's page 500 and the overview's busiest query."""
    from asb.extensions import db
    from asb.incidents.models import Incident

    dialect = db.engine.dialect.name
    # Outside a request asb begins every SQLite transaction with BEGIN IMMEDIATE
    # (asb.extensions): the session's would keep the connection below waiting for the lock.
    db.session.remove()
    # As the log queries it for the ASB lead, whose visibility clause is simply true.
    page = (
        sa.select(Incident)
        .where(Incident.category == "noise", Incident.recording_agency_id == agency_id)
        .order_by(Incident.occurred_from.desc(), Incident.id.desc())
        .limit(25)
        .offset(12_475)
    )
    compiled = page.compile(db.engine, compile_kwargs={"literal_binds": True})
    explain = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql(explain + str(compiled)).all()
    text = "\n".join(" | ".join(str(part) for part in row) for row in rows)
    return {"Incident list, page 500": text}


PROPOSED_LIST_INDEX = (
    "CREATE INDEX ix_bench_agency_category_occurred "
    "ON incidents (recording_agency_id, category, occurred_from, id)"
)


def _list_experiments(agency_id: int, runs: int) -> dict[str, str]:
    """Page 500 of the filtered list as the log asks for it (OFFSET over whole rows) and as a
    deferred join (OFFSET over ids only, then 25 rows), without and with the index proposed
    for the log's commonest filter pair. The index is dropped again afterwards."""
    from asb.extensions import db

    where = f"category = 'noise' AND recording_agency_id = {int(agency_id)}"
    order = "ORDER BY occurred_from DESC, id DESC"
    variants = {
        "OFFSET": f"SELECT * FROM incidents WHERE {where} {order} LIMIT 25 OFFSET 12475",  # noqa: S608
        "deferred join": (
            f"SELECT * FROM incidents WHERE id IN (SELECT id FROM incidents WHERE {where} "  # noqa: S608
            f"{order} LIMIT 25 OFFSET 12475) {order}"
        ),
        "capped count": f"SELECT count(*) FROM (SELECT id FROM incidents WHERE {where} LIMIT 10001) AS s",  # noqa: S608, E501
    }
    found = {}
    db.session.remove()
    for label in ("as the schema stands", "with the proposed index"):
        if label != "as the schema stands":
            with db.engine.begin() as connection:
                connection.exec_driver_sql(PROPOSED_LIST_INDEX)
                connection.exec_driver_sql("ANALYZE incidents")
        with db.engine.connect() as connection:
            for name, sql in variants.items():
                seconds = repeat(runs, lambda c=connection, q=sql: c.exec_driver_sql(q).all())
                found[f"List page 500, {name}, {label}"] = ms(statistics.median(seconds))
        if label != "as the schema stands":
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP INDEX ix_bench_agency_category_occurred")
                connection.exec_driver_sql("ANALYZE incidents")
    return found


def _prepare_threshold(target: Target, runs: int) -> tuple[dict[str, str], dict[str, str]]:
    """psycopg prepares a statement on its sixth run (prepare_threshold=5); from the sixth
    run of a prepared statement PostgreSQL may use a generic plan, made without knowing the
    dates. Time a range aggregate like the map's both ways, and the generic and custom plans
    outright, over 28 days and over 12 months."""
    import psycopg
    import psycopg.sql

    query = (
        "SELECT grid_cell, count(*) FROM incidents "
        "WHERE occurred_from >= %s AND occurred_from < %s GROUP BY grid_cell"
    )
    url = sa.engine.make_url(target.url).set(drivername="postgresql")
    conninfo = url.render_as_string(hide_password=False)
    end = datetime.now(UTC)
    found, plans = {}, {}
    for days in (28, 365):
        bounds = (end - timedelta(days=days), end)
        period = f"{days} days" if days < 365 else "12 months"
        for label, threshold in [
            ("default (prepare_threshold=5)", 5),
            ("prepare_threshold=None", None),
        ]:
            with psycopg.connect(conninfo, prepare_threshold=threshold) as connection:
                times = repeat(12, lambda c=connection, b=bounds: c.execute(query, b).fetchall())
            found[f"Range aggregate, {period}, psycopg {label}: runs 1-5, runs 7-12"] = (
                f"{ms(statistics.median(times[:5]))}, {ms(statistics.median(times[6:]))}"
            )
        for mode in ("force_custom_plan", "force_generic_plan"):
            with psycopg.connect(conninfo) as connection:
                connection.execute(f"SET plan_cache_mode = {mode}")
                times = repeat(
                    runs,
                    lambda c=connection, b=bounds: c.execute(query, b, prepare=True).fetchall(),
                )
                found[f"Range aggregate, {period}, prepared, {mode}"] = ms(statistics.median(times))
                if days == 365:
                    sql = query.replace("%s", "$1", 1).replace("%s", "$2", 1)
                    connection.execute(f"PREPARE range_aggregate AS {sql}")
                    explain = psycopg.sql.SQL("EXPLAIN EXECUTE range_aggregate({}, {})").format(
                        *map(psycopg.sql.Literal, bounds)
                    )
                    rows = connection.execute(explain).fetchall()
                    plans[f"Range aggregate, 12 months, {mode}"] = "\n".join(r[0] for r in rows)
    return found, plans


def _repeat_victims_prepared(target: Target) -> dict[str, str]:
    """The overview's repeat victims (asb.people's queries) run 14 times on one connection,
    with psycopg's default and with prepare_threshold=None in the engine options."""
    from asb.auth.models import User
    from asb.extensions import db
    from asb.overview import queries, repeats

    found = {}
    for label, options in [
        ("default (prepare_threshold=5)", {}),
        ("prepare_threshold=None", {"connect_args": {"prepare_threshold": None}}),
    ]:
        app = make_app(target.url, SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, **options})
        with app.app_context():
            lead = db.session.scalar(sa.select(User).where(User.email == LEAD_EMAIL))
            filters = queries.OverviewFilters()
            times = repeat(14, lambda u=lead, f=filters: repeats.visible_repeat_victims(u, f))
            db.session.remove()
            db.engine.dispose()
        found[f"Repeat victims, engine {label}: runs 1-5, runs 11-14"] = (
            f"{ms(statistics.median(times[:5]))}, {ms(statistics.median(times[10:]))}"
        )
    return found
