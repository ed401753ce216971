"""A period report printed to be sent: numbered in the committee's register of reports, with its
recipients and signature block, its figures locked, listed and downloaded again byte for byte;
refused while its period is not over; only the department and the signing leaders number it."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import TODAY
from tests.pdf_layout import layout_problems
from workflow.clock import clock
from workflow.extensions import db
from workflow.models import AuditEntry, IssuedReport, RegisterCounter, ReportSnapshot
from workflow.store.audit import parse_position, verify_chain
from workflow.store.uow import unit_of_work

PERIOD = {"from": "2025-07-01", "to": "2025-12-31", "org": ""}
RECIPIENTS = "Ban Tổ chức Tỉnh ủy (để báo cáo)\n- Lưu Văn phòng, Ban Tổ chức."


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def issue(client, world, signer="signer", **extra):
    data = {**PERIOD, "signer": world.users[signer], "recipients": RECIPIENTS, **extra}
    return client.post("/reports/issue", data=data)


def issued_rows() -> list[IssuedReport]:
    db.session.rollback()  # see what the requests committed
    return db.session.scalars(select(IssuedReport).order_by(IssuedReport.id)).all()


def report_counter() -> int | None:
    return db.session.scalar(select(RegisterCounter.value).where(RegisterCounter.doc_type == "BC"))


@pytest.fixture
def admitted(world):
    world.advance(world.new_candidate("C1"), "admitted")


def test_a_numbered_report_carries_its_number_recipients_and_signature(login, world, admitted):
    client = login("dept")
    html = client.get("/reports/", query_string=PERIOD).get_data(as_text=True)
    assert "Lấy số và tạo bản PDF để gửi" in html
    assert "PHÓ BÍ THƯ – Lê Văn Thường" in html and "BÍ THƯ – Phạm Quang Vụ" in html

    response = issue(client, world)
    assert response.status_code == 302 and response.headers["Location"].endswith("/reports/issued")
    (report,) = issued_rows()
    assert report.reference == "Số 1-BC/ĐUK" and report.issued_on == TODAY
    assert (report.signer_name, report.signer_title) == ("Lê Văn Thường", "PHÓ BÍ THƯ")
    assert report.issued_by == world.users["dept"]
    # its figures are locked as they stood, with the audit position they were computed at
    snapshot = db.session.get(ReportSnapshot, report.snapshot_id)
    assert snapshot.figures["indicators"]["admissions"] == 1
    row = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report.issued")).one()
    assert row.subject_id == report.id
    assert json.loads(row.payload)["reference"] == "Số 1-BC/ĐUK"
    assert snapshot.as_of_seq < row.seq

    pdf = client.get(f"/reports/issued/{report.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert "Số 1-BC/ĐUK" in text and "BÁO CÁO THỐNG KÊ CÔNG TÁC ĐẢNG VIÊN" in text
    assert "Nơi nhận: - Ban Tổ chức Tỉnh ủy (để báo cáo), - Lưu Văn phòng, Ban Tổ chức." in text
    assert "T/M BAN THƯỜNG VỤ PHÓ BÍ THƯ" in text and "Lê Văn Thường" in text
    assert "Phú Thọ, ngày 15 tháng 6 năm 2026" in text
    assert "Kèm theo Báo cáo số 1-BC/ĐUK ngày 15/06/2026" in text
    # the audit position reads as words for the reader, the record number as a note for checking
    assert "dòng số" not in text and "Số liệu tổng hợp từ dữ liệu đã cập nhật" in text
    head = db.session.get(AuditEntry, snapshot.as_of_seq)
    position = f"#{snapshot.as_of_seq} {head.row_hash[:16]}"
    assert f"đến bản ghi số {snapshot.as_of_seq}; vị trí chuỗi {position}." in text
    # the printed position anchors a later verification of the trail
    assert verify_chain(anchors=[parse_position(position)]).ok
    assert "tạm tính" not in text
    assert layout_problems(pdf.data) == []

    # downloaded again, by another reader, later: the same bytes, whatever changed since
    world.advance(world.new_candidate("C2", name="Trần Văn Mới"), "admitted")
    again = login("auditor").get(f"/reports/issued/{report.id}.pdf")
    assert again.data == pdf.data
    assert hashlib.sha256(again.data).hexdigest() == issued_rows()[0].pdf_sha256
    listing = login("dept").get("/reports/issued").get_data(as_text=True)
    assert "Số 1-BC/ĐUK" in listing and "Trần Thị Tổ Chức" in listing

    # the next report takes the next number of the same register, signed by another leader
    assert issue(login("signer2"), world, signer="signer2").status_code == 302
    second = issued_rows()[1]
    assert second.reference == "Số 2-BC/ĐUK" and second.signer_title == "BÍ THƯ"
    assert report_counter() == 2


def test_an_issued_report_is_never_changed_or_deleted(login, world):
    assert issue(login("dept"), world).status_code == 302
    (report,) = issued_rows()
    with pytest.raises(ValueError, match="cannot be changed"), unit_of_work():
        db.session.get(IssuedReport, report.id).html = "<p>khác</p>"
    with pytest.raises(ValueError, match="cannot be deleted"), unit_of_work():
        db.session.delete(db.session.get(IssuedReport, report.id))
    assert issued_rows()[0].html == report.html


def test_a_period_ending_after_today_is_refused_and_printed_as_provisional(login, world):
    client = login("dept")
    open_period = {"from": "2026-04-01", "to": "2026-06-30", "org": ""}
    html = client.get("/reports/", query_string=open_period).get_data(as_text=True)
    assert "Số liệu tạm tính đến ngày 15/06/2026" in html
    assert "Lấy số và tạo bản PDF để gửi" not in html and "chưa lấy số được" in html
    refused = issue(client, world, **open_period)
    assert refused.status_code == 422
    assert "sau hôm nay: số liệu còn tạm tính" in refused.get_data(as_text=True)
    assert issued_rows() == [] and report_counter() is None
    assert db.session.scalar(select(func.count()).select_from(ReportSnapshot)) == 0
    # the print without number says the figures are provisional
    pdf = client.get("/reports/download.pdf", query_string=open_period)
    text = pdf_text(pdf.data)
    assert "(Số liệu tạm tính đến ngày 15/06/2026)" in text
    assert "Đến ngày 15/06/2026 có 45 đảng viên" in text  # not yet "đến ngày 30/06/2026"
    assert "Nơi nhận" not in text and "T/M BAN THƯỜNG VỤ" not in text
    # a period ending today is over for numbering
    assert issue(client, world, **{"from": "2026-04-01", "to": "2026-06-15"}).status_code == 302
    assert issued_rows()[0].number == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"signer": ""}, "Chọn lãnh đạo ký báo cáo"),
        ({"signer": "999999"}, "Chọn lãnh đạo ký báo cáo"),
        ({"recipients": " \n - \n"}, "Ghi ít nhất một nơi nhận"),
        ({"recipients": "x" * 201}, "không dài quá 200 ký tự"),
        ({"recipients": "\n".join(f"Nơi {i}" for i in range(13))}, "Nhiều nhất 12 nơi nhận"),
    ],
)
def test_bad_input_gets_a_message_and_takes_no_number(login, world, extra, message):
    client = login("dept")
    response = client.post(
        "/reports/issue",
        data={**PERIOD, "signer": world.users["signer"], "recipients": "A", **extra},
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert issued_rows() == [] and report_counter() is None


def test_a_department_clerk_who_is_no_signer_cannot_be_named_as_signer(login, world):
    response = issue(login("dept"), world, signer="dept")
    assert response.status_code == 422 and issued_rows() == []


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("dept", 302),
        ("signer", 302),
        ("gs1", 403),  # a grassroots committee's staff reads reports but keeps no register
        ("sign2", 403),  # signs for a grassroots committee, not for the standing committee
        ("auditor", 403),
        ("inspector", 403),
        ("sec1", 403),
        ("admin", 403),
    ],
)
def test_who_may_number_a_report(app, world, username, status):
    from tests.builders import sign_in

    client = app.test_client()
    sign_in(client, username, world.password)
    response = issue(client, world)
    assert response.status_code == status
    assert len(issued_rows()) == (1 if status == 302 else 0)
    if status != 302:
        page = client.get("/reports/", query_string=PERIOD)
        assert "Lấy số và tạo bản PDF để gửi" not in page.get_data(as_text=True)


def test_readers_see_the_numbered_reports_of_their_scope_only(login, world):
    assert issue(login("dept"), world).status_code == 302
    (report,) = issued_rows()
    staff = login("gs1")  # reads G1's reports, not the whole committee's
    assert "Số 1-BC/ĐUK" not in staff.get("/reports/issued").get_data(as_text=True)
    assert staff.get(f"/reports/issued/{report.id}.pdf").status_code == 404
    assert login("sec1").get("/reports/issued").status_code == 403
    page = login("inspector").get("/reports/", query_string=PERIOD).get_data(as_text=True)
    assert re.search(r'href="/reports/issued/\d+\.pdf">Số 1-BC/ĐUK</a>', page)


def test_the_register_keeps_date_order_and_a_refusal_gives_the_number_back(app, login, world):
    assert issue(login("dept"), world).status_code == 302
    clock().set_today(date(2026, 6, 10))  # a clock set back: this report would predate No. 1
    refused = issue(login("dept"), world)
    assert refused.status_code == 422
    assert "số văn bản trong một sổ phải theo thứ tự ngày" in refused.get_data(as_text=True)
    assert [r.number for r in issued_rows()] == [1] and report_counter() == 1
    clock().set_today(date(2026, 6, 16))
    assert issue(login("dept"), world).status_code == 302
    assert [r.number for r in issued_rows()] == [1, 2]
