"""How the report writes its figures: counts with dots between thousands on the page, in the PDF
and in the workbook (where they stay numbers), and shares cut at the configured decimals."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.builders import SYSTEM
from workflow.reports import export
from workflow.reports import targets as target_mod
from workflow.reports.params import ReportRequest, document_for
from workflow.store.uow import unit_of_work

PERIOD = {"from": "2025-07-01", "to": "2025-12-31"}


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


@pytest.fixture
def big_report(monkeypatch):
    """The report with a committee of 8.912 official members at the start and 1.234
    awareness-class trainees, as a large committee's report would read."""

    def bigger(req):
        doc = document_for(req)
        doc.members[-1]["start"]["official"] = 8912
        trainees = next(
            i for _t, items in doc.sections for i in items if i["key"] == "verifications"
        )
        trainees["value"] = 1234
        return doc

    monkeypatch.setattr("workflow.views.reports.document_for", bigger)
    return bigger


def test_counts_are_written_with_dots_on_the_page_in_the_pdf_and_the_workbook(login, big_report):
    client = login("dept")
    html = client.get("/reports/", query_string=PERIOD).get_data(as_text=True)
    assert re.search(r'<td class="num"[^>]*>8\.912</td>', html)
    assert re.search(r'<td class="num"[^>]*>1\.234</td>', html)
    assert not re.search(r">\s*8912\s*<|>\s*1234\s*<", html)
    text = pdf_text(client.get("/reports/download.pdf", query_string=PERIOD).data)
    assert "8.912" in text and "1.234" in text and "8912" not in text

    wb = load_workbook(io.BytesIO(client.get("/reports/download.xlsx", query_string=PERIOD).data))
    cells = {c.value: c for row in wb["Theo tổ chức"].iter_rows() for c in row}
    assert isinstance(cells[8912].value, int) and cells[8912].number_format == "#,##0"
    summary = {row[0].value: row[1] for row in wb["Tổng hợp"].iter_rows() if row[0].value}
    verified = summary["Hồ sơ thẩm tra lý lịch đã kết luận tiêu chuẩn chính trị"]
    assert verified.value == 1234 and verified.number_format == "#,##0"


def test_the_jinja_filter_writes_counts_and_pages_the_vietnamese_way(app):
    from flask import render_template_string

    with app.test_request_context():
        assert render_template_string("{{ 8912|vn_number }} · {{ none|vn_number }}") == "8.912 · "
        assert render_template_string("{{ vn_percent(181, 600) }}") == "30,16%"


def _target(value: str, org=None) -> None:
    with unit_of_work():
        target_mod.set_target(
            {"year": "2025", "kind": "admissions", "value": value}, org, actor=SYSTEM
        )


def test_shares_are_cut_at_the_configured_decimals_everywhere(app, login, world):
    _target("3")
    _target("3", world.org("G1"))
    for cell in ("C1", "C1B"):
        world.advance(world.new_candidate(cell), "admitted")
    client = login("dept")
    html = client.get("/reports/", query_string=PERIOD).get_data(as_text=True)
    # 2 of 3 is 66,666…%: the department's reports cut it to 66,66%, never round to 66,67%
    assert re.search(r'<td class="num"[^>]*>66,66%</td>', html) and "66,67" not in html
    assert "kết nạp 2 đảng viên mới, đạt 66,66% chỉ tiêu năm 2025" in html
    assert "2/3 (66,66%)</text>" in html  # the chart of each organization against its target
    assert "đạt 66,66% chỉ tiêu" in pdf_text(
        client.get("/reports/download.pdf", query_string=PERIOD).data
    )
    wb = load_workbook(io.BytesIO(client.get("/reports/download.xlsx", query_string=PERIOD).data))
    reached = next(
        r[3] for r in wb["Tổng hợp"].iter_rows() if r[0].value == "Kết nạp đảng viên mới"
    )
    assert reached.value == pytest.approx(0.6666) and reached.number_format == "0.00%"

    app.config["PERCENT_DECIMALS"] = 1
    html = client.get("/reports/", query_string=PERIOD).get_data(as_text=True)
    assert re.search(r'<td class="num"[^>]*>66,6%</td>', html)
    app.config["PERCENT_TRUNCATE"] = False
    html = client.get("/reports/", query_string=PERIOD).get_data(as_text=True)
    assert re.search(r'<td class="num"[^>]*>66,7%</td>', html)
    with app.test_request_context():
        doc = document_for(ReportRequest(date(2025, 7, 1), date(2025, 12, 31), None))
        workbook = load_workbook(io.BytesIO(export.to_xlsx(doc)))
    reached = next(
        r[3] for r in workbook["Tổng hợp"].iter_rows() if r[0].value == "Kết nạp đảng viên mới"
    )
    assert reached.number_format == "0.0%"
