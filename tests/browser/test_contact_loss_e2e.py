"""A member out of contact through the pages, in Chromium: the cell secretary on a phone
(390 px) reports the member from their page, and later records the contact restored (a date
after the meeting refused first, said why); the grassroots committee's staff confirms on a
laptop (1366 px); the department reads the member's page, where the period is listed as
recorded by the case, and voids another report made by mistake. Each page is kept as a PNG
(in ``$E2E_SCREENSHOTS`` when set)."""

from __future__ import annotations

import pytest

from states import REGISTRY
from tests.browser.driver import expect
from tests.browser.test_leaving_e2e import LAPTOP, PHONE, _case_id, _fits, _sign_in

pytestmark = pytest.mark.browser

STATES = REGISTRY["contact_loss"].states
SEARCH = "Chi ủy đã gọi điện, nhắn tin, đến nơi cư trú; gia đình cho biết đồng chí đi làm ăn xa."


def _report(u, person: int, since: str, day: str) -> int:
    u.page.goto(f"{u.base}/people/{person}")
    u.page.get_by_role("link", name="Báo cáo mất liên lạc").click()
    u.page.fill("#event_date", day)
    u.page.fill("#since", since)
    u.page.fill("#search", SEARCH)
    u.page.fill("#resolution", "Số 03-NQ/CB")
    _fits(u.page)
    u.submit("Ghi báo cáo")
    return _case_id(u.page.url)


def test_a_member_out_of_contact_reported_confirmed_and_back(live, page, shots, user):
    _app, world, base = live
    u = user
    lost, mistaken = world.members["C1"][2], world.members["C1"][3]

    # --- the cell secretary reports, on a phone --------------------------------------------
    _sign_in(u, "sec1", PHONE)
    case_id = _report(u, lost, "01/02/2026", "05/03/2026")
    assert u.state() == STATES["reported"]
    expect(page.locator("main")).to_contain_text("Mất liên lạc từ 01/02/2026")
    _fits(page)
    u.shot("contact-loss-01-reported-phone")
    page.goto(f"{base}/people/{lost}")
    notice = page.locator("dd.notice")
    expect(notice).to_contain_text("Mất liên lạc từ 01/02/2026")
    expect(notice.get_by_role("link")).to_have_attribute("href", f"/cases/{case_id}")
    expect(page.locator("main")).to_contain_text(f"ghi theo hồ sơ #{case_id}")
    _fits(page)
    u.shot("contact-loss-02-member-page-phone")

    # --- the grassroots committee confirms, on a laptop -------------------------------------
    _sign_in(u, "gs1", LAPTOP)
    u.open_case(case_id)
    u.act("Đảng ủy cơ sở xác nhận đảng viên mất liên lạc", {"#reference": "Số 21-CV/ĐU"},
          date="10/03/2026")  # fmt: skip
    assert u.state() == STATES["lost"]
    _fits(page)
    u.shot("contact-loss-03-confirmed-laptop")

    # --- the department reads the member's party age, and voids a mistaken report ----------
    _sign_in(u, "sec1", PHONE)
    other = _report(u, mistaken, "01/03/2026", "10/03/2026")
    _sign_in(u, "dept", LAPTOP)
    page.goto(f"{base}/people/{lost}")
    expect(page.locator("main")).to_contain_text(
        "01/02/2026 – nay: Mất liên lạc với tổ chức đảng (trừ 4 tháng)"
    )
    _fits(page)
    u.shot("contact-loss-04-party-age-laptop")
    u.open_case(other)
    u.act("Hủy: ghi nhầm", {"#reason": "Nhầm với đồng chí cùng tên ở chi bộ khác."},
          date="12/03/2026")  # fmt: skip
    assert u.state() == STATES["voided"]
    expect(page.locator("main")).to_contain_text("Đã hủy (ghi nhầm)")
    _fits(page)
    u.shot("contact-loss-05-voided-laptop")
    page.goto(f"{base}/people/{mistaken}")
    expect(page.locator("dd.notice")).to_have_count(0)

    # --- back in touch: the secretary records it, on the phone -----------------------------
    _sign_in(u, "sec1", PHONE)
    u.open_case(case_id)
    page.get_by_role("link", name="Ghi đảng viên đã liên lạc lại với chi bộ", exact=True).click()
    page.fill("#event_date", "20/04/2026")
    page.fill("#restored_on", "21/04/2026")  # after the cell's record: refused, said why
    page.fill("#opinion", "Đồng chí đã về địa phương, đến gặp chi ủy, xin sinh hoạt lại.")
    u.submit()
    expect(page.locator(".errors").first).to_contain_text(
        "không được sau ngày chi bộ ghi nhận (20/04/2026)"
    )
    _fits(page)
    u.shot("contact-loss-06-restoration-refused-phone")
    page.fill("#restored_on", "15/04/2026")
    u.submit()
    assert u.state() == STATES["restored"]
    expect(page.locator("main")).to_contain_text("Từ 01/02/2026 đến 15/04/2026")
    _fits(page)
    u.shot("contact-loss-07-restored-phone")
    page.goto(f"{base}/people/{lost}")
    expect(page.locator("dd.notice")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(
        "01/02/2026 – 15/04/2026: Mất liên lạc với tổ chức đảng (trừ 2 tháng)"
    )
    _fits(page)
    u.shot("contact-loss-08-member-page-after-phone")
