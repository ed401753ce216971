"""A cell secretary rates the cell's members on a phone (390 px): the grid folds into one card
per member with its column labels, nothing scrolls sideways, one excellent too many is
refused with its reason, and the whole grid is saved and sent at once; the grassroots
committee's staff then approve it."""

from __future__ import annotations

import pytest

from tests.browser.driver import expect
from tests.browser.test_narrow_screens import CARD_PROBLEMS, KEPT_TABLES, PHONE, _sign_out
from workflow.models import RatingPeriod
from workflow.ratings import operations

pytestmark = pytest.mark.browser


def _fits(page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    assert page.evaluate(CARD_PROBLEMS, KEPT_TABLES) == []


def test_the_cell_grid_on_a_phone(live, page, user):
    app, world, base = live
    with app.app_context():
        period_id = operations.create_period(
            {"kind": "year", "year": "2025"}, actor=world.actor("dept")
        ).id
    members = world.members["C1"]
    page.set_viewport_size(PHONE)
    user.login("sec1")
    page.goto(f"{base}/ratings/{period_id}")
    _fits(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Nhập", exact=True).first.click()
    _fits(page)
    for pid in members:
        page.select_option(f"[name=self_level-{pid}]", "good")
        page.fill(f"[name=self_score-{pid}]", "80")
        page.select_option(f"[name=proposed_level-{pid}]", "good")
        page.fill(f"[name=proposed_score-{pid}]", "82")
    for pid in members[:2]:
        page.select_option(f"[name=proposed_level-{pid}]", "excellent")
        page.fill(f"[name=proposed_score-{pid}]", "93")
        page.check(f"[name=proposed_conditions-{pid}]")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".flash-error")).to_contain_text(
        "tối đa 1 đảng viên hoàn thành xuất sắc (20%); đã đề xuất 2."
    )
    user.shot("phone-rating-grid-refused")
    page.select_option(f"[name=proposed_level-{members[1]}]", "good")
    page.fill(f"[name=proposed_score-{members[1]}]", "85")
    user.submit("Lưu và gửi đảng ủy cơ sở")
    expect(page.locator(".flash-success")).to_contain_text("Đã gửi đề xuất")
    _fits(page)
    user.shot("phone-rating-grid-sent")
    _sign_out(page)
    user.login("gs1")
    page.goto(f"{base}/ratings/{period_id}/cells/{world.orgs['C1']}/approve")
    _fits(page)
    page.select_option("[name=cell_level]", "good")
    page.fill("[name=cell_score]", "84")
    user.submit("Duyệt")
    expect(page.locator(".flash-success")).to_contain_text("Đã duyệt xếp loại của 9 đảng viên")
    with app.app_context():
        period = operations.get_period(period_id)
        assert isinstance(period, RatingPeriod)
        levels = sorted(r.level for r in operations.ratings_of(period, world.org("C1")).values())
        assert levels == ["excellent"] + ["good"] * 8
