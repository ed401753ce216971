"""Transfers through the pages, in Chromium: an official transfer between two grassroots
organizations, each side with its own account, the letter printed; then a move between two
cells of one organization."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.browser.driver import User, expect
from workflow.extensions import db
from workflow.models import Person, Transfer


def _case_id(url: str) -> int:
    return int(re.search(r"/cases/(\d+)", url).group(1))


pytestmark = pytest.mark.browser


def _letter_text(browser_page, base: str, saved: Path) -> str:
    """The text of the case's letter, downloaded as a user would and kept in ``saved``."""
    href = browser_page.get_by_role("link", name="Tải PDF").first.get_attribute("href")
    pdf = browser_page.request.get(f"{base}{href}")
    assert pdf.headers["content-type"] == "application/pdf"
    saved.write_bytes(pdf.body())
    reader = PdfReader(io.BytesIO(pdf.body()))
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def test_a_member_is_transferred_to_another_organization_and_between_cells(live, page, tmp_path):
    app, world, base = live
    shots = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    u = User(page, base, shots)
    member, mover = world.members["C1"][3], world.members["C1"][2]
    with app.app_context():
        name = db.session.get(Person, member).full_name
        mover_name = db.session.get(Person, mover).full_name

    # the sending cell proposes
    u.login("sec1")
    page.goto(f"{base}/people/{member}")
    page.get_by_role("link", name="Chuyển sinh hoạt chính thức").click()
    page.fill("#event_date", "02/03/2026")
    page.select_option("#direction", "within")
    page.select_option("#destination_org", str(world.orgs["G2"]))
    page.select_option("#reason", "job_move")
    page.fill("#effective_on", "15/02/2026")
    page.fill("#biography_number", "123456-PT")
    page.fill("#dues_paid_through", "02/2026")
    u.shot("11-transfer-proposal")
    u.submit("Ghi đề nghị")
    expect(page.locator(".flash-success")).to_have_count(1)
    case_id = _case_id(page.url)

    # the grassroots committee does its part, the department issues the letter
    u.login("gs1")
    u.open_case(case_id)
    u.act(
        "Đảng ủy cơ sở xác nhận, ghi sổ, chuyển hồ sơ", {"#reference": "15-SHĐ"}, date="05/03/2026"
    )
    u.login("dept")
    u.open_case(case_id)
    u.act("Cấp giấy giới thiệu sinh hoạt đảng", date="10/03/2026")
    assert u.state() == "Đã cấp giấy giới thiệu, đảng viên đang chuyển"
    letter = _letter_text(page, base, shots / "letter-official.pdf")
    assert "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG" in letter and name in letter
    assert "Đảng bộ Sở Y tế" in letter or "chính thức" in letter
    u.shot("12-letter-issued")

    # the receiving organization sees the member coming and takes them into a cell
    u.login("gs2")
    page.goto(f"{base}/transfers/")
    assert name in page.locator("main").inner_text()
    u.shot("13-receiving-side")
    u.open_case(case_id)
    u.act(
        "Xác nhận đảng viên đã xuất trình giấy và sinh hoạt tại chi bộ",
        selects={"#cell": str(world.orgs["C2"])},
        date="17/03/2026",
    )
    assert u.state() == "Nơi đến đã tiếp nhận"
    page.goto(f"{base}/people/{member}")
    history = page.locator("table.list").first.inner_text()
    assert "Chi bộ Phòng Ngân sách" in history and "17/03/2026" in history
    u.shot("14-movement-history")
    # the sending cell no longer sees the member
    u.login("sec1")
    assert page.goto(f"{base}/people/{member}").status == 404

    # a move between two cells of the sending organization
    page.goto(f"{base}/people/{mover}")
    page.get_by_role("link", name="Chuyển sang chi bộ khác trong đảng bộ cơ sở").click()
    page.fill("#event_date", "03/03/2026")
    page.select_option("#destination_cell", str(world.orgs["C1B"]))
    page.select_option("#reason", "job_move")
    page.fill("#dues_paid_through", "02/2026")
    u.submit("Ghi đề nghị")
    expect(page.locator(".flash-success")).to_have_count(1)
    move_id = _case_id(page.url)
    u.login("gs1")
    u.open_case(move_id)
    u.act("Đảng ủy cơ sở cấp giấy giới thiệu sinh hoạt nội bộ", date="06/03/2026")
    inner = _letter_text(page, base, shots / "letter-internal.pdf")
    assert "nội bộ" in inner and mover_name in inner and "xuất trình" not in inner
    u.login("sec1b")
    u.open_case(move_id)
    u.act("Xác nhận đảng viên đã sinh hoạt tại chi bộ mới", date="09/03/2026")
    assert u.state() == "Chi bộ mới đã tiếp nhận"
    u.shot("15-moved-between-cells")

    with app.app_context():
        moved = db.session.get(Person, member)
        assert (moved.cell_id, moved.presence) == (world.orgs["C2"], "active")
        assert db.session.get(Person, mover).cell_id == world.orgs["C1B"]
        assert db.session.query(Transfer).count() == 2
