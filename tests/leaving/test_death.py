"""A member's death through the engine and the pages: off the lists on the day of death, every
open case closed with the reason, the notice slip's 30 working days on the deadlines page, the
dossier handed up and received, and the period report's figure."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from tests.leaving.helpers import open_for, state, status_rows
from tests.probation.test_pages import admitted, nth_working_day_after
from tests.web.helpers import counts, page
from workflow.extensions import db
from workflow.membership import members_on
from workflow.models import AuditEntry, Case, Decision, Person
from workflow.reports import period
from workflow.store.errors import InvalidInput

DIED = date(2025, 10, 3)


def report_death(world, person_id: int, username="sec1", day=DIED) -> int:
    return open_for(world, "death", person_id, username, day, notice="Giấy báo tử số 15/2025")


def test_the_member_leaves_the_lists_on_the_day_of_death_and_open_cases_close(world):
    probation = admitted(world)  # a probationary member of C1, probation still running
    member = db.session.get(Case, probation).person_id
    case_id = report_death(world, member, day=date(2026, 1, 20))
    assert state(case_id) == "reported"
    person = db.session.get(Person, member)
    assert person.member_status == "removed"
    last = status_rows(member)[-1]
    assert (last.member_status, last.procedure, last.action, last.event_date) == (
        "removed",
        "death",
        "open",
        date(2026, 1, 20),
    )
    closed = db.session.get(Case, probation)
    assert closed.closed_at is not None
    assert all(d.status != "open" for d in closed.deadlines)
    row = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.subject_id == probation, AuditEntry.action == "closed_membership_ended"
        )
    ).one()
    assert json.loads(row.payload)["reason"] == "Đảng viên từ trần"
    cell = world.org("C1")
    on_list = members_on(cell.path, date(2026, 1, 19), statuses=("probationary",))
    assert member in {p.id for p in on_list}
    after = members_on(cell.path, date(2026, 1, 20), statuses=("probationary",))
    assert member not in {p.id for p in after}
    # nobody can report the death twice, nor open another case that ends the membership
    with pytest.raises(InvalidInput):
        report_death(world, member, day=date(2026, 1, 21))


def test_the_notice_slip_starts_thirty_working_days_to_hand_the_dossier_up(world, login):
    member = world.members["C1"][5]
    name = db.session.get(Person, member).full_name
    case_id = report_death(world, member)
    world.fire(case_id, "write_notice_slip", "gs1", date(2025, 10, 8),
               cause="Tai nạn giao thông", burial_place="Nghĩa trang thị xã Phú Thọ")  # fmt: skip
    # the slip is numbered in the grassroots committee's register and printed
    slip = db.session.scalars(
        select(Decision).where(Decision.case_id == case_id, Decision.kind == "notice_slip")
    ).one()
    assert slip.status == "issued" and slip.issuer != "upper" and "-PB/" in slip.reference
    text = " ".join(slip.html.split())
    assert "PHIẾU BÁO ĐẢNG VIÊN ĐÃ TỪ TRẦN" in text and name in text
    assert "Đã từ trần ngày 03/10/2025; nguyên nhân: Tai nạn giao thông" in text
    assert "Nơi an táng: Nghĩa trang thị xã Phú Thọ" in text
    clock = next(d for d in db.session.get(Case, case_id).deadlines if d.kind == "dossier")
    assert clock.status == "open"
    assert clock.due_on == nth_working_day_after(date(2025, 10, 8), 30)
    body = page(login("dept").get("/deadlines/"))
    assert "Bàn giao hồ sơ đảng viên từ trần lên cấp trên" in body and name in body
    assert "QUÁ HẠN" in body  # today (15/06/2026) is long past it
    world.fire(case_id, "hand_over_dossier", "gs1", date(2025, 11, 3), reference="BB ngày 3/11")
    db.session.rollback()
    assert next(d for d in db.session.get(Case, case_id).deadlines).status == "met"
    world.fire(case_id, "record_dossier_received", "dept", date(2025, 11, 5))
    assert state(case_id) == "closed"
    purposes = [d.purpose for d in db.session.get(Case, case_id).documents]
    assert purposes == ["death_notice", "notice_slip", "dossier_handover", "dossier_received"]
    paper = next(d for d in db.session.get(Case, case_id).documents if d.purpose == "notice_slip")
    assert paper.note == slip.reference


def test_the_period_report_counts_the_death_in_its_period(world):
    report_death(world, world.members["C1"][5])
    rep = period.compute(date(2025, 10, 1), date(2025, 12, 31), None)
    assert rep.total.figure("deaths") == 1
    assert rep.total.flows["died"] == 1
    assert rep.balanced
    earlier = period.compute(date(2025, 7, 1), date(2025, 9, 30), None)
    assert earlier.total.figure("deaths") == 0
    from states.indicators import UNTRACKED

    assert "deaths" not in UNTRACKED


def test_a_death_is_recorded_from_the_member_page(world, login):
    member = world.members["C1"][5]
    client = login("gs1")
    assert f"/cases/open/death?person={member}" in page(client.get(f"/people/{member}"))
    url = f"/cases/open/death?person={member}"
    assert "Ngày từ trần" in page(client.get(url))
    before = counts()
    response = client.post(url, data={"event_date": "03/10/2025", "notice": "", "note": ""})
    assert response.status_code == 422 and counts() == before
    response = client.post(
        url, data={"event_date": "03/10/2025", "notice": "Giấy báo tử số 15/2025", "note": ""}
    )
    assert response.status_code == 302, page(response)[-2000:]
    db.session.rollback()
    assert db.session.get(Person, member).member_status == "removed"
    # the member page no longer offers the procedures for members on a list
    body = page(client.get(f"/people/{member}"))
    assert f"/cases/open/death?person={member}" not in body
    # it says how and when the member left the lists, and links the case that recorded it
    case_id = db.session.scalars(
        select(Case.id).where(Case.person_id == member, Case.procedure == "death")
    ).one()
    assert "Không còn trong danh sách" in body and "Đã xóa tên" not in body
    assert "Từ trần</strong> ngày 03/10/2025" in body
    assert f'href="/cases/{case_id}"' in body


def test_two_deaths_recorded_at_once_for_one_member_make_one_case(app, world):
    from tests.engine.test_concurrency import fresh, race
    from workflow.engine import open_case
    from workflow.store.uow import unit_of_work

    member = world.members["C1"][5]

    def job(username):
        def run():
            fresh()
            with unit_of_work():
                return open_case(
                    "death",
                    person=db.session.get(Person, member),
                    actor=world.actor(username),
                    payload={"event_date": DIED.isoformat(), "notice": "Giấy báo tử"},
                ).id

        return run

    results = race(app, [job("sec1"), job("gs1")])
    wins = [r for r in results if isinstance(r, int)]
    assert len(wins) == 1, results
    assert all(isinstance(r, InvalidInput) for r in results if not isinstance(r, int)), results
    db.session.rollback()
    cases = db.session.scalars(select(Case).where(Case.procedure == "death")).all()
    assert [c.id for c in cases] == wins
    assert len([r for r in status_rows(member) if r.member_status == "removed"]) == 1
