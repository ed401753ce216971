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

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from tests.builders import World, build_world
from workflow import create_app
from workflow.extensions import db

BACKEND = os.environ.get("TEST_DB", "sqlite")
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
TODAY = date(2026, 6, 15)


def pytest_report_header(config):
    return f"database backend: {BACKEND}"


def _pg_admin_connect():
    import psycopg

    return psycopg.connect(PG_URL, autocommit=True, connect_timeout=5)


@pytest.fixture(scope="session")
def pg_database(worker_id: str) -> Iterator[str | None]:
    """One throw-away PostgreSQL database per pytest worker."""
    if BACKEND != "postgresql":
        yield None
        return
    name = f"wf_test_{worker_id}_{uuid.uuid4().hex[:6]}"
    with _pg_admin_connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_URL.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    try:
        yield url
    finally:
        with _pg_admin_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _empty_postgres() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(
            text("INSERT INTO audit_head (id, seq, row_hash) VALUES (1, 0, :h)"), {"h": "0" * 64}
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
    }
    config.update(overrides)
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    app = create_app(config, instance_path=str(instance))
    app.extensions["workflow.hasher"] = FAST_HASHER
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


@pytest.fixture
def world(app) -> World:
    """A small committee: three grassroots committees (one with a sub-committee, one
    authorized to admit), a grassroots cell, official members, and one user per role."""
    return build_world()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(client, world):
    def do(username: str):
        client.post("/logout")
        response = client.post("/login", data={"username": username, "password": world.password})
        assert response.status_code == 302, response.data[:500]
        return client

    return do
