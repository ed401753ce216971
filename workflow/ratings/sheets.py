"""A cell's rating grid as a spreadsheet: the export (filled in, or blank as the template)
and the import, which reads the rows by citizen ID and saves them through the same operation
as the grid, with the same checks, all or nothing."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from states.identity import normalize_citizen_id
from states.ratings import LEVEL_LABELS, LEVELS
from states.text import clean_line, fold
from workflow.models import MemberRating, Organization, Person, RatingPeriod
from workflow.permissions import Actor
from workflow.ratings import operations
from workflow.roster.reader import FileRefused, check_container
from workflow.spreadsheet import workbook_bytes
from workflow.store.errors import InvalidInput

# fmt: off
COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "STT"),
    ("full_name", "Họ và tên"),
    ("citizen_id", "Số CCCD"),
    ("self_level", "Tự xếp loại"),
    ("self_score", "Điểm tự chấm"),
    ("proposed_level", "Chi bộ đề xuất"),
    ("proposed_score", "Điểm chi bộ đề xuất"),
    ("proposed_conditions", "Đủ điều kiện mức xuất sắc"),
    ("note", "Ghi chú"),
)
# fmt: on
HEADERS = {fold(header): key for key, header in COLUMNS}
LEVEL_BY_LABEL = {fold(label): key for key, label in LEVELS}
YES = {fold("Có"), "x", "1"}
HEADER_SEARCH_ROWS = 10
MAX_ROWS = 2000


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_line(str(value))


def workbook(
    period: RatingPeriod,
    cell: Organization,
    members: Iterable[Person],
    ratings: dict[int, MemberRating],
) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Xếp loại đảng viên"
    ws.append([f"Xếp loại chất lượng đảng viên {period.title.lower()} – {cell.label}"])
    ws["A1"].font = Font(bold=True)
    ws.append([])
    ws.append([header for _key, header in COLUMNS])
    for cell_ in ws[3]:
        cell_.font = Font(bold=True)
    for number, person in enumerate(members, 1):
        r = ratings.get(person.id)
        ws.append(
            [
                number,
                person.full_name,
                person.citizen_id,
                LEVEL_LABELS.get(r.self_level or "", "") if r else "",
                r.self_score if r else None,
                LEVEL_LABELS.get(r.proposed_level or "", "") if r else "",
                r.proposed_score if r else None,
                "Có" if r and r.conditions_met else "",
                r.note if r else "",
            ]
        )
        ws.cell(ws.max_row, 3).number_format = "@"
    for index, (_key, header) in enumerate(COLUMNS, 1):
        ws.column_dimensions[ws.cell(3, index).column_letter].width = max(10, len(header) + 6)
    values = wb.create_sheet("Danh mục")
    values.cell(1, 1, "Mức xếp loại").font = Font(bold=True)
    for i, (_key, label) in enumerate(LEVELS, 2):
        values.cell(i, 1, label)
    check = DataValidation(type="list", formula1=f"'Danh mục'!$A$2:$A${len(LEVELS) + 1}")
    check.add("D4:D2000")
    check.add("F4:F2000")
    ws.add_data_validation(check)
    return workbook_bytes(wb)


def _read(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        check_container(data)
    except FileRefused as exc:
        raise InvalidInput({"file": exc.problems[0].message}) from None
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any parser failure means the same to the user
        raise InvalidInput(
            {"file": "Không đọc được bảng tính: tệp bị hỏng hoặc không đúng định dạng .xlsx."}
        ) from None
    try:
        ws = wb.worksheets[0]
        header_row, columns = None, {}
        for number, values in enumerate(
            ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, values_only=True), 1
        ):
            found = {i: HEADERS.get(fold(_text(v))) for i, v in enumerate(values)}
            if "citizen_id" in found.values():
                header_row, columns = number, {i: k for i, k in found.items() if k}
                break
        if header_row is None:
            raise InvalidInput(
                {"file": "Không tìm thấy dòng tiêu đề có cột “Số CCCD” trong 10 dòng đầu."}
            )
        if "proposed_level" not in columns.values():
            raise InvalidInput({"file": "Thiếu cột “Chi bộ đề xuất”."})
        out = []
        for number, values in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True)):
            if all(_text(v) == "" for v in values):
                continue
            if len(out) >= MAX_ROWS:
                raise InvalidInput({"file": f"Tệp có hơn {MAX_ROWS} dòng."})
            out.append(
                (
                    header_row + 1 + number,
                    {columns[i]: v for i, v in enumerate(values) if i in columns},
                )
            )
        return out
    finally:
        wb.close()


def import_sheet(
    period_id: int, cell_id: int, data: bytes, expected_version: Any, *, actor: Actor
) -> int:
    """Read the file and save its rows as the grid would; every row's problem names its row
    number; nothing is written when anything is wrong."""
    cell = operations.get_cell(cell_id)
    members = {p.citizen_id: p for p in operations.cell_members(cell)}
    problems: list[str] = []
    rows: dict[int, dict[str, Any]] = {}
    seen: dict[int, int] = {}
    for number, raw in _read(data):
        citizen_id = normalize_citizen_id(_text(raw.get("citizen_id")))
        person = members.get(citizen_id)
        if person is None:
            problems.append(
                f"Dòng {number}: số CCCD “{_text(raw.get('citizen_id'))[:20]}” không phải "
                f"đảng viên của {cell.name}."
            )
            continue
        if person.id in seen:
            problems.append(f"Dòng {number}: {person.full_name} trùng với dòng {seen[person.id]}.")
            continue
        seen[person.id] = number
        values: dict[str, Any] = {"note": _text(raw.get("note"))}
        for key in ("self_level", "proposed_level"):
            text = _text(raw.get(key))
            level = LEVEL_BY_LABEL.get(fold(text)) if text else ""
            if level is None:
                problems.append(f"Dòng {number}: mức “{text[:40]}” không có trong trang Danh mục.")
            values[key] = level or ""
        for key in ("self_score", "proposed_score"):
            values[key] = _text(raw.get(key))
        values["proposed_conditions"] = (
            "1" if fold(_text(raw.get("proposed_conditions"))) in YES else ""
        )
        rows[person.id] = values
    if problems:
        raise InvalidInput({f"row-{i}": p for i, p in enumerate(problems)})
    return operations.save_cell_sheet(
        period_id, cell_id, rows, expected_version, actor=actor, source="xlsx"
    )
