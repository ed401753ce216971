"""Payload fields a transition accepts, and their parsing into plain Python values.

The same declarations drive the web forms and validate what the CLI or any other caller sends,
so a payload is checked once, here, whoever submits it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from states.text import clean_line, clean_text


class PayloadInvalid(ValueError):
    """Raised with a mapping of field name to a Vietnamese message."""

    def __init__(self, errors: Mapping[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class Field:
    """One input of a transition form."""

    name: str
    label: str
    #: date | int | line | text | choice | bool | member (a person id) | ref (a record id) | rows
    kind: str
    required: bool = True
    min: int | None = None
    max: int | None = None
    max_length: int = 200
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    #: sub-fields of a "rows" field
    rows: tuple[Field, ...] = ()
    max_rows: int = 5
    min_rows: int = 0
    #: a date that may lie ahead (the planned end of a temporary transfer)
    future: bool = False
    #: a number the application knows from its records on the event's date (e.g.
    #: "cell_official_members"): the form is filled in with it, and another value is refused
    count_of: str | None = None
    #: a "ref" field's options: the name of a choice source the procedure's application module
    #: provides (e.g. "receiving_cells")
    source: str | None = None
    #: the name of a default value the application fills the form with (e.g.
    #: "upper_standing_committee"); the user may change it
    default_from: str | None = None


_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_VN_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(value: Any) -> date:
    """Accept a date, an ISO string (yyyy-mm-dd) or a Vietnamese one (dd/mm/yyyy)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("Ngày không hợp lệ.")
    text = unicodedata.normalize("NFKC", value).strip()
    m = _DATE_RE.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _VN_DATE_RE.match(text)
        if not m:
            raise ValueError("Ngày phải có dạng ngày/tháng/năm, ví dụ 05/03/2026.")
        d, mo, y = (int(g) for g in m.groups())
    try:
        result = date(y, mo, d)
    except ValueError:
        raise ValueError("Ngày không tồn tại trong lịch.") from None
    if result.year < 1900:
        raise ValueError("Năm phải từ 1900 trở đi.")
    return result


def _parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("Phải là một số nguyên.")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if re.fullmatch(r"-?\d{1,9}", text):
            return int(text)
    raise ValueError("Phải là một số nguyên.")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _parse_one(f: Field, value: Any, today: date) -> Any:
    if f.kind == "date":
        d = parse_date(value)
        if f.future and d.year > today.year + 10:
            raise ValueError("Ngày quá xa so với hôm nay.")
        if d > today and not f.future:
            raise ValueError("Ngày không được sau ngày hôm nay.")
        return d
    if f.kind in ("int", "member", "ref"):
        n = _parse_int(value)
        if f.kind in ("member", "ref") and n <= 0:
            raise ValueError("Chọn một mục trong danh sách.")
        if f.min is not None and n < f.min:
            raise ValueError(f"Không được nhỏ hơn {f.min}.")
        if f.max is not None and n > f.max:
            raise ValueError(f"Không được lớn hơn {f.max}.")
        return n
    if f.kind == "bool":
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in ("1", "true", "y", "yes", "on", "có")
    if f.kind in ("line", "text"):
        if not isinstance(value, str):
            raise ValueError("Phải là văn bản.")
        text = clean_line(value) if f.kind == "line" else clean_text(value)
        if len(text) > f.max_length:
            raise ValueError(f"Tối đa {f.max_length} ký tự.")
        return text
    if f.kind == "choice":
        keys = [k for k, _ in f.choices]
        if value not in keys:
            raise ValueError("Lựa chọn không hợp lệ.")
        return value
    raise ValueError(f"Kiểu trường không hỗ trợ: {f.kind}")


def parse_payload(fields: tuple[Field, ...], raw: Mapping[str, Any], today: date) -> dict[str, Any]:
    """Validate ``raw`` against ``fields``; unknown keys are ignored (no mass assignment)."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for f in fields:
        value = raw.get(f.name)
        if f.kind == "rows":
            rows = value if isinstance(value, list) else []
            parsed_rows: list[dict[str, Any]] = []
            for i, row in enumerate(rows):
                if not isinstance(row, Mapping):
                    errors[f"{f.name}-{i}"] = "Dòng không hợp lệ."
                    continue
                if all(_blank(row.get(sub.name)) or row.get(sub.name) is False for sub in f.rows):
                    continue
                try:
                    parsed_rows.append(parse_payload(f.rows, row, today))
                except PayloadInvalid as exc:
                    for k, msg in exc.errors.items():
                        errors[f"{f.name}-{i}-{k}"] = msg
            if len(parsed_rows) > f.max_rows:
                errors[f.name] = f"Tối đa {f.max_rows} dòng."
            elif len(parsed_rows) < f.min_rows:
                errors[f.name] = f"Cần ít nhất {f.min_rows} dòng."
            out[f.name] = parsed_rows
            continue
        if _blank(value):
            if f.required:
                errors[f.name] = "Trường này là bắt buộc."
            else:
                out[f.name] = False if f.kind == "bool" else None
            continue
        try:
            out[f.name] = _parse_one(f, value, today)
        except ValueError as exc:
            errors[f.name] = str(exc)
        else:
            if f.kind in ("line", "text") and f.required and not out[f.name]:
                errors[f.name] = "Trường này là bắt buộc."
    if errors:
        raise PayloadInvalid(errors)
    return out


def to_jsonable(value: Any) -> Any:
    """Dates become ISO strings so a payload can be stored and hashed."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value
