"""Reading an uploaded spreadsheet: is it an .xlsx at all, where its header row is, which of
its columns are ours, and its rows as values — streamed, never the whole workbook in memory.

Everything wrong with the file itself (not an .xlsx, too large, missing or unknown columns,
merged cells, too many rows) is a ``Problem`` without a row; the rows' values are checked
later (``workflow.roster.checks``)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from defusedxml.ElementTree import iterparse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from states.roster import COLUMN_BY_HEADER, REQUIRED, Column
from states.text import clean_line, fold

#: rows searched for the header (a title and a blank line may come first)
HEADER_SEARCH_ROWS = 10
#: an .xlsx whose parts unpack to more than this is refused (a "zip bomb")
MAX_UNPACKED = 300 * 1024 * 1024
_HEADERS = {fold(header): column for header, column in COLUMN_BY_HEADER.items()}
_NAME_HEADER = fold(next(c.header for c in REQUIRED if c.key == "full_name"))


@dataclass(frozen=True)
class Problem:
    """One thing wrong, in Vietnamese; ``row`` is the spreadsheet's row number (None: the
    file), ``column`` the column's header, ``letter`` its letter in the sheet."""

    message: str
    row: int | None = None
    column: str = ""
    letter: str = ""


class FileRefused(Exception):
    """The file cannot be read as a member list at all."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].message if problems else "")
        self.problems = problems


@dataclass
class Sheet:
    title: str
    header_row: int
    #: sheet column index (0-based) → our column
    columns: dict[int, Column]
    rows: Iterator[tuple[int, tuple]]
    problems: list[Problem] = field(default_factory=list)

    def letter(self, key: str) -> str:
        for index, column in self.columns.items():
            if column.key == key:
                return get_column_letter(index + 1)
        return ""


def _refuse(message: str) -> FileRefused:
    return FileRefused([Problem(message)])


def check_container(data: bytes) -> None:
    """Refuse what is not an .xlsx package before any parser sees it."""
    if not data:
        raise _refuse("Tệp rỗng.")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _refuse(
            "Tệp là bảng tính Excel cũ (.xls). Mở bằng Excel và lưu lại dạng "
            "“Excel Workbook (.xlsx)” rồi tải lên."
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _refuse(
            "Tệp không phải bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải từ trang này, "
            "hoặc lưu bảng tính dạng “Excel Workbook (.xlsx)”."
        )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
            raise _refuse("Tệp nén không phải bảng tính Excel (.xlsx).")
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED:
            raise _refuse("Tệp giải nén ra quá lớn; hãy chia danh sách thành nhiều tệp.")


def _merged_ranges(ws) -> list[str]:
    """The merged ranges of a read-only sheet, read from its XML (openpyxl's read-only sheets
    do not list them)."""
    out = []
    with ws._get_source() as source:
        for _event, element in iterparse(source, events=("end",)):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "mergeCell" and element.get("ref"):
                out.append(element.get("ref"))
            elif tag == "row":
                element.clear()
    return out


def _header_of(values: tuple) -> dict[int, str]:
    return {
        index: clean_line(str(value)).rstrip("* ").strip()
        for index, value in enumerate(values)
        if value is not None and clean_line(str(value))
    }


def open_sheet(data: bytes, max_rows: int) -> tuple[Sheet, object]:
    """The sheet holding the list (the first with a "Họ và tên" header in its first rows).

    Returns the sheet and the workbook, which the caller closes after reading the rows."""
    check_container(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any parser failure means the same to the user
        raise _refuse(
            "Không đọc được bảng tính: tệp bị hỏng hoặc không đúng định dạng .xlsx."
        ) from None
    try:
        for ws in workbook.worksheets:
            for number, values in enumerate(
                ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, values_only=True), 1
            ):
                header = _header_of(values)
                if _NAME_HEADER in {fold(text) for text in header.values()}:
                    return _sheet(ws, number, header, max_rows), workbook
    except FileRefused:
        workbook.close()
        raise
    except Exception:
        workbook.close()
        raise _refuse("Không đọc được bảng tính: tệp bị hỏng.") from None
    workbook.close()
    raise _refuse(
        "Không tìm thấy dòng tiêu đề có cột “Họ và tên” trong 10 dòng đầu của các trang "
        "tính. Hãy dùng tệp mẫu."
    )


def _sheet(ws, header_row: int, header: dict[int, str], max_rows: int) -> Sheet:
    problems: list[Problem] = []
    columns: dict[int, Column] = {}
    seen: dict[str, int] = {}
    for index, text in header.items():
        letter = get_column_letter(index + 1)
        column = _HEADERS.get(fold(text))
        if column is None:
            problems.append(
                Problem(
                    f"Cột “{text[:60]}” (cột {letter}) không có trong mẫu: đổi tên cho đúng "
                    "mẫu hoặc xóa cột này.",
                    column=text[:60],
                    letter=letter,
                )
            )
            continue
        if column.key in seen:
            problems.append(
                Problem(
                    f"Cột “{column.header}” có hai lần (cột "
                    f"{get_column_letter(seen[column.key] + 1)} và cột {letter}).",
                    column=column.header,
                    letter=letter,
                )
            )
            continue
        seen[column.key] = index
        columns[index] = column
    for column in REQUIRED:
        if column.key not in seen:
            problems.append(Problem(f"Thiếu cột bắt buộc “{column.header}”.", column=column.header))
    for ref in _merged_ranges(ws):
        min_col, min_row, _max_col, max_row = range_boundaries(ref)
        if max_row < header_row:
            continue  # a title above the header
        # a merged cell hides values of the rows it spans: the file must be fixed first
        problems.append(
            Problem(
                f"Ô gộp {ref} (dòng {max(min_row, header_row)}–{max_row}): bỏ gộp ô (Merge & "
                "Center) — mỗi người một dòng, mỗi ô một giá trị.",
                letter=get_column_letter(min_col),
            )
        )
    return Sheet(
        title=ws.title,
        header_row=header_row,
        columns=columns,
        rows=_rows(ws, header_row, max_rows),
        problems=problems,
    )


class TooManyRows(Exception):
    pass


def _rows(ws, header_row: int, max_rows: int) -> Iterator[tuple[int, tuple]]:
    """(row number, values) of each row that is not blank; raises TooManyRows past the
    limit."""
    count = 0
    for number, values in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True)):
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
            continue
        count += 1
        if count > max_rows:
            raise TooManyRows()
        yield header_row + 1 + number, values
