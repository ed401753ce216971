"""The report as the department reads it: the page, the XLSX, the PDF and the JSON give the same
figures; targets and locking through the forms; who may see which report."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from tests.pdf_layout import layout_problems
from workflow.extensions import db
from workflow.models import AuditEntry
from workflow.models.reports import ReportSnapshot, Target

PERIOD = {"from": "2025-07-01", "to": "2025-12-31"}


@pytest.fixture
def admitted(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admitted")
    return case_id


def _figure(html: str, key: str) -> int:
    match = re.search(rf'data-key="{key}"><td>.*?</td><td class="num">(\d+)</td>', html, re.S)
    assert match, key
    return int(match.group(1))


def test_page_xlsx_pdf_and_json_give_the_same_figures(login, admitted):
    client = login("dept")
    page = client.get("/reports/", query_string=PERIOD)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _figure(html, "admissions") == 1
    assert _figure(html, "awareness_trainees") == 1
    assert _figure(html, "joined") == 1
    assert "<svg" in html and "Hồ sơ kết nạp đảng viên đang mở theo bước" in html
    summary = re.search(r'<p id="summary">(.*?)</p>', html, re.S).group(1)
    assert "kết nạp 1 đảng viên mới" in summary
    assert "có 46 đảng viên (45 chính thức, 1 dự bị)" in summary

    xlsx = client.get("/reports/download.xlsx", query_string=PERIOD)
    assert xlsx.status_code == 200
    assert "attachment" in xlsx.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(xlsx.data))
    sheet = {row[0]: row[1] for row in wb["Tổng hợp"].iter_rows(values_only=True) if row}
    assert sheet["Kết nạp đảng viên mới (theo ngày ký quyết định)"] == 1
    assert sheet["Kết nạp (đã tổ chức lễ, vào danh sách)"] == 1
    assert wb["Tổng hợp"]["A4"].value == summary.replace("&#39;", "'")
    totals = [r for r in wb["Theo tổ chức"].iter_rows(values_only=True) if r[0] == "Tổng cộng"]
    assert totals[0][2:5] == (45, 0, 45) and totals[0][7:10] == (45, 1, 46)

    pdf = client.get("/reports/download.pdf", query_string=PERIOD)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "BÁO CÁO THỐNG KÊ CÔNG TÁC ĐẢNG VIÊN" in text
    assert "kết nạp 1 đảng viên mới" in text
    assert "Kết nạp đảng viên mới (theo ngày ký quyết định) 1" in text
    # every column of the organization table fits its landscape page, no heading over another
    assert layout_problems(pdf.data) == []

    data = json.loads(client.get("/reports/download.json", query_string=PERIOD).data)
    assert data["indicators"]["admissions"] == {"value": 1, "tracked": True}
    assert data["members"]["end"] == {"official": 45, "probationary": 1, "total": 46}
    assert data["balanced"] is True and data["summary"] == wb["Tổng hợp"]["A4"].value


def test_the_report_command_writes_json_xlsx_and_pdf(app, world, admitted, tmp_path):
    runner = app.test_cli_runner()
    base = ["wf", "report", "--from", "2025-07-01", "--to", "2025-12-31"]
    result = runner.invoke(args=[*base, "--org", "G1", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["organization"] == "G1"
    assert data["indicators"]["admissions"] == {"value": 1, "tracked": True}
    # badges and re-issued cards are recorded by their own records: tracked (0 in the period)
    assert data["indicators"]["badges"] == {"value": 0, "tracked": True}
    assert data["indicators"]["cards_reissued_lost"]["tracked"] is True
    assert "joined" not in data["untracked_flows"]
    # discipline, suspension and expulsion are recorded by their procedures: tracked
    assert data["indicators"]["discipline_warning"] == {"value": 0, "tracked": True}
    assert data["organizations"]["C1"]["indicators"]["suspensions"]["tracked"] is True
    assert "expelled" not in data["untracked_flows"]
    # deaths, removals and members let go are recorded by their procedures: tracked
    assert "died" not in data["untracked_flows"]
    assert data["indicators"]["deaths"] == {"value": 0, "tracked": True}
    assert data["indicators"]["removals"]["tracked"] is True
    assert data["members"]["end"]["total"] == 19
    for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
        out = tmp_path / f"r.{fmt}"
        result = runner.invoke(args=[*base, "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(magic)
    bad = runner.invoke(args=["wf", "report", "--from", "2025-12-31", "--to", "2025-01-01"])
    assert bad.exit_code != 0 and "không được trước" in bad.output
    unknown = runner.invoke(args=[*base, "--org", "KHONG-CO"])
    assert unknown.exit_code != 0 and "Không có tổ chức" in unknown.output


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2025-12-31", "to": "2025-01-01"}, "không được trước ngày bắt đầu"),
        ({"from": "31/02/2025", "to": "2025-03-01"}, "Ngày"),
        ({"from": "2020-01-01", "to": "2025-01-01"}, "không dài quá 3 năm"),
        ({"from": "<script>", "to": "2025-01-01"}, "ngày/tháng/năm"),
    ],
)
def test_bad_periods_get_a_vietnamese_error(login, world, query, message):
    page = login("dept").get("/reports/", query_string=query)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'role="alert"' in html and message in html
    assert "<script>" not in html


def test_scope_grassroots_staff_see_their_own_organization_only(login, world, admitted):
    client = login("gs1")
    page = client.get("/reports/", query_string=PERIOD)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Toàn Đảng bộ</option>" not in html
    assert "Đảng bộ Sở Tài chính, từ ngày" in html  # their own organization by default
    other = client.get("/reports/", query_string={**PERIOD, "org": world.orgs["G2"]})
    assert other.status_code == 404
    assert (
        client.get(
            "/reports/download.json", query_string={**PERIOD, "org": world.orgs["G2"]}
        ).status_code
        == 404
    )
    assert (
        client.get("/reports/", query_string={**PERIOD, "org": "99999999999999"}).status_code == 404
    )
    own = json.loads(client.get("/reports/download.json", query_string=PERIOD).data)
    assert own["organization"] == "G1"


@pytest.mark.parametrize("username", ["sec1", "admin"])
def test_cell_secretaries_and_administrators_have_no_reports(login, world, username):
    client = login(username)
    assert client.get("/reports/", query_string=PERIOD).status_code == 403
    assert client.get("/reports/download.xlsx", query_string=PERIOD).status_code == 403


def test_targets_through_the_form_and_refusals(login, world):
    client = login("dept")
    response = client.post(
        "/reports/targets",
        data={"year": "2025", "kind": "admissions", "org": "", "value": "12"},
    )
    assert response.status_code == 302
    db.session.rollback()
    target = db.session.scalars(select(Target)).one()
    assert (target.year, target.scope, target.value) == (2025, "*", 12)
    bad = client.post(
        "/reports/targets",
        data={"year": "2025", "kind": "admissions", "org": world.orgs["G1"], "percent": "150"},
    )
    assert bad.status_code == 200 and "không quá 100" in bad.get_data(as_text=True)
    assert db.session.scalars(select(Target)).all() == [target]
    page = client.get("/reports/targets?year=2025").get_data(as_text=True)
    assert re.search(r"<td[^>]*>Toàn Đảng bộ</td>\s*<td[^>]*>\s*12\s", page)
    # staff of a grassroots organization read targets but do not set them
    gs = login("gs1")
    assert gs.get("/reports/targets?year=2025").status_code == 200
    refused = gs.post(
        "/reports/targets",
        data={"year": "2025", "kind": "admissions", "org": world.orgs["G1"], "value": "3"},
    )
    assert refused.status_code in (403, 404)
    assert len(db.session.scalars(select(Target)).all()) == 1


def test_locking_a_finished_period_and_the_notice_after_a_late_entry(login, world, admitted):
    client = login("dept")
    assert client.post("/reports/lock", data={**PERIOD, "org": ""}).status_code == 302
    db.session.rollback()  # see what the request committed
    snapshot = db.session.scalars(select(ReportSnapshot)).one()
    assert snapshot.figures["indicators"]["admissions"] == 1
    assert db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action == "report.locked")
    ).all() == ["report.locked"]
    html = client.get("/reports/", query_string=PERIOD).get_data(as_text=True)
    assert "Số liệu trùng với lần chốt" in html
    # a new candidate's certificate dated inside the period, entered now
    case_id = world.new_candidate("C2", opened=date(2025, 9, 1))
    world.fire(case_id, "enroll_awareness_class", "sec2", date(2025, 9, 10), class_name="Lớp 5")
    world.fire(
        case_id,
        "record_certificate",
        "sec2",
        date(2025, 10, 20),
        certificate_number="7-CN",
        issuer="Trung tâm chính trị",
    )
    html = client.get("/reports/", query_string=PERIOD).get_data(as_text=True)
    assert 'id="changes"' in html and "1 sự kiện thuộc kỳ được nhập thêm" in html
    assert "1 → 2" in html
    # a period not over yet cannot be locked
    today = client.post("/reports/lock", data={"from": "2025-01-01", "to": "2099-12-31"})
    assert today.status_code == 302
    db.session.rollback()
    assert len(db.session.scalars(select(ReportSnapshot)).all()) == 1
    # only the department locks
    assert login("gs1").post("/reports/lock", data={**PERIOD, "org": ""}).status_code == 403


def test_the_dashboard_shows_the_pipeline_to_report_readers_only(login, world, admitted):
    world.new_candidate("C2")
    html = login("dept").get("/").get_data(as_text=True)
    assert "Hồ sơ kết nạp đảng viên đang mở, theo bước" in html
    assert re.search(r"Trong danh sách nguồn</text>.*?>1</text>", html, re.S)
    assert "Hồ sơ kết nạp đảng viên đang mở, theo bước" not in login("sec1").get("/").get_data(
        as_text=True
    )
