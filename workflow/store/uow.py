"""The unit of work: the one place that commits.

Everything that writes runs inside ``unit_of_work()``: it ends any read transaction the request
already had, begins a write transaction (BEGIN IMMEDIATE on SQLite), commits once, rolls back on
any exception, and runs after-commit hooks (file writes, rendering) only once the commit stood.

Operations own their transaction by being ``@transactional``; views, API handlers and the web
layer never open one. ``unit_of_work()`` refuses to nest, so a helper can never commit half-way;
a ``@transactional`` operation called while a unit of work is already active joins it instead
(its writes commit or roll back with the caller's, and its hooks run after the caller's commit).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

from workflow.database import write_intent
from workflow.extensions import db

_active: ContextVar[bool] = ContextVar("unit_of_work_active", default=False)
_current: ContextVar[UnitOfWork | None] = ContextVar("unit_of_work", default=None)

P = ParamSpec("P")
R = TypeVar("R")


class UnitOfWork:
    def __init__(self) -> None:
        self.after_commit: list[Callable[[], None]] = []
        self.after_rollback: list[Callable[[], None]] = []

    def on_commit(self, hook: Callable[[], None]) -> None:
        self.after_commit.append(hook)

    def on_rollback(self, hook: Callable[[], None]) -> None:
        """Undo a side effect outside the database (a stored file) if the transaction fails."""
        self.after_rollback.append(hook)


def current_uow() -> UnitOfWork:
    uow = _current.get()
    if uow is None:
        raise RuntimeError("no unit of work is active")
    return uow


def in_unit_of_work() -> bool:
    return _active.get()


@contextmanager
def unit_of_work() -> Iterator[UnitOfWork]:
    if _active.get():
        raise RuntimeError("unit_of_work() does not nest")
    session = db.session
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("changes were made outside a unit of work")
    session.rollback()
    uow = UnitOfWork()
    active_token = _active.set(True)
    current_token = _current.set(uow)
    intent_token = write_intent.set(True)
    try:
        yield uow
        session.commit()
    except BaseException:
        session.rollback()
        for hook in uow.after_rollback:
            hook()
        raise
    finally:
        write_intent.reset(intent_token)
        _current.reset(current_token)
        _active.reset(active_token)
    for hook in uow.after_commit:
        hook()


def transactional(operation: Callable[P, R]) -> Callable[P, R]:
    """Run ``operation`` in its own unit of work, or in the caller's when one is already active.

    The operation reaches the unit of work (for after-commit or after-rollback hooks) through
    ``current_uow()``. Composing operations is therefore safe: the outermost one commits once.
    """

    @functools.wraps(operation)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if _active.get():
            return operation(*args, **kwargs)
        with unit_of_work():
            return operation(*args, **kwargs)

    return run


@event.listens_for(Session, "before_commit")
def _refuse_stray_commits(session: Session) -> None:
    if not _active.get() and (session.new or session.dirty or session.deleted):
        raise RuntimeError("commit with changes outside unit_of_work()")
