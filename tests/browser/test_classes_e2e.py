"""The training classes on a phone (390 px wide), in Chromium: the department opens a class
through its form, puts a candidate on it by citizen ID, records the results in the grid,
issues the certificates and prints them; a cell secretary proposes one of their people. No
page scrolls sideways and every list is a card list whose cells carry their column's label."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from tests.browser.driver import expect
from tests.browser.test_narrow_screens import CARD_PROBLEMS, KEPT_TABLES, PHONE, _sign_out
from tests.builders import person_data
from tests.training.helpers import candidate
from workflow.clock import clock
from workflow.extensions import db
from workflow.models import Case, Certificate, PrintJob, TrainingClass
from workflow.operations import people as people_ops
from workflow.store.uow import unit_of_work

pytestmark = pytest.mark.browser


def _fits(page, user, name: str) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width[0]} px wide"
    assert page.evaluate(CARD_PROBLEMS, KEPT_TABLES) == [], page.url
    user.shot(f"phone-classes-{name}")


def test_a_class_from_opening_to_printed_certificates_on_a_phone(live, page, user):
    app, world, base = live
    with app.app_context(), unit_of_work():
        person = people_ops.create_person(
            person_data("Lý Thị Hồng", date(1999, 8, 9)),
            cell=world.org("C1"),
            actor=world.actor("dept"),
        )
        citizen_id = person.citizen_id
        own = people_ops.create_person(
            person_data("Âu Văn Phúc", date(1997, 2, 3), sex="male"),
            cell=world.org("C1"),
            actor=world.actor("dept"),
        )
        own_id = own.id
    page.set_viewport_size(PHONE)
    user.login("dept")
    page.goto(f"{base}/classes/new")
    _fits(page, user, "new")
    page.select_option("#kind", "awareness")
    page.fill("#title", "Lớp bồi dưỡng nhận thức về Đảng khóa 9/2025")
    page.fill("#starts_on", "15/09/2025")
    page.fill("#ends_on", "19/09/2025")
    page.fill("#place", "Hội trường Đảng ủy Khối")
    page.fill("#opening_decision", "125-QĐ/ĐUK")
    user.submit("Mở lớp")
    expect(page.locator(".flash-success")).to_contain_text("Đã mở lớp.")
    class_url = page.url
    page.fill("#citizen_id", citizen_id)
    user.submit("Đưa vào lớp")
    expect(page.locator(".flash-success")).to_contain_text("Lý Thị Hồng")
    _fits(page, user, "detail")

    # a cell secretary proposes one of their own people
    _sign_out(page)
    user.login("sec1")
    page.goto(class_url)
    page.select_option("#person", str(own_id))
    user.submit("Đề nghị")
    expect(page.locator(".flash-success")).to_contain_text("Đã đề nghị cử Âu Văn Phúc")
    _fits(page, user, "secretary")

    _sign_out(page)
    user.login("dept")
    page.goto(f"{class_url}/results")
    _fits(page, user, "results")
    for select in page.locator("select[name^='attendance-']").all():
        select.select_option("full")
    for select in page.locator("select[name^='result-']").all():
        select.select_option("good")
    user.submit("Lưu")
    expect(page.locator(".flash-success")).to_contain_text("Đã ghi kết quả của 2 học viên.")
    page.fill("#issued_on", "20/09/2025")
    user.submit("Cấp giấy chứng nhận")
    expect(page.locator(".flash-success")).to_contain_text("Đã cấp 2 giấy chứng nhận")
    user.submit("In giấy chứng nhận của lớp (một tệp PDF)")
    expect(page.locator("main")).to_contain_text("Đã xong 2 giấy chứng nhận.")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp PDF").click()
    data = download.value.path().read_bytes()
    assert data[:5] == b"%PDF-"
    _fits(page, user, "job")
    page.goto(f"{base}/classes/")
    _fits(page, user, "list")
    with app.app_context():
        assert db.session.query(TrainingClass).count() == 1
        assert sorted(c.number for c in db.session.query(Certificate)) == ["1/CN-NTVĐ", "2/CN-NTVĐ"]
        assert db.session.query(PrintJob).one().status == "done"


LAPTOP = {"width": 1366, "height": 900}


def _as(page, user, username: str, viewport: dict) -> None:
    """Sign in afresh as ``username`` on a screen of that size (the old session's cookies
    dropped, whatever the screen folds away)."""
    page.goto("about:blank")
    page.context.clear_cookies()
    page.set_viewport_size(viewport)
    user.login(username)


def test_two_organizations_send_trainees_and_the_certificate_admits_a_candidate(live, page, user):
    """The department runs an awareness class at a laptop; two cell secretaries send their
    candidates from their phones (one from the candidate's case, one from the class's page),
    the department adds a person on no source list by citizen ID, records a failure, issues
    and prints the certificates; the candidate who passed moves on in her case on the class's
    certificate, the one who failed is told why he cannot; the quarter's report counts the class."""
    app, world, base = live
    with app.app_context():
        lan_case = world.new_candidate("C1", name="Phùng Thị Lan", opened=date(2025, 9, 1))
        minh_case = world.new_candidate("C2", name="Khúc Văn Minh", opened=date(2025, 9, 1))
        outsider = candidate(world, "C3", "Ông Thị Nguyệt")
        outsider_cid = outsider.citizen_id
        minh_id = db.session.get(Case, minh_case).person_id
        clock().set_today(date(2025, 9, 5))  # the class is still to come

    _as(page, user, "dept", LAPTOP)
    page.goto(f"{base}/classes/new")
    page.select_option("#kind", "awareness")
    page.fill("#title", "Lớp bồi dưỡng nhận thức về Đảng khóa II năm 2025")
    page.fill("#starts_on", "08/09/2025")
    page.fill("#ends_on", "12/09/2025")
    page.fill("#place", "Hội trường Đảng ủy Khối")
    page.fill("#opening_decision", "131-QĐ/ĐUK")
    user.submit("Mở lớp")
    class_url = page.url
    class_id = int(class_url.rstrip("/").rsplit("/", 1)[1])

    # the first cell sends its candidate from her case, choosing the class from the list
    _as(page, user, "sec1", PHONE)
    user.open_case(lan_case)
    user.act(
        "Cử đi học lớp bồi dưỡng nhận thức về Đảng",
        selects={"#training_class": str(class_id)},
        date="05/09/2025",
    )
    _fits(page, user, "trial-sent-from-case")
    # the second cell proposes its candidate on the class's page
    _as(page, user, "sec2", PHONE)
    page.goto(class_url)
    page.select_option("#person", str(minh_id))
    user.submit("Đề nghị")
    expect(page.locator(".flash-success")).to_contain_text("Khúc Văn Minh")
    roster = page.locator("table.roster tbody tr")
    expect(roster).to_have_count(1)  # a secretary sees their own people only
    _fits(page, user, "trial-second-cell")

    _as(page, user, "dept", LAPTOP)
    page.goto(class_url)
    for _ in range(2):
        with page.expect_navigation():
            page.get_by_role("button", name="Nhận vào lớp").first.click()
        expect(page.locator(".flash-success")).to_contain_text("vào danh sách lớp")
    page.fill("#citizen_id", outsider_cid)
    user.submit("Đưa vào lớp")
    expect(page.locator(".flash-success")).to_contain_text("Ông Thị Nguyệt")
    expect(page.locator("main")).to_contain_text("3 trong danh sách")
    with app.app_context():
        clock().set_today(date(2025, 9, 15))  # the class is over
    page.goto(f"{class_url}/results")
    for row in page.locator("table tbody tr").all():
        failed = "Khúc Văn Minh" in row.inner_text()
        row.locator("select[name^='attendance-']").select_option("partial" if failed else "full")
        row.locator("select[name^='result-']").select_option("failed" if failed else "good")
    user.submit("Lưu")
    expect(page.locator(".flash-success")).to_contain_text("Đã ghi kết quả của 3 học viên.")
    page.fill("#issued_on", "12/09/2025")
    user.submit("Cấp giấy chứng nhận")
    expect(page.locator(".flash-success")).to_contain_text("Đã cấp 2 giấy chứng nhận")
    user.submit("In giấy chứng nhận của lớp (một tệp PDF)")
    expect(page.locator("main")).to_contain_text("Đã xong 2 giấy chứng nhận.")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp PDF").click()
    printed = user.shots / "trial-certificates.pdf"
    printed.write_bytes(download.value.path().read_bytes())
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(printed), str(printed.with_suffix(""))],
                   check=True)  # fmt: skip
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(str(printed)).pages]
    assert len(pages) == 2
    assert any("PHÙNG THỊ LAN" in t.upper() for t in pages)
    assert any("ÔNG THỊ NGUYỆT" in t.upper() for t in pages)
    assert not any("KHÚC VĂN MINH" in t.upper() for t in pages)

    # the candidate who passed moves on in her case on the class's certificate
    _as(page, user, "sec1", PHONE)
    user.open_case(lan_case)
    user.act("Ghi nhận giấy chứng nhận của lớp đã học", date="15/09/2025")
    expect(page.locator(".case-head .badge")).to_contain_text("giấy chứng nhận")
    # the one who failed is told why he cannot
    _as(page, user, "sec2", PHONE)
    user.open_case(minh_case)
    user.shot("phone-classes-trial-failed")
    expect(page.locator("main")).to_contain_text("Không đạt")
    _fits(page, user, "trial-refused")

    # the quarter's report counts the class and its two trainees
    _as(page, user, "dept", LAPTOP)
    page.goto(f"{base}/reports/?from=2025-07-01&to=2025-09-30")
    expect(page.locator("main")).to_contain_text(
        "tổ chức 01 lớp bồi dưỡng nhận thức về Đảng cho 2 quần chúng"
    )
    user.shot("trial-report")
    with app.app_context():
        db.session.expire_all()
        assert db.session.get(Case, lan_case).state == "certified"
        assert db.session.get(Case, minh_case).state == "source_list"
