"""Transfers through the pages, in Chromium: an official transfer between two grassroots
organizations, each side with its own account, the letter printed; then a move between two
cells of one organization."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.browser.driver import expect
from workflow.extensions import db
from workflow.models import Person, Transfer


def _case_id(url: str) -> int:
    return int(re.search(r"/cases/(\d+)", url).group(1))


pytestmark = pytest.mark.browser


def _letter_text(browser_page, base: str, saved: Path) -> str:
    """The text of the case's latest letter, downloaded as a user would, kept in ``saved``."""
    href = browser_page.get_by_role("link", name="Tải PDF").last.get_attribute("href")
    pdf = browser_page.request.get(f"{base}{href}")
    assert pdf.headers["content-type"] == "application/pdf"
    saved.write_bytes(pdf.body())
    reader = PdfReader(io.BytesIO(pdf.body()))
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def test_a_member_is_transferred_to_another_organization_and_between_cells(live, page, shots, user):
    app, world, base = live
    u = user
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
    u.act_as(
        "gs1",
        case_id,
        "Đảng ủy cơ sở xác nhận, ghi sổ, chuyển hồ sơ",
        {"#reference": "15-SHĐ"},
        date="05/03/2026",
    )
    u.act_as("dept", case_id, "Cấp giấy giới thiệu sinh hoạt đảng", date="10/03/2026")
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
    u.act_as(
        "gs1", move_id, "Đảng ủy cơ sở cấp giấy giới thiệu sinh hoạt nội bộ", date="06/03/2026"
    )
    inner = _letter_text(page, base, shots / "letter-internal.pdf")
    assert "nội bộ" in inner and mover_name in inner and "xuất trình" not in inner
    u.act_as("sec1b", move_id, "Xác nhận đảng viên đã sinh hoạt tại chi bộ mới", date="09/03/2026")
    assert u.state() == "Chi bộ mới đã tiếp nhận"
    u.shot("15-moved-between-cells")

    with app.app_context():
        moved = db.session.get(Person, member)
        assert (moved.cell_id, moved.presence) == (world.orgs["C2"], "active")
        assert db.session.get(Person, mover).cell_id == world.orgs["C1B"]
        assert db.session.query(Transfer).count() == 2


