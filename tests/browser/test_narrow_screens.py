"""The pages on a phone (390 px wide) and the header on a laptop, in Chromium: no page scrolls
sideways, each row of a list is a card whose cells carry their column's label, the due date
opens each card of "Việc của tôi" and "Thời hạn", the folded menu opens and its links work; at
1280 and 1366 px the header takes at most two lines."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.driver import expect
from tests.builders import PASSWORD, current_code
from tests.roster.helpers import member, xlsx
from tests.transfers.test_transfers import official
from workflow.extensions import db
from workflow.models import Case, Organization

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
REPORT = "/reports/?from=2026-01-01&to=2026-06-15"

#: every table of a page that is not a card list: label/value pairs, and the wide figure table
#: that scrolls inside its own box
KEPT_TABLES = "table.pairs, table.wide"

#: problems of the tables on the page: a row that is not shown as a card, a cell whose label
#: is not its column's heading
CARD_PROBLEMS = """(kept) => {
  const text = (el) => el.textContent.trim().replace(/\\s+/g, ' ');
  const problems = [];
  for (const table of document.querySelectorAll('main table')) {
    if (table.matches(kept) || !table.getClientRects().length) continue;
    const heads = [...table.querySelectorAll('thead th')]
      .flatMap((th) => Array(th.colSpan).fill(text(th)));
    for (const row of table.querySelectorAll('tbody tr')) {
      if (getComputedStyle(row).display !== 'flex') problems.push('not a card: ' + text(row));
      let column = 0;
      for (const cell of row.children) {
        const label = cell.getAttribute('data-label') || '';
        if (cell.colSpan === 1 && label !== (heads[column] || '')) {
          problems.push(`column “${heads[column]}” labelled “${label}”`);
        }
        column += cell.colSpan;
      }
    }
  }
  return problems;
}"""

#: the label of the cell shown first in each card of the page's first list
FIRST_LABELS = """() => [...document.querySelectorAll('main table.list tbody tr')].map((row) => {
  const cells = [...row.children].filter((c) => c.getClientRects().length);
  cells.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
  return cells[0].getAttribute('data-label');
})"""

#: the lines the header's menu and account links take
HEADER_LINES = """() => {
  const middles = [...document.querySelectorAll('.topbar .mainnav a, .topbar .userbox > *')]
    .map((el) => el.getBoundingClientRect())
    .map((r) => r.top + r.height / 2)
    .sort((a, b) => a - b);
  return middles.filter((m, i) => i === 0 || m - middles[i - 1] > 12).length;
}"""


def _seed(app, world, base_dir) -> dict[str, object]:
    """Rows for every list: a candidate on the source list, one waiting for the department with
    a running deadline, a member transferred with the letter issued, a checked import file."""
    with app.app_context():
        world.new_candidate("C1", name="Nguyễn Thị Hằng")
        waiting = world.new_candidate("C1", name="Trần Văn Bình", birth=date(1998, 4, 2))
        world.advance(waiting, "grassroots_resolved")
        moved = official(world, world.members["C1"][3])
        world.fire(moved, "record_grassroots_part", "gs1", reference="12-SHĐ")
        world.fire(moved, "issue_letter", "dept")
        assert db.session.get(Case, waiting).deadlines
        person = db.session.get(Case, waiting).person_id
        cell = db.session.get(Organization, world.orgs["C1"]).id
    roster = base_dir / "danh-sach.xlsx"
    bad = member(full_name="Đinh Văn Lỗi", cell="KHONG-CO")
    roster.write_bytes(xlsx([member(full_name="Lò Văn Sáng"), bad]))
    return {"case": waiting, "person": person, "cell": cell, "roster": roster}


def _open_menu(page) -> None:
    page.get_by_text("Trình đơn", exact=True).click()
    expect(page.locator(".mainnav")).to_be_visible()


def _sign_out(page) -> None:
    """Out through the folded menu, as a phone user does."""
    if page.locator("form[action='/logout'] button").count():
        _open_menu(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Đăng xuất").click()


def _check_page(page, base: str, path: str, user, name: str) -> None:
    response = page.goto(f"{base}{path}")
    assert response.status == 200, path
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{path} scrolls sideways at {width[1]} px: {width[0]} px wide"
    assert page.evaluate(CARD_PROBLEMS, KEPT_TABLES) == [], path
    expect(page.locator(".mainnav")).to_be_hidden()
    user.shot(f"phone-{name}-{path.split('?')[0].strip('/').replace('/', '-') or 'home'}")


def test_every_list_reads_on_a_phone_and_the_menu_folds(live, page, user, tmp_path):
    app, world, base = live
    seeded = _seed(app, world, tmp_path)
    page.set_viewport_size(PHONE)

    # the cell secretary: the menu folds behind one button, opens, and its links work
    user.login("sec1")
    expect(page.locator(".mainnav")).to_be_hidden()
    _open_menu(page)
    links = page.locator(".mainnav a")
    assert links.count() >= 7
    for box in (links.nth(i).bounding_box() for i in range(links.count())):
        assert box["height"] >= 40 and box["x"] + box["width"] <= PHONE["width"]
    with page.expect_navigation():
        page.locator(".mainnav").get_by_role("link", name="Thời hạn").click()
    assert page.url == f"{base}/deadlines/"
    expect(page.locator(".mainnav")).to_be_hidden()
    _open_menu(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Đổi mật khẩu").click()
    assert page.url == f"{base}/account/password"

    secretary = [
        "/",
        "/cases/",
        f"/cases/{seeded['case']}",
        "/cases/open/admission",
        "/people/",
        f"/people/{seeded['person']}",
        "/transfers/",
        "/deadlines/",
        "/documents/",
        "/cards/",
        "/orgs/",
        f"/orgs/{seeded['cell']}",
        "/account/tokens/",
    ]
    for path in secretary:
        _check_page(page, base, path, user, "sec1")
    page.goto(f"{base}/")
    assert set(page.evaluate(FIRST_LABELS)) == {"Thời hạn"}

    # the department staff, signed out and in again through the folded menu
    _sign_out(page)
    user.login("dept")
    page.goto(f"{base}/")
    assert page.locator("main table.list tbody tr").count() >= 1
    assert set(page.evaluate(FIRST_LABELS)) == {"Thời hạn"}
    page.goto(f"{base}/deadlines/")
    assert page.locator("main table.list tbody tr").count() >= 2
    assert set(page.evaluate(FIRST_LABELS)) == {"Hạn"}

    page.goto(f"{base}/people/import/")
    page.set_input_files("#file", str(seeded["roster"]))
    user.submit("Tải lên và kiểm tra")
    batch = page.url.removeprefix(base)
    department = [
        "/",
        "/cases/",
        f"/cases/{seeded['case']}",
        "/people/",
        batch,
        "/people/import/",
        "/transfers/",
        "/transfers/register",
        "/deadlines/",
        "/documents/",
        "/cards/",
        REPORT,
        "/reports/targets",
        "/orgs/",
        "/admin/calendar",
        "/admin/audit",
        "/admin/access-log",
    ]
    for path in department:
        _check_page(page, base, path, user, "dept")
    page.goto(f"{base}{REPORT}")
    figures = page.locator("#members")
    assert figures.evaluate("t => getComputedStyle(t.parentElement).overflowX") == "auto"

    # the administrator's lists
    _sign_out(page)
    page.goto(f"{base}/login")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
    with app.app_context():
        code = current_code()
    page.fill("#code", code)
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận").click()
    for path in ("/admin/users", f"/admin/users/{world.users['sec1']}"):
        _check_page(page, base, path, user, "admin")


@pytest.mark.parametrize("width", [1280, 1366])
def test_the_header_takes_at_most_two_lines_on_a_laptop(live, page, user, width):
    _app, _world, base = live
    page.set_viewport_size({"width": width, "height": 900})
    user.login("dept")
    for path in ("/", "/reports/"):
        page.goto(f"{base}{path}")
        expect(page.get_by_text("Trình đơn", exact=True)).to_be_hidden()
        expect(page.locator(".mainnav")).to_be_visible()
        assert page.locator(".mainnav a").count() >= 10
        assert page.evaluate(HEADER_LINES) <= 2, path
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    user.shot(f"laptop-{width}-header")
