"""The commendation lists read from the ratings: members rated excellent N years in a row
(N a setting) and the grassroots organizations chosen "trong sạch, vững mạnh tiêu biểu", as a
printed list in the Party format and as a workbook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from openpyxl import Workbook
from openpyxl.styles import Font

from states.ratings import setting_on
from workflow.clock import today
from workflow.models import Organization, Person
from workflow.ratings import operations
from workflow.spreadsheet import workbook_bytes

#: the most rows a printed list or a workbook holds (a committee's list is far shorter)
MAX_ROWS = 5000


@dataclass
class Lists:
    year: int
    years: int
    people: list[Person]
    total: int
    orgs: list[Organization]


def years_in_a_row(year: int) -> int:
    return setting_on("rating.commend_years", date(year, 12, 31)).value


def lists(year: int, scope=None) -> Lists:
    years = years_in_a_row(year)
    people, total = operations.years_excellent(year, years, scope=scope, limit=MAX_ROWS)
    period = operations.year_period(year)
    orgs = operations.exemplary_orgs(period) if period else []
    return Lists(year, years, people, total, orgs)


def workbook(found: Lists) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Đảng viên"
    ws.append(
        [
            f"Đảng viên hoàn thành xuất sắc nhiệm vụ {found.years} năm liền "
            f"({found.year - found.years + 1}–{found.year})"
        ]
    )
    ws["A1"].font = Font(bold=True)
    ws.append(["STT", "Họ và tên", "Ngày sinh", "Chi bộ", "Đảng bộ"])
    for i, p in enumerate(found.people, 1):
        chain = p.cell.lineage()
        ws.append([i, p.full_name, p.birth_date.strftime("%d/%m/%Y"), p.cell.name, chain[0].name])
    orgs = wb.create_sheet("Tổ chức cơ sở đảng")
    orgs.append([f"Tổ chức cơ sở đảng trong sạch, vững mạnh tiêu biểu năm {found.year}"])
    orgs["A1"].font = Font(bold=True)
    orgs.append(["STT", "Tổ chức cơ sở đảng"])
    for i, o in enumerate(found.orgs, 1):
        orgs.append([i, o.name])
    return workbook_bytes(wb)


def to_html(found: Lists) -> str:
    from workflow.documents.render import long_date

    config = current_app.config
    return current_app.jinja_env.get_template("pdf/commendations.html").render(
        found=found,
        superior=config["SUPERIOR_BODY"],
        committee=config["UPPER_COMMITTEE_NAME"],
        place=config["PLACE_NAME"],
        long_date=long_date(today()),
    )
