"""What asb needs before it serves: readable settings files and a database at the code's head.

Every boundary and settings file is read and checked once, when the app is created, through
the same cached loaders the features use, so a typo stops start-up with a message naming
the setting, the file and what is wrong, instead of a 500 on the first page that needs it.
gunicorn and `flask --app wsgi` load the app through `create_app_or_exit`, which also checks
the database and turns any `StartupError` into one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from asb.extensions import db
from asb.settings import SettingsError, read_json, settings_path
from config import BASE_DIR, StartupError

log = logging.getLogger(__name__)

UPGRADE = "run `flask --app wsgi db upgrade`"


def create_app_or_exit() -> Flask:
    """The app as gunicorn and `flask --app wsgi` load it: any start-up problem is one line."""
    from asb import create_app

    try:
        app = create_app()
        check_database(app, require_head=app.config["ASB_REQUIRE_MIGRATED"] and not _migrating())
    except StartupError as error:
        sys.exit(f"asb cannot start: {error}")
    return app


# Settings files ------------------------------------------------------------------------------


def check_settings(app: Flask) -> None:
    with app.app_context():
        check_boundaries()
        check_settings_files()


# The features' own cached loaders are imported in the functions that use them: wsgi.py
# imports this module, and a missing SECRET_KEY should be reported before the features (and
# geopandas) take seconds to load.


def check_boundaries() -> None:
    from asb.geo.services import geography

    config = current_app.config
    _check_geojson("ASB_AREA_BOUNDARY", config["ASB_AREA_BOUNDARY"], ())
    _check_geojson("ASB_WARD_BOUNDARIES", config["ASB_WARD_BOUNDARIES"], ("code", "name"))
    _load("ASB_WARD_BOUNDARIES", Path(config["ASB_WARD_BOUNDARIES"]), geography)


def check_settings_files() -> None:
    for setting, load in _settings_files():
        _load(setting, settings_path(setting), load)


def _settings_files() -> tuple[tuple[str, Callable[[], Any]], ...]:
    from asb.case_reviews.deadlines import case_review_settings
    from asb.cases import assessments
    from asb.cases.targets import response_targets
    from asb.cases.working_days import bank_holidays
    from asb.incidents.duplicates import duplicate_rules
    from asb.interventions.rules import intervention_rules
    from asb.maps.queries import ward_population
    from asb.processing.record import record_of_processing
    from asb.retention.schedule import retention_schedule

    def risk_matrices() -> list[Any]:
        return [assessments.risk_matrix(subject) for subject in assessments.SUBJECTS]

    return (
        ("ASB_RISK_MATRIX", risk_matrices),
        ("ASB_RESPONSE_TARGETS", response_targets),
        ("ASB_BANK_HOLIDAYS", bank_holidays),
        ("ASB_INTERVENTION_RULES", intervention_rules),
        ("ASB_CASE_REVIEW_CONFIG", case_review_settings),
        ("ASB_WARD_POPULATION", ward_population),
        ("ASB_RETENTION_SCHEDULE", retention_schedule),
        ("ASB_RECORD_OF_PROCESSING", record_of_processing),
        ("ASB_DUPLICATE_RULES", duplicate_rules),
    )


def _load(setting: str, path: Path, load: Callable[[], Any]) -> None:
    """Run a feature's loader; whatever stops it, the message names the setting and file."""
    try:
        load()
    except StartupError:
        raise
    except Exception as error:  # any failure to load the file stops start-up
        detail = _describe(error)
        where = "" if str(path) in detail else f"{path}: "
        raise StartupError(f"{setting}: {where}{detail}") from error


def _describe(error: BaseException) -> str:
    if isinstance(error.__cause__, OSError):  # a loader's own error about an unreadable file
        error = error.__cause__
    if isinstance(error, OSError) and error.strerror:
        return f"cannot read {error.filename} ({error.strerror})"
    if isinstance(error, KeyError):
        return f"missing {error.args[0]!r}"
    return " ".join(str(error).split()) or type(error).__name__


def _read_json(setting: str, path: str) -> Any:
    try:
        return read_json(Path(path))
    except SettingsError as error:
        raise StartupError(f"{setting}: {error}") from error


