"""Members taken off the lists and brought back, through the pages, in Chromium: a removal for
missed party activity to its numbered decision and the card collected, a member leaving at their
own request with the party-age confirmation, a death and its dossier handed up within its clock,
a re-admission refused before the 36 months and decided after them with the provincial consent;
the cell's list as of each day and the period's report agree with what happened.

The cell secretary works on a phone (390 px wide), the committees on a laptop (1366 px). Each
role logs in with its own account; CSRF protection is on. Screenshots and the printed documents
(PDF and a PNG of each page) are written to the test's temporary directory (and to
``$E2E_SCREENSHOTS`` when set).
"""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from tests.browser.driver import PASSWORD, expect
from tests.leaving.helpers import cell_vote
from workflow.clock import clock
from workflow.extensions import db
from workflow.models import Case, Decision, MembershipGap, Person

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
#: what a page must never show a user: a key in place of a label
KEY = re.compile(r"\b[a-z]+_[a-z_]+\b|\buser \d+\b")


def _sign_in(u, username: str, viewport: dict) -> None:
    """Sign in afresh as ``username`` on a screen of the given size (the phone's menu folds
    the sign-out button away: the old session's cookies are dropped instead, once the page
    is left, so that no request still on its way brings the session back)."""
    u.page.goto("about:blank")
    u.page.context.clear_cookies()
    u.page.set_viewport_size(viewport)
    u.page.goto(f"{u.base}/login")
    u.page.fill("#username", username)
    u.page.fill("#password", PASSWORD)
    with u.page.expect_navigation():
        u.page.get_by_role("button", name="Đăng nhập").click()
    expect(u.page).to_have_url(f"{u.base}/")


def _fits(page) -> None:
    """Nothing scrolls sideways and no key is shown instead of its label."""
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width}"
    text = page.locator("main").inner_text()
    assert not KEY.findall(text), (page.url, KEY.findall(text)[:5])


def _case_id(url: str) -> int:
    return int(re.search(r"/cases/(\d+)", url).group(1))


def _pdf(page, base: str, href: str, saved) -> tuple[list[str], bytes]:
    """The text of each page of a downloaded PDF; the file and a PNG of each page are kept."""
    response = page.request.get(f"{base}{href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    saved.write_bytes(body)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(saved), str(saved.with_suffix(""))], check=True
    )
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(body)).pages]
    return pages, body


def _signature_keeps_its_article(pages: list[str], signer: str) -> None:
    """The signature is never alone on a page: the page it is on carries an article too."""
    signed = next(t for t in pages if signer in t)
    assert "Điều" in signed or "xác nhận" in signed, signed


