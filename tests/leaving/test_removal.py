"""Removal from the member list through the engine: the ground, the three requests, the chain,
the decision, the dated end of membership, the other cases closed, the card, the complaint."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.leaving.helpers import cell_vote, open_removal, state, status_rows
from tests.transfers.test_transfers import temporary
from workflow.engine import available_transitions, fire
from workflow.extensions import db
from workflow.membership import members_on
from workflow.models import AuditEntry, Case, Decision, Person
from workflow.reports import period
from workflow.store import audit
from workflow.store.errors import (
    GuardFailed,
    InvalidInput,
    PermissionDenied,
    TransitionNotAllowed,
)
from workflow.store.uow import unit_of_work


def _messages(exc: GuardFailed) -> str:
    return " ".join(v.message for v in exc.value.verdicts)


def _to_cell_resolution(world, member: int, cell="C1", username="sec1") -> int:
    case_id = open_removal(world, member, username)
    world.fire(case_id, "record_self_review", username, date(2025, 9, 5))
    world.fire(case_id, "record_cell_resolution", username, date(2025, 9, 10),
               violation="none", **cell_vote())  # fmt: skip
    return case_id


def _decided_upper(world, member: int) -> tuple[int, date]:
    case_id = _to_cell_resolution(world, member)
    world.fire(case_id, "record_grassroots_resolution", "gs1", date(2025, 9, 15), **cell_vote())
    world.fire(case_id, "appraise_by_department", "dept", date(2025, 9, 18), opinion="Đủ căn cứ.")
    world.fire(case_id, "approve_removal", "signer", date(2025, 9, 25))
    return case_id, date(2025, 9, 25)


def test_three_requests_then_the_cell_goes_on_without_the_self_review(world):
    member = world.members["C1"][2]
    case_id = open_removal(world, member)
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "proceed_without_review", "sec1", why="no_answer")
    assert "mới yêu cầu 0 lần" in _messages(exc)
    for day in (2, 9, 16):
        world.fire(case_id, "record_request", "sec1", date(2025, 9, day), note="Gửi giấy mời")
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "record_request", "sec1", date(2025, 9, 20))
    assert "đã yêu cầu 3 lần" in _messages(exc)
    world.fire(case_id, "proceed_without_review", "sec1", date(2025, 9, 22), why="no_answer")
    assert state(case_id) == "awaiting_cell_meeting"
    case = db.session.get(Case, case_id)
    purposes = [d.purpose for d in case.documents]
    assert purposes.count("self_review_request") == 3
    assert "no_self_review" in purposes


def test_a_member_who_refuses_to_write_goes_to_the_cell_at_once(world):
    case_id = open_removal(world, world.members["C1"][2])
    world.fire(case_id, "proceed_without_review", "sec1", why="refused")
    assert state(case_id) == "awaiting_cell_meeting"


def test_violations_deserving_discipline_are_refused_with_the_reason(world):
    case_id = open_removal(world, world.members["C1"][2])
    world.fire(case_id, "record_self_review", "sec1", date(2025, 9, 5))
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "record_cell_resolution", "sec1", date(2025, 9, 10),
                   violation="deserves_discipline", **cell_vote())  # fmt: skip
    assert "phải xem xét, thi hành kỷ luật" in _messages(exc)
    assert state(case_id) == "awaiting_cell_meeting"
    # a vote short of 2/3 is recorded as the cell not proposing removal
    with pytest.raises(GuardFailed):
        world.fire(case_id, "record_cell_resolution", "sec1", date(2025, 9, 10),
                   violation="none", **cell_vote(yes=5))  # fmt: skip
    world.fire(case_id, "record_cell_rejection", "sec1", date(2025, 9, 10),
               violation="none", **cell_vote(yes=5))  # fmt: skip
    assert state(case_id) == "not_removed"
    assert db.session.get(Person, world.members["C1"][2]).member_status == "official"


def test_the_decision_ends_the_membership_on_its_date(world):
    member = world.members["C1"][2]
    case_id, decided_on = _decided_upper(world, member)
    assert state(case_id) == "decided"
    person = db.session.get(Person, member)
    assert person.member_status == "removed"
    decision = db.session.scalars(
        select(Decision).where(Decision.case_id == case_id, Decision.kind == "removal")
    ).one()
    assert decision.status == "issued" and decision.decided_on == decided_on
    assert decision.reference.startswith("Số ") and "-QĐ/" in decision.reference
    doc = json.loads(decision.snapshot)
    assert doc["card_number"] == person.card_number
    assert doc["reason"].startswith("bỏ sinh hoạt đảng hoặc không đóng đảng phí")
    assert "Chi bộ Phòng Ngân sách" in doc["considering"]
    # the trail records the end of membership with the decision, on its date
    last = status_rows(member)[-1]
    assert (last.member_status, last.procedure, last.action, last.event_date) == (
        "removed",
        "removal",
        "approve_removal",
        decided_on,
    )
    cell = world.org("C1")
    assert member in {p.id for p in members_on(cell.path, date(2025, 9, 24))}
    assert member not in {p.id for p in members_on(cell.path, decided_on)}


def test_the_period_report_counts_the_removal_in_its_period(world):
    member = world.members["C1"][2]
    _, decided_on = _decided_upper(world, member)
    before = period.compute(date(2025, 7, 1), decided_on - timedelta(days=1), None)
    during = period.compute(date(2025, 9, 1), date(2025, 9, 30), None)
    assert before.total.figure("removals") == 0
    assert during.total.figure("removals") == 1
    assert during.total.flows["removed_official"] == 1
    assert during.total.end_total == during.total.start_total - 1
    assert during.balanced
    assert "removals" not in period_untracked()


def period_untracked():
    from states.indicators import UNTRACKED

    return UNTRACKED


def test_other_open_cases_close_with_the_reason(world):
    member = world.members["C1"][2]
    stay = temporary(world, member)
    assert db.session.get(Case, stay).closed_at is None
    case_id, decided_on = _decided_upper(world, member)
    db.session.expire_all()
    other = db.session.get(Case, stay)
    assert other.closed_at is not None
    assert all(d.status != "open" for d in other.deadlines)
    row = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.subject_id == stay, AuditEntry.action == "closed_membership_ended"
        )
    ).one()
    assert row.event_date == decided_on
    payload = json.loads(row.payload)
    assert payload["by_case"] == case_id
    assert payload["reason"].startswith("Đảng viên đã bị xóa tên trong danh sách đảng viên")
    assert "-QĐ/" in payload["reason"]
    # a closed case takes no more steps and offers none
    assert available_transitions(other, world.actor("dept")) == []
    with pytest.raises(TransitionNotAllowed):
        fire(
            stay,
            "record_return",
            actor=world.actor("dept"),
            payload={"event_date": "2025-10-01"},
            expected_version=other.version,
        )


def test_the_card_the_complaint_and_the_closing(world):
    member = world.members["C1"][2]
    case_id, decided_on = _decided_upper(world, member)
    complaint = next(d for d in db.session.get(Case, case_id).deadlines if d.kind == "complaint")
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "close", "gs1", date(2025, 10, 1), dossier="Ban Tổ chức")
    assert "thu hồi thẻ" in _messages(exc) and "chưa hết" in _messages(exc)
    with pytest.raises(GuardFailed) as exc:  # not before the decision was signed
        world.fire(case_id, "record_card_collected", "sec1", date(2025, 9, 20))
    assert "trước ngày ký quyết định (25/09/2025)" in _messages(exc)
    world.fire(case_id, "record_card_collected", "sec1", date(2025, 9, 29),
               card_number=db.session.get(Person, member).card_number)  # fmt: skip
    with pytest.raises(GuardFailed):
        world.fire(case_id, "record_card_collected", "sec1", date(2025, 9, 30))
    # a complaint after the period is refused; one within it is recorded and answered
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "record_complaint", "sec1", date(2025, 12, 1),
                   addressee="Ủy ban Kiểm tra", content="Đề nghị xem xét lại")  # fmt: skip
    assert "hết thời hạn khiếu nại" in _messages(exc)
    world.fire(case_id, "record_complaint", "sec1", date(2025, 10, 6),
               addressee="Ủy ban Kiểm tra", content="Đề nghị xem xét lại")  # fmt: skip
    assert state(case_id) == "complaint"
    world.fire(case_id, "record_complaint_ruling", "dept", date(2025, 10, 20),
               reference="Số 3-QĐ/UBKT ngày 20/10/2025", body="Ủy ban Kiểm tra")  # fmt: skip
    world.fire(case_id, "close", "gs1", date(2025, 10, 21), dossier="Ban Tổ chức")
    assert state(case_id) == "closed"
    assert complaint.due_on > decided_on


def test_an_annulled_removal_puts_the_member_back_on_the_list_from_its_date(world, login):
    member = world.members["C1"][2]
    case_id, decided_on = _decided_upper(world, member)
    world.fire(case_id, "record_complaint", "sec1", date(2025, 10, 6),
               addressee="Ủy ban Kiểm tra Tỉnh ủy", content="Đề nghị xem xét lại")  # fmt: skip
    annulled_on = date(2025, 10, 20)
    world.fire(case_id, "record_annulment", "dept", annulled_on,
               reference="Số 12-QĐ/UBKTTU ngày 20/10/2025",
               body="Ủy ban Kiểm tra Tỉnh ủy")  # fmt: skip
    assert state(case_id) == "annulled"
    case = db.session.get(Case, case_id)
    assert case.closed_at is not None
    assert all(d.status != "open" for d in case.deadlines)
    assert [d.purpose for d in case.documents][-1] == "annulment"
    person = db.session.get(Person, member)
    assert (person.member_status, person.presence) == ("official", "active")
    last = status_rows(member)[-1]
    assert (last.member_status, last.action, last.event_date) == (
        "official",
        "record_annulment",
        annulled_on,
    )
    # off the list between the decision and its annulment, on it before and after
    cell = world.org("C1")
    ids = {day: {p.id for p in members_on(cell.path, day)} for day in (
        decided_on - timedelta(days=1), decided_on, annulled_on)}  # fmt: skip
    assert [member in ids[day] for day in sorted(ids)] == [True, False, True]
    # the quarter counts the removal and the return; the figures still balance
    rep = period.compute(date(2025, 7, 1), date(2025, 12, 31), None)
    assert rep.total.flows["removed_official"] == 1 and rep.total.flows["restored"] == 1
    assert rep.balanced
    body = login("dept").get(f"/people/{member}").get_data(as_text=True)
    assert "Đảng viên chính thức" in body and "Không còn trong danh sách" not in body


def test_a_removal_is_not_annulled_once_the_member_has_left_another_way(world):
    member = world.members["C1"][2]
    case_id, _ = _decided_upper(world, member)
    with unit_of_work():  # a later recorded change, e.g. an imported re-admission
        person = db.session.get(Person, member)
        person.member_status = "official"
        audit.append(actor=world.actor("dept"), subject_type="person", subject_id=member,
                     action="history.joined", event_date=date(2025, 10, 10),
                     person=person)  # fmt: skip
    before = status_rows(member)
    with pytest.raises(InvalidInput) as exc:
        world.fire(case_id, "record_annulment", "dept", date(2025, 10, 20),
                   reference="Số 12-QĐ/UBKTTU", body="Ủy ban Kiểm tra Tỉnh ủy")  # fmt: skip
    assert "đã thay đổi" in str(exc.value)
    assert state(case_id) == "decided" and status_rows(member) == before


def test_an_authorized_grassroots_committee_decides_itself(world):
    member = world.members["C2"][2]
    case_id = _to_cell_resolution(world, member, "C2", "sec2")
    with pytest.raises(PermissionDenied):  # the upper committee's signer is not its signer
        world.fire(case_id, "decide_by_grassroots", "signer", date(2025, 9, 15), **cell_vote())
    world.fire(case_id, "decide_by_grassroots", "sign2", date(2025, 9, 15), **cell_vote())
    assert state(case_id) == "decided"
    decision = db.session.scalars(select(Decision).where(Decision.case_id == case_id)).one()
    assert decision.issuer.startswith("org:") and decision.reference.endswith("-QĐ/ĐU")
    assert db.session.get(Person, member).member_status == "removed"


def test_a_sub_committee_appraises_before_its_grassroots_committee(world):
    case_id = _to_cell_resolution(world, world.members["C3"][2], "C3", "sec3")
    world.fire(case_id, "appraise_by_subcommittee", "gs3s", date(2025, 9, 12), opinion="Đủ.")
    world.fire(case_id, "record_grassroots_resolution", "gs3", date(2025, 9, 15), **cell_vote())
    world.fire(case_id, "return_for_correction", "dept", date(2025, 9, 16), reason="Thiếu hồ sơ")
    assert state(case_id) == "awaiting_cell_meeting"


def test_opening_needs_an_official_member_on_the_list_and_one_case_at_a_time(world):
    member = world.members["C1"][2]
    open_removal(world, member)
    with pytest.raises(InvalidInput) as exc:
        open_removal(world, member)
    assert "chưa kết thúc" in exc.value.errors["event_date"]
    with pytest.raises(InvalidInput) as exc:
        open_removal(world, world.members["C1"][3], day=date(2005, 1, 1))
    assert "không phải đảng viên chính thức" in exc.value.errors["event_date"]
    with pytest.raises(InvalidInput) as exc:
        open_removal(world, world.members["C1"][3], ground="invented")
    assert "ground" in exc.value.errors
