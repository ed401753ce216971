"""Deadline dashboard, the daily scan, card lists, party age, and the probation case page."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from sqlalchemy import func, select

from workflow.clock import clock
from workflow.extensions import db
from workflow.models import AuditEntry, CardIssuance, Case, Deadline, Person
from workflow.operations.deadlines import scan
from workflow.store.errors import GuardFailed

VN = holidays.country_holidays("VN", language="vi")


def nth_working_day_after(start: date, n: int) -> date:
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if VN.is_working_day(day):
            counted += 1
    return day


def admitted(world, cell="C1", name="Nguyễn Thị Hằng", **kw) -> int:
    case_id = world.new_candidate(cell, name=name, **kw)
    world.advance(case_id, "admitted")
    return world.probation_of(case_id)


def test_scan_ends_due_probations_marks_overdue_and_is_idempotent(app, world):
    probation = admitted(world)
    end = db.session.get(Case, probation).probation_end
    clock().set_today(end - timedelta(days=1))
    assert scan(clock().today()).taken == []
    clock().set_today(end + timedelta(days=70))  # past the cell's 30 working days too
    first = scan(clock().today())
    assert [c for c, _ in first.taken] == [probation]
    db.session.rollback()
    case = db.session.get(Case, probation)
    assert case.state == "awaiting_cell_review"
    review = next(d for d in case.deadlines if d.kind == "cell_review")
    assert review.starts_on == end
    assert review.due_on == nth_working_day_after(end, 30)
    assert review.id in first.newly_overdue  # opened by this pass, and already overdue
    assert review.overdue_since == clock().today()
    rows = db.session.scalar(select(func.count()).select_from(AuditEntry))
    again = scan(clock().today())
    assert (again.taken, again.newly_overdue) == ([], [])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == rows


def test_cli_scan_reports_what_it_did(app, world):
    probation = admitted(world)
    clock().set_today(db.session.get(Case, probation).probation_end + timedelta(days=1))
    out = app.test_cli_runner().invoke(args=["wf", "scan-deadlines"]).output
    assert "Ghi nhận hết thời kỳ dự bị: 1 hồ sơ" in out
    out = app.test_cli_runner().invoke(args=["wf", "scan-deadlines"]).output
    assert "Bước tự động: 0 hồ sơ; mới quá hạn: 0 thời hạn." in out


def test_cell_review_window_across_tet(world):
    probation = admitted(world)
    case = db.session.get(Case, probation)
    end = case.probation_end
    clock().set_today(end + timedelta(days=1))
    world.fire(probation, "end_probation", "sec1", end)
    db.session.expire_all()
    review = next(d for d in db.session.get(Case, probation).deadlines if d.kind == "cell_review")
    assert review.due_on == nth_working_day_after(end, 30)
    # the recognition decision clock: 30 working days, extendable by up to 30 with a reason
    world.fire(
        probation,
        "record_cell_resolution",
        "sec1",
        end,
        proposal="recognition",
        official_total=9,
        yes=9,
        no=0,
    )
    decision = next(
        d
        for d in db.session.get(Case, probation).deadlines
        if d.kind == "decision" and d.status == "open"
    )
    assert decision.due_on == nth_working_day_after(end, 30)
    world.fire(
        probation,
        "extend_decision_deadline",
        "dept",
        end,
        days=30,
        reason="Chờ bổ sung nhận xét của chi ủy nơi cư trú.",
    )
    with pytest.raises(GuardFailed):
        world.fire(probation, "extend_decision_deadline", "dept", end, days=1, reason="Nữa.")
    db.session.expire_all()
    decision = next(d for d in db.session.get(Case, probation).deadlines if d.kind == "decision")
    assert decision.due_on == nth_working_day_after(end, 60)


def test_deadline_dashboard_puts_overdue_first_and_filters(world, login):
    late = world.new_candidate("C1", name="Nguyễn Văn Muộn")
    world.advance(late, "cell_resolved", start=date(2025, 9, 8))  # decision due long ago
    fresh = world.new_candidate("C1B", name="Nguyễn Văn Mới")
    world.advance(fresh, "cell_resolved", start=date(2026, 5, 1), step_days=2)
    page = login("dept").get("/deadlines/").get_data(as_text=True)
    assert page.index("Nguyễn Văn Muộn") < page.index("Nguyễn Văn Mới")
    assert "QUÁ HẠN" in page
    assert "Cán bộ đảng ủy cơ sở – Đảng bộ Sở Tài chính" in page  # who holds the late one
    only = login("dept").get(f"/deadlines/?org={world.orgs['C1B']}").get_data(as_text=True)
    assert "Nguyễn Văn Mới" in only
    assert "Nguyễn Văn Muộn" not in only
    kind = login("dept").get("/deadlines/?kind=admission:ceremony").get_data(as_text=True)
    assert "Nguyễn Văn" not in kind
    other = login("sec1b").get("/deadlines/").get_data(as_text=True)
    assert "Nguyễn Văn Muộn" not in other
    assert "Nguyễn Văn Mới" in other


def test_the_deadlines_list_shows_one_page_at_a_time_in_due_order(world, login, monkeypatch):
    from workflow.clock import today
    from workflow.queries import open_deadline_rows
    from workflow.workcalendar import load_calendar

    for start in (date(2025, 9, 8), date(2026, 5, 1), date(2025, 10, 6)):
        world.advance(world.new_candidate("C1"), "cell_resolved", start=start, step_days=2)
    actor, calendar = world.actor("dept"), load_calendar()
    everything = open_deadline_rows(actor, today(), calendar, per_page=1000)
    count = -(-everything.total // 2)
    pages = [
        open_deadline_rows(actor, today(), calendar, page=n, per_page=2)
        for n in range(1, count + 1)
    ]
    assert count >= 2
    assert [r.deadline.id for p in pages for r in p.rows] == [
        r.deadline.id for r in everything.rows
    ]
    assert all(len(p.rows) <= 2 for p in pages) and pages[0].total == everything.total
    dues = [r.deadline.due_on for r in everything.rows]
    assert dues == sorted(dues)
    assert everything.overdue == sum(1 for r in everything.rows if r.deadline.due_on < today())
    assert everything.overdue >= 2
    # the page: a pager when there is more than one, and the counts as numbers are written
    monkeypatch.setattr("workflow.queries.DEADLINES_PER_PAGE", 2)
    body = login("dept").get("/deadlines/").get_data(as_text=True)
    assert f"{everything.total} thời hạn đang chạy" in body
    assert 'class="pager"' in body and "Trang 1/" in body
    second = login("dept").get("/deadlines/?page=2").get_data(as_text=True)
    assert "Trang 2/" in second
    # a province's open clocks are counted only up to the cap, and the page says "more than"
    monkeypatch.setattr("workflow.paging.COUNT_CAP", 1)
    capped = open_deadline_rows(actor, today(), calendar, per_page=1000)
    assert (capped.total, capped.total_capped) == (1, True)
    assert (capped.overdue, capped.overdue_capped) == (1, True)
    body = login("dept").get("/deadlines/").get_data(as_text=True)
    assert "Hơn 1 thời hạn đang chạy." in body and "Hơn 1 thời hạn đã quá." in body


def test_recognition_proposes_a_card_listed_per_organization(world, login):
    probation = admitted(world)
    clock().set_today(date(2027, 8, 1))
    world.advance(probation, "official")
    card = db.session.scalars(select(CardIssuance)).one()
    assert card.org_id == world.orgs["G1"]
    client = login("dept")
    page = client.get("/cards/").get_data(as_text=True)
    assert "Đảng bộ Sở Tài chính" in page
    assert "Nguyễn Thị Hằng" in page
    bad = client.post(
        f"/cards/{card.id}", data={"card_number": "12ab", "issued_on": "x"}, follow_redirects=True
    )
    assert "8 chữ số" in bad.get_data(as_text=True)
    client.post(f"/cards/{card.id}", data={"card_number": "25123456", "issued_on": "20/07/2027"})
    db.session.rollback()
    assert db.session.get(CardIssuance, card.id).status == "issued"
    assert db.session.get(Case, probation).person.card_number == "25123456"
    assert login("sec1b").get("/cards/").get_data(as_text=True).count("Nguyễn Thị Hằng") == 0


def test_party_age_counts_from_the_admission_decision_minus_gaps(world, login):
    member_id = world.members["C1"][0]  # admitted by a decision of 5 January 2010
    client = login("dept")
    page = client.get(f"/people/{member_id}").get_data(as_text=True)
    assert "Tuổi đảng" in page
    assert "16 năm 5 tháng" in page  # 5/1/2010 → 15/6/2026
    bad = client.post(
        f"/people/{member_id}/gaps",
        data={"start_on": "01/01/2009", "end_on": "01/06/2009", "reason": "x"},
        follow_redirects=True,
    )
    assert "sau ngày ký quyết định kết nạp" in bad.get_data(as_text=True)
    client.post(
        f"/people/{member_id}/gaps",
        data={
            "start_on": "01/03/2015",
            "end_on": "01/03/2017",
            "reason": "Xóa tên rồi kết nạp lại",
        },
    )
    page = client.get(f"/people/{member_id}").get_data(as_text=True)
    assert "14 năm 5 tháng" in page
    assert "Xóa tên rồi kết nạp lại" in page
    assert login("sec1").post(f"/people/{member_id}/gaps", data={}).status_code == 403


def test_probation_case_page_shows_the_recognition_dossier(world, login):
    probation = admitted(world)
    world.fire(probation, "record_document", "sec1", document="self_review", note="Tự kiểm điểm")
    page = login("sec1").get(f"/cases/{probation}").get_data(as_text=True)
    for text in (
        "Đang trong thời kỳ dự bị",
        "10-KNĐ",
        "11-KNĐ",
        "12-KNĐ",
        "16-KNĐ",
        "Hết thời kỳ dự bị (12 tháng)",
        "Hết thời kỳ dự bị",
    ):
        assert text in page
    assert login("sec1b").get(f"/cases/{probation}").status_code == 404


def test_removed_member_keeps_the_record(world):
    probation = admitted(world)
    person_id = db.session.get(Case, probation).person_id
    end = db.session.get(Case, probation).probation_end
    clock().set_today(date(2027, 8, 1))
    world.fire(probation, "end_probation", "sec1", end)
    world.fire(
        probation,
        "record_cell_resolution",
        "sec1",
        end,
        proposal="removal",
        reason="Không đủ tư cách.",
        official_total=9,
        yes=7,
        no=2,
    )
    world.advance(probation, "removed")
    db.session.rollback()
    person = db.session.get(Person, person_id)
    assert person.member_status == "removed"
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Deadline)
            .where(Deadline.case_id == probation, Deadline.status == "open")
        )
        == 0
    )
