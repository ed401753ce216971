"""Reading query strings and JSON bodies: bad values are 422 with a message per field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app, request

from states.text import clean_line
from workflow.api.errors import ApiError
from workflow.ids import parse_id

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


def page_body(items: list[Any], page: int, per_page: int, total: int) -> dict[str, Any]:
    return {"items": items, "page": page, "per_page": per_page, "total": total}


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