@cache
def _check_geojson(setting: str, path: str, properties: tuple[str, ...]) -> None:
    data = _read_json(setting, path)
    data = data if isinstance(data, dict) else {}
    features = data.get("features")
    if data.get("type") != "FeatureCollection" or not isinstance(features, list) or not features:
        raise StartupError(
            f"{setting}: {path} must be a GeoJSON FeatureCollection with at least one feature"
        )
    seen: dict[str, set[str]] = {name: set() for name in properties}
    for number, feature in enumerate(features, 1):
        feature = feature if isinstance(feature, dict) else {}
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") not in {
            "Polygon",
            "MultiPolygon",
        }:
            raise StartupError(
                f"{setting}: {path}: feature {number} needs a Polygon or MultiPolygon geometry"
            )
        values = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        for name in properties:
            value = values.get(name)
            if not isinstance(value, str) or not value.strip():
                raise StartupError(f'{setting}: {path}: feature {number} has no "{name}" property')
            if name == "code" and value in seen[name]:
                raise StartupError(f'{setting}: {path}: feature {number} repeats code "{value}"')
            seen[name].add(value)


# The database --------------------------------------------------------------------------------


def check_database(app: Flask, *, require_head: bool) -> None:
    """Connect once; with `require_head`, refuse a database behind (or ahead of) the code."""
    with app.app_context():
        engine_url = db.engine.url
        url = engine_url.set(drivername=engine_url.get_backend_name()).render_as_string()
        try:
            with db.engine.connect() as connection:
                current = database_heads(connection)
        except SQLAlchemyError as error:
            reason = " ".join(str(getattr(error, "orig", None) or error).split())
            raise StartupError(f"cannot use the database {url}: {reason}") from error
        finally:
            # gunicorn forks its workers from this process: they must open their own connections.
            db.engine.dispose()
    if require_head and current != code_heads():
        if not current:
            raise StartupError(f"the database {url} has no tables yet: {UPGRADE}")
        raise StartupError(
            f"the database {url} is at migration {', '.join(sorted(current))}, the code at "
            f"{', '.join(sorted(code_heads()))}: {UPGRADE}"
        )


def database_heads(connection: sa.Connection) -> frozenset[str]:
    """The migrations applied, read directly: alembic's own reader logs as it starts."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return frozenset()
    return frozenset(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))


@cache
def code_heads() -> frozenset[str]:
    return frozenset(ScriptDirectory(str(BASE_DIR / "migrations")).get_heads())


def _migrating() -> bool:
    """Is this `flask db ...`? Those commands must run on a database behind the code.

    The flask command loads the app while it looks the command up, before click records
    which it is, so the command is read from the arguments, skipping the root options.
    """
    context = click.get_current_context(silent=True)
    if context is None:  # gunicorn
        return False
    takes_value = {
        name
        for param in context.find_root().command.get_params(context)
        if isinstance(param, click.Option) and not param.is_flag
        for name in param.opts
    }
    args = iter(sys.argv[1:])
    for arg in args:
        if arg in takes_value:
            next(args, None)
        elif not arg.startswith("-"):
            return arg == "db"
    return False


# /healthz ------------------------------------------------------------------------------------


def health() -> dict[str, str]:
    """Each dependency: "ok", or what is wrong with it (details go to the log, not the page)."""
    report = {"database": "ok", "migrations": "ok", "boundaries": "ok", "settings": "ok"}
    try:
        db.session.execute(sa.text("SELECT 1"))
        current = database_heads(db.session.connection())
        if current != code_heads():
            log.warning("Health: the database is at %s, the code at %s", current, code_heads())
            report["migrations"] = "behind"
    except SQLAlchemyError:
        log.exception("Health: the database is unavailable")
        db.session.rollback()
        report["database"] = "unavailable"
        report["migrations"] = "unknown"
    for name, check in (("boundaries", check_boundaries), ("settings", check_settings_files)):
        try:
            check()
        except StartupError as error:
            log.error("Health: %s", error)
            report[name] = "unavailable"
    return report
