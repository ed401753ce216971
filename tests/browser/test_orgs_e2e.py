"""The organizations through time, through the pages, in Chromium: the department's staff on a
laptop (1366 px) merges three grassroots committees into one (and two cells into one) on a past
date, records the upper committee's succession, upgrades a grassroots cell to a committee and
renames a cell; the decisions print the issuer of their day, numbered in its own register; the
tree as of a day, the changes between two days, the printed tree and the period reports place
organizations and members as they were; bad input is refused in Vietnamese; a cell secretary on
a phone (390 px) sees their own organization only. Screenshots, the PDFs and a PNG of each page
are kept (in ``$E2E_SCREENSHOTS`` when set)."""

from __future__ import annotations

import re

import pytest

from tests.browser.driver import expect
from tests.browser.test_leaving_e2e import LAPTOP, PHONE, _fits, _pdf, _sign_in

pytestmark = pytest.mark.browser

MERGED_ON = "15/11/2024"
MERGED_NAME = "Đảng bộ Khối Kinh tế - Y tế"
OLD_UPPER = "ĐẢNG ỦY KHỐI"
OLD_NAME = "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh"
NEW_UPPER = "Đảng ủy các cơ quan Đảng tỉnh"


def _event_form(u, kind: str, day: str) -> None:
    u.page.goto(f"{u.base}/orgs/events/new?kind={kind}")
    u.page.fill("[name=effective_on]", day)


def _record(u, name: str) -> int:
    """Send the event's form; it is recorded (its page shown) and its id returned."""
    with u.page.expect_navigation():
        u.page.locator("main form button.primary").click()
    if not u.page.locator(".flash-success").count():
        u.shot(f"failed-{name}")
        raise AssertionError(u.page.locator("main").inner_text()[:1500])
    _fits(u.page)
    u.shot(name)
    return int(re.search(r"/orgs/events/(\d+)", u.page.url).group(1))


def _refused(u, name: str, words: str) -> None:
    with u.page.expect_navigation():
        u.page.locator("main form button.primary").click()
    expect(u.page.locator("main .errors")).to_contain_text(words)
    _fits(u.page)
    u.shot(name)


def _decision(u, shots, event_id: int, name: str) -> str:
    pages, _ = _pdf(u.page, u.base, f"/orgs/events/{event_id}/decision.pdf", shots / f"{name}.pdf")
    return " ".join(pages)


def _members_row(page, name: str) -> list[int]:
    """The figures of an organization's row in the report's table of members (start
    official, probationary, total; in; out; end official, probationary, total; in transit)."""
    row = page.locator("#members tbody tr").filter(
        has=page.get_by_role("cell", name=name, exact=True)
    )
    cells = row.locator("td.num").all_inner_texts()
    return [int(c.replace(".", "")) for c in cells]


def _fits_wide(page) -> None:
    """The page does not scroll sideways (a wide table scrolls inside its own box)."""
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width}"


