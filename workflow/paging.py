"""Lists that stay fast however long they are: keyset (seek) pages and bounded counts.

A page is read from where the previous one ended (the last row's sort key, carried in the
link as an opaque cursor), so the database walks its index from that key instead of counting
and throwing away every row before it as ``OFFSET`` does. Totals are counted up to a cap;
beyond it the page says "more than" instead of scanning millions of rows on every request.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, Integer, Select, func, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from workflow.extensions import db

#: rows counted at most for a list's total; past it the list says "more than"
COUNT_CAP = 10_000


@dataclass(frozen=True)
class ComputedKey:
    """A list's key that is no column: an integer SQL expression over the row (e.g. how well
    a row matches a search), with the same value computed in Python from the row loaded, for
    the page's cursor. Its pages are sorted, not read from an index."""

    expression: ColumnElement[int]
    value: Callable[[Any], int]
    key: str


#: a list's key: a mapped column, or a computed key
Key = InstrumentedAttribute | ComputedKey


def key_column(key: Key) -> Any:
    """What the SQL orders and compares by."""
    return key.expression if isinstance(key, ComputedKey) else key


def key_value(row: Any, key: Key) -> Any:
    return key.value(row) if isinstance(key, ComputedKey) else getattr(row, key.key)


def row_cursor(row: Any, keys: tuple[Key, ...]) -> str:
    """The cursor of the page starting after ``row``."""
    return encode_cursor(tuple(key_value(row, k) for k in keys))


def _key_type(key: Key) -> Any:
    return Integer() if isinstance(key, ComputedKey) else key.property.columns[0].type


@dataclass
class SeekPage:
    rows: list
    #: cursors of the next and previous pages (None: no such page)
    next: str | None
    prev: str | None
    #: rows in the whole list, counted up to ``COUNT_CAP`` (``capped``: there are more)
    total: int
    capped: bool
    #: this is the list's first page
    first: bool


def capped_count(
    stmt: Select, cap: int | None = None, columns: tuple | None = None
) -> tuple[int, bool]:
    """How many rows ``stmt`` gives, counted up to ``cap`` (and whether there are more);
    ``columns`` (e.g. the list's keys) are all the count reads of each row."""
    cap = COUNT_CAP if cap is None else cap
    if columns:
        stmt = stmt.with_only_columns(*(key_column(c) for c in columns))
    n = db.session.scalar(
        select(func.count()).select_from(stmt.order_by(None).limit(cap + 1).subquery())
    )
    return min(n or 0, cap), (n or 0) > cap


def encode_cursor(values: tuple) -> str:
    plain = [v.isoformat() if isinstance(v, date) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str, keys: tuple[Key, ...]) -> tuple | None:
    """The key values a cursor carries, typed as the key columns are; None if it is not one
    of ours (a tampered or truncated link shows the first page)."""
    if not text or len(text) > 400:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    if not isinstance(values, list) or len(values) != len(keys):
        return None
    out: list[Any] = []
    for key, value in zip(keys, values, strict=True):
        kind = _key_type(key)
        try:
            if isinstance(kind, Date):
                out.append(date.fromisoformat(value))
            elif isinstance(kind, Integer):
                if isinstance(value, bool) or not isinstance(value, int):
                    return None
                out.append(value)
            elif isinstance(value, str):
                out.append(value)
            else:
                return None
        except (TypeError, ValueError):
            return None
    return tuple(out)


def seek_page(
    stmt: Select,
    keys: tuple[Key, ...],
    *,
    descending: bool,
    after: str = "",
    before: str = "",
    per_page: int = 25,
    count: bool = True,
) -> SeekPage:
    """One page of ``stmt`` ordered by ``keys`` (unique together, e.g. a date and the id),
    after the row the cursor ``after`` names, or before ``before``. An index on ``keys``
    (with the list's filters) serves every page alike, the last as fast as the first."""
    start_after = decode_cursor(after, keys) if after else None
    end_before = decode_cursor(before, keys) if before and not start_after else None
    columns = [key_column(k) for k in keys]
    row_key = tuple_(*columns)
    if end_before is not None:
        # read backwards from the cursor, then put the page back in the list's order
        bound = row_key > tuple_(*end_before) if descending else row_key < tuple_(*end_before)
        order = [k.asc() if descending else k.desc() for k in columns]
        rows = _fetch(stmt.where(bound), order, per_page)
        more_before = len(rows) > per_page
        rows = rows[:per_page]
        rows.reverse()
        if not more_before:
            # the first page reached: show it whole
            return seek_page(stmt, keys, descending=descending, per_page=per_page, count=count)
        has_prev, has_next = True, True
    else:
        order = [k.desc() if descending else k.asc() for k in columns]
        page_stmt = stmt
        if start_after is not None:
            bound = row_key < tuple_(*start_after) if descending else row_key > tuple_(*start_after)
            page_stmt = stmt.where(bound)
        rows = _fetch(page_stmt, order, per_page)
        has_next = len(rows) > per_page
        rows = rows[:per_page]
        has_prev = start_after is not None
    total, capped = capped_count(stmt, columns=keys) if count else (0, False)

    return SeekPage(
        rows=rows,
        next=row_cursor(rows[-1], keys) if has_next and rows else None,
        prev=row_cursor(rows[0], keys) if has_prev and rows else None,
        total=total,
        capped=capped,
        first=not has_prev,
    )


def _fetch(stmt: Select, order: list, per_page: int) -> list:
    return list(db.session.scalars(stmt.order_by(*order).limit(per_page + 1)).unique())
