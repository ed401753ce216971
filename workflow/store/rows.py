"""Reading a row an operation is about to change: locked for this transaction, read afresh."""

from __future__ import annotations

from typing import TypeVar

from workflow.extensions import db
from workflow.store.errors import NotFound

T = TypeVar("T")


def locked(model: type[T], row_id: int) -> T:
    """The row, locked until the transaction ends and read again from the database (not the
    copy the session may hold); NotFound when it does not exist."""
    row = db.session.get(model, row_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound()
    return row