def test_organizations_merged_upgraded_and_succeeded_through_the_pages(live, page, shots, user):
    _app, world, base = live
    u = user
    ids = world.orgs
    main = page.locator("main")
    _sign_in(u, "dept", LAPTOP)

    # --- refusals first: merge into itself, a future date, too few members -------------------
    _event_form(u, "merge", MERGED_ON)
    page.select_option("[name=target_id]", str(ids["G1"]))
    for code in ("G1", "G2"):
        page.check(f"[name=sources][value='{ids[code]}']")
    _refused(u, "orgs-01-merge-into-itself", "Không hợp nhất Đảng bộ Sở Tài chính vào chính nó")
    _event_form(u, "rename", "01/01/2027")
    page.select_option("[name=org_id]", str(ids["C2"]))
    page.fill("[name=name]", "Chi bộ Phòng Kỹ thuật - Vận hành")
    _refused(u, "orgs-02-future-date", "Ngày hiệu lực không được sau ngày hôm nay")
    _event_form(u, "establish", "01/12/2024")
    page.fill("[name=code]", "C1N")
    page.fill("[name=name]", "Chi bộ Phòng Thanh tra")
    page.select_option("[name=kind_of_org]", "cell")
    page.select_option("[name=parent_id]", str(ids["G1"]))
    _refused(u, "orgs-03-too-few-members", "ít nhất 3 đảng viên chính thức")

    # --- 15/11/2024: two cells of G1 into one; G2 and G3 into G1, renamed ------------------
    _event_form(u, "merge", MERGED_ON)
    page.select_option("[name=target_id]", str(ids["C1"]))
    page.check(f"[name=sources][value='{ids['C1B']}']")
    cells_merged = _record(u, "orgs-04-cells-merged")
    _event_form(u, "merge", MERGED_ON)
    page.select_option("[name=target_id]", str(ids["G1"]))
    for code in ("G2", "G3"):
        page.check(f"[name=sources][value='{ids[code]}']")
    page.fill("[name=name]", MERGED_NAME)
    merged = _record(u, "orgs-05-committees-merged")
    expect(page.locator("main")).to_contain_text("Hợp nhất tổ chức đảng")

    # --- 01/03/2025: the upper committee is succeeded --------------------------------------
    _event_form(u, "succeed_upper", "01/03/2025")
    page.fill("[name=name]", NEW_UPPER)
    page.fill("[name=abbreviation]", "ĐUCCQ")
    page.fill("[name=external_reference]", "Quyết định số 25-QĐ/TU ngày 28/02/2025 của Tỉnh ủy")
    page.fill("[name=term_label]", "nhiệm kỳ 2020 – 2025")
    _record(u, "orgs-06-upper-succeeded")

    # --- 20/05/2025: the grassroots cell becomes a grassroots committee --------------------
    _event_form(u, "upgrade", "20/05/2025")
    page.select_option("[name=org_id]", str(ids["GC4"]))
    page.fill("[name=name]", "Đảng bộ Sở Tư pháp")
    page.fill("[name=cell_code]", "C4A")
    page.fill("[name=cell_name]", "Chi bộ Văn phòng Sở Tư pháp")
    upgraded = _record(u, "orgs-07-cell-upgraded")

    # --- 10/02/2026: a cell renamed ---------------------------------------------------------
    _event_form(u, "rename", "10/02/2026")
    page.select_option("[name=org_id]", str(ids["C2"]))
    page.fill("[name=name]", "Chi bộ Phòng Kỹ thuật - Vận hành")
    renamed = _record(u, "orgs-08-cell-renamed")

    # --- the decisions print their own issuer, numbered in its own register ----------------
    first = _decision(u, shots, cells_merged, "orgs-decision-2024-cells")
    second = _decision(u, shots, merged, "orgs-decision-2024-committees")
    third = _decision(u, shots, upgraded, "orgs-decision-2025-upgrade")
    fourth = _decision(u, shots, renamed, "orgs-decision-2026-rename")
    assert OLD_UPPER in first.upper() and "NGÀY 15 THÁNG 11 NĂM 2024" in first.upper(), first
    assert NEW_UPPER.upper() not in first.upper()
    assert "Số 1-QĐ/" in first and "Số 2-QĐ/" in second, (first, second)
    assert MERGED_NAME in second
    for text in (third, fourth):
        assert NEW_UPPER.upper() in text.upper(), text
        assert OLD_UPPER not in text.upper().replace(NEW_UPPER.upper(), "")
    assert "Số 1-QĐ/ĐUCCQ" in third, third
    assert "Số 2-QĐ/ĐUCCQ" in fourth, fourth

    # the register of documents lists them too, each opening on its event
    page.goto(f"{base}/documents/?year=2024")
    expect(main).to_contain_text("Số 2-QĐ/ĐUK")
    _fits(page)
    u.shot("orgs-09-documents-laptop")
    with page.expect_navigation():
        page.get_by_role("link", name="Số 2-QĐ/ĐUK").click()
    expect(page).to_have_url(f"{base}/orgs/events/{merged}")
    page.goto(f"{base}/orgs/events")
    expect(main.locator("tbody tr")).to_have_count(5)
    _fits(page)
    u.shot("orgs-09-events-laptop")

    # --- the tree before and after the merger, the changes between, the printed tree -------
    page.goto(f"{base}/orgs/tree?on=14/11/2024")
    for name in ("Đảng bộ Sở Tài chính", "Đảng bộ Công ty Điện lực", "Chi bộ Văn phòng Sở"):
        expect(main).to_contain_text(name)
    expect(main).not_to_contain_text(MERGED_NAME)
    _fits(page)
    u.shot("orgs-09-tree-before-merger")
    page.goto(f"{base}/orgs/tree?on=15/11/2024")
    expect(main).to_contain_text(MERGED_NAME)
    for name in ("Đảng bộ Công ty Điện lực", "Chi bộ Văn phòng Sở"):
        expect(main).not_to_contain_text(name)
    _fits(page)
    u.shot("orgs-10-tree-after-merger")
    page.goto(f"{base}/orgs/changes?from=01/10/2024&to=31/05/2025")
    expect(main).to_contain_text("Đổi tên (trước: Đảng bộ Sở Tài chính)")
    expect(main).to_contain_text("Thôi hoạt động")
    expect(main).to_contain_text(NEW_UPPER)
    _fits(page)
    u.shot("orgs-11-changes")
    tree_pages, _ = _pdf(page, base, "/orgs/tree?on=31/12/2024&format=pdf", shots / "orgs-tree.pdf")
    tree_text = " ".join(tree_pages)
    assert MERGED_NAME in tree_text and "31/12/2024" in tree_text, tree_text

    # --- the period reports place organizations and members as they were -----------------
    page.goto(f"{base}/reports/?from=2024-10-01&to=2024-12-31")
    expect(main).to_contain_text(f"{OLD_NAME}, từ ngày 01/10/2024 đến ngày 31/12/2024")
    # start, in, out, end of each committee: the merged ones start with their members, who
    # leave with their cells as a reorganization
    assert _members_row(page, "Đảng bộ Công ty Điện lực") == [9, 0, 9, 0, 9, 0, 0, 0, 0]
    assert _members_row(page, "Đảng bộ Bệnh viện tỉnh") == [9, 0, 9, 0, 9, 0, 0, 0, 0]
    assert _members_row(page, MERGED_NAME) == [18, 0, 18, 27, 9, 36, 0, 36, 0]
    assert _members_row(page, "Chi bộ Sở Tư pháp") == [9, 0, 9, 0, 0, 9, 0, 9, 0]
    expect(main).to_contain_text("chuyển đến 0, chuyển đi 0 đảng viên")
    _fits_wide(page)
    u.shot("orgs-12-report-q4-2024")
    page.goto(f"{base}/reports/?from=2025-04-01&to=2025-06-30")
    expect(main).to_contain_text(f"{NEW_UPPER}, từ ngày 01/04/2025 đến ngày 30/06/2025")
    # the upgraded cell is the committee it became; its members moved to its new cell
    assert _members_row(page, "Đảng bộ Sở Tư pháp") == [9, 0, 9, 9, 9, 9, 0, 9, 0]
    assert _members_row(page, MERGED_NAME) == [36, 0, 36, 0, 0, 36, 0, 36, 0]
    expect(main).to_contain_text("chuyển đến 0, chuyển đi 0 đảng viên")
    _fits_wide(page)
    u.shot("orgs-13-report-q2-2025")
    href = page.get_by_role("link", name="Tải PDF").get_attribute("href")
    report = " ".join(_pdf(page, base, href, shots / "orgs-report-q2-2025.pdf")[0])
    # printed today: sent by the committee of today, about the period
    assert NEW_UPPER.upper() in report.upper() and OLD_NAME.upper() not in report.upper()
    assert "Đảng bộ Sở Tư pháp" in report

    # --- a cell secretary on a phone sees their own organization only ----------------------
    _sign_in(u, "sec1", PHONE)
    page.goto(f"{base}/orgs/tree")
    expect(main).to_contain_text("Chi bộ Phòng Ngân sách")
    for name in (MERGED_NAME, "Chi bộ Phòng Kỹ thuật", "Đảng bộ Sở Tư pháp"):
        expect(main).not_to_contain_text(name)
    _fits(page)
    u.shot("orgs-14-tree-phone")
    # the events of their own cell (its merger) and of the upper committee only, not the
    # other committees'
    page.goto(f"{base}/orgs/events")
    expect(main.locator("tbody tr")).to_have_count(2)
    expect(main.locator("tbody tr").first).to_contain_text("Đảng ủy cấp trên")
    expect(main.locator("tbody tr").last).to_contain_text("Hợp nhất tổ chức đảng")
    _fits(page)
    u.shot("orgs-15-events-phone")
    assert page.request.get(f"{base}/orgs/events/{merged}").status == 404
    page.goto(f"{base}/orgs/events/{cells_merged}")
    expect(main.locator("dl")).to_contain_text("Đảng viên chuyển sang sinh hoạt ở chi bộ khác9")
    _fits(page)
    u.shot("orgs-16-event-phone")
    page.goto(f"{base}/orgs/changes?from=01/10/2024&to=31/05/2025")
    expect(main).to_contain_text("Sự kiện và quyết định (2)")
    expect(main).not_to_contain_text(MERGED_NAME)
    _fits(page)
    u.shot("orgs-17-changes-phone")
