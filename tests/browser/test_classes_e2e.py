"""The training classes on a phone (390 px wide), in Chromium: the department opens a class
through its form, puts a candidate on it by citizen ID, records the results in the grid,
issues the certificates and prints them; a cell secretary proposes one of their people. No
page scrolls sideways and every list is a card list whose cells carry their column's label."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.driver import expect
from tests.browser.test_narrow_screens import CARD_PROBLEMS, KEPT_TABLES, PHONE, _sign_out
from tests.builders import person_data
from workflow.extensions import db
from workflow.models import Certificate, PrintJob, TrainingClass
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
