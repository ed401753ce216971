"""The unit of work: the one place that commits.

Everything that writes runs inside ``unit_of_work()``: it ends any read transaction the request
already had, begins a write transaction (BEGIN IMMEDIATE on SQLite), commits once, rolls back on
any exception, and runs after-commit hooks (file writes, rendering) only once the commit stood.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.orm import Session

from workflow.database import write_intent
from workflow.extensions import db

_active: ContextVar[bool] = ContextVar("unit_of_work_active", default=False)
_current: ContextVar[UnitOfWork | None] = ContextVar("unit_of_work", default=None)


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


@event.listens_for(Session, "before_commit")
def _refuse_stray_commits(session: Session) -> None:
    if not _active.get() and (session.new or session.dirty or session.deleted):
        raise RuntimeError("commit with changes outside unit_of_work()")
