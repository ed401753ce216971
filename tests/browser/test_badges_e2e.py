"""A 19/5 badge round on a phone (390 px wide), in Chromium: the department opens the round,
the cell secretary confirms the member with the declaration received, the grassroots committee
sends its list, the department compiles it and records the provincial decision, and the
badge is handed over with its number; no page scrolls sideways."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.badges.helpers import veteran
from tests.browser.driver import expect
from tests.browser.test_narrow_screens import CARD_PROBLEMS, KEPT_TABLES, PHONE, _sign_out
from workflow.clock import clock
from workflow.extensions import db
from workflow.models import AuditEntry, BadgeAward

pytestmark = pytest.mark.browser


def _fits(page, user, name: str) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width[0]} px wide"
    assert page.evaluate(CARD_PROBLEMS, KEPT_TABLES) == [], page.url
    user.shot(f"phone-badges-{name}")


def test_a_19_5_round_from_proposal_to_ceremony_on_a_phone(live, page, user):
    app, world, base = live
    with app.app_context():
        clock().set_today(date(2026, 5, 25))
        member = veteran(world, "Nguyễn Văn Đạt", date(1996, 3, 15)).id
    page.set_viewport_size(PHONE)
    user.login("dept")
    page.goto(f"{base}/badges/")
    _fits(page, user, "rounds")
    page.select_option("select[name=occasion]", "19/5")
    page.fill("input[name=year]", "2026")
    user.submit("Mở đợt và lập danh sách đề nghị")
    expect(page.locator(".flash-success")).to_contain_text("Đã mở đợt 19/5/2026")
    round_url = page.url
    _fits(page, user, "round-department")
    with app.app_context():
        award = db.session.scalars(select(BadgeAward).where(BadgeAward.person_id == member)).one()
        award_id = award.id

    _sign_out(page)
    user.login("sec1")
    page.goto(round_url)
    card = page.locator(f"#award-{award_id}")
    expect(card).to_contain_text("Huy hiệu 30 năm")
    card.locator("input[name=reviewed_on]").fill("24/05/2026")
    card.locator("input[name=declaration_on]").fill("20/05/2026")
    _fits(page, user, "round-cell")
    user.submit("Ghi ý kiến chi bộ")
    expect(page.locator(".flash-success")).to_contain_text("Đã ghi ý kiến chi bộ.")
    expect(page.locator(f"#award-{award_id}")).to_contain_text("Chi bộ đã xét")

    _sign_out(page)
    user.login("gs1")
    page.goto(round_url)
    page.locator("input[name=sent_on]").fill("24/05/2026")
    user.submit("Gửi danh sách")
    expect(page.locator(".flash-success")).to_contain_text("Đã gửi danh sách.")

    _sign_out(page)
    user.login("dept")
    page.goto(round_url)
    page.locator("input[name=compiled_on]").fill("24/05/2026")
    user.submit("Tổng hợp trình Ban Thường vụ Tỉnh ủy")
    page.locator("input[name=decision_number]").fill("1520-QĐ/TU")
    page.locator("input[name=decision_on]").fill("25/05/2026")
    user.submit("Ghi quyết định của Ban Thường vụ Tỉnh ủy")
    expect(page.locator(".lead")).to_contain_text("Quyết định số 1520-QĐ/TU ngày 25/05/2026")

    _sign_out(page)
    user.login("gs1")
    page.goto(round_url)
    card = page.locator(f"#award-{award_id}")
    card.locator("input[name=badge_number]").fill("PT-A-000123")
    card.locator("input[name=handed_on]").fill("25/05/2026")
    _fits(page, user, "round-ceremony")
    user.submit("Ghi trao Huy hiệu")
    expect(page.locator(f"#award-{award_id}")).to_contain_text("số Huy hiệu PT-A-000123")
    with app.app_context():
        row = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "badge.awarded")
        ).one()
        assert (row.person_id, row.event_date) == (member, date(2026, 5, 25))
