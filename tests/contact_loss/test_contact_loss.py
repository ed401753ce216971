"""A member out of contact with the Party organization through the engine: the period opens
with the cell's report and counts against party age while it lasts, ends on the day contact is
restored, on the removal's decision, or is deleted when recorded by mistake; badge rounds see
it; bad dates, a second report, an overlap and a stale form are refused with nothing written."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.badges.helpers import veteran
from tests.contact_loss.helpers import SEARCH, gaps, report_loss
from tests.leaving.helpers import cell_vote, open_for, open_removal, state
from tests.transfers.test_transfers import official
from tests.web.helpers import counts
from workflow.badges import rounds
from workflow.badges.record import party_age_of
from workflow.engine import fire
from workflow.extensions import db
from workflow.models import AuditEntry, Case, MembershipGap, Person
from workflow.operations import people as people_ops
from workflow.store.errors import GuardFailed, InvalidInput, StaleCase
from workflow.store.uow import unit_of_work

TODAY = date(2026, 6, 15)  # the tests' fixed day (tests/conftest.py)
BACK = "Đảng viên đã trở về địa phương, đến gặp chi ủy và xin sinh hoạt lại."


def _age(person_id: int, on: date = TODAY) -> int:
    db.session.expire_all()
    return party_age_of(db.session.get(Person, person_id), on).months


def _trail(case_id: int) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == "case", AuditEntry.subject_id == case_id)
            .order_by(AuditEntry.seq)
        )
    )


def test_the_period_is_open_from_the_report_until_contact_is_restored(world):
    member = world.members["C1"][2]
    before = _age(member)
    case_id = report_loss(world, member, date(2026, 2, 1), date(2026, 3, 5))
    assert state(case_id) == "reported"
    (gap,) = gaps(member)
    assert (gap.start_on, gap.end_on, gap.case_id) == (date(2026, 2, 1), None, case_id)
    # still out of contact: counted up to the day asked (4 full months by 15/06/2026)
    assert _age(member) == before - 4
    age = party_age_of(db.session.get(Person, member), TODAY)
    assert [(c.gap.start, c.gap.end, c.gap.case_id) for c in age.gaps] == [
        (date(2026, 2, 1), None, case_id)
    ]
    world.fire(case_id, "confirm", "gs1", date(2026, 3, 10), reference="Số 12-CV/ĐU")
    assert state(case_id) == "lost"
    world.fire(case_id, "restore", "sec1", date(2026, 4, 20), restored_on="2026-04-15",
               opinion=BACK)  # fmt: skip
    assert state(case_id) == "restored"
    (gap,) = gaps(member)
    assert gap.end_on == date(2026, 4, 15)
    assert _age(member) == before - 2  # 01/02 to 15/04: two full months
    trail = _trail(case_id)
    assert [r.action for r in trail] == ["open", "confirm", "restore"]
    assert json.loads(trail[0].payload)["gap"] == "01/02/2026 – nay"
    assert json.loads(trail[0].payload)["search"] == SEARCH
    assert json.loads(trail[2].payload)["gap"] == "01/02/2026 – 15/04/2026"
    papers = {d.purpose for d in db.session.get(Case, case_id).documents}
    assert papers == {"cell_report", "confirmation", "restoration"}


def _proposed(on: date, since: date) -> dict:
    return {e.proposal.person_id: e.proposal for e in rounds.eligible(on, since)}


def test_a_member_due_for_thirty_years_by_19_5_is_pushed_past_the_round(world):
    due = veteran(world, "Nguyễn Văn Liên", date(1996, 5, 10)).id
    round_19_5 = (date(2026, 5, 19), date(2026, 2, 3))
    assert _proposed(*round_19_5)[due].years == 30
    case_id = report_loss(world, due, date(2026, 3, 1), date(2026, 3, 10))
    # out of contact on the round's day: the period runs to it, 30 years are not reached
    assert due not in _proposed(*round_19_5)
    world.fire(case_id, "confirm", "gs1", date(2026, 3, 12))
    world.fire(case_id, "restore", "sec1", date(2026, 4, 25), restored_on="2026-04-20",
               opinion=BACK)  # fmt: skip
    # one full month out: 30 years on 10/06/2026, after the 19/5 round
    assert due not in _proposed(*round_19_5)
    later = _proposed(date(2026, 9, 2), date(2026, 5, 19))
    assert (later[due].years, later[due].reached_on) == (30, date(2026, 6, 10))


def test_a_removal_proposed_keeps_the_period_open_until_the_decision_ends_it(world):
    member = world.members["C1"][5]
    case_id = report_loss(world, member, date(2025, 5, 2), date(2025, 8, 20))
    world.fire(case_id, "confirm", "gs1", date(2025, 8, 22))
    world.fire(case_id, "propose_removal", "sec1", date(2025, 8, 29), resolution="Số 05-NQ/CB")
    assert state(case_id) == "removal_proposed"
    assert db.session.get(Case, case_id).closed_at is None
    assert gaps(member)[0].end_on is None
    removal = open_removal(world, member, day=date(2025, 9, 1))
    world.fire(removal, "record_self_review", "sec1", date(2025, 9, 5))
    world.fire(removal, "record_cell_resolution", "sec1", date(2025, 9, 10),
               violation="none", **cell_vote())  # fmt: skip
    world.fire(removal, "record_grassroots_resolution", "gs1", date(2025, 9, 15), **cell_vote())
    world.fire(removal, "appraise_by_department", "dept", date(2025, 9, 18), opinion="Đủ căn cứ.")
    world.fire(removal, "approve_removal", "signer", date(2025, 9, 25))
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert case.closed_at is not None and case.state == "removal_proposed"
    (gap,) = gaps(member)
    assert (gap.start_on, gap.end_on) == (date(2025, 5, 2), date(2025, 9, 25))
    closing = _trail(case_id)[-1]
    assert (closing.action, closing.event_date) == ("closed_membership_ended", date(2025, 9, 25))
    assert json.loads(closing.payload)["by_case"] == removal
    # out of contact, then off the lists: one period from 02/05/2025, not over
    age = party_age_of(db.session.get(Person, member), TODAY)
    assert [(c.gap.start, c.gap.end) for c in age.gaps] == [(date(2025, 5, 2), None)]


def test_a_loss_recorded_by_mistake_is_voided_and_its_period_deleted(world):
    member = world.members["C1"][3]
    before = _age(member)
    case_id = report_loss(world, member, date(2026, 1, 10), date(2026, 2, 2))
    world.fire(case_id, "confirm", "gs1", date(2026, 2, 5))
    world.fire(case_id, "void", "gs1", date(2026, 2, 9),
               reason="Nhầm với đồng chí cùng tên ở chi bộ khác.")  # fmt: skip
    assert state(case_id) == "voided"
    assert gaps(member) == []
    assert _age(member) == before
    void = _trail(case_id)[-1]
    assert json.loads(void.payload)["gap"] == "10/01/2026 – nay (đã xóa)"
    # the cell may report the member again
    again = report_loss(world, member, date(2026, 3, 1), date(2026, 3, 10))
    assert [g.case_id for g in gaps(member)] == [again]


def _written() -> tuple[dict, int]:
    return counts(), db.session.scalar(select(func.count()).select_from(MembershipGap))


@pytest.mark.parametrize(
    ("since", "day", "field", "message"),
    [
        (date(2026, 3, 10), date(2026, 3, 5), "since",
         "Ngày mất liên lạc (10/03/2026) không được sau ngày chi bộ họp (05/03/2026)."),
        (date(2009, 12, 1), date(2026, 3, 5), "since",
         "Ngày mất liên lạc (01/12/2009) không được trước ngày vào Đảng (01/02/2010)."),
        (date(2026, 7, 1), date(2026, 6, 10), "since", "Ngày không được sau ngày hôm nay."),
        (date(2026, 5, 1), date(2026, 7, 1), "event_date", "Ngày không được sau ngày hôm nay."),
    ],
)  # fmt: skip
def test_bad_dates_of_the_report_are_refused_in_vietnamese(world, since, day, field, message):
    member = world.members["C1"][4]
    before = _written()
    with pytest.raises(InvalidInput) as exc:
        report_loss(world, member, since, day)
    assert exc.value.errors[field] == message
    assert _written() == before


def test_a_second_report_an_overlap_and_a_member_off_the_lists_are_refused(world):
    member = world.members["C1"][4]
    report_loss(world, member, date(2026, 2, 1), date(2026, 3, 5))
    before = _written()
    with pytest.raises(InvalidInput) as exc:
        report_loss(world, member, date(2026, 4, 1), date(2026, 4, 5), username="gs1")
    assert (
        "đang có hồ sơ “Mất liên lạc với tổ chức đảng” chưa kết thúc" in exc.value.errors["since"]
    )
    # a period the department entered by hand covering the day
    other = world.members["C1"][6]
    with unit_of_work():
        people_ops.add_gap(
            other,
            {"start_on": "01/01/2026", "end_on": "01/03/2026", "reason": "Mất liên lạc"},
            actor=world.actor("dept"),
        )
    with pytest.raises(InvalidInput) as exc:
        report_loss(world, other, date(2026, 2, 15), date(2026, 3, 20))
    assert exc.value.errors["since"] == (
        "Trùng với khoảng thời gian không tính tuổi đảng đã ghi (01/01/2026 – 01/03/2026: "
        "Mất liên lạc)."
    )
    # and the hand entry refuses a period that overlaps the one still open (runs to today)
    with pytest.raises(InvalidInput, match="Trùng"), unit_of_work():
        people_ops.add_gap(
            member,
            {"start_on": "01/05/2026", "end_on": "01/06/2026", "reason": "Mất liên lạc"},
            actor=world.actor("dept"),
        )
    assert _written()[1] == before[1] + 1  # only the hand entry of the other member
    # a member no longer on the lists
    gone = world.members["C1"][7]
    open_for(world, "death", gone, "sec1", date(2026, 1, 20), notice="Giấy báo tử số 2/2026")
    with pytest.raises(InvalidInput) as exc:
        report_loss(world, gone, date(2026, 2, 1), date(2026, 3, 5))
    assert "không phải đảng viên đang sinh hoạt" in exc.value.errors["event_date"]


def test_bad_dates_of_the_restoration_are_refused_with_the_reason(world):
    member = world.members["C1"][2]
    case_id = report_loss(world, member, date(2026, 2, 1), date(2026, 3, 5))
    world.fire(case_id, "confirm", "gs1", date(2026, 3, 10))
    version = db.session.get(Case, case_id).version
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "restore", "sec1", date(2026, 4, 20), restored_on="2026-02-01",
                   opinion=BACK)  # fmt: skip
    assert exc.value.verdicts[0].message == (
        "Ngày liên lạc lại (01/02/2026) phải sau ngày mất liên lạc (01/02/2026). Nếu đã ghi "
        "nhầm, chọn “Hủy: ghi nhầm”."
    )
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "restore", "sec1", date(2026, 4, 20), restored_on="2026-04-21",
                   opinion=BACK)  # fmt: skip
    assert "không được sau ngày chi bộ ghi nhận (20/04/2026)" in exc.value.verdicts[0].message
    with pytest.raises(InvalidInput) as exc:
        world.fire(case_id, "restore", "sec1", date(2026, 3, 8), restored_on="2026-03-01",
                   opinion=BACK)  # fmt: skip
    assert (
        "không được trước ngày của bước đã ghi trước đó (10/03/2026)"
        in exc.value.errors["event_date"]
    )
    db.session.expire_all()
    assert db.session.get(Case, case_id).version == version
    assert gaps(member)[0].end_on is None


def test_a_stale_form_is_refused_and_nothing_is_written(world):
    member = world.members["C1"][2]
    case_id = report_loss(world, member, date(2026, 2, 1), date(2026, 3, 5))
    loaded = db.session.get(Case, case_id).version  # the form was loaded at this version
    world.fire(case_id, "confirm", "gs1", date(2026, 3, 10))  # meanwhile, someone confirmed
    before = _written()
    with pytest.raises(StaleCase):
        fire(
            case_id,
            "void",
            actor=world.actor("sec1"),
            payload={"event_date": "2026-03-12", "reason": "Nhầm"},
            expected_version=loaded,
        )
    assert _written() == before
    assert gaps(member)[0].case_id == case_id


def test_a_transfer_out_of_the_committee_ends_the_period_on_the_receivers_notice(world):
    """Out of contact, then transferred out (the cell found where the member had gone): the
    case closes with the transfer and the period ends on the day the receiver's notice is
    recorded; another committee keeps the member's record from then."""
    member = world.members["C1"][6]
    case_id = report_loss(world, member, date(2025, 5, 2), date(2025, 8, 20))
    world.fire(case_id, "confirm", "gs1", date(2025, 8, 22))
    transfer = official(world, member, to=None)
    world.fire(transfer, "record_grassroots_part", "gs1", date(2025, 9, 2), reference="21-SHĐ")
    world.fire(transfer, "issue_letter", "dept", date(2025, 9, 4))
    world.fire(transfer, "record_receipt", "dept", date(2025, 9, 20), reference="Phiếu báo số 7")
    db.session.expire_all()
    assert db.session.get(Case, case_id).closed_at is not None
    (gap,) = gaps(member)
    assert (gap.start_on, gap.end_on) == (date(2025, 5, 2), date(2025, 9, 20))
    assert _trail(case_id)[-1].action == "closed_by_transfer"