def test_a_removal_and_a_leaving_through_to_their_decisions_and_the_lists_agree(
    live, page, shots, user
):
    app, world, base = live
    u = user
    removed, leaver = world.members["C1"][2], world.members["C1"][3]
    with app.app_context():
        removed_name = db.session.get(Person, removed).full_name
        leaver_name = db.session.get(Person, leaver).full_name

    # --- removal for missed party activity: the cell secretary, on a phone ----------------
    _sign_in(u, "sec1", PHONE)
    page.goto(f"{base}/people/{removed}")
    page.get_by_role("link", name="Đề xuất xóa tên").click()
    page.fill("#event_date", "02/03/2026")
    page.select_option("#ground", "skipped_activity")
    page.fill("#facts", "Không sinh hoạt chi bộ, không đóng đảng phí tháng 11, 12/2025, 1/2026.")
    _fits(page)
    u.shot("leaving-01-removal-proposed-phone")
    u.submit("Ghi đề xuất")
    removal = _case_id(page.url)
    assert u.state() == "Chi bộ đề xuất xem xét xóa tên, chờ bản tự kiểm điểm"
    for day in ("04/03/2026", "11/03/2026", "18/03/2026"):
        u.act("Ghi lần chi ủy yêu cầu viết bản tự kiểm điểm", date=day)
    request = page.locator("li.action", has_text="Ghi lần chi ủy yêu cầu viết bản tự kiểm điểm")
    expect(request.locator(".button.disabled")).to_have_count(1)  # three times at most
    expect(request).to_contain_text("Chi ủy đã yêu cầu 3 lần")
    _fits(page)
    u.shot("leaving-02-three-requests-phone")
    u.act("Xem xét không cần bản tự kiểm điểm", selects={"#why": "no_answer"}, date="25/03/2026")
    page.get_by_role("link", name="Ghi nghị quyết chi bộ đề nghị xóa tên").click()
    page.fill("#event_date", "20/03/2026")  # before the step recorded last: refused, said why
    page.select_option("#violation", "none")
    page.fill("#official_total", "9")
    page.fill("#yes", "8")
    page.fill("#no", "0")
    u.submit()
    expect(page.locator(".errors").first).to_contain_text(
        "không được trước ngày của bước đã ghi trước đó (25/03/2026)"
    )
    _fits(page)
    u.shot("leaving-03-vote-refused-phone")
    page.fill("#event_date", "01/04/2026")
    u.submit()
    assert u.state() == "Chi bộ đã có nghị quyết đề nghị xóa tên"

    # --- the chain above, on a laptop ------------------------------------------------------
    _sign_in(u, "gs1", LAPTOP)
    u.open_case(removal)
    u.act("Ghi nghị quyết đảng ủy cơ sở đề nghị xóa tên", cell_fields(9), date="08/04/2026")
    _sign_in(u, "dept", LAPTOP)
    u.open_case(removal)
    u.act("Thẩm định, trình Ban Thường vụ", {"#opinion": "Đủ căn cứ xóa tên."}, date="15/04/2026")
    assert u.state() == "Ban Tổ chức đã thẩm định, trình Ban Thường vụ"

    # the signer approves it on the meeting's page
    _sign_in(u, "signer", LAPTOP)
    page.goto(f"{base}/documents/approve")
    row = page.locator("table.list tbody tr", has_text=removed_name)
    expect(row).to_contain_text("Quyết định xóa tên đảng viên")
    page.check(f"#case-{removal}")
    page.fill("#meeting_on", "22/04/2026")
    page.fill("#members_total", "11")
    page.fill("#members_present", "10")
    page.fill("#password", PASSWORD)
    _fits(page)
    u.shot("leaving-04-meeting-page")
    u.submit("Ký các quyết định đã chọn")
    expect(page.locator(".flash-success")).to_contain_text("Đã ký duyệt 1/1")
    expect(page.locator("main")).to_contain_text("Số 1-QĐ/ĐUK")

    # the cell collects the card; the committee closes the case once the complaint time is over
    _sign_in(u, "sec1", PHONE)
    u.open_case(removal)
    assert u.state() == "Đã có quyết định xóa tên (thu hồi thẻ, thời hạn khiếu nại)"
    deadlines = page.locator("section.deadlines").inner_text()
    assert "hạn 08/06/2026" in deadlines and "Đã hết hạn" in deadlines
    assert "Quá hạn" not in deadlines  # the end of a time to complain is nobody's fault
    votes = page.locator("section", has_text="Kết quả biểu quyết").last.inner_text()
    assert "Ban Thường vụ" in votes and "dự họp 10" in votes
    u.act("Ghi thu hồi thẻ đảng viên", date="28/04/2026")
    _fits(page)
    u.shot("leaving-05-removal-decided-phone")
    _sign_in(u, "gs1", LAPTOP)
    u.open_case(removal)
    u.act("Kết thúc hồ sơ (đã thu hồi thẻ, hết thời hạn khiếu nại)", date="10/06/2026")
    assert u.state() == "Đã xóa tên, kết thúc hồ sơ"
    href = page.get_by_role("link", name="Tải PDF").first.get_attribute("href")
    pages, _ = _pdf(page, base, href, shots / "removal-decision.pdf")
    text = " ".join(pages)
    for words in (
        "QUYẾT ĐỊNH",
        "Về việc xóa tên đảng viên",
        "Số 1-QĐ/ĐUK",
        "ngày 22 tháng 4 năm 2026",
        f"Xóa tên đồng chí {removed_name}",
        "Bỏ sinh hoạt đảng hoặc không đóng đảng phí ba tháng",
        "T/M BAN THƯỜNG VỤ",
    ):
        assert words.lower() in text.lower(), words
    _signature_keeps_its_article(pages, "Lê Văn Thường")

    # the member's page says how and when she left
    page.goto(f"{base}/people/{removed}")
    facts = page.locator("main").inner_text()
    assert "Xóa tên trong danh sách đảng viên ngày 22/04/2026" in facts
    assert "không còn trong danh sách đảng viên từ ngày 22/04/2026" in facts
    assert "Hiện nay: sinh hoạt tại" not in facts

    # --- leaving at one's own request ------------------------------------------------------
    _sign_in(u, "sec1", PHONE)
    page.goto(f"{base}/people/{leaver}")
    page.get_by_role("link", name="Ghi đơn xin ra khỏi Đảng").click()
    page.fill("#event_date", "05/03/2026")
    page.fill("#reasons", "Hoàn cảnh gia đình đặc biệt khó khăn, phải chăm sóc cha mẹ già yếu.")
    u.submit("Ghi đơn")
    leaving = _case_id(page.url)
    u.act(
        "Ghi nghị quyết chi bộ đề nghị cho ra khỏi Đảng",
        cell_fields(9, 8),
        date="12/03/2026",
    )
    _fits(page)
    u.shot("leaving-06-leaving-cell-phone")
    _sign_in(u, "gs1", LAPTOP)
    u.open_case(leaving)
    u.act("Ghi nghị quyết đảng ủy cơ sở đề nghị", cell_fields(9), date="19/03/2026")
    _sign_in(u, "dept", LAPTOP)
    u.open_case(leaving)
    u.act("Thẩm định, trình Ban Thường vụ", {"#opinion": "Đồng ý."}, date="26/03/2026")

    # the signer on the case page: the register keeps its numbers in date order
    _sign_in(u, "signer", LAPTOP)
    u.open_case(leaving)
    page.get_by_role("link", name="Phê duyệt quyết định cho ra khỏi Đảng").click()
    page.fill("#event_date", "02/04/2026")
    _standing_vote(page)
    page.fill("#password", PASSWORD)
    u.submit()
    expect(page.locator(".errors").first).to_contain_text("Chọn ngày ký từ 22/04/2026 trở đi.")
    page.fill("#event_date", "29/04/2026")
    page.fill("#password", PASSWORD)
    u.submit()
    assert u.state() == "Đã có quyết định cho ra khỏi Đảng"
    page.get_by_role("link", name="Cấp giấy xác nhận tuổi đảng (theo đề nghị)").click()
    page.fill("#event_date", "20/04/2026")  # before the decision it cites: refused, said why
    page.fill("#request", "Đơn đề nghị ngày 04/05/2026")
    page.fill("#password", PASSWORD)
    u.submit()
    expect(page.locator(".errors").first).to_contain_text("chọn ngày từ 29/04/2026 trở đi")
    page.fill("#event_date", "06/05/2026")
    page.fill("#password", PASSWORD)
    u.submit()
    expect(page.locator(".flash-success")).to_have_count(1)
    u.shot("leaving-07-left-with-confirmation")
    facts = page.locator("dl.facts").first.inner_text()
    assert "Hoàn cảnh gia đình đặc biệt khó khăn" in facts  # the application's reasons
    assert "Số 2-QĐ/ĐUK ngày 29/04/2026" in facts and "Số 1-XN/ĐUK ngày 06/05/2026" in facts
    links = page.get_by_role("link", name="Tải PDF")
    expect(links).to_have_count(2)
    decision, _ = _pdf(page, base, links.nth(0).get_attribute("href"), shots / "leaving.pdf")
    text = " ".join(decision)
    assert "Về việc cho đảng viên ra khỏi Đảng" in text  # the Party keeps its capital
    assert "Số 2-QĐ/ĐUK" in text and f"Cho đồng chí {leaver_name}" in text
    _signature_keeps_its_article(decision, "Lê Văn Thường")
    with page.expect_navigation():  # the document's own page, in words
        page.get_by_role("link", name="Số 1-XN/ĐUK").click()
    _fits(page)
    u.open_case(leaving)
    confirmation, _ = _pdf(
        page, base, links.nth(1).get_attribute("href"), shots / "party-age-confirmation.pdf"
    )
    text = " ".join(confirmation)
    for words in (
        "GIẤY XÁC NHẬN TUỔI ĐẢNG",
        "Số 1-XN/ĐUK",
        f"xác nhận đồng chí {leaver_name}",
        "Quyết định số 2-QĐ/ĐUK ngày 29/04/2026",
        "đến ngày ra khỏi Đảng: 16 năm 3 tháng",
    ):
        assert words in text, words
    assert len(confirmation) == 1
    _sign_in(u, "gs1", LAPTOP)
    u.open_case(leaving)
    u.act("Kết thúc hồ sơ (thu hồi thẻ, chuyển hồ sơ đảng viên)", date="08/05/2026")
    assert u.state() == "Đã ra khỏi Đảng, kết thúc hồ sơ"

    # --- the cell's list as of each day, and the period's report ---------------------------
    _sign_in(u, "sec1", PHONE)
    cell = world.orgs["C1"]
    for day, count, present, absent in (
        ("21/04/2026", 9, (removed_name, leaver_name), ()),
        ("25/04/2026", 8, (leaver_name,), (removed_name,)),
        ("15/06/2026", 7, (), (removed_name, leaver_name)),
    ):
        page.goto(f"{base}/orgs/{cell}")
        page.fill("#on", day)
        with page.expect_navigation():
            page.get_by_role("button", name="Xem").click()
        heading = page.locator("main h2", has_text="Đảng viên trong danh sách ngày")
        expect(heading).to_have_text(f"Đảng viên trong danh sách ngày {day} ({count})")
        names = page.locator("main table.list").first.inner_text()
        assert all(n in names for n in present) and not any(n in names for n in absent)
        _fits(page)
    u.shot("leaving-08-list-as-of-phone")
    page.goto(f"{base}/orgs/{cell}")  # today's list names only those on it
    expect(page.locator("main h2", has_text="Danh sách")).to_have_text("Danh sách (7)")
    page.goto(f"{base}/people/?status=removed")
    gone = page.locator("main table.list").inner_text()
    assert removed_name in gone and leaver_name in gone

    _sign_in(u, "dept", LAPTOP)
    page.goto(f"{base}/admin/audit")  # the trail names the cases in words, the Party capital
    expect(page.locator("main")).to_contain_text("(cho ra khỏi Đảng (đảng viên xin ra khỏi Đảng))")
    _fits(page)
    export = page.request.get(f"{base}/people/export.xlsx?org={cell}")
    assert export.status == 200
    rows = _sheet_rows(export.body())
    by_name = {r[1]: r for r in rows if len(r) > 1}
    assert "22/04/2026" in _cells(by_name[removed_name])
    assert "Xóa tên trong danh sách đảng viên" in _cells(by_name[removed_name])
    assert "Cho ra khỏi Đảng" in _cells(by_name[leaver_name])
    page.goto(f"{base}/reports/?from=2026-04-01&to=2026-06-30")
    # the period reads dd/mm/yyyy whatever the browser's language
    expect(page.get_by_label("Từ ngày")).to_have_value("01/04/2026")
    expect(page.get_by_label("Đến ngày")).to_have_value("30/06/2026")
    flows = page.locator("main").inner_text()
    for label in ("Xóa tên đảng viên chính thức\t1", "Cho ra khỏi Đảng\t1"):
        assert label in flows, label
    assert (
        "2 đảng viên ra khỏi danh sách (xóa tên đảng viên chính thức 1, cho ra khỏi Đảng 1)"
        in flows
    )
    total = page.locator("#members tr.total").inner_text().split("\t")
    assert total[1:10] == ["45", "0", "45", "0", "2", "43", "0", "43", "0"], total
    u.shot("leaving-09-report")

    with app.app_context():
        db.session.rollback()
        assert db.session.get(Case, removal).state == "closed"
        assert db.session.get(Person, removed).member_status == "removed"
        assert db.session.get(Person, leaver).member_status == "removed"
        kinds = {d.kind for d in db.session.query(Decision).filter(Decision.status == "issued")}
        assert kinds == {"removal", "leaving", "party_age_confirmation"}


