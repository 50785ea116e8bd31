"""asb: the City of London's shared anti-social behaviour incident log and case management."""

from __future__ import annotations

import logging
import os

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from asb.extensions import csrf, db, login_manager, migrate
from config import BASE_DIR, CONFIGS, ProductionConfig, StartupError, check_environment


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    config_name = config_name or os.environ.get("ASB_CONFIG", "development")
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
        instance_path=str(BASE_DIR / "instance"),
    )
    load_config(app, config_name)
    app.config.update(overrides or {})
    configure_logging(app)
    register_templates(app)
    register_static_files(app)
    register_extensions(app)
    register_routing(app)
    register_blueprints(app)
    register_security(app)
    register_error_handlers(app)
    register_commands(app)
    check_settings_files(app)
    return app


def load_config(app: Flask, config_name: str) -> None:
    if config_name not in CONFIGS:
        raise StartupError(f"ASB_CONFIG is {config_name!r}: use {', '.join(CONFIGS)}")
    check_environment()
    config_class = CONFIGS[config_name]
    if config_class is ProductionConfig:
        ProductionConfig.check()
    app.config.from_object(config_class)
    os.makedirs(app.instance_path, exist_ok=True)


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )


def register_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(BASE_DIR / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    from asb import presentation

    presentation.register(app)


def register_static_files(app: Flask) -> None:
    from asb import static_files

    static_files.init_app(app)


def register_extensions(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # psycopg's automatic server-side prepare lets PostgreSQL switch a statement to a
        # generic plan, which made range aggregates up to three times slower (bench/).
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "connect_args": {"prepare_threshold": None},
        }
    db.init_app(app)
    # Every model before the first query or migration: relationships name other features' models.
    from asb import models  # noqa: F401

    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    from asb.auth import sessions

    sessions.init_app(app)


def register_routing(app: Flask) -> None:
    from asb import routing

    routing.init_app(app)


def register_blueprints(app: Flask) -> None:
    from asb.admin.views import blueprint as admin
    from asb.agreements.views import blueprint as agreements
    from asb.api.page_views import blueprint as api_pages
    from asb.api.views import blueprint as api
    from asb.audit_trail.views import blueprint as audit_trail
    from asb.auth.views import blueprint as auth
    from asb.case_reviews.views import blueprint as case_reviews
    from asb.cases.views import blueprint as cases
    from asb.disclosures.views import blueprint as disclosures
    from asb.documents.views import blueprint as documents
    from asb.emergency_access.views import blueprint as emergency_access
    from asb.geo.views import blueprint as geo
    from asb.incidents.views import blueprint as incidents
    from asb.interventions.views import blueprint as interventions
    from asb.known_to.views import blueprint as known_to
    from asb.main.views import blueprint as main
    from asb.maps.views import blueprint as maps
    from asb.notifications.views import blueprint as notifications
    from asb.open311.admin_views import blueprint as open311_admin
    from asb.open311.views import blueprint as open311
    from asb.overview.views import blueprint as overview
    from asb.panels.views import blueprint as panels
    from asb.people.views import blueprint as people
    from asb.processing.views import blueprint as processing
    from asb.public_reports.views import blueprint as public_reports
    from asb.sharing.views import blueprint as sharing
    from asb.subject_access.views import blueprint as subject_access

    for blueprint in (
        main,
        auth,
        incidents,
        cases,
        people,
        known_to,
        interventions,
        documents,
        sharing,
        case_reviews,
        emergency_access,
        notifications,
        geo,
        maps,
        overview,
        panels,
        admin,
        agreements,
        disclosures,
        subject_access,
        processing,
        audit_trail,
        api,
        api_pages,
        public_reports,
        open311,
        open311_admin,
    ):
        app.register_blueprint(blueprint)


def register_security(app: Flask) -> None:
    from asb import security

    security.init_app(app)


def register_error_handlers(app: Flask) -> None:
    from asb.main import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from asb.commands import cli

    app.cli.add_command(cli)


def check_settings_files(app: Flask) -> None:
    from asb import startup

    startup.check_settings(app)
