"""The job queue: work done outside the web request, by worker processes (``flask wf worker``)
that may run on other machines.

It is huey's. The queue lives in a SQLite file beside the embedded installation's database
(``instance/queue.sqlite3``), or, when the application runs on PostgreSQL, in that database's
``huey_*`` tables (built by the migrations), so that every web server and every worker of a
several-server installation shares it and nothing else needs running (``QUEUE_STORAGE``
chooses). Tests run tasks at once, in the process that asks (``QUEUE_IMMEDIATE``).

A task is queued only when the transaction that asks for it commits (``enqueue_on_commit``):
a rolled back request queues nothing. huey takes a task off the queue when a worker starts it,
so a worker that dies takes its task with it: what must survive (a print job) keeps its state
in its own rows, and a periodic check queues it again (``workflow.documents.batch``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import MemoryStorage, PostgresStorage, SqliteStorage
from sqlalchemy import make_url

from workflow.store.uow import current_uow, in_unit_of_work

log = logging.getLogger("workflow.queue")

#: the queue's name in its storage (several installations may share a PostgreSQL server, not
#: a database)
QUEUE_NAME = "workflow"

huey = Huey(QUEUE_NAME, results=False, utc=True, storage_class=MemoryStorage)

#: the application the worker process runs tasks in (web processes run them in the request's)
_worker_app: Flask | None = None


def storage_kind(app: Flask) -> str:
    """``sqlite`` or ``postgresql``: the setting, or by default the database's kind."""
    chosen = (app.config.get("QUEUE_STORAGE") or "").strip().lower()
    if chosen:
        if chosen not in ("sqlite", "postgresql"):
            raise RuntimeError(f"QUEUE_STORAGE must be sqlite or postgresql, not {chosen!r}")
        return chosen
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    return "postgresql" if uri.startswith("postgresql") else "sqlite"


def sqlite_path(app: Flask) -> Path:
    configured = app.config.get("QUEUE_SQLITE_PATH")
    return Path(configured) if configured else Path(app.instance_path) / "queue.sqlite3"


def _libpq_dsn(uri: str) -> str:
    """The SQLAlchemy URL as psycopg takes it (without the driver's name)."""
    return make_url(uri).set(drivername="postgresql").render_as_string(hide_password=False)


def configure(app: Flask) -> None:
    """Point the queue at this application's storage (each process does it when it creates the
    application)."""
    immediate = app.config.get("QUEUE_IMMEDIATE")
    immediate = app.testing if immediate is None else bool(immediate)
    if immediate:
        huey.storage_class, huey.storage_kwargs = MemoryStorage, {}
    elif storage_kind(app) == "postgresql":
        uri = app.config.get("QUEUE_DATABASE_URL") or app.config["SQLALCHEMY_DATABASE_URI"]
        huey.storage_class = PostgresStorage
        # the tables come from the migrations: the application's role may not create tables
        huey.storage_kwargs = {
            "dsn": _libpq_dsn(uri),
            "create_tables": False,
            "table_prefix": "huey",
            "read_timeout": 2,
        }
    else:
        path = sqlite_path(app)
        path.parent.mkdir(parents=True, exist_ok=True)
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": str(path), "timeout": 15}
    old = huey.storage
    huey._immediate = immediate
    huey.storage = huey.create_storage()
    if old is not huey.storage:
        try:
            old.close()
        except Exception:
            log.debug("closing the previous queue storage failed", exc_info=True)
    app.extensions["workflow.queue"] = huey


def _in_app(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run a task inside the application: the caller's (immediate mode, a request) or the
    worker's."""

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            return func(*args, **kwargs)
        if _worker_app is None:
            raise RuntimeError("no application to run the task in")
        with _worker_app.app_context():
            return func(*args, **kwargs)

    return run


def task(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """A queued task, run inside the application."""

    def decorate(func: Callable[..., Any]) -> Any:
        return huey.task(**options)(_in_app(func))

    return decorate


def periodic_task(when: Callable[[datetime], bool], **options: Any):
    """A task the workers' scheduler queues whenever ``when`` (given the minute, aware UTC)
    says so; each worker's scheduler does, so the task itself must tolerate running twice."""

    def check(moment: datetime) -> bool:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return when(moment)

    def decorate(func: Callable[..., Any]) -> Any:
        return huey.periodic_task(check, **options)(_in_app(func))

    return decorate


def config(key: str) -> Any:
    """A setting, from the request's application or the worker's (the scheduler's thread has
    no application context)."""
    if has_app_context():
        return current_app.config[key]
    if _worker_app is None:
        raise RuntimeError("no application configured for the queue")
    return _worker_app.config[key]


def enqueue_on_commit(task_wrapper: Any, *args: Any) -> None:
    """Queue ``task_wrapper(*args)`` once the current transaction has committed."""
    if not in_unit_of_work():
        raise RuntimeError("a task is queued from inside a transaction, when it commits")
    current_uow().on_commit(functools.partial(_enqueue_quietly, task_wrapper, *args))


def _enqueue_quietly(task_wrapper: Any, *args: Any) -> None:
    """After the commit: a queue that does not answer now leaves the rows as they are, and
    the periodic check queues the work again."""
    try:
        task_wrapper(*args)
    except Exception:
        if huey.immediate:
            raise
        log.exception("queueing %s failed; the periodic check will queue it again", task_wrapper)


def state() -> dict[str, Any]:
    """What the health check and the administrator's page show of the queue."""
    storage = huey.storage
    return {
        "storage": "immediate" if huey.immediate else storage_kind(current_app),
        "pending": storage.queue_size(),
        "scheduled": storage.schedule_size(),
    }


def run_worker(app: Flask, *, workers: int, periodic: bool = True) -> None:
    """Run the queue's consumer in this process until it is stopped (SIGINT or SIGTERM)."""
    global _worker_app
    if huey.immediate:
        raise RuntimeError("QUEUE_IMMEDIATE is set: tasks run where they are queued")
    _worker_app = app
    # huey's own lines go where the application's go: the consumer's (start, stop, signals)
    # at LOG_LEVEL, each task's (a periodic check every minute) only when it fails
    level = app.config["LOG_LEVEL"]
    if not isinstance(level, int):
        level = logging.getLevelNamesMapping().get(str(level).upper(), logging.INFO)
    queue_log = logging.getLogger("huey")
    queue_log.setLevel(max(logging.WARNING, level))
    logging.getLogger("huey.consumer").setLevel(level)
    for handler in logging.getLogger("workflow").handlers:
        if handler not in queue_log.handlers:
            queue_log.addHandler(handler)
    for hook in _worker_start_hooks:
        hook()
    consumer = huey.create_consumer(
        workers=workers,
        worker_type="thread",
        periodic=periodic,
        initial_delay=0.1,
        backoff=1.15,
        max_delay=app.config["QUEUE_POLL_MAX_SECONDS"],
        check_worker_health=True,
        # a lock held by a worker that died would hold for ever (the daily run's)
        flush_locks=True,
    )
    consumer.run()


_worker_start_hooks: list[Callable[[], None]] = []


def on_worker_start(hook: Callable[[], None]) -> Callable[[], None]:
    """Run ``hook`` (inside the application) when a worker process starts, before it takes
    tasks: resuming what a dead worker left."""
    _worker_start_hooks.append(_in_app(hook))
    return hook
