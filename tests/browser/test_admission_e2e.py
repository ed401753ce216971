"""One candidate from the source list to admitted, through the pages, in Chromium.

Each role logs in with its own account and uses the forms as a user would; CSRF protection is
on. Screenshots of the main pages are written to the test's temporary directory (and to
``$E2E_SCREENSHOTS`` when set).
"""

from __future__ import annotations

import io
import re

import pytest

from tests.browser.driver import PASSWORD, expect
from workflow.extensions import db
from workflow.models import Case, Decision

pytestmark = pytest.mark.browser


def test_a_candidate_goes_from_the_source_list_to_admitted(live, page, shots, user):
    app, world, base = live
    u = user

    # the cell secretary puts a person on the source list
    u.login("sec1")
    page.get_by_role("link", name="+ Đưa quần chúng vào danh sách nguồn").first.click()
    page.fill("#full_name", "Nguyễn Thị Hằng")
    page.fill("#birth_date", "15/03/2000")
    page.select_option("#sex", "female")
    page.fill("#citizen_id", "025300987654")
    page.fill("#home_town", "xã Phú Lộc, tỉnh Phú Thọ")
    page.select_option("#education", "university")
    page.fill("#occupation", "Chuyên viên Phòng Ngân sách")
    page.fill("#event_date", "05/09/2025")
    u.shot("01-source-list-form")
    u.submit("Đưa vào danh sách nguồn")
    assert "Đã đưa vào danh sách nguồn." in page.content()
    case_id = int(re.search(r"/cases/(\d+)", page.url).group(1))
    assert u.state() == "Trong danh sách nguồn"

    u.act(
        "Cử đi học lớp bồi dưỡng nhận thức về Đảng",
        {"#class_name": "Lớp bồi dưỡng khóa 9/2025"},
        date="10/09/2025",
    )
    u.act("Ghi giấy chứng nhận", {"#certificate_number": "215-CN/ĐUK"}, date="30/09/2025")
    u.act("Nộp đơn xin vào Đảng và lý lịch", date="10/10/2025")
    assert u.state() == "Đang hoàn thiện hồ sơ"
    members = world.members["C1"]
    page.get_by_role("link", name="Ghi người giới thiệu", exact=True).click()
    page.fill("#event_date", "12/10/2025")
    page.select_option("#route", "two_members")
    page.select_option("#sponsors-0-member", str(members[0]))
    page.fill("#sponsors-0-together_since", "01/01/2023")
    page.select_option("#sponsors-1-member", str(members[1]))
    page.fill("#sponsors-1-together_since", "01/06/2023")
    u.submit()
    expect(page.locator(".flash-success")).to_have_count(1)
    u.act(
        "Ghi nhận giấy tờ hồ sơ",
        {"#note": "Ý kiến Công đoàn, Đoàn Thanh niên, chi ủy nơi cư trú"},
        {"#document": "opinions"},
        date="15/10/2025",
    )

    # the grassroots committee verifies the biography
    u.act_as(
        "gs1",
        case_id,
        "Gửi yêu cầu thẩm tra lý lịch",
        {"#requests-0-subject": "Bản thân", "#requests-0-addressee": "Đảng ủy phường Tiên Cát"},
        date="20/10/2025",
    )
    conclude = page.locator("li.action", has_text="Kết luận thẩm tra, chứng nhận lý lịch")
    assert "Còn 1/1 yêu cầu thẩm tra chưa có kết quả." in conclude.inner_text()
    u.shot("02-guard-reasons")
    request_id = str(db_session_first_request(app, case_id))
    u.act(
        "Ghi kết quả thẩm tra",
        selects={"#request": request_id, "#result": "clear"},
        date="10/11/2025",
    )
    u.act(
        "Kết luận thẩm tra, chứng nhận lý lịch",
        {"#conclusion": "Lý lịch rõ ràng."},
        date="12/11/2025",
    )
    assert u.state() == "Chờ chi bộ xét"

    # the cell meeting: a failed threshold is explained on the form, then the real result
    u.login("sec1")
    u.open_case(case_id)
    page.get_by_role("link", name="Ghi nghị quyết chi bộ đề nghị kết nạp (6-KNĐ)").click()
    page.fill("#event_date", "20/11/2025")
    page.fill("#official_total", "9")
    page.fill("#yes", "5")
    page.fill("#no", "4")
    u.submit()
    assert "Số phiếu tán thành 5/9 chưa đạt 2/3 (cần ít nhất 6)." in page.content()
    u.shot("03-vote-below-threshold")
    page.fill("#yes", "8")
    page.fill("#no", "1")
    u.submit()
    assert u.state() == "Chi bộ đã đề nghị kết nạp"
    assert "Ra quyết định kết nạp" in page.content()  # the 60-working-day clock is running

    u.act_as(
        "gs1",
        case_id,
        "Ghi nghị quyết đảng ủy cơ sở (8-KNĐ)",
        {"#official_total": "9", "#yes": "9", "#no": "0"},
        date="01/12/2025",
    )

    u.act_as(
        "dept",
        case_id,
        "Thẩm định, trình Ban Thường vụ",
        {"#opinion": "Hồ sơ đầy đủ; đề nghị kết nạp."},
        date="10/12/2025",
    )
    assert u.state() == "Ban Tổ chức đã thẩm định, trình Ban Thường vụ"

    u.login("signer")
    page.goto(f"{base}/")
    assert "Nguyễn Thị Hằng" in page.locator("table.list").inner_text()  # waiting on me
    u.open_case(case_id)
    page.get_by_role("link", name="Phê duyệt quyết định kết nạp (9-KNĐ)").click()
    preview = page.locator("iframe.pdf").get_attribute("src")  # the draft, for review
    draft = page.request.get(f"{base}{preview}")
    assert draft.status == 200
    assert draft.headers["content-type"] == "application/pdf"
    assert draft.body().startswith(b"%PDF-")
    page.fill("#event_date", "18/12/2025")
    _standing_vote(page)
    page.fill("#password", "sai-mat-khau-roi")
    u.submit()
    assert "Mật khẩu không đúng" in page.content()
    u.shot("05-signer-review")
    page.fill("#password", PASSWORD)
    u.submit()
    expect(page.locator(".flash-success")).to_have_count(1)
    assert "Số 1-QĐ/ĐUK" in page.content()

    u.act_as("sec1", case_id, "Chi bộ nhận quyết định kết nạp", date="22/12/2025")
    u.act("Tổ chức lễ kết nạp", selects={"#helpers-0-member": str(members[2])}, date="06/01/2026")
    assert u.state() == "Đã kết nạp"
    u.shot("04-admitted-case-page")
    timeline = page.locator("ol.timeline").inner_text()
    for step in (
        "Đưa vào danh sách nguồn",
        "Ghi giấy chứng nhận",
        "Kết luận thẩm tra",
        "Ghi nghị quyết chi bộ đề nghị kết nạp",
        "Phê duyệt quyết định kết nạp",
        "Tổ chức lễ kết nạp",
    ):
        assert step in timeline
    assert "20/11/2025" in timeline and "06/01/2026" in timeline

    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case.state == "admitted"
        assert case.person.joined_on.isoformat() == "2026-01-06"
        decision = db.session.query(Decision).filter_by(case_id=case_id).one()
        assert case.person.admission_decision_on == decision.decided_on


