"""Row ids and version numbers read from URLs and forms.

Every table's id is a 32-bit INTEGER on PostgreSQL and SQLite refuses integers beyond 64
bits, so a number out of that range must never reach a query: it is "no such row", not a
server error. ``str.isdigit()`` alone is not enough either ("²" is a digit to it but not to
``int()``), so only ASCII digits count.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


def parse_id(value: object) -> int | None:
    """A positive id no larger than the database can hold, or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= MAX_ID else None
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    if len(value) > len(str(MAX_ID)):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def parse_count(value: object) -> int | None:
    """A non-negative number (a version or a page) in the same range, or None."""
    if value == "0":
        return 0
    return parse_id(value)


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` for ids: a number the database cannot hold is a 404 like any missing row."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
