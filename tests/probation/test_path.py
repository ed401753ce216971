"""From the ceremony to official membership, with time moved forward; removal; escalation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from workflow.clock import clock
from workflow.extensions import db
from workflow.models import AuditEntry, CardIssuance, Case, Decision
from workflow.store.errors import GuardFailed


def admitted(world, cell="C1", name="Nguyễn Thị Hằng", **kw) -> int:
    case_id = world.new_candidate(cell, name=name, **kw)
    world.advance(case_id, "admitted")
    return world.probation_of(case_id)


@pytest.mark.parametrize("cell", ["C1", "C3", "C2", "GC4"])
def test_ceremony_to_official_with_time_moved_forward(world, cell):
    probation = admitted(world, cell)
    case = db.session.get(Case, probation)
    ceremony = case.person.joined_on
    assert case.state == "in_probation"
    assert case.opened_on == ceremony
    assert case.probation_end == date(ceremony.year + 1, ceremony.month, ceremony.day)
    clock().set_today(date(2027, 8, 1))
    world.advance(probation, "official")
    db.session.rollback()
    case = db.session.get(Case, probation)
    person = case.person
    assert person.member_status == "official"
    assert person.official_on == case.probation_end  # not the decision date
    decision = db.session.scalars(
        select(Decision).where(Decision.case_id == probation, Decision.kind == "recognition")
    ).one()
    assert decision.decided_on > case.probation_end
    assert db.session.scalars(
        select(CardIssuance.status).where(CardIssuance.person_id == person.id)
    ).all() == ["proposed"]


def test_probation_cannot_end_early(world):
    probation = admitted(world)
    case = db.session.get(Case, probation)
    from datetime import timedelta

    day_before = case.probation_end - timedelta(days=1)
    clock().set_today(day_before)
    with pytest.raises(GuardFailed) as exc:
        world.fire(probation, "end_probation", "sec1", day_before)
    assert exc.value.verdicts[0].code == "probation.not_over"


def test_late_decision_keeps_the_official_date(world):
    probation = admitted(world)
    end = db.session.get(Case, probation).probation_end
    clock().set_today(date(2028, 1, 1))
    world.advance(probation, "department_appraised", start=end)
    world.fire(probation, "approve_recognition", "signer", date(2027, 12, 20))
    person = db.session.get(Case, probation).person
    assert person.official_on == end


def test_removal_from_the_probationary_list(world):
    probation = admitted(world)
    end = db.session.get(Case, probation).probation_end
    clock().set_today(date(2027, 8, 1))
    world.fire(probation, "end_probation", "sec1", end)
    with pytest.raises(GuardFailed) as exc:
        world.fire(
            probation,
            "record_cell_resolution",
            "sec1",
            end,
            proposal="removal",
            official_total=9,
            yes=8,
            no=1,
        )
    assert exc.value.verdicts[0].code == "probation.removal_reason_missing"
    world.fire(
        probation,
        "record_cell_resolution",
        "sec1",
        end,
        proposal="removal",
        reason="Vi phạm tư cách đảng viên, không đủ điều kiện.",
        official_total=9,
        yes=8,
        no=1,
    )
    world.advance(probation, "removed")
    case = db.session.get(Case, probation)
    assert case.person.member_status == "removed"
    assert case.person.id is not None  # the record stays
    decision = db.session.scalars(select(Decision).where(Decision.case_id == probation)).one()
    assert decision.kind == "removal_probationary"
    assert "Vi phạm tư cách" in decision.html


def test_three_inconclusive_votes_go_up(world):
    probation = admitted(world)
    end = db.session.get(Case, probation).probation_end
    clock().set_today(date(2027, 8, 1))
    world.fire(probation, "end_probation", "sec1", end)
    for attempt in range(3):
        world.fire(
            probation,
            "record_inconclusive_vote",
            "sec1",
            end,
            proposal="recognition",
            official_total=9,
            yes=5,
            no=4,
        )
        db.session.expire_all()
        state = db.session.get(Case, probation).state
        assert state == ("escalated" if attempt == 2 else "awaiting_cell_review")
    world.fire(
        probation,
        "appraise_escalated",
        "dept",
        end,
        proposal="recognition",
        opinion="Đề nghị công nhận.",
        certificate_exemption="Có bằng cao cấp lý luận",
    )
    world.fire(probation, "approve_recognition", "signer", date(2027, 7, 1))
    assert db.session.get(Case, probation).state == "official"


def test_leap_day_ceremony_needs_its_end_confirmed(world, app):
    case_id = world.new_candidate("C1")
    clock().set_today(date(2028, 3, 10))
    world.advance(case_id, "awaiting_ceremony", start=date(2027, 12, 1), step_days=5)
    world.fire(
        case_id,
        "hold_ceremony",
        "sec1",
        date(2028, 2, 29),
        helpers=[{"member": world.members["C1"][2]}],
    )
    probation = world.probation_of(case_id)
    case = db.session.get(Case, probation)
    assert case.probation_end == date(2029, 2, 28)
    assert case.probation_end_confirmed is False
    clock().set_today(date(2029, 4, 1))
    with pytest.raises(GuardFailed) as exc:
        world.fire(probation, "end_probation", "sec1", date(2029, 3, 2))
    assert exc.value.verdicts[0].code == "probation.end_unconfirmed"
    world.fire(probation, "confirm_probation_end", "gs1", date(2029, 3, 2), end="march_first")
    db.session.expire_all()
    case = db.session.get(Case, probation)
    assert case.probation_end == date(2029, 3, 1)
    clock_row = next(d for d in case.deadlines if d.kind == "probation_end")
    assert clock_row.due_on == date(2029, 3, 1)
    world.fire(probation, "end_probation", "sec1", date(2029, 3, 2))
    assert db.session.get(Case, probation).state == "awaiting_cell_review"


def test_the_handoff_is_audited_in_the_ceremony_transaction(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admitted")
    probation = world.probation_of(case_id)
    ceremony = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.subject_id == case_id, AuditEntry.action == "hold_ceremony"
        )
    ).one()
    opened = db.session.scalars(
        select(AuditEntry).where(AuditEntry.subject_id == probation, AuditEntry.action == "open")
    ).one()
    assert opened.seq == ceremony.seq - 1  # written just before the ceremony's own row
    assert opened.to_state == "in_probation"
