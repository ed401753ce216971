"""The period report as a workbook (openpyxl), as a PDF in the document style, and as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from states.dates import vn_date
from states.indicators import IN_FLOWS, OUT_FLOWS
from workflow.clock import today
from workflow.documents.render import html_to_pdf, long_date
from workflow.orgs import history
from workflow.presenters import percent_value
from workflow.reports.document import ReportDocument
from workflow.spreadsheet import workbook_bytes

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(name="Times New Roman", bold=True, size=12)
_PLAIN = Font(name="Times New Roman", size=12)
#: counts stay numbers (sums and formulas work) with a thousands separator; which character
#: separates is the computer's setting, not the file's: Excel with Vietnamese regional settings
#: (or with its own separators set to "." for thousands and "," for decimals) shows 8912 as
#: "8.912" and a share as "30,16%", an English Excel "8,912" and "30.16%"
COUNT_FORMAT = "#,##0"


def _moved(row: dict, flows: tuple[str, ...]) -> int:
    return sum(row["flows"][k] for k in flows)


#: the membership columns of one organization's row: (heading, value from the row)
MEMBER_COLUMNS = (
    ("Đầu kỳ: chính thức", lambda row: row["start"]["official"]),
    ("Đầu kỳ: dự bị", lambda row: row["start"]["probationary"]),
    ("Đầu kỳ: tổng", lambda row: row["start"]["total"]),
    ("Tăng", lambda row: _moved(row, IN_FLOWS)),
    ("Giảm", lambda row: _moved(row, OUT_FLOWS)),
    ("Cuối kỳ: chính thức", lambda row: row["end"]["official"]),
    ("Cuối kỳ: dự bị", lambda row: row["end"]["probationary"]),
    ("Cuối kỳ: tổng", lambda row: row["end"]["total"]),
    ("Đang chuyển sinh hoạt", lambda row: row["in_transit_end"]),
    ("Cân đối", lambda row: "Đúng" if row["balanced"] else "SAI"),
)


def file_stem(doc: ReportDocument) -> str:
    r = doc.report
    code = r.org.code if r.org else "toan-dang-bo"
    return f"bao-cao-{code}-{r.start.isoformat()}-{r.end.isoformat()}"


def member_cells(row: dict) -> list:
    """The membership columns of one organization's row, in MEMBER_COLUMNS order."""
    return [value(row) for _label, value in MEMBER_COLUMNS]


def to_json(doc: ReportDocument) -> str:
    return json.dumps(doc.as_json(), ensure_ascii=False, indent=2, sort_keys=False)


def to_xlsx(doc: ReportDocument) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    r = doc.report
    ws.append([doc.title.upper()])
    ws.append([doc.org_name])
    ws.append([doc.period_label.capitalize() + _provisional(doc)])
    ws.append([doc.summary])
    for row in (1, 2, 3):
        ws.cell(row, 1).font = _BOLD
    ws.cell(4, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=4)
    ws.row_dimensions[4].height = 90
    ws.append([])
    ws.append(["Chỉ tiêu", "Số liệu", "Chỉ tiêu năm", "Đạt (%)"])
    _header(ws, ws.max_row, 4)
    for line in doc.targets:
        reached = percent_value(line.period_value, line.target or 0)
        ws.append([line.label, line.period_value, line.target, _fraction(reached)])
        _box(ws, ws.max_row, 4)
        # the share as the page prints it (already cut to its decimals), as a percentage cell
        ws.cell(ws.max_row, 4).number_format = _percent_format()
    for title, items in doc.sections:
        ws.append([])
        ws.append([title])
        ws.cell(ws.max_row, 1).font = _BOLD
        for item in items:
            label = item["label"] + ("" if item["built"] else " (chưa theo dõi)")
            ws.append([label, item["value"]])
            _box(ws, ws.max_row, 2)
    ws.append([])
    ws.append(["Biến động đảng viên", "Số lượng"])
    _header(ws, ws.max_row, 2)
    for key, label, value in doc.flows:
        untracked = " (chưa theo dõi)" if key in doc.untracked_flows else ""
        ws.append([label + untracked, value])
        _box(ws, ws.max_row, 2)
    ws.column_dimensions["A"].width = 70
    for col in "BCD":
        ws.column_dimensions[col].width = 16

    orgs = wb.create_sheet("Theo tổ chức")
    orgs.append(["Tổ chức", "Mã", *(label for label, _ in MEMBER_COLUMNS)])
    _header(orgs, 1, len(MEMBER_COLUMNS) + 2)
    for row in doc.members:
        orgs.append([row["name"], row["code"], *member_cells(row)])
        _box(orgs, orgs.max_row, len(MEMBER_COLUMNS) + 2)
    orgs.column_dimensions["A"].width = 45
    for i in range(2, len(MEMBER_COLUMNS) + 3):
        orgs.column_dimensions[get_column_letter(i)].width = 14

    info = wb.create_sheet("Thông tin")
    info.append(["Kỳ báo cáo", vn_date(r.start), vn_date(r.end)])
    if doc.provisional_on:
        info.append(["Số liệu tạm tính đến ngày", vn_date(doc.provisional_on)])
    info.append(["Số liệu cập nhật trên hệ thống đến", doc.data_as_of])
    info.append(["Sự kiện của kỳ được nhập sau khi kỳ kết thúc", r.late_entered])
    info.cell(info.max_row, 2).number_format = COUNT_FORMAT
    info.append(["Cân đối đầu kỳ + tăng − giảm = cuối kỳ", "Đúng" if r.balanced else "SAI"])
    info.append(["Để đối chiếu: nhật ký hệ thống đến bản ghi số", r.as_of_seq])
    info.column_dimensions["A"].width = 50
    wb.properties.creator = history.upper_on(today()).name
    wb.properties.title = f"{doc.title} {doc.period_label}"
    return workbook_bytes(wb)


