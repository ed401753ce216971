"""Re-admission through the engine: the admission's path for a person who left the lists, the
36 months, the excluded cases, the provincial consent, the decision that keeps the first
admission's date with the time out as a gap, probation again, and the report's figure."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from tests.leaving.helpers import cell_vote, open_for, open_removal, state
from workflow import queries
from workflow.clock import clock
from workflow.extensions import db
from workflow.models import Case, Decision, MembershipGap, Person
from workflow.reports import period
from workflow.store.errors import GuardFailed, InvalidInput, TransitionNotAllowed

REMOVED_ON = date(2022, 4, 1)


def removed(world, member: int, ground="returned_card") -> None:
    """Removed from the list on 1 April 2022 (the upper committee's decision)."""
    case_id = open_removal(world, member, day=date(2022, 3, 1), ground=ground)
    world.fire(case_id, "record_self_review", "sec1", date(2022, 3, 5))
    world.fire(case_id, "record_cell_resolution", "sec1", date(2022, 3, 10),
               violation="none", **cell_vote())  # fmt: skip
    world.fire(case_id, "record_grassroots_resolution", "gs1", date(2022, 3, 15), **cell_vote())
    world.fire(case_id, "appraise_by_department", "dept", date(2022, 3, 20), opinion="Đủ.")
    world.fire(case_id, "approve_removal", "signer", REMOVED_ON)


def to_cell_meeting(world, member: int, opened=date(2025, 6, 2)) -> int:
    case_id = open_for(world, "readmission", member, "sec1", opened)
    world.advance(case_id, "awaiting_cell_meeting", start=opened, step_days=5)
    return case_id


def _meeting(world, case_id: int, day: date, **extra):
    payload = {**cell_vote(8), "excluded_case": "none", **extra}
    return world.fire(case_id, "record_cell_resolution", "sec1", day, **payload)


def test_a_person_removed_long_enough_ago_is_readmitted_and_serves_probation_again(world):
    member = world.members["C1"][2]
    removed(world, member)
    case_id = to_cell_meeting(world, member)
    _meeting(world, case_id, date(2025, 9, 15))
    world.advance(case_id, "department_appraised", step_days=5)
    # the standing committee decides only once the provincial standing committee consented
    # in writing: asked for, awaited, recorded
    with pytest.raises(TransitionNotAllowed):
        world.fire(case_id, "approve_admission", "signer", date(2025, 10, 20))
    world.fire(case_id, "request_provincial_consent", "dept", date(2025, 10, 6),
               reference="Số 45-CV/ĐUK ngày 06/10/2025")  # fmt: skip
    assert state(case_id) == "awaiting_provincial_consent"
    with pytest.raises(TransitionNotAllowed):
        world.fire(case_id, "approve_admission", "signer", date(2025, 10, 20))
    with pytest.raises(InvalidInput) as exc:
        world.fire(case_id, "record_provincial_consent", "dept", date(2025, 10, 15))
    assert "provincial_consent" in exc.value.errors
    world.fire(case_id, "record_provincial_consent", "dept", date(2025, 10, 15),
               provincial_consent="Công văn số 120-CV/TU ngày 15/10/2025")  # fmt: skip
    assert state(case_id) == "provincial_consented"
    # the draft the signer reviews cites the consent, as the issued decision does
    draft = db.session.scalars(
        select(Decision).where(Decision.case_id == case_id, Decision.status == "draft")
    ).one()
    consent = "Căn cứ văn bản đồng ý của Ban Thường vụ Tỉnh ủy (Công văn số 120-CV/TU"
    assert json.loads(draft.snapshot)["consent"].startswith(consent)
    world.fire(case_id, "approve_admission", "signer", date(2025, 10, 20))
    decision = db.session.scalars(
        select(Decision).where(Decision.case_id == case_id, Decision.kind == "readmission")
    ).one()
    doc = json.loads(decision.snapshot)
    assert doc["admit_verb"] == "Kết nạp lại" and doc["subject"] == "về việc kết nạp lại đảng viên"
    assert doc["consent"].startswith(consent) and consent in decision.html
    world.advance(case_id, "admitted", step_days=5)
    db.session.rollback()
    person = db.session.get(Person, member)
    assert person.member_status == "probationary"
    assert person.admission_decision_on == date(2010, 1, 5)  # the first admission's
    gap = db.session.scalars(select(MembershipGap).where(MembershipGap.person_id == member)).one()
    assert (gap.start_on, gap.end_on) == (REMOVED_ON, date(2025, 10, 20))
    probation = db.session.scalars(
        select(Case).where(Case.person_id == member, Case.procedure == "probation")
    ).one()
    assert probation.opened_on == person.joined_on
    purposes = [d.purpose for d in db.session.get(Case, case_id).documents]
    assert {"consent_request", "provincial_consent"} <= set(purposes)
    rep = period.compute(date(2025, 10, 1), date(2025, 12, 31), None)
    assert rep.total.figure("readmissions") == 1
    assert rep.total.flows["rejoined"] == 1 and rep.total.flows["joined"] == 0
    assert rep.total.figure("admissions") == 0  # a re-admission is its own figure
    assert rep.balanced


def test_the_decision_clock_stands_stopped_while_the_provincial_consent_is_awaited(world, login):
    member = world.members["C1"][2]
    removed(world, member)
    case_id = to_cell_meeting(world, member)
    _meeting(world, case_id, date(2025, 9, 15))
    world.advance(case_id, "department_appraised", step_days=5)

    def clock_of():
        db.session.expire_all()
        return next(d for d in db.session.get(Case, case_id).deadlines if d.kind == "decision")

    due = clock_of().due_on
    world.fire(case_id, "request_provincial_consent", "dept", date(2025, 10, 6),
               reference="Số 45-CV/ĐUK ngày 06/10/2025")  # fmt: skip
    held = clock_of()
    assert (held.status, held.held_on, held.due_on) == ("held", date(2025, 10, 6), due)
    # a stopped clock is nobody's overdue work, however long the wait
    assert case_id not in queries.open_deadlines([case_id])
    page = login("dept").get(f"/cases/{case_id}").get_data(as_text=True)
    assert "đang dừng tính thời hạn" in page and "06/10/2025" in page
    world.fire(case_id, "record_provincial_consent", "dept", date(2025, 10, 15),
               provincial_consent="Công văn số 120-CV/TU ngày 15/10/2025")  # fmt: skip
    running = clock_of()
    # Mon 6 to Wed 15 October 2025: seven working days stood stopped and move the due date
    assert (running.status, running.held_days) == ("open", 7)
    assert (running.due_on - due).days == 9  # seven working days, one weekend
    assert "Dừng tính thời hạn từ 06/10/2025 đến 15/10/2025" in running.note
    world.fire(case_id, "approve_admission", "signer", date(2025, 10, 20))
    assert clock_of().status == "met"


def test_thirty_six_months_after_leaving(world):
    member = world.members["C1"][2]
    removed(world, member)
    case_id = to_cell_meeting(world, member, opened=date(2024, 9, 2))
    with pytest.raises(GuardFailed) as exc:
        _meeting(world, case_id, date(2025, 3, 20))
    assert "Chưa đủ 36 tháng" in str(exc.value) and "01/04/2025" in str(exc.value)
    with pytest.raises(GuardFailed) as exc:
        _meeting(world, case_id, date(2025, 4, 2), expunged_on="2022-01-10")
    assert "xóa án tích" in str(exc.value)
    _meeting(world, case_id, date(2025, 4, 2))
    assert state(case_id) == "cell_resolved"


@pytest.mark.parametrize(
    ("how", "extra", "message"),
    [
        ("skipped_activity", {}, "bỏ sinh hoạt đảng"),
        ("returned_card", {"excluded_case": "corruption"}, "không được xem xét kết nạp lại"),
        ("leaving", {}, "hoàn cảnh gia đình đặc biệt khó khăn"),
    ],
)
def test_the_cases_that_may_not_come_back(world, how, extra, message):
    member = world.members["C1"][2]
    if how == "leaving":
        case_id = open_for(world, "leaving", member, "sec1", date(2022, 3, 1), reasons="Riêng.")
        world.fire(case_id, "record_cell_resolution", "sec1", date(2022, 3, 10),
                   **cell_vote())  # fmt: skip
        world.fire(case_id, "record_grassroots_resolution", "gs1", date(2022, 3, 15),
                   **cell_vote())  # fmt: skip
        world.fire(case_id, "appraise_by_department", "dept", date(2022, 3, 20), opinion="Đủ.")
        world.fire(case_id, "approve_leaving", "signer", REMOVED_ON)
    else:
        removed(world, member, ground=how)
    case_id = to_cell_meeting(world, member)
    with pytest.raises(GuardFailed) as exc:
        _meeting(world, case_id, date(2025, 9, 15), **extra)
    assert message in str(exc.value)
    if how == "leaving":
        _meeting(world, case_id, date(2025, 9, 15), hardship=True)
        assert state(case_id) == "cell_resolved"


def test_only_a_person_off_the_lists_is_put_forward_once_at_a_time(world, login):
    member = world.members["C1"][2]
    with pytest.raises(InvalidInput) as exc:
        open_for(world, "readmission", member, "sec1", date(2025, 6, 2))
    assert "chưa ra khỏi Đảng" in exc.value.errors["event_date"]
    removed(world, member)
    client = login("sec1")
    url = f"/cases/open/readmission?person={member}"
    assert url in client.get(f"/people/{member}").get_data(as_text=True)
    response = client.post(url, data={"event_date": "02/06/2025", "helper": "", "note": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    with pytest.raises(InvalidInput) as exc:
        open_for(world, "readmission", member, "sec1", date(2025, 6, 3))
    assert "chưa kết thúc" in exc.value.errors["event_date"]


def test_an_authorized_committee_decides_with_the_consent_too(world):
    member = world.members["C2"][2]
    case_id = open_removal(world, member, "sec2", day=date(2022, 3, 1), ground="returned_card")
    world.fire(case_id, "record_self_review", "sec2", date(2022, 3, 5))
    world.fire(case_id, "record_cell_resolution", "sec2", date(2022, 3, 10),
               violation="none", **cell_vote())  # fmt: skip
    world.fire(case_id, "decide_by_grassroots", "sign2", REMOVED_ON, **cell_vote())
    again = open_for(world, "readmission", member, "sec2", date(2025, 6, 2))
    world.advance(again, "awaiting_cell_meeting", start=date(2025, 6, 2), step_days=5)
    world.fire(again, "record_cell_resolution", "sec2", date(2025, 9, 15),
               excluded_case="none", **cell_vote(8))  # fmt: skip
    with pytest.raises(TransitionNotAllowed):
        world.fire(again, "decide_by_grassroots", "sign2", date(2025, 9, 20), **cell_vote())
    world.fire(again, "request_provincial_consent", "dept", date(2025, 9, 16),
               reference="Số 45-CV/ĐUK")  # fmt: skip
    world.fire(again, "record_provincial_consent", "dept", date(2025, 9, 18),
               provincial_consent="Công văn số 7-CV/TU")  # fmt: skip
    # the upper committee's standing committee does not decide for an authorized committee
    with pytest.raises(GuardFailed):
        world.fire(again, "approve_admission", "signer", date(2025, 9, 20))
    world.fire(again, "decide_by_grassroots", "sign2", date(2025, 9, 20), **cell_vote())
    assert state(again) == "admission_decided"


def test_a_refusal_of_the_provincial_standing_committee_ends_the_case(world):
    member = world.members["C1"][2]
    removed(world, member)
    case_id = to_cell_meeting(world, member)
    _meeting(world, case_id, date(2025, 9, 15))
    world.advance(case_id, "awaiting_provincial_consent", step_days=5)
    world.fire(case_id, "record_provincial_refusal", "dept", date(2025, 10, 30),
               reference="Số 130-CV/TU", reason="Chưa đủ điều kiện")  # fmt: skip
    assert state(case_id) == "rejected"
    case = db.session.get(Case, case_id)
    assert case.closed_at is not None and all(d.status != "open" for d in case.deadlines)
    assert db.session.get(Person, member).member_status == "removed"
    assert clock().today() >= date(2025, 9, 20)


def test_every_step_is_the_admissions_with_the_same_actors():
    """Re-admission takes the admission's steps with the same actors at the same bodies, so
    the admission's permission matrix holds for them; the decision moves after the provincial
    consent, and the steps before a decision are also offered while it is awaited. The matrix
    below checks the steps it adds or moves."""
    from states import get_spec

    ours, theirs = get_spec("readmission"), get_spec("admission")
    actors = {(t.trigger, t.roles, t.level, t.exact, t.reauth) for t in ours.transitions}
    assert {(t.trigger, t.roles, t.level, t.exact, t.reauth) for t in theirs.transitions} < actors
    waiting = {"awaiting_provincial_consent", "provincial_consented"}
    for t in theirs.transitions:
        same = [o for o in ours.transitions if (o.trigger, o.dest) == (t.trigger, t.dest)]
        if t.trigger in ("approve_admission", "decide_by_grassroots"):
            assert [o.sources for o in same] == [("provincial_consented",)]
        else:
            (o,) = [o for o in same if set(t.sources) & set(o.sources)]
            assert set(t.sources) <= set(o.sources) <= set(t.sources) | waiting
    added = {t.trigger for t in ours.transitions} - {t.trigger for t in theirs.transitions}
    assert added == {
        "request_provincial_consent",
        "record_provincial_consent",
        "record_provincial_refusal",
    }


@pytest.mark.parametrize(
    ("cell", "target", "trigger", "allowed"),
    [
        ("C1", "awaiting_cell_meeting", "record_cell_resolution", {"sec1"}),
        ("C1", "department_appraised", "request_provincial_consent", {"dept", "dept2"}),
        ("C2", "cell_resolved", "request_provincial_consent", {"dept", "dept2"}),
        ("C1", "awaiting_provincial_consent", "record_provincial_consent", {"dept", "dept2"}),
        ("C1", "awaiting_provincial_consent", "record_provincial_refusal", {"dept", "dept2"}),
        ("C1", "provincial_consented", "approve_admission", {"signer", "signer2"}),
        ("C2", "provincial_consented", "decide_by_grassroots", {"sign2"}),
    ],
)
def test_readmission_permission_matrix(world, cell, target, trigger, allowed):
    from tests.engine.test_permissions import VIEWERS, check_matrix

    secretary = {"C1": "sec1", "C2": "sec2"}[cell]
    member = world.members[cell][2]
    case_id = open_removal(world, member, secretary, day=date(2022, 3, 1), ground="returned_card")
    world.fire(case_id, "record_self_review", secretary, date(2022, 3, 5))
    world.fire(case_id, "record_cell_resolution", secretary, date(2022, 3, 10),
               violation="none", **cell_vote())  # fmt: skip
    if cell == "C2":
        world.fire(case_id, "decide_by_grassroots", "sign2", REMOVED_ON, **cell_vote())
    else:
        world.fire(case_id, "record_grassroots_resolution", "gs1", date(2022, 3, 15),
                   **cell_vote())  # fmt: skip
        world.fire(case_id, "appraise_by_department", "dept", date(2022, 3, 20), opinion="Đủ.")
        world.fire(case_id, "approve_removal", "signer", REMOVED_ON)
    again = open_for(world, "readmission", member, secretary, date(2025, 6, 2))
    world.advance(again, "awaiting_cell_meeting", start=date(2025, 6, 2), step_days=5)
    if target != "awaiting_cell_meeting":
        world.fire(again, "record_cell_resolution", secretary, date(2025, 9, 15),
                   excluded_case="none", **cell_vote(8))  # fmt: skip
        if target != "cell_resolved":
            world.advance(again, target, step_days=5)
    assert state(again) == target
    check_matrix(world, again, trigger, VIEWERS[cell], allowed)