def db_session_first_request(app, case_id: int) -> int:
    with app.app_context():
        return db.session.get(Case, case_id).verification_requests[0].id


def test_a_signer_approves_a_meetings_batch_and_prints_it(live, page, shots, user):
    app, world, base = live
    with app.app_context():
        cases = []
        for i, cell in enumerate(("C1", "C1B", "GC4", "C3")):
            cid = world.new_candidate(cell, name=f"Trần Thị {('Hoa', 'Lan', 'Mai', 'Đào')[i]}")
            world.advance(cid, "department_appraised")
            cases.append(cid)
    u = user
    u.login("signer")
    page.goto(f"{base}/documents/approve")
    for cid in cases:
        page.check(f"#case-{cid}")
    page.fill("#meeting_on", "05/03/2026")
    page.fill("#members_total", "11")
    page.fill("#members_present", "10")
    page.fill("#password", PASSWORD)
    u.shot("06-batch-approval")
    u.submit("Ký các quyết định đã chọn")
    expect(page.locator(".flash-success")).to_contain_text("Đã ký duyệt 4/4")
    expect(page.locator("table.list tbody tr")).to_have_count(4)
    u.submit("In cả phiên: một tệp PDF gộp và một tệp ZIP")
    # the job runs in the background; the page refreshes itself until it is done
    expect(page.get_by_role("link", name="Tải PDF gộp")).to_be_visible(timeout=60000)
    u.shot("07-batch-printed")
    href = page.get_by_role("link", name="Tải PDF gộp").get_attribute("href")
    combined = page.request.get(f"{base}{href}")
    assert combined.headers["content-type"] == "application/pdf"
    (shots / "meeting-combined.pdf").write_bytes(combined.body())
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(combined.body()))
    assert len(reader.pages) == 4
    texts = [" ".join(p.extract_text().split()) for p in reader.pages]
    for number, name in zip(
        range(1, 5), ("Trần Thị Hoa", "Trần Thị Lan", "Trần Thị Mai", "Trần Thị Đào"), strict=True
    ):
        assert any(f"Số {number}-QĐ/ĐUK" in t and name in t for t in texts)