def test_out_of_the_committee_with_a_lost_letter_in_from_outside_and_a_temporary_stay(
    live, page, shots, user
):
    """The other three kinds, each side with its own account: a member leaves the committee
    (the letter is lost and given again), a member arrives from another province, a member
    stays at another organization for a while and comes back; the register prints them."""
    app, world, base = live
    u = user
    leaver, visitor = world.members["C1"][5], world.members["C1"][6]
    with app.app_context():
        leaver_name = db.session.get(Person, leaver).full_name
        visitor_name = db.session.get(Person, visitor).full_name

    def cell_count(code: str) -> int:
        page.goto(f"{base}/orgs/{world.orgs[code]}")
        heading = page.locator("h2", has_text="Danh sách").inner_text()
        return int(re.search(r"\((\d+)\)", heading).group(1))

    # out of the committee: proposed by the cell, letter by the department
    u.login("sec1")
    c1_before = cell_count("C1")
    page.goto(f"{base}/people/{leaver}")
    page.get_by_role("link", name="Chuyển sinh hoạt chính thức").click()
    page.fill("#event_date", "02/03/2026")
    page.select_option("#direction", "out")
    page.fill("#destination", "Đảng ủy phường Trung Hòa, thành phố Hà Nội")
    page.select_option("#reason", "residence")
    page.fill("#effective_on", "20/02/2026")
    page.fill("#dues_paid_through", "02/2026")
    u.submit("Ghi đề nghị")
    out_id = _case_id(page.url)
    u.act_as("gs1", out_id, "Đảng ủy cơ sở xác nhận, ghi sổ, chuyển hồ sơ", date="04/03/2026")
    u.act_as("dept", out_id, "Cấp giấy giới thiệu sinh hoạt đảng", date="06/03/2026")
    first = _letter_text(page, base, shots / "letter-out.pdf")
    assert "Đảng ủy phường Trung Hòa" in first and leaver_name in first
    # the member reports the letter lost: a new letter replaces it
    u.act(
        "Cấp lại giấy giới thiệu (đảng viên báo mất giấy)",
        {"#loss_report": "Đơn trình báo ngày 10/3/2026, xác nhận của Công an phường Tiên Cát"},
        date="12/03/2026",
    )
    second = _letter_text(page, base, shots / "letter-out-reissued.pdf")
    assert "thay thế giấy giới thiệu số" in second and "đã báo mất" in second
    u.shot("21-letter-reissued")
    u.act(
        "Ghi nhận nơi đến đã tiếp nhận",
        {"#reference": "Phiếu báo số 12, Đảng ủy phường Trung Hòa"},
        date="25/03/2026",
    )
    assert u.state() == "Nơi đến đã xác nhận tiếp nhận (ra khỏi Đảng bộ)"

    # in from outside: the department registers the letter, the receiving cell confirms
    page.goto(f"{base}/cases/open/transfer_in")
    for selector, value in {
        "#full_name": "Phan Văn Đến",
        "#birth_date": "02/04/1985",
        "#citizen_id": "025085000777",
        "#ethnicity": "Kinh",
        "#religion": "Không",
        "#home_town": "xã Bắc Hà, tỉnh Lào Cai",
        "#occupation": "Kỹ sư",
        "#joined_on": "06/01/2010",
        "#official_on": "06/01/2011",
        "#event_date": "16/03/2026",
        "#letter_number": "45-GT/ĐU",
        "#letter_issuer": "Ban Tổ chức Đảng ủy tỉnh Lào Cai",
        "#letter_on": "09/03/2026",
        "#origin": "Chi bộ Trường THPT Bắc Hà",
        "#card_number": "25012345",
        "#biography_number": "998877-LC",
    }.items():
        page.fill(selector, value)
    page.select_option("#sex", "male")
    page.select_option("#education", "university")
    page.select_option("#member_status", "official")
    page.select_option("#destination_org", str(world.orgs["G2"]))
    u.shot("22-incoming-letter")
    u.submit("Vào sổ")
    expect(page.locator(".flash-success")).to_have_count(1)
    in_id = _case_id(page.url)
    u.login("sec2")
    c2_before = cell_count("C2")
    u.act_as(
        "gs2",
        in_id,
        "Xác nhận đảng viên đã xuất trình giấy và sinh hoạt tại chi bộ",
        selects={"#cell": str(world.orgs["C2"])},
        date="18/03/2026",
    )
    u.login("sec2")
    assert cell_count("C2") == c2_before + 1

    # a temporary stay at another organization, and the return
    u.login("sec1")
    page.goto(f"{base}/people/{visitor}")
    page.get_by_role("link", name="Chuyển sinh hoạt tạm thời").click()
    page.fill("#event_date", "02/03/2026")
    page.select_option("#purpose", "study")
    page.select_option("#destination_org", str(world.orgs["G3"]))
    page.fill("#period_start", "16/03/2026")
    page.fill("#period_end", "15/05/2026")
    page.fill("#dues_paid_through", "02/2026")
    u.submit("Ghi đề nghị")
    body = page.locator("main").inner_text()
    assert "từ 3 tháng trở lên" in body  # two months is not a temporary transfer
    page.fill("#period_end", "15/12/2026")
    u.submit("Ghi đề nghị")
    stay_id = _case_id(page.url)
    u.act_as("gs1", stay_id, "Đảng ủy cơ sở xác nhận", date="04/03/2026")
    # the department's letters are numbered in date order: this one after the reissued letter
    u.act_as("dept", stay_id, "Cấp giấy giới thiệu sinh hoạt đảng tạm thời", date="13/03/2026")
    assert "tạm thời" in _letter_text(page, base, shots / "letter-temporary.pdf")
    u.act_as("gs3", stay_id, "Xác nhận đảng viên đến sinh hoạt tạm thời", date="16/03/2026")
    page.goto(f"{base}/orgs/{world.orgs['G3']}")
    assert visitor_name in page.locator("main").inner_text()
    u.shot("23-hosted-temporarily")
    u.login("sec1")
    # on the home list throughout; the leaver is off it
    assert cell_count("C1") == c1_before - 1
    u.open_case(stay_id)
    u.act("Ghi nhận đảng viên trở về sinh hoạt", date="12/06/2026")
    assert u.state() == "Đã trở về sinh hoạt tại chi bộ"
    page.goto(f"{base}/people/{visitor}")
    history = page.locator("table.list").first.inner_text()
    assert "Đảng bộ Bệnh viện tỉnh" in history and "12/06/2026" in history

    # the department's register lists the three letters it gave and the one it received
    u.login("dept")
    page.goto(f"{base}/transfers/register?year=2026")
    main = page.locator("main").inner_text()
    assert "Giới thiệu đi (3)" in main and "Tiếp nhận đến (1)" in main
    assert "Báo mất; đã cấp lại" in main and "Phan Văn Đến" in main
    u.shot("24-register")
    pdf = page.request.get(f"{base}/transfers/register?year=2026&format=pdf")
    (shots / "register-2026.pdf").write_bytes(pdf.body())
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.body())).pages
    )
    assert "SỔ GIỚI THIỆU SINH HOẠT ĐẢNG" in text and "45-GT/ĐU" in text
    with app.app_context():
        assert db.session.get(Person, leaver).presence == "left"
        assert db.session.get(Person, visitor).cell_id == world.orgs["C1"]
