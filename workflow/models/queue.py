"""The job queue's tables on PostgreSQL (huey's ``PostgresStorage``): pending tasks, scheduled
tasks, results and locks, and counters.

huey would create them itself; here they come from the migrations like every other table, so
that the application's role, which may not create tables, only reads and writes their rows.
They have the columns and keys huey's storage expects (``table_prefix="huey"``). The embedded
installation keeps its queue in its own SQLite file instead (``instance/queue.sqlite3``), and
these tables stay empty there.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Index, Integer, LargeBinary, Table, Text

from workflow.models.base import Base

_ID = BigInteger().with_variant(Integer, "sqlite")

queue_task = Table(
    "huey_task",
    Base.metadata,
    Column("id", _ID, primary_key=True),
    Column("queue", Text, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("priority", Float, nullable=False, server_default="0"),
    Index("ix_huey_task_queue_priority_id", "queue", "priority", "id"),
)

queue_schedule = Table(
    "huey_schedule",
    Base.metadata,
    Column("id", _ID, primary_key=True),
    Column("queue", Text, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("timestamp", Float, nullable=False),
    Index("ix_huey_schedule_queue_timestamp", "queue", "timestamp"),
)

queue_kv = Table(
    "huey_kv",
    Base.metadata,
    Column("queue", Text, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("value", LargeBinary, nullable=False),
)

queue_counter = Table(
    "huey_counter",
    Base.metadata,
    Column("queue", Text, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("value", BigInteger, nullable=False, server_default="0"),
)

QUEUE_TABLES = (queue_task, queue_schedule, queue_kv, queue_counter)