def test_probation_ends_in_recognition_for_one_and_removal_for_another(live, page, shots, user):
    from datetime import date, timedelta

    from workflow.clock import clock
    from workflow.operations.deadlines import scan

    app, world, base = live
    with app.app_context():
        cases = {}
        for name in ("Trần Thị Hoa", "Trần Văn Bình"):
            cid = world.new_candidate("C1", name=name)
            world.advance(cid, "admitted")
            cases[name] = world.probation_of(cid)
        late = world.new_candidate("C1B", name="Lê Văn Muộn")
        world.advance(late, "cell_resolved")  # its decision clock runs out meanwhile
        end = db.session.get(Case, cases["Trần Thị Hoa"]).probation_end
        clock().set_today(end + timedelta(days=20))
        assert len(scan(clock().today()).taken) == 2  # the daily job
    u = user
    u.login("sec1")
    day = (end + timedelta(days=5)).strftime("%d/%m/%Y")
    hoa, binh = cases["Trần Thị Hoa"], cases["Trần Văn Bình"]
    u.open_case(hoa)
    expect(page.locator(".case-head .badge")).to_have_text("Hết thời kỳ dự bị, chờ chi bộ xét")
    for document in ("self_review", "helper_assessment", "opinions"):
        u.act("Ghi nhận giấy tờ hồ sơ", selects={"#document": document}, date=day)
    u.act(
        "Ghi giấy chứng nhận lớp đảng viên mới",
        {"#certificate_number": "12-CN/ĐVM", "#issuer": "Ban Thường vụ Đảng ủy Khối"},
        date=day,
    )
    u.act(
        "Ghi nghị quyết chi bộ (13-KNĐ)",
        {"#official_total": "9", "#yes": "9", "#no": "0"},
        {"#proposal": "recognition"},
        date=day,
    )
    u.open_case(binh)
    page.get_by_role("link", name="Ghi nghị quyết chi bộ (13-KNĐ)").click()
    page.fill("#event_date", day)
    page.select_option("#proposal", "removal")
    page.fill("#official_total", "9")
    page.fill("#yes", "8")
    page.fill("#no", "1")
    u.submit()
    expect(page.locator("#reason + ul.errors, .errors")).to_contain_text("phải ghi rõ lý do")
    page.fill("#reason", "Không hoàn thành nhiệm vụ đảng viên trong thời kỳ dự bị.")
    u.submit()
    expect(page.locator(".flash-success")).to_have_count(1)

    u.login("gs1")
    for cid in (hoa, binh):
        u.open_case(cid)
        u.act(
            "Ghi nghị quyết đảng ủy cơ sở (15-KNĐ)",
            {"#official_total": "9", "#yes": "9", "#no": "0"},
            date=day,
        )
    u.login("dept")
    page.goto(f"{base}/deadlines/")
    u.shot("08-deadline-dashboard")
    first_row = page.locator("table.list tbody tr").first
    expect(first_row).to_contain_text("Lê Văn Muộn")
    expect(first_row).to_contain_text("QUÁ HẠN")
    for cid in (hoa, binh):
        u.open_case(cid)
        u.act(
            "Thẩm định, trình Ban Thường vụ", {"#opinion": "Đủ điều kiện theo quy định."}, date=day
        )
    u.login("signer")
    signed = (end + timedelta(days=15)).strftime("%d/%m/%Y")
    for cid, label in (
        (hoa, "Phê duyệt quyết định công nhận đảng viên chính thức (16-KNĐ)"),
        (binh, "Phê duyệt quyết định xóa tên trong danh sách đảng viên dự bị"),
    ):
        u.open_case(cid)
        page.get_by_role("link", name=label).click()
        page.fill("#event_date", signed)
        _standing_vote(page)
        page.fill("#password", PASSWORD)
        u.submit()
        expect(page.locator(".flash-success")).to_have_count(1)
    u.open_case(hoa)
    expect(page.locator(".case-head .badge")).to_have_text("Đã công nhận đảng viên chính thức")
    u.shot("09-recognized")
    page.get_by_role("link", name="Trần Thị Hoa").first.click()
    facts = page.locator("dl.facts").nth(1).inner_text()
    assert "Đảng viên chính thức" in facts
    assert end.strftime("%d/%m/%Y") in facts  # official from the day the 12 months ended
    u.open_case(binh)
    expect(page.locator(".case-head .badge")).to_have_text(
        "Đã xóa tên trong danh sách đảng viên dự bị"
    )
    with app.app_context():
        assert db.session.get(Case, binh).person.member_status == "removed"
        assert db.session.get(Case, hoa).person.official_on == end
        assert end < date(2030, 1, 1)


def _standing_vote(page) -> None:
    """The standing committee's meeting that decided: 11 members, 10 present, all in favour."""
    for field, value in (("members_total", "11"), ("members_present", "10"), ("yes", "10")):
        page.fill(f"#{field}", value)
    page.fill("#no", "0")
