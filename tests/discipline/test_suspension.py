"""Suspension of party activity and the return to it through the engine: the decision, the 90
days, extensions up to 180 in all (not for an indicted or detained member), the return decision
in the suspending body's register, and what a suspension means for a leaving."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from tests.discipline.helpers import commission, open_suspension, state
from tests.leaving.helpers import open_for
from workflow.extensions import db
from workflow.models import Case, Decision
from workflow.store.errors import GuardFailed, PermissionDenied


def _messages(exc) -> str:
    return " ".join(v.message for v in exc.value.verdicts)


def _clock(case_id: int):
    return next(d for d in db.session.get(Case, case_id).deadlines if d.kind == "suspension")


def test_the_inspection_commission_suspends_for_ninety_days(world):
    case_id = open_suspension(world, world.members["C1"][2], ground="obstruction")
    with pytest.raises(PermissionDenied):
        world.fire(case_id, "suspend_by_inspection", "dept", date(2025, 9, 3), **commission())
    world.fire(case_id, "suspend_by_inspection", "inspector", date(2025, 9, 3), **commission())
    assert state(case_id) == "suspended"
    clock = _clock(case_id)
    assert (clock.starts_on, clock.due_on) == (date(2025, 9, 3), date(2025, 12, 2))
    decision = db.session.scalars(
        select(Decision).where(Decision.case_id == case_id, Decision.kind == "suspension")
    ).one()
    assert decision.issuer == "inspection" and "-QĐ/UBKT" in decision.reference
    doc = json.loads(decision.snapshot)
    assert doc["days"] == 90 and doc["signer_title"] == "CHỦ NHIỆM"


def test_extensions_stop_at_one_hundred_eighty_days_unless_indicted_or_detained(world):
    case_id = open_suspension(world, world.members["C1"][2], ground="obstruction")
    world.fire(case_id, "suspend_by_inspection", "inspector", date(2025, 9, 3), **commission())
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "extend_suspension", "inspector", date(2025, 11, 20), days=100,
                   reason="Số 5-QĐ/UBKT")  # fmt: skip
    assert "vượt quá tổng 180 ngày" in _messages(exc) and "tối đa 90 ngày" in _messages(exc)
    world.fire(case_id, "extend_suspension", "inspector", date(2025, 11, 20), days=90,
               reason="Số 5-QĐ/UBKT")  # fmt: skip
    assert _clock(case_id).due_on == date(2026, 3, 2)  # calendar days, not working days
    detained = open_suspension(world, world.members["C1"][3], ground="detained")
    world.fire(detained, "suspend_by_inspection", "inspector", date(2025, 9, 3), **commission())
    world.fire(detained, "extend_suspension", "inspector", date(2025, 11, 20), days=120,
               reason="Gia hạn tạm giam")  # fmt: skip
    assert _clock(detained).due_on == date(2026, 4, 1)  # 210 days: no cap when detained


def test_return_to_activity_by_a_decision_of_the_body_that_suspended(world):
    case_id = open_suspension(world, world.members["C1"][2])
    world.fire(case_id, "suspend_by_inspection", "inspector", date(2025, 9, 3), **commission())
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "reinstate", "inspector", date(2025, 10, 1), why="period_over",
                   **commission())  # fmt: skip
    assert "đến ngày 02/12/2025: chưa hết hạn" in _messages(exc)
    world.fire(case_id, "reinstate", "inspector", date(2025, 10, 1), why="released",
               **commission())  # fmt: skip
    assert state(case_id) == "returned"
    back = db.session.scalars(
        select(Decision).where(Decision.case_id == case_id, Decision.kind == "reinstatement")
    ).one()
    assert back.issuer == "inspection"
    doc = json.loads(back.snapshot)
    assert doc["suspension_reference"].startswith("Quyết định ")
    assert doc["subject"] == "về việc cho đảng viên trở lại sinh hoạt đảng"


def test_a_suspended_member_cannot_leave(world):
    member = world.members["C1"][2]
    case_id = open_suspension(world, member)
    world.fire(case_id, "suspend_by_inspection", "inspector", date(2025, 9, 3), **commission())
    leaving = open_for(world, "leaving", member, "sec1", date(2025, 9, 4), reasons="Lý do riêng.")
    from tests.leaving.helpers import cell_vote

    with pytest.raises(GuardFailed) as exc:
        world.fire(leaving, "record_cell_resolution", "sec1", date(2025, 9, 10), **cell_vote())
    assert "Đình chỉ sinh hoạt đảng: đang bị đình chỉ sinh hoạt đảng" in _messages(exc)
