"""Importing a member list through the pages, in Chromium: the template downloaded, a file
with one bad row checked (problems listed by row and column, nothing written), the clean rows
imported, the list exported again in the same format."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.browser.driver import expect
from tests.roster.helpers import member, xlsx
from workflow.extensions import db
from workflow.models import Person

pytestmark = pytest.mark.browser


def test_a_member_list_is_checked_imported_and_exported_through_the_pages(live, page, shots, user):
    app, _world, base = live
    u = user
    with app.app_context():
        people_before = db.session.scalar(select(func.count(Person.id)))

    u.login("dept")
    page.goto(f"{base}/people/import/")
    with page.expect_download() as template:
        page.get_by_role("link", name="Tải tệp mẫu (.xlsx)").click()
    sheet = load_workbook(io.BytesIO(Path(template.value.path()).read_bytes()), read_only=True)
    assert "Hướng dẫn" in sheet.sheetnames

    good = [
        member(full_name="Lò Văn Sáng", birth=date(1984, 2, 3)),
        member(full_name="Hà Thị Mai", birth=date(1990, 7, 9), sex_key="female", sex="Nữ"),
    ]
    bad = member(full_name="Đinh Văn Lỗi", birth=date(1988, 1, 1), cell="KHONG-CO")
    upload = shots / "danh-sach.xlsx"
    upload.write_bytes(xlsx([good[0], bad, good[1]]))
    page.set_input_files("#file", str(upload))
    u.submit("Tải lên và kiểm tra")
    summary = page.locator("#summary").inner_text()
    assert "Người mới sẽ thêm\n2" in summary and "Dòng có lỗi\n1" in summary
    rows = page.locator("#problems tbody tr")
    expect(rows).to_have_count(1)
    assert rows.first.locator("td").all_inner_texts() == [
        "3",
        "Mã chi bộ (L)",
        "Không có tổ chức mã “KHONG-CO”.",
    ]
    u.shot("31-import-checked")
    with app.app_context():
        assert db.session.scalar(select(func.count(Person.id))) == people_before  # nothing yet
    u.submit("Chỉ nhập 2 dòng hợp lệ")
    expect(page.locator(".flash-success").first).to_be_visible()
    assert "2 người mới" in page.locator("main").inner_text()
    u.shot("32-import-done")

    page.goto(f"{base}/people/?q=lo van sang")
    assert "Lò Văn Sáng" in page.locator("main").inner_text()
    # the same list comes back out in the same format
    with page.expect_download() as exported:
        page.goto(f"{base}/people/import/")
        page.get_by_role("link", name="xuất từ hệ thống").click()
    book = load_workbook(io.BytesIO(Path(exported.value.path()).read_bytes()), read_only=True)
    names = {v for row in book.worksheets[0].iter_rows(values_only=True) for v in row}
    assert {"Lò Văn Sáng", "Hà Thị Mai"} <= names
    with app.app_context():
        assert db.session.scalar(select(func.count(Person.id))) == people_before + 2
