""" "Việc của tôi" lists what waits on this user now, due soonest first, sorted before it is
cut: a receiving committee's incoming member, not a probation ending months away."""

from __future__ import annotations

from datetime import date, timedelta

from tests.transfers.test_transfers import official
from tests.web.helpers import page
from workflow.clock import clock
from workflow.extensions import db
from workflow.models import Case
from workflow.queries import CaseFilter, all_orgs, case_query, cases_waiting_on, holders
from workflow.views import main


def _rows(body: str) -> list[str]:
    return [row for row in body.split("<tr")[1:] if "/cases/" in row]


def test_the_receiving_committee_sees_the_member_on_their_way_in(world, login):
    member = world.members["C1"][3]
    case_id = official(world, member)
    world.fire(case_id, "record_grassroots_part", "gs1", reference="12-SHĐ")
    world.fire(case_id, "issue_letter", "dept")
    body = page(login("gs2").get("/"))
    assert f"/cases/{case_id}" in body
    # and the case list of the receiving side lists it too
    stmt = case_query(world.actor("gs2"), CaseFilter(), clock().today())
    assert case_id in {c.id for c in db.session.scalars(stmt).unique()}
    # the sending grassroots committee has done its part: it is not waiting on it
    assert f"/cases/{case_id}" not in page(login("gs1").get("/"))


def test_a_probation_is_nobodys_work_until_its_end_is_due(world, login):
    admission = world.new_candidate("C1")
    world.advance(admission, "admitted")
    probation = world.probation_of(admission)
    end = db.session.get(Case, probation).probation_end
    today = clock().today()
    assert end - today > timedelta(days=150)
    assert probation not in {c.id for c in cases_waiting_on(world.actor("sec1"), today)}
    case = db.session.get(Case, probation)
    assert holders(case, all_orgs(), today) == []
    # once the twelve months have run, the cell is to record it
    assert probation in {c.id for c in cases_waiting_on(world.actor("sec1"), end)}
    assert holders(case, all_orgs(), end) == [
        "Bí thư chi bộ – Chi bộ Phòng Ngân sách",
        "Cán bộ đảng ủy cơ sở – Đảng bộ Sở Tài chính",
    ]


def test_the_list_is_sorted_by_due_date_before_it_is_cut(world, login, monkeypatch):
    later = world.new_candidate("C1", name="Nguyễn Văn Một")
    world.advance(later, "grassroots_resolved", start=date(2025, 11, 3))
    sooner = world.new_candidate("C1", name="Nguyễn Văn Hai")  # opened later, due first
    world.advance(sooner, "grassroots_resolved", start=date(2025, 9, 8))
    due = {
        c: next(d.due_on for d in db.session.get(Case, c).deadlines if d.status == "open")
        for c in (later, sooner)
    }
    assert due[sooner] < due[later] and sooner > later
    monkeypatch.setattr(main, "PER_PAGE", 1)
    client = login("dept")
    body = page(client.get("/"))
    rows = _rows(body)
    assert len(rows) == 1 and f"/cases/{sooner}" in rows[0]
    assert "còn hồ sơ khác đang chờ bạn" in body and "/?page=2" in body
    rows = _rows(page(client.get("/?page=2")))
    assert len(rows) == 1 and f"/cases/{later}" in rows[0]
    assert "Trang này không còn hồ sơ nào" in page(client.get("/?page=3"))
