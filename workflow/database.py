"""Connection set-up: SQLite pragmas and ``BEGIN IMMEDIATE`` for write transactions.

SQLite's default deferred transaction takes the write lock only at its first write; if another
connection committed in between, that write fails at once with SQLITE_BUSY_SNAPSHOT and the busy
timeout does not help. Every unit of work that may write therefore starts with BEGIN IMMEDIATE,
which waits for the lock up front. Read-only requests keep plain deferred transactions so they
never queue behind writers (WAL lets them read concurrently).
"""

from __future__ import annotations

import sqlite3
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

from workflow.models.search import is_index_table

#: set by the unit of work while it runs: the next transaction it begins may write
write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)

_busy_timeout_ms = 15000


def configure(busy_timeout_seconds: float) -> None:
    global _busy_timeout_ms
    _busy_timeout_ms = int(busy_timeout_seconds * 1000)


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection, _record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # let SQLAlchemy's "begin" event emit BEGIN itself instead of the driver
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={_busy_timeout_ms}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _on_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


def normalize_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def schema_filter(dialect_name: str):
    """For comparing the models with a database (autogenerate, the migrations test): an index
    the models create on one database only (``Index(...).ddl_if(dialect=...)``, e.g. the
    PostgreSQL trigram indexes) is not expected on the other, nor are the tables SQLite keeps
    its word index of people in (``workflow.models.search``)."""

    def include_object(obj, name, type_, reflected, _compare_to) -> bool:
        if type_ == "table" and reflected and is_index_table(name):
            return False  # SQLite's word index of people, made with the person table
        condition = getattr(obj, "_ddl_if", None)
        if type_ != "index" or reflected or condition is None or condition.dialect is None:
            return True
        return condition.dialect == dialect_name

    return include_object