@dataclass(frozen=True)
class Sending:
    """What a report printed for sending adds to the page: its number in the committee's
    register, its date, its recipients and who signs it on behalf of the standing committee."""

    reference: str
    on: date
    recipients: tuple[str, ...]
    signer_title: str
    signer_name: str
    on_behalf: str = "T/M BAN THƯỜNG VỤ"


def to_html(doc: ReportDocument, sending: Sending | None = None) -> str:
    """The printed report (``sending``: numbered to be sent; else a print without number)."""
    config = current_app.config
    # the committee that sends it, named as on the day it is printed or numbered
    issuer = history.upper_on(sending.on if sending else today())
    top, bottom, left, right = config["DOCUMENT_MARGINS_MM"]
    # like the decisions: only the report's data reaches the template, no request or user
    return current_app.jinja_env.get_template("pdf/report.html").render(
        doc=doc,
        sending=sending,
        reference=sending.reference if sending else "",
        columns=[label for label, _ in MEMBER_COLUMNS],
        member_cells=member_cells,
        committee=issuer.name,
        superior=issuer.superior_name,
        place=config["PLACE_NAME"],
        long_date=long_date(sending.on if sending else today()),
        margins={"top": top, "bottom": bottom, "left": left, "right": right},
    )


def to_pdf(doc: ReportDocument) -> bytes:
    return html_to_pdf(to_html(doc))


def _provisional(doc: ReportDocument) -> str:
    if doc.provisional_on is None:
        return ""
    return f" (số liệu tạm tính đến ngày {vn_date(doc.provisional_on)})"


def _header(ws, row: int, width: int) -> None:
    for col in range(1, width + 1):
        cell = ws.cell(row, col)
        cell.font, cell.border = _BOLD, _BOX
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")


def _box(ws, row: int, width: int) -> None:
    for col in range(1, width + 1):
        cell = ws.cell(row, col)
        cell.font, cell.border = _PLAIN, _BOX
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if isinstance(cell.value, int) and not isinstance(cell.value, bool):
            cell.number_format = COUNT_FORMAT


def _percent_format() -> str:
    """Excel's percentage format with the printed number of decimals ("0.00%": the "." is
    Excel's code for the decimal separator, shown as "," by a Vietnamese Excel)."""
    decimals = current_app.config["PERCENT_DECIMALS"]
    return "0" + ("." + "0" * decimals if decimals else "") + "%"


def _fraction(percent: Decimal | None) -> float | None:
    """30.16 (percent) → 0.3016, the value of a percentage cell; None leaves the cell empty."""
    return None if percent is None else float(percent / 100)
