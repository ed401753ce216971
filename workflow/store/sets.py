"""Reading rows for many ids at once: in lists of a bounded length on SQLite (its limit on
parameters), as one array parameter on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ARRAY, Integer, any_, bindparam

from workflow.extensions import db


def chunks(ids: Iterable[int], size: int = 5000):
    """The ids in lists of a bounded length: a round's candidates are thousands, read in a
    few queries each under SQLite's limit on parameters; PostgreSQL takes them all as one
    array (``among``)."""
    ids = sorted(set(ids))
    if db.session.get_bind().dialect.name == "postgresql":
        size = max(len(ids), 1)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def among(column, ids: list[int]):
    """``column`` is one of ``ids``: one array parameter on PostgreSQL (``= ANY``), an IN
    list elsewhere."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    return column.in_(ids)
