"""Reading query strings and JSON bodies: bad values are 422 with a message per field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app, request
from sqlalchemy import Select

from states.numbers import vn_number
from states.text import clean_line
from workflow.api.errors import ApiError
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.paging import (
    COUNT_CAP,
    Key,
    capped_count,
    decode_cursor,
    key_column,
    row_cursor,
    seek_page,
)

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25


def invalid(fields: dict[str, str]) -> ApiError:
    return ApiError(422, fields=fields)


def text_arg(name: str, limit: int = 100) -> str:
    return clean_line(request.args.get(name, ""))[:limit]


def choice_arg(name: str, allowed: Iterable[str], default: str = "") -> str:
    value = request.args.get(name, default)
    if value and value not in set(allowed):
        raise invalid({name: "Giá trị không nằm trong danh sách cho phép."})
    return value


def id_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    if value == "":
        return None
    number = parse_id(value)
    if number is None:
        raise invalid({name: "Phải là một mã số nguyên dương."})
    return number


def paging() -> tuple[int, int]:
    page = id_arg("page") or 1
    per_page = id_arg("per_page") or DEFAULT_PER_PAGE
    if per_page > MAX_PER_PAGE:
        raise invalid({"per_page": f"Tối đa {MAX_PER_PAGE} mục mỗi trang."})
    return page, per_page


def listing(
    stmt: Select,
    keys: tuple[Key, ...],
    serialize,
    *,
    descending: bool,
) -> dict[str, Any]:
    """One page of a list ordered by ``keys`` (unique together): after the cursor ``after``
    (the previous page's ``next``; any depth costs the same), or by ``page`` number within
    the first COUNT_CAP items. ``total`` is counted up to COUNT_CAP (``total_capped``: more)."""
    page, per_page = paging()
    after = request.args.get("after", "")
    order = [key_column(k).desc() if descending else key_column(k).asc() for k in keys]
    if after:
        if "page" in request.args:
            raise invalid({"page": "Không dùng cùng tham số after."})
        if decode_cursor(after, keys) is None:
            raise invalid({"after": "Con trỏ trang không hợp lệ."})
        sought = seek_page(stmt, keys, descending=descending, after=after, per_page=per_page)
        rows, next_cursor = sought.rows, sought.next
        total, capped, page_number = sought.total, sought.capped, None
    else:
        total, capped = capped_count(stmt, columns=keys)
        if not capped:  # past the last page: the last page
            page = max(1, min(page, -(-total // per_page)))
        if (page - 1) * per_page >= COUNT_CAP:
            raise invalid(
                {
                    "page": f"Chỉ đọc theo số trang trong {vn_number(COUNT_CAP)} mục đầu; đọc "
                    "tiếp bằng tham số after với giá trị next của trang trước."
                }
            )
        fetched = list(
            db.session.scalars(
                stmt.order_by(*order).offset((page - 1) * per_page).limit(per_page + 1)
            ).unique()
        )
        rows = fetched[:per_page]
        more = len(fetched) > per_page and rows
        next_cursor = row_cursor(rows[-1], keys) if more else None
        page_number = page
    return {
        "items": [serialize(r) for r in rows],
        "page": page_number,
        "per_page": per_page,
        "total": total,
        "total_capped": capped,
        "next": next_cursor,
    }


def nesting_depth(value: Any, limit: int) -> int:
    """How deep arrays and objects nest in a parsed JSON value, counted without recursion and
    no further than one level past ``limit``."""
    deepest = 0
    todo = [(value, 1)]
    while todo and deepest <= limit:
        item, depth = todo.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            todo.extend((child, depth + 1) for child in item)
    return deepest


def json_body() -> dict[str, Any]:
    """The request's JSON object; 415 when it is not JSON, 400 when it does not parse or
    nests deeper than ``API_JSON_MAX_DEPTH`` (the parser's own recursion limit included)."""
    limit = current_app.config["API_JSON_MAX_DEPTH"]
    too_deep = ApiError(400, "too_deep", f"Nội dung JSON lồng nhau quá {limit} cấp.")
    try:
        data = request.get_json()  # raises 415 / 400 (handled as JSON errors)
    except RecursionError:
        raise too_deep from None
    if nesting_depth(data, limit) > limit:
        raise too_deep
    if not isinstance(data, dict):
        raise invalid({"_body": "Nội dung phải là một đối tượng JSON."})
    return data
