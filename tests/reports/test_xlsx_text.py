"""A workbook the application hands out holds names as text: an organization someone named
like a formula reaches Excel as that text, never as a live formula."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from workflow.extensions import db
from workflow.store.uow import unit_of_work

PERIOD = {"from": "2025-07-01", "to": "2025-12-31"}
FORMULA = '=HYPERLINK("http://ke-gian.example/","Bấm vào đây")'


def _rename(world, code: str) -> None:
    with unit_of_work():
        world.org(code).name = FORMULA
    db.session.expire_all()


def _cells_holding(wb, text: str):
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == text]


def test_the_report_workbook_stores_a_formula_like_name_as_text(login, world):
    _rename(world, "G1")
    response = login("dept").get("/reports/download.xlsx", query_string=PERIOD)
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.data))
    cells = _cells_holding(wb, FORMULA)
    assert cells and all(c.data_type == "s" for c in cells)
    assert not [
        c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"
    ]


def test_the_member_list_template_stores_a_formula_like_cell_name_as_text(login, world):
    _rename(world, "C1")
    response = login("gs1").get("/people/import/template.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.data))
    cells = _cells_holding(wb, FORMULA)
    assert cells and all(c.data_type == "s" for c in cells)
