"""The migrations build exactly the schema the models describe, and run down and up."""

from __future__ import annotations

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from asb import create_app
from asb.extensions import db
from config import BASE_DIR
from tests.conftest import scratch_database_url


def script_directory() -> ScriptDirectory:
    config = AlembicConfig()
    config.set_main_option("script_location", str(BASE_DIR / "migrations"))
    return ScriptDirectory.from_config(config)


def test_migrations_have_one_head():
    assert len(script_directory().get_heads()) == 1


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        assert context.get_current_heads() == tuple(script_directory().get_heads())
        assert compare_metadata(context, db.metadata) == []


def test_migrations_run_down_to_nothing_and_up_again(tmp_path):
    url = scratch_database_url("migrations", tmp_path)
    scratch = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    try:
        with scratch.app_context():
            flask_migrate.upgrade()
            tables = set(sa.inspect(db.engine).get_table_names())
            assert set(db.metadata.tables) <= tables

            flask_migrate.downgrade(revision="base")
            assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}

            flask_migrate.upgrade()
            with db.engine.connect() as connection:
                agencies = connection.scalar(sa.text("SELECT count(*) FROM agencies"))
                local_types = connection.scalar(sa.text("SELECT count(*) FROM local_asb_types"))
                head = MigrationContext.configure(connection).get_current_heads()
            assert (agencies, local_types) == (6, 10)
            assert head == tuple(script_directory().get_heads())
    finally:
        with scratch.app_context():
            db.engine.dispose()
