"""Working-day clocks: the decision (60 WD from the cell resolution, +30 with a reason) and the
ceremony (30 WD from the day the cell receives the decision)."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest

from workflow.extensions import db
from workflow.models import Case
from workflow.operations.calendar import add_override, remove_override
from workflow.store.errors import GuardFailed, InvalidInput

VN = holidays.country_holidays("VN", language="vi")


def nth_working_day_after(start: date, n: int) -> date:
    """Independent count for the assertions: weekdays minus Vietnamese public holidays,
    plus decreed working Saturdays."""
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if VN.is_working_day(day):
            counted += 1
    return day


def open_deadline(case_id: int, kind: str):
    db.session.expire_all()
    return next(
        d for d in db.session.get(Case, case_id).deadlines if d.kind == kind and d.status == "open"
    )


def test_decision_is_due_sixty_working_days_after_the_cell_resolution_across_tet(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "awaiting_cell_meeting")
    meeting = date(2026, 1, 9)  # the clock runs over Tết 2026 (16–20 February)
    world.fire(case_id, "record_cell_resolution", "sec1", meeting, official_total=9, yes=9, no=0)
    deadline = open_deadline(case_id, "decision")
    assert deadline.starts_on == meeting
    assert deadline.due_on == nth_working_day_after(meeting, 60)
    # Tết pushes it a week beyond a naive weekday count
    weekdays = sum(
        1
        for i in range(1, 200)
        if (meeting + timedelta(days=i)).weekday() < 5
        and meeting + timedelta(days=i) <= deadline.due_on
    )
    assert weekdays > 60


def test_make_up_working_saturday_counts(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    received = date(2026, 8, 14)  # the window contains Saturday 22 August 2026 (worked)
    from workflow.clock import clock

    clock().set_today(date(2026, 9, 30))
    world.fire(case_id, "receive_decision", "sec1", received)
    deadline = open_deadline(case_id, "ceremony")
    assert VN.is_working_day(date(2026, 8, 22))
    assert deadline.due_on == nth_working_day_after(received, 30)


def test_decision_deadline_closes_when_approved_and_ceremony_clock_starts(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    case = db.session.get(Case, case_id)
    decision = [d for d in case.deadlines if d.kind == "decision"]
    assert [d.status for d in decision] == ["met"]
    world.advance(case_id, "awaiting_ceremony")
    ceremony = open_deadline(case_id, "ceremony")
    assert ceremony.due_on == nth_working_day_after(ceremony.starts_on, 30)


def test_extension_up_to_thirty_days_with_a_reason(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "grassroots_resolved")
    base = open_deadline(case_id, "decision")
    start, base_due = base.starts_on, base.due_on
    with pytest.raises(InvalidInput):
        world.fire(case_id, "extend_decision_deadline", "dept", days=20)  # no reason
    world.fire(
        case_id, "extend_decision_deadline", "dept", days=20, reason="Chờ kết quả xác minh bổ sung."
    )
    extended = open_deadline(case_id, "decision")
    assert extended.due_on == nth_working_day_after(start, 80) > base_due
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "extend_decision_deadline", "signer", days=15, reason="Thêm nữa.")
    assert exc.value.verdicts[0].code == "deadline.extension_exhausted"
    world.fire(case_id, "extend_decision_deadline", "signer", days=10, reason="Lần cuối.")
    assert open_deadline(case_id, "decision").due_on == nth_working_day_after(start, 90)


def test_late_ceremony_needs_the_superior_committees_approval(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "awaiting_ceremony")
    due = open_deadline(case_id, "ceremony").due_on
    late = due + timedelta(days=3)
    helper = [{"member": world.members["C1"][2]}]
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "hold_ceremony", "sec1", late, helpers=helper)
    assert exc.value.verdicts[0].code == "admission.ceremony_late"
    world.fire(
        case_id,
        "approve_late_ceremony",
        "gs1",
        late,
        reference="45-CV/ĐU",
        reason="Người vào Đảng đi công tác dài ngày.",
    )
    world.fire(case_id, "hold_ceremony", "sec1", late, helpers=helper)
    case = db.session.get(Case, case_id)
    assert case.state == "admitted" and case.person.joined_on == late


def test_calendar_correction_moves_open_deadlines(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "cell_resolved")
    deadline = open_deadline(case_id, "decision")
    start, due = deadline.starts_on, deadline.due_on
    extra_day_off = nth_working_day_after(start, 10)
    system = world.actor("dept")
    row_id = add_override(
        {
            "day": extra_day_off.isoformat(),
            "kind": "day_off",
            "note": "Nghỉ bù theo thông báo của UBND tỉnh",
        },
        actor=system,
    )
    moved = open_deadline(case_id, "decision").due_on
    assert moved > due and moved == nth_working_day_after(due, 1)
    remove_override(row_id, actor=system)
    assert open_deadline(case_id, "decision").due_on == due
