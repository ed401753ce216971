"""The schema comes from Alembic migrations: one head, and no drift from the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.conftest import BACKEND, make_app
from workflow.extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "workflow" / "migrations"


def test_single_head():
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_builds_the_models_schema_and_downgrade_removes_it(tmp_path, pg_database):
    app = make_app(tmp_path, pg_database)
    with app.app_context():
        if BACKEND == "postgresql":
            db.drop_all()  # the worker's database was built with create_all: start empty
            with db.engine.begin() as conn:
                conn.execute(text("DROP FUNCTION IF EXISTS audit_log_append_only()"))
        try:
            upgrade()
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
                head = conn.execute(text("SELECT seq, row_hash FROM audit_head")).one()
            assert diff == []
            assert head == (0, "0" * 64)
            downgrade(revision="base")
            tables = set(inspect(db.engine).get_table_names())
            assert tables <= {"alembic_version"}
        finally:
            if BACKEND == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
                db.create_all()
            db.engine.dispose()
