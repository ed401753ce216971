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
from workflow.store.errors import GuardFailed, InvalidInput, PermissionDenied


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


def _suspended(world, member: int, day=date(2025, 9, 3)) -> int:
    case_id = open_suspension(world, member, ground="obstruction")
    world.fire(case_id, "suspend_by_inspection", "inspector", day, **commission())
    return case_id


def test_a_suspended_member_is_left_out_of_the_cells_vote_total_until_the_return(world):
    from workflow.membership import cell_count_on, suspended_on

    cell = world.org("C1")
    member = world.members["C1"][2]
    before = cell_count_on(cell, date(2025, 9, 10))
    case_id = _suspended(world, member)
    assert suspended_on(date(2025, 9, 10)) == {member: date(2025, 9, 3)}
    assert suspended_on(date(2025, 9, 2)) == {}
    assert cell_count_on(cell, date(2025, 9, 10)) == before - 1
    assert cell_count_on(cell, date(2025, 9, 2)) == before  # a meeting before the decision
    world.fire(case_id, "reinstate", "inspector", date(2025, 10, 1), why="released",
               **commission())  # fmt: skip
    assert cell_count_on(cell, date(2025, 10, 5)) == before


def test_the_cell_meeting_total_says_suspended_members_do_not_count(world):
    from workflow.membership import cell_count_on

    member = world.members["C1"][2]
    _suspended(world, member)
    candidate = world.new_candidate("C1", opened=date(2025, 6, 2))
    world.advance(candidate, "awaiting_cell_meeting", start=date(2025, 6, 2), step_days=5)
    day = date(2025, 9, 20)
    counted = cell_count_on(world.org("C1"), day)
    with pytest.raises(InvalidInput) as exc:
        world.fire(candidate, "record_cell_resolution", "sec1", day,
                   official_total=counted + 1, yes=counted + 1, no=0)  # fmt: skip
    assert "đang bị đình chỉ sinh hoạt đảng" in exc.value.errors["official_total"]


def test_a_suspended_member_is_not_transferred_nor_named_a_sponsor(world, login):
    from tests.transfers.test_transfers import open_transfer

    member = world.members["C1"][2]
    _suspended(world, member)
    with pytest.raises(InvalidInput) as exc:
        open_transfer(world, "temporary_transfer", member, "sec1", day=date(2025, 9, 10),
                      purpose="study", destination_org=world.orgs["G3"],
                      period_start="2025-09-15", period_end="2026-03-31",
                      dues_paid_through="08/2025")  # fmt: skip
    assert "đang bị đình chỉ sinh hoạt đảng (từ ngày 03/09/2025)" in exc.value.errors["event_date"]
    candidate = world.new_candidate("C1", opened=date(2025, 6, 2))
    world.advance(candidate, "preparing_dossier", start=date(2025, 6, 2), step_days=5)
    other = world.members["C1"][3]
    with pytest.raises(InvalidInput) as exc:
        world.fire(candidate, "record_sponsors", "sec1", date(2025, 9, 10), route="two_members",
                   sponsors=[{"member": member, "together_since": "2024-01-01"},
                             {"member": other, "together_since": "2024-01-01"}])  # fmt: skip
    assert "đình chỉ sinh hoạt đảng" in " ".join(exc.value.errors.values())
    # nor offered in the form's list of members
    body = login("sec1").get(f"/cases/{candidate}/do/record_sponsors").get_data(as_text=True)
    assert f'value="{other}"' in body and f'value="{member}"' not in body


def test_the_member_page_shows_the_suspension_and_when_it_runs_out(world, login):
    member = world.members["C1"][2]
    case_id = _suspended(world, member)
    body = login("dept").get(f"/people/{member}").get_data(as_text=True)
    assert "Kỷ luật, đình chỉ" in body and f'href="/cases/{case_id}"' in body
    assert "đang bị đình chỉ sinh hoạt đảng" in body
    due = _clock(case_id).due_on
    assert f"{due:%d/%m/%Y}" in body
