"""Fixtures: an application on a real database (SQLite file or PostgreSQL), and builders.

``TEST_DB=sqlite`` (default) gives each test a fresh SQLite file. ``TEST_DB=postgresql`` gives
each pytest worker its own database on the server named by ``TEST_DATABASE_URL``, emptied
after every test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, func, make_url, select, text
from sqlalchemy.pool import NullPool

from tests import builders
from tests.builders import World, build_world
from workflow import create_app
from workflow.dbroles import grant_statements
from workflow.extensions import db

BACKEND = os.environ.get("TEST_DB", "sqlite")
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
#: the role the application connects as in the PostgreSQL run: it owns nothing (the schema is
#: built, emptied and attacked as the owner of ``TEST_DATABASE_URL``)
APP_ROLE = os.environ.get("TEST_APP_ROLE", "wf_app_test")
TODAY = date(2026, 6, 15)


def pytest_report_header(config):
    return f"database backend: {BACKEND}"


def _pg_admin_connect():
    import psycopg

    return psycopg.connect(PG_URL, autocommit=True, connect_timeout=5)


def _ensure_app_role() -> None:
    with _pg_admin_connect() as conn:
        conn.execute(
            f"DO $$ BEGIN CREATE ROLE {APP_ROLE} LOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )


def owner_url(url: str) -> str:
    """The same database as the schema's owner (the user of ``TEST_DATABASE_URL``)."""
    owner = make_url(PG_URL)
    return (
        make_url(url)
        .set(username=owner.username, password=owner.password)
        .render_as_string(hide_password=False)
    )


_OWNER_ENGINES: dict[str, Engine] = {}


def owner_engine() -> Engine:
    """An engine on the current application's database as the schema's owner: what builds,
    empties and restores it, and what a test uses to act as someone who can bypass the
    application's role (on SQLite, the application's own engine)."""
    if BACKEND != "postgresql":
        return db.engine
    url = owner_url(db.engine.url.render_as_string(hide_password=False))
    if url not in _OWNER_ENGINES:
        _OWNER_ENGINES[url] = create_engine(url, poolclass=NullPool)
    return _OWNER_ENGINES[url]


def grant_app_role() -> None:
    """Let the application's role use the schema the owner just built (new tables included)."""
    if BACKEND != "postgresql":
        return
    with owner_engine().begin() as conn:
        for statement in grant_statements(APP_ROLE):
            conn.execute(text(statement))


@pytest.fixture(scope="session")
def pg_database(worker_id: str) -> Iterator[str | None]:
    """One throw-away PostgreSQL database per pytest worker; the URL the application uses
    connects as ``APP_ROLE``."""
    if BACKEND != "postgresql":
        yield None
        return
    name = f"wf_test_{worker_id}_{uuid.uuid4().hex[:6]}"
    _ensure_app_role()
    with _pg_admin_connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(PG_URL).set(database=name, username=APP_ROLE, password=None)
    url = url.render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": owner_url(url)})
    with app.app_context():
        db.create_all()
        grant_app_role()
        db.engine.dispose()
    try:
        yield url
    finally:
        for engine in _OWNER_ENGINES.values():
            engine.dispose()
        with _pg_admin_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _empty_postgres() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with owner_engine().begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(
            text("INSERT INTO audit_head (id, seq, row_hash) VALUES (1, 0, :h)"), {"h": "0" * 64}
        )


def empty_database() -> None:
    """Every table emptied, as on a new installation (the audit table refuses DELETE: on
    SQLite the schema is rebuilt instead)."""
    db.session.remove()
    if BACKEND == "postgresql":
        _empty_postgres()
    else:
        db.drop_all()
        db.create_all()


class IsolatedClient(FlaskClient):
    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


_SNAPSHOT: dict[str, Any] = {}


def _dump() -> dict[str, list[dict[str, Any]]]:
    with db.engine.connect() as conn:
        return {
            table.name: [dict(row._mapping) for row in conn.execute(table.select())]
            for table in db.metadata.sorted_tables
        }


def _restore(rows: dict[str, list[dict[str, Any]]]) -> None:
    with owner_engine().begin() as conn:
        for table in db.metadata.sorted_tables:
            if not rows.get(table.name):
                continue
            if table.name == "audit_head":
                conn.execute(table.delete())
            conn.execute(table.insert(), rows[table.name])
        if conn.dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                if "id" not in table.c or not table.c.id.autoincrement:
                    continue
                if not rows.get(table.name):
                    continue
                top = conn.execute(select(func.max(table.c.id))).scalar()
                conn.execute(
                    text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :n)"),
                    {"t": table.name, "n": top},
                )


def fast_world() -> World:
    """``build_world()``, or a copy of the rows it wrote in an earlier test."""
    db.session.remove()
    if not _SNAPSHOT:
        world = build_world()
        db.session.remove()
        _SNAPSHOT.update(rows=_dump(), world=world)
        return world
    _restore(_SNAPSHOT["rows"])
    first: World = _SNAPSHOT["world"]
    builders._WORLD_ORGS.clear()
    builders._WORLD_ORGS.update(first.orgs)
    return World(
        dict(first.orgs), dict(first.users), {k: list(v) for k, v in first.members.items()}
    )


FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)


def make_app(tmp_path, pg_database, **overrides):
    uri = pg_database if BACKEND == "postgresql" else f"sqlite:///{tmp_path / 'test.sqlite3'}"
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": uri,
        "SECRET_KEY": "test-secret-key",
        "SESSION_COOKIE_SECURE": False,
        "WTF_CSRF_ENABLED": False,
        "FIXED_TODAY": TODAY.isoformat(),
        "SQLITE_BUSY_TIMEOUT": 30,
        # every report computed in a test is also checked against the trail
        "REPORT_FACTS_CHECK": True,
    }
    config.update(overrides)
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    app = create_app(config, instance_path=str(instance))
    app.extensions["workflow.hasher"] = FAST_HASHER
    # each request gets its own application context, as in production (the fixture's pushed
    # context would otherwise carry Flask-Login's cached user from one request to the next)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def app(tmp_path, pg_database):
    app = make_app(tmp_path, pg_database)
    with app.app_context():
        if BACKEND == "sqlite":
            db.create_all()
        yield app
        db.session.remove()
        if BACKEND == "postgresql":
            _empty_postgres()
        db.engine.dispose()


@pytest.fixture(params=["directory", "database"])
def storage(request, app) -> str:
    """Run the test with the stored files in folders, then in the database."""
    app.config["FILE_STORAGE"] = request.param
    return request.param


@pytest.fixture
def world(app) -> World:
    """A small committee: three grassroots committees (one with a sub-committee, one
    authorized to admit), a grassroots cell, official members, and one user per role
    (built once per worker, then copied back into each test's empty database)."""
    return fast_world()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(client, world):
    def do(username: str):
        client.post("/logout")
        response = builders.sign_in(client, username, world.password)
        assert response.status_code == 302, response.data[:500]
        return client

    return do
