"""The member list workbook: the list sheet in the import format, a guide to the columns, and
the catalogue of allowed values (cells in the user's scope, statuses, education, reasons for
leaving) that the list's drop-downs point to. With no rows it is the import template."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from states import roster
from states.roster import COLUMNS
from workflow.spreadsheet import workbook_bytes

LIST_SHEET = "Danh sách"
GUIDE_SHEET = "Hướng dẫn"
CATALOGUE_SHEET = "Danh mục"
_HEADER_FILL = PatternFill("solid", fgColor="FDE9D9")
_REQUIRED_FONT = Font(bold=True, color="9C0006")
_DATE_FORMAT = "DD/MM/YYYY"
#: catalogue columns: (title, values) — the list's drop-downs point to these ranges
_LISTS = {
    "sex": ("Giới tính", list(roster.SEXES)),
    "status": ("Đối tượng", list(roster.STATUSES)),
    "education": ("Trình độ học vấn", list(roster.EDUCATION)),
    "left_reason": ("Lý do ra khỏi danh sách", [leaving.label for leaving in roster.LEAVINGS]),
}


def build(rows: Iterable[Mapping[str, Any]], cells: list[tuple[str, str, str]]) -> bytes:
    """``rows``: values by column key; ``cells``: (code, name, grassroots organization) of the
    cells the user may import into."""
    wb = Workbook()
    ws = wb.active
    ws.title = LIST_SHEET
    ws.freeze_panes = "C2"
    for index, column in enumerate(COLUMNS, 1):
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.font = _REQUIRED_FONT if column.required else Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.row_dimensions[1].height = 45
    count = 0
    for count, values in enumerate(rows, 1):
        for index, column in enumerate(COLUMNS, 1):
            value = count if column.key == "number" else values.get(column.key)
            cell = ws.cell(row=count + 1, column=index)
            if isinstance(value, date):
                cell.value = value
                cell.number_format = _DATE_FORMAT
            elif isinstance(value, str):
                # text stays text: a citizen ID keeps its leading zero, "=…" is no formula
                cell.value = roster.export_text(value)
                cell.data_type = "s"
                cell.number_format = "@"
            elif value is not None:
                cell.value = value
    last = max(count + 1, 500)
    for key in ("citizen_id", "phone", "card_number", "cell"):
        letter = get_column_letter(_index(key))
        for row in range(count + 2, last + 1):
            ws[f"{letter}{row}"].number_format = "@"
    _catalogue(wb, ws, cells, last)
    _guide(wb)
    return workbook_bytes(wb)


def _index(key: str) -> int:
    return next(i for i, c in enumerate(COLUMNS, 1) if c.key == key)


def _catalogue(wb: Workbook, ws, cells: list[tuple[str, str, str]], last: int) -> None:
    cat = wb.create_sheet(CATALOGUE_SHEET)
    headers = ["Mã chi bộ", "Tên chi bộ", "Thuộc tổ chức cơ sở đảng"]
    for index, text in enumerate(headers, 1):
        cat.cell(row=1, column=index, value=text).font = Font(bold=True)
    for row, values in enumerate(cells, 2):
        for index, value in enumerate(values, 1):
            cat.cell(row=row, column=index, value=value).data_type = "s"
    for letter, width in zip("ABC", (14, 40, 40), strict=True):
        cat.column_dimensions[letter].width = width
    if cells:
        _validation(ws, "cell", f"'{CATALOGUE_SHEET}'!$A$2:$A${len(cells) + 1}", last)
    for offset, (key, (title, values)) in enumerate(_LISTS.items()):
        col = 5 + offset
        letter = get_column_letter(col)
        cat.cell(row=1, column=col, value=title).font = Font(bold=True)
        cat.column_dimensions[letter].width = 34
        for row, value in enumerate(values, 2):
            cat.cell(row=row, column=col, value=value)
        _validation(ws, key, f"'{CATALOGUE_SHEET}'!${letter}$2:${letter}${len(values) + 1}", last)


def _validation(ws, key: str, source: str, last: int) -> None:
    letter = get_column_letter(_index(key))
    header = roster.COLUMN_BY_KEY[key].header
    dv = DataValidation(type="list", formula1=source, allow_blank=True)
    dv.error = f"Chọn một giá trị của cột “{header}” trong trang {CATALOGUE_SHEET}."
    dv.errorTitle = "Giá trị không có trong danh mục"
    ws.add_data_validation(dv)
    dv.add(f"{letter}2:{letter}{last}")


def _guide(wb: Workbook) -> None:
    guide = wb.create_sheet(GUIDE_SHEET)
    guide.column_dimensions["A"].width = 30
    guide.column_dimensions["B"].width = 12
    guide.column_dimensions["C"].width = 90
    lines = [
        ("Cách điền", "", ""),
        (
            "",
            "",
            f"Mỗi người một dòng trong trang “{LIST_SHEET}”, bắt đầu từ dòng 2; không gộp ô, "
            "không đổi tên cột. Ngày ghi dạng ngày/tháng/năm (05/03/1990) hoặc định dạng ô là "
            "ngày. Người đã có (cùng số CCCD) thì được cập nhật, không tạo bản trùng.",
        ),
        (
            "",
            "",
            "Đảng viên chuyển đến: ghi “Chuyển đến từ” và “Ngày đến chi bộ hiện tại”. Người "
            "đã ra khỏi danh sách: ghi ngày và lý do, để báo cáo các kỳ trước đủ số liệu.",
        ),
        ("", "", ""),
        ("Cột", "Bắt buộc", "Ghi chú"),
    ]
    lines += [(c.header, "Có" if c.required else "", c.note) for c in COLUMNS]
    for row, values in enumerate(lines, 1):
        for col, value in enumerate(values, 1):
            cell = guide.cell(row=row, column=col, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if row in (1, 5):
                cell.font = Font(bold=True)
