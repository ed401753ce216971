"""Numbering a period report to send it, in Chromium: the report page with its form, the number
taken, the register of numbered reports, the PDF downloaded with its number, recipients and
signature; a period not over yet shows provisional figures and offers no number."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.browser.driver import expect

pytestmark = pytest.mark.browser


def test_a_report_is_numbered_and_downloaded_for_sending(live, page, shots, user):
    _app, _world, base = live
    user.login("dept")
    page.goto(f"{base}/reports/?from=2026-04-01&to=2026-06-30")
    expect(page.locator("#provisional")).to_contain_text("Số liệu tạm tính đến ngày 15/06/2026")
    expect(page.locator("#issue-refused")).to_contain_text("chưa lấy số được")
    user.shot("41-report-provisional")

    page.goto(f"{base}/reports/?from=2026-01-01&to=2026-03-31")
    form = page.locator("#issue form")
    form.locator("#signer").select_option(label="BÍ THƯ – Phạm Quang Vụ")
    expect(form.locator("#recipients")).to_have_value(
        "Ban Tổ chức Tỉnh ủy (để báo cáo)\nLưu Văn phòng, Ban Tổ chức"
    )
    user.shot("42-report-to-number")
    user.submit("Lấy số và tạo bản PDF để gửi")
    expect(page.locator(".flash-success")).to_contain_text("Đã lấy số cho báo cáo: Số 1-BC/ĐUK")
    row = page.locator("#issued tbody tr").first
    expect(row).to_contain_text("01/01/2026 – 31/03/2026")
    expect(row).to_contain_text("BÍ THƯ Phạm Quang Vụ")
    user.shot("43-reports-numbered")
    with page.expect_download() as download:
        row.get_by_role("link", name="Số 1-BC/ĐUK").click()
    data = Path(download.value.path()).read_bytes()
    (shots / "bao-cao-1-BC.pdf").write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert "Số 1-BC/ĐUK" in text and "Nơi nhận:" in text and "Phạm Quang Vụ" in text