def cell_fields(total: int, yes: int | None = None) -> dict[str, str]:
    vote = cell_vote(total, yes)
    return {f"#{k}": str(vote[k]) for k in ("official_total", "yes", "no")}


def _standing_vote(page) -> None:
    for field, value in (("members_total", "11"), ("members_present", "10"), ("yes", "10")):
        page.fill(f"#{field}", value)
    page.fill("#no", "0")


def _sheet_rows(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def _cells(row: list[object]) -> str:
    return " ".join(v.strftime("%d/%m/%Y") if isinstance(v, date) else str(v) for v in row if v)


def test_a_death_is_reported_and_its_dossier_handed_up_within_its_clock(live, page, shots, user):
    app, world, base = live
    u = user
    member = world.members["C1"][4]
    with app.app_context():
        name = db.session.get(Person, member).full_name

    _sign_in(u, "sec1", PHONE)
    page.goto(f"{base}/people/{member}")
    page.get_by_role("link", name="Ghi nhận đảng viên từ trần").click()
    expect(page.locator("main")).to_contain_text("lên cấp trên trong 30 ngày làm việc kể từ")
    page.fill("#event_date", "20/05/2026")
    page.fill("#notice", "Giấy báo tử số 123/GBT ngày 21/05/2026, UBND phường Tiên Cát")
    _fits(page)
    u.shot("leaving-10-death-reported-phone")
    u.submit()
    expect(page.locator(".flash-success")).to_contain_text("Đã ghi nhận đảng viên từ trần")
    case_id = _case_id(page.url)
    assert u.state() == "Đã ghi nhận đảng viên từ trần, chờ lập phiếu báo"

    _sign_in(u, "gs1", LAPTOP)
    u.open_case(case_id)
    u.act("Lập phiếu báo đảng viên đã từ trần", {"#cause": "Bệnh hiểm nghèo"}, date="25/05/2026")
    # the slip is numbered in the grassroots committee's register and printed
    href = page.get_by_role("link", name="Tải PDF").first.get_attribute("href")
    pages, _ = _pdf(page, base, href, shots / "death-notice-slip.pdf")
    slip = " ".join(pages)
    for words in ("PHIẾU BÁO ĐẢNG VIÊN ĐÃ TỪ TRẦN", "Số 1-PB/", name, "Đã từ trần ngày 20/05/2026"):
        assert words in slip, words
    deadline = page.locator("section.deadlines").inner_text()
    assert "hạn 06/07/2026 (30 ngày làm việc kể từ 25/05/2026)" in deadline
    # the clock on the deadlines page and on "Việc của tôi"
    page.goto(f"{base}/deadlines/")
    row = page.locator("table.list tbody tr", has_text=name)
    expect(row).to_contain_text("Bàn giao hồ sơ đảng viên từ trần lên cấp trên")
    expect(row).to_contain_text("06/07/2026")
    expect(row).to_contain_text("Còn 15 ngày làm việc")
    u.shot("leaving-11-death-clock-deadlines")
    page.goto(f"{base}/")
    expect(page.locator("table.list tbody tr", has_text=name)).to_contain_text("06/07/2026")
    _sign_in(u, "sec1", PHONE)
    page.goto(f"{base}/deadlines/")
    expect(page.locator("table.list tbody tr", has_text=name)).to_contain_text("06/07/2026")
    _fits(page)
    u.shot("leaving-12-death-clock-phone")

    _sign_in(u, "gs1", LAPTOP)
    u.open_case(case_id)
    u.act(
        "Bàn giao phiếu báo và hồ sơ đảng viên lên cấp trên",
        {"#reference": "Biên bản số 07-BB/ĐU ngày 05/06/2026"},
        date="05/06/2026",
    )
    _sign_in(u, "dept", LAPTOP)
    u.open_case(case_id)
    u.act("Ghi đã nhận hồ sơ, cập nhật cơ sở dữ liệu đảng viên", date="09/06/2026")
    assert u.state() == "Cấp trên đã nhận hồ sơ, kết thúc"
    _fits(page)
    page.goto(f"{base}/deadlines/")
    expect(page.locator("main")).not_to_contain_text(name)  # handed up in time: no clock left
    page.goto(f"{base}/people/{member}")
    expect(page.locator("main")).to_contain_text("Từ trần ngày 20/05/2026")
    with app.app_context():
        db.session.rollback()
        case = db.session.get(Case, case_id)
        assert case.state == "closed"
        assert [d.status for d in case.deadlines] == ["met"]  # handed up in time
        assert db.session.get(Person, member).member_status == "removed"


def test_a_readmission_is_refused_before_the_36_months_and_decided_after_them(
    live, page, shots, user
):
    app, world, base = live
    u = user
    member = world.members["C1"][3]
    left_on = date(2026, 4, 29)
    with app.app_context():
        name = db.session.get(Person, member).full_name
        _left_the_party(world, member, left_on)

    _sign_in(u, "sec1", PHONE)
    page.goto(f"{base}/people/{member}")
    page.get_by_role("link", name="Xem xét kết nạp lại").click()
    expect(page.locator("main")).to_contain_text("sau ít nhất 36 tháng kể từ khi ra khỏi Đảng")
    page.fill("#event_date", "01/06/2026")
    u.submit("Đưa vào danh sách nguồn")
    case_id = _case_id(page.url)
    with app.app_context():
        world.advance(case_id, "awaiting_cell_meeting", start=date(2026, 6, 2), step_days=1)
        clock().set_today(date(2026, 6, 15))
    u.open_case(case_id)
    meeting = page.locator("li.action", has_text="Ghi nghị quyết chi bộ đề nghị kết nạp (6-KNĐ)")
    expect(meeting).to_contain_text("sớm nhất ngày 29/04/2029")  # said before the meeting
    expect(meeting.locator(".button.disabled")).to_have_count(1)
    _fits(page)
    u.shot("leaving-13-readmission-too-soon-phone")

    # 36 months later the cell meets: first without the hardship it must confirm
    with app.app_context():
        clock().set_today(date(2029, 5, 10))
    u.open_case(case_id)
    page.get_by_role("link", name="Ghi nghị quyết chi bộ đề nghị kết nạp (6-KNĐ)").click()
    page.fill("#event_date", "02/05/2029")
    page.fill("#yes", page.input_value("#official_total"))
    page.fill("#no", "0")
    page.select_option("#excluded_case", "none")
    u.submit()
    expect(page.locator(".errors").first).to_contain_text("hoàn cảnh gia đình đặc biệt khó khăn")
    _fits(page)
    u.shot("leaving-14-readmission-hardship-phone")
    page.check("#hardship")
    u.submit()
    expect(page.locator(".flash-success")).to_have_count(1)
    assert u.state() == "Chi bộ đã đề nghị kết nạp"
    with app.app_context():
        world.advance(case_id, "department_appraised", start=date(2029, 5, 3), step_days=1)
        clock().set_today(date(2029, 5, 20))

    # the provincial standing committee's written consent, asked for and recorded
    _sign_in(u, "signer", LAPTOP)
    u.open_case(case_id)
    expect(page.get_by_role("link", name="Phê duyệt quyết định kết nạp lại")).to_have_count(0)
    _sign_in(u, "dept", LAPTOP)
    u.open_case(case_id)
    u.act(
        "Đề nghị Ban Thường vụ Tỉnh ủy đồng ý kết nạp lại",
        {"#reference": "Số 45-CV/ĐUK ngày 08/05/2029"},
        date="08/05/2029",
    )
    assert u.state() == "Chờ Ban Thường vụ Tỉnh ủy đồng ý bằng văn bản"
    u.shot("leaving-15-awaiting-consent")
    u.act(
        "Ghi văn bản đồng ý của Ban Thường vụ Tỉnh ủy",
        {"#provincial_consent": "Công văn số 120-CV/TU ngày 14/05/2029"},
        date="14/05/2029",
    )
    assert u.state() == "Ban Thường vụ Tỉnh ủy đã đồng ý, chờ quyết định kết nạp lại"
    _sign_in(u, "signer", LAPTOP)
    u.open_case(case_id)
    page.get_by_role("link", name=re.compile("^Phê duyệt quyết định kết nạp")).click()
    page.fill("#event_date", "18/05/2029")
    _standing_vote(page)
    page.fill("#password", PASSWORD)
    u.submit()
    expect(page.locator(".flash-success")).to_have_count(1)
    u.shot("leaving-16-readmitted-decision")
    href = page.get_by_role("link", name="Tải PDF").first.get_attribute("href")
    pages, _ = _pdf(page, base, href, shots / "readmission.pdf")
    text = " ".join(pages)
    assert "về việc kết nạp lại đảng viên" in text.lower() and name in text
    assert "Kết nạp lại" in text
    assert "Căn cứ văn bản đồng ý của Ban Thường vụ Tỉnh ủy (Công văn số 120-CV/TU" in text
    _signature_keeps_its_article(pages, "Lê Văn Thường")
    with app.app_context():
        db.session.rollback()
        case = db.session.get(Case, case_id)
        assert case.state == "admission_decided"
        decision = db.session.query(Decision).filter_by(case_id=case_id).one()
        assert (decision.kind, decision.status) == ("readmission", "issued")
        # the time out does not count in the party age
        gap = db.session.query(MembershipGap).filter_by(person_id=member).one()
        assert (gap.start_on, gap.end_on) == (left_on, date(2029, 5, 18))


def _left_the_party(world, member: int, on: date) -> None:
    """The member left at their own request, the decision signed on ``on`` (through the
    engine: the pages of this path are walked in the test above)."""
    from tests.leaving.helpers import open_for

    case_id = open_for(world, "leaving", member, "sec1", date(2026, 3, 5), reasons="Gia đình.")
    world.fire(case_id, "record_cell_resolution", "sec1", date(2026, 3, 12),
               **cell_vote(9))  # fmt: skip
    world.fire(case_id, "record_grassroots_resolution", "gs1", date(2026, 3, 19), **cell_vote(9))
    world.fire(case_id, "appraise_by_department", "dept", date(2026, 3, 26), opinion="Đồng ý.")
    world.fire(case_id, "approve_leaving", "signer", on)
    world.fire(case_id, "close", "gs1", date(2026, 5, 8), dossier="Ban Tổ chức")
