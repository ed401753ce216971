"""Member discipline through the engine: the self-review requests, the cell's secret ballot and
its powers, the chain above it, the decision numbered in its issuer's register, the announcement,
the complaint and its rulings, the end of effect by the daily scan, the statute of limitations,
deferral, and expulsion ending the membership."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from tests.discipline.helpers import ballot, cell_vote, commission, open_discipline, state
from tests.leaving.helpers import status_rows
from tests.transfers.test_transfers import temporary
from workflow.clock import clock
from workflow.engine import available_transitions
from workflow.extensions import db
from workflow.membership import members_on
from workflow.models import AuditEntry, Case, Decision, DisciplineRecord, Person
from workflow.operations.deadlines import scan
from workflow.store.errors import GuardFailed, NotFound, PermissionDenied
from workflow.store.uow import unit_of_work


def _messages(exc) -> str:
    return " ".join(v.message for v in exc.value.verdicts)


def _decisions(case_id: int, kind: str = "discipline") -> list[Decision]:
    return list(
        db.session.scalars(
            select(Decision)
            .where(Decision.case_id == case_id, Decision.kind == kind, Decision.status == "issued")
            .order_by(Decision.id)
        )
    )


def _reviewed(world, member: int, username="sec1", **payload) -> int:
    case_id = open_discipline(world, member, username, **payload)
    world.fire(case_id, "record_self_review", username, date(2025, 9, 5))
    return case_id


def _cell_reprimand(world, member: int) -> int:
    case_id = _reviewed(world, member)
    world.fire(case_id, "decide_by_cell", "sec1", date(2025, 9, 10), **ballot("reprimand"))
    return case_id


def test_three_requests_then_the_cell_goes_on_without_the_self_review(world):
    case_id = open_discipline(world, world.members["C1"][2])
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "proceed_without_review", "sec1", why="no_answer")
    assert "mới yêu cầu 0 lần" in _messages(exc)
    for day in (2, 9, 16):
        world.fire(case_id, "record_request", "sec1", date(2025, 9, day))
    with pytest.raises(GuardFailed):
        world.fire(case_id, "record_request", "sec1", date(2025, 9, 20))
    world.fire(case_id, "proceed_without_review", "sec1", date(2025, 9, 22), why="no_answer")
    assert state(case_id) == "awaiting_cell_meeting"


def test_the_cell_decides_a_reprimand_numbered_in_its_own_register(world):
    member = world.members["C1"][2]
    case_id = _cell_reprimand(world, member)
    assert state(case_id) == "decided"
    (decision,) = _decisions(case_id)
    cell = world.org("C1")
    assert decision.issuer == f"org:{cell.id}"
    assert decision.reference.startswith("Số 1-QĐ/")
    doc = json.loads(decision.snapshot)
    assert doc["on_behalf"] == "T/M CHI BỘ" and doc["signer_title"] == "BÍ THƯ"
    assert doc["form_label"] == "Khiển trách" and doc["issuer_name"] == cell.name
    assert "Quy định số 296-QĐ/TW" in doc["discipline_bases"][0]  # in force in 2025-09
    assert "9/9 phiếu tán thành" in doc["considering"]
    # a second decision of the same cell takes the next number of that register
    other = _reviewed(world, world.members["C1"][3])
    world.fire(other, "decide_by_cell", "sec1", date(2025, 9, 11), **ballot("warning"))
    assert _decisions(other)[0].number == 2
    record = db.session.get(DisciplineRecord, case_id)
    assert record.form == "reprimand" and record.announced_on is None


def test_the_ballot_needs_more_than_half_and_the_cell_stays_within_its_powers(world):
    case_id = _reviewed(world, world.members["C1"][2])
    with pytest.raises(GuardFailed) as exc:  # 4 of 9 is not more than half
        world.fire(case_id, "decide_by_cell", "sec1", date(2025, 9, 10),
                   **ballot("reprimand", yes=4))  # fmt: skip
    assert "chưa quá một nửa (cần ít nhất 5)" in _messages(exc)
    with pytest.raises(GuardFailed) as exc:  # expulsion is for the upper level
        world.fire(case_id, "decide_by_cell", "sec1", date(2025, 9, 10), **ballot("expulsion"))
    assert "do cấp trên quyết định" in _messages(exc)
    # the cell proposes it upward instead, 5 of 9 is enough
    world.fire(case_id, "propose_by_cell", "sec1", date(2025, 9, 10),
               **ballot("expulsion", yes=5))  # fmt: skip
    assert state(case_id) == "cell_proposed"


def test_tasks_assigned_from_above_are_not_the_cells_to_decide(world):
    case_id = _reviewed(world, world.members["C1"][2], matter="assigned_tasks")
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "decide_by_cell", "sec1", date(2025, 9, 10), **ballot("reprimand"))
    assert "nhiệm vụ do cấp trên giao" in _messages(exc)


def test_a_probationary_member_is_only_reprimanded_or_warned(world):
    member = world.members["C1"][2]
    with unit_of_work():
        db.session.get(Person, member).member_status = "probationary"
    case_id = _reviewed(world, member)
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "propose_by_cell", "sec1", date(2025, 9, 10),
                   **ballot("expulsion", total=8))  # fmt: skip
    assert "Đảng viên dự bị chỉ bị kỷ luật khiển trách, cảnh cáo" in _messages(exc)


def test_the_grassroots_committee_proposes_upward_or_decides_where_authorized(world):
    case_id = _reviewed(world, world.members["C1"][2])
    world.fire(case_id, "propose_by_cell", "sec1", date(2025, 9, 10), **ballot("expulsion"))
    with pytest.raises(NotFound):  # G2's signer does not even see G1's cases
        world.fire(case_id, "decide_by_grassroots", "sign2", date(2025, 9, 15),
                   **ballot("expulsion"))  # fmt: skip
    with pytest.raises(PermissionDenied):  # the upper committee's signer does not sign for G1
        world.fire(case_id, "decide_by_grassroots", "signer", date(2025, 9, 15),
                   **ballot("warning"))  # fmt: skip
    with pytest.raises(GuardFailed):
        world.fire(case_id, "propose_by_grassroots", "gs1", date(2025, 9, 15),
                   **ballot("expulsion", yes=4))  # fmt: skip
    world.fire(case_id, "propose_by_grassroots", "gs1", date(2025, 9, 15), **ballot("expulsion"))
    assert state(case_id) == "grassroots_proposed"
    # G2 is authorized: its committee decides, in its own register
    other = _reviewed(world, world.members["C2"][2], "sec2")
    world.fire(other, "propose_by_cell", "sec2", date(2025, 9, 10), **ballot("warning"))
    world.fire(other, "decide_by_grassroots", "sign2", date(2025, 9, 15), **ballot("warning"))
    (decision,) = _decisions(other)
    assert decision.issuer == f"org:{world.org('G2').id}"
    assert json.loads(decision.snapshot)["on_behalf"] == "T/M ĐẢNG ỦY"


def test_a_sub_committee_only_examines(world):
    case_id = _reviewed(world, world.members["C3"][2], "sec3")
    world.fire(case_id, "propose_by_cell", "sec3", date(2025, 9, 10), **ballot("warning"))
    names = {t.trigger for t in available_transitions(db.session.get(Case, case_id),
                                                      world.actor("gs3"))}  # fmt: skip
    assert "decide_by_grassroots" not in names
    world.fire(case_id, "examine_by_subcommittee", "gs3s", date(2025, 9, 12), opinion="Đồng ý.")
    assert state(case_id) == "subcommittee_examined"


def _expelled(world, member: int) -> tuple[int, date]:
    case_id = _reviewed(world, member)
    world.fire(case_id, "propose_by_cell", "sec1", date(2025, 9, 10), **ballot("expulsion"))
    world.fire(case_id, "propose_by_grassroots", "gs1", date(2025, 9, 15), **ballot("expulsion"))
    with pytest.raises(PermissionDenied):
        world.fire(case_id, "decide_by_inspection", "dept", date(2025, 9, 20),
                   **commission("expulsion"))  # fmt: skip
    world.fire(case_id, "decide_by_inspection", "inspector", date(2025, 9, 20),
               **commission("expulsion"))  # fmt: skip
    world.fire(case_id, "announce", "sec1", date(2025, 9, 25), where="Hội nghị chi bộ")
    return case_id, date(2025, 9, 25)


def test_expulsion_by_the_inspection_commission_ends_the_membership_when_announced(world):
    member = world.members["C1"][2]
    stay = temporary(world, member)
    case_id, announced = _expelled(world, member)
    assert state(case_id) == "expelled"
    (decision,) = _decisions(case_id)
    assert decision.issuer == "inspection" and "-QĐ/UBKT" in decision.reference
    doc = json.loads(decision.snapshot)
    assert doc["on_behalf"] == "T/M ỦY BAN KIỂM TRA" and doc["signer_title"] == "CHỦ NHIỆM"
    assert db.session.get(Person, member).member_status == "removed"
    last = status_rows(member)[-1]
    assert (last.member_status, last.procedure, last.action, last.event_date) == (
        "removed", "discipline", "announce", announced)  # fmt: skip
    cell = world.org("C1")
    assert member in {p.id for p in members_on(cell.path, date(2025, 9, 24))}
    assert member not in {p.id for p in members_on(cell.path, announced)}
    # the member's other open cases close with the reason
    db.session.expire_all()
    assert db.session.get(Case, stay).closed_at is not None
    row = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.subject_id == stay, AuditEntry.action == "closed_membership_ended"
        )
    ).one()
    assert json.loads(row.payload)["reason"].startswith("Đảng viên bị khai trừ khỏi Đảng")
    # card and badge are recorded as returned, then the case closes after the complaint period
    world.fire(case_id, "record_card_collected", "sec1", date(2025, 9, 26), card_number="123",
               badge=True)  # fmt: skip
    purposes = {d.purpose for d in db.session.get(Case, case_id).documents}
    assert {"card_returned", "badge_returned"} <= purposes
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "close", "gs1", date(2025, 10, 1), dossier="Ban Tổ chức")
    assert "chưa hết" in _messages(exc)
    world.fire(case_id, "close", "gs1", date(2025, 10, 26), dossier="Ban Tổ chức")
    assert state(case_id) == "closed"


def test_announcement_clocks_and_the_end_of_effect_by_the_daily_scan(world):
    case_id = _cell_reprimand(world, world.members["C1"][2])
    case = db.session.get(Case, case_id)
    announcement = next(d for d in case.deadlines if d.kind == "announcement")
    assert announcement.due_on == date(2025, 9, 25)  # 15 days from signing
    world.fire(case_id, "announce", "sec1", date(2025, 9, 12), where="Hội nghị chi bộ")
    assert state(case_id) == "in_effect"
    case = db.session.get(Case, case_id)
    clocks = {d.kind: d for d in case.deadlines if d.status == "open"}
    assert clocks["complaint"].due_on == date(2025, 10, 12)
    assert clocks["effect"].due_on == date(2026, 9, 12)
    assert db.session.get(DisciplineRecord, case_id).announced_on == date(2025, 9, 12)
    # by hand before the twelve months: refused with the date
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "expire", "sec1", date(2026, 6, 1))
    assert "còn hiệu lực đến ngày 12/09/2026" in _messages(exc)
    # the daily scan leaves it until the day, then records the end of effect on that day
    clock().set_today(date(2026, 9, 11))
    assert scan(date(2026, 9, 11)).taken == []
    clock().set_today(date(2026, 9, 12))
    report = scan(date(2026, 9, 12))
    assert [c for c, _ in report.taken] == [case_id]
    assert state(case_id) == "expired"
    row = db.session.scalars(
        select(AuditEntry).where(AuditEntry.subject_id == case_id, AuditEntry.action == "expire")
    ).one()
    assert row.event_date == date(2026, 9, 12)


def test_a_new_violation_keeps_the_decision_in_effect(world):
    member = world.members["C1"][2]
    case_id = _cell_reprimand(world, member)
    world.fire(case_id, "announce", "sec1", date(2025, 9, 12), where="Hội nghị chi bộ")
    open_discipline(world, member, day=date(2026, 3, 1), violation_on="2026-02-20")
    clock().set_today(date(2026, 9, 12))
    report = scan(date(2026, 9, 12))
    assert case_id in report.skipped
    assert "vi phạm mới" in report.skipped[case_id]
    assert state(case_id) == "in_effect"


def test_complaint_upheld_then_changed_each_a_new_linked_decision(world):
    case_id = _reviewed(world, world.members["C1"][2])
    world.fire(case_id, "decide_by_cell", "sec1", date(2025, 9, 10), **ballot("warning"))
    world.fire(case_id, "announce", "sec1", date(2025, 9, 12), where="Hội nghị chi bộ")
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "record_complaint", "sec1", date(2025, 10, 20),
                   addressee="Ủy ban Kiểm tra", content="Xin xem xét lại")  # fmt: skip
    assert "hết thời hạn khiếu nại" in _messages(exc)
    world.fire(case_id, "record_complaint", "sec1", date(2025, 10, 1),
               addressee="Ủy ban Kiểm tra", content="Xin xem xét lại")  # fmt: skip
    assert state(case_id) == "complaint"
    assert not any(d.kind == "effect" and d.status == "open"
                   for d in db.session.get(Case, case_id).deadlines)  # fmt: skip
    world.fire(case_id, "change_on_complaint", "inspector", date(2025, 11, 3),
               **commission("reprimand"), findings="Vi phạm lần đầu, đã khắc phục")  # fmt: skip
    assert state(case_id) == "decided"
    (original,) = _decisions(case_id)
    (ruling,) = _decisions(case_id, "discipline_ruling")
    assert ruling.corrects_id == original.id and ruling.correction_kind == "replace"
    doc = json.loads(ruling.snapshot)
    assert doc["outcome"] == "change" and doc["new_form_label"] == "Khiển trách"
    assert doc["complained_reference"] == f"Quyết định {original.cited}"
    assert db.session.get(DisciplineRecord, case_id).form == "reprimand"
    # the ruling takes effect when announced; the twelve months run from then
    world.fire(case_id, "announce", "sec1", date(2025, 11, 10), where="Hội nghị chi bộ")
    effect = next(d for d in db.session.get(Case, case_id).deadlines
                  if d.kind == "effect" and d.status == "open")  # fmt: skip
    assert effect.due_on == date(2026, 11, 10)


def test_complaint_annulled(world):
    case_id = _cell_reprimand(world, world.members["C1"][2])
    world.fire(case_id, "announce", "sec1", date(2025, 9, 12), where="Hội nghị chi bộ")
    world.fire(case_id, "record_complaint", "sec1", date(2025, 9, 20),
               addressee="Ủy ban Kiểm tra", content="Không vi phạm")  # fmt: skip
    world.fire(case_id, "annul_on_complaint", "inspector", date(2025, 10, 3), **commission(),
               findings="Không đủ căn cứ kết luận vi phạm")  # fmt: skip
    assert state(case_id) == "annulled"
    (ruling,) = _decisions(case_id, "discipline_ruling")
    assert ruling.correction_kind == "annul"
    assert db.session.get(Case, case_id).closed_at is not None


def test_an_expulsion_annulled_on_complaint_puts_the_member_back_on_the_list(world):
    from workflow.reports import period

    member = world.members["C1"][2]
    case_id, announced = _expelled(world, member)
    world.fire(case_id, "record_complaint", "sec1", date(2025, 10, 1),
               addressee="Ủy ban Kiểm tra", content="Không vi phạm")  # fmt: skip
    world.fire(case_id, "annul_on_complaint", "inspector", date(2025, 10, 20), **commission(),
               findings="Không đủ căn cứ kết luận vi phạm")  # fmt: skip
    assert state(case_id) == "annulled"
    person = db.session.get(Person, member)
    assert (person.member_status, person.presence) == ("official", "active")
    last = status_rows(member)[-1]
    assert (last.member_status, last.action, last.event_date) == (
        "official", "annul_on_complaint", date(2025, 10, 20))  # fmt: skip
    cell = world.org("C1")
    assert member not in {p.id for p in members_on(cell.path, announced)}
    assert member in {p.id for p in members_on(cell.path, date(2025, 10, 20))}
    rep = period.compute(date(2025, 7, 1), date(2025, 12, 31), None)
    assert rep.total.flows["expelled"] == 1 and rep.total.flows["restored"] == 1
    assert rep.balanced


def test_an_expulsion_changed_on_complaint_restores_the_member_under_the_lighter_form(world):
    member = world.members["C1"][2]
    case_id, _ = _expelled(world, member)
    world.fire(case_id, "record_complaint", "sec1", date(2025, 10, 1),
               addressee="Ủy ban Kiểm tra", content="Hình thức quá nặng")  # fmt: skip
    world.fire(case_id, "change_on_complaint", "inspector", date(2025, 10, 20),
               **commission("warning"), findings="Vi phạm lần đầu")  # fmt: skip
    assert state(case_id) == "decided"
    assert db.session.get(Person, member).member_status == "official"
    assert db.session.get(DisciplineRecord, case_id).form == "warning"
    world.fire(case_id, "announce", "sec1", date(2025, 10, 25), where="Hội nghị chi bộ")
    assert state(case_id) == "in_effect"
    assert db.session.get(Person, member).member_status == "official"


def test_the_statute_of_limitations_explains_itself_and_deferral_pauses_it(world):
    member = world.members["C1"][2]
    case_id = _reviewed(world, member, violation_on="2020-09-01")
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "decide_by_cell", "sec1", date(2025, 9, 10), **ballot("reprimand"))
    message = _messages(exc)
    assert "Vi phạm ngày 01/09/2020" in message and "khiển trách là 5 năm" in message
    assert "đến hết ngày 01/09/2025" in message and "đã hết thời hiệu" in message
    # a warning's ten years have not run
    world.fire(case_id, "propose_by_cell", "sec1", date(2025, 9, 10), **ballot("warning"))
    assert state(case_id) == "cell_proposed"
    # the same violation with a deferral of 20 days still in time for a reprimand
    other = open_discipline(world, world.members["C1"][3], violation_on="2020-09-10")
    world.fire(other, "defer", "sec1", date(2025, 9, 2), why="illness")
    assert state(other) == "deferred"
    world.fire(other, "resume", "sec1", date(2025, 9, 22))
    assert state(other) == "opened"
    world.fire(other, "record_self_review", "sec1", date(2025, 9, 23))
    world.fire(other, "decide_by_cell", "sec1", date(2025, 9, 25), **ballot("reprimand"))
    assert state(other) == "decided"


def test_a_time_barred_violation_closes_the_case(world):
    case_id = open_discipline(world, world.members["C1"][2], violation_on="2019-01-01")
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "record_time_barred", "sec1", form="expulsion")
    assert "không áp dụng thời hiệu" in _messages(exc)
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "record_time_barred", "sec1", form="warning")
    assert "đến hết ngày 01/01/2029: chưa hết thời hiệu" in _messages(exc)
    world.fire(case_id, "record_time_barred", "sec1", form="reprimand")
    assert state(case_id) == "time_barred"


def test_no_limitation_for_the_listed_violations(world):
    case_id = _reviewed(world, world.members["C1"][2], violation_on="2010-01-01",
                        no_limitation="yes")  # fmt: skip
    world.fire(case_id, "decide_by_cell", "sec1", date(2025, 9, 10), **ballot("reprimand"))
    assert state(case_id) == "decided"


def test_the_violation_cannot_postdate_its_discovery(world):
    from workflow.store.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        open_discipline(world, world.members["C1"][2], violation_on="2025-09-20")
    assert "Ngày vi phạm không được sau ngày phát hiện" in str(exc.value.errors)


def test_the_cell_may_conclude_without_discipline(world):
    case_id = _reviewed(world, world.members["C1"][2])
    world.fire(case_id, "record_no_discipline", "sec1", date(2025, 9, 10),
               reason="Không hình thức nào quá nửa số phiếu")  # fmt: skip
    assert state(case_id) == "not_disciplined"
    assert cell_vote()  # helpers stay importable for the other modules


def test_the_member_page_shows_a_discipline_in_effect_and_when_it_ends(world, login):
    member = world.members["C1"][2]
    case_id = _cell_reprimand(world, member)
    world.fire(case_id, "announce", "sec1", date(2025, 9, 12), where="Hội nghị chi bộ")
    body = login("dept").get(f"/people/{member}").get_data(as_text=True)
    assert f'href="/cases/{case_id}"' in body
    assert "đang bị xem xét hoặc thi hành kỷ luật" in body
    assert "Hiệu lực của quyết định kỷ luật (12 tháng): 12/09/2026" in body


def test_every_reading_of_a_discipline_file_is_recorded(world, login):
    from sqlalchemy import func

    from workflow.models import AccessLogEntry

    case_id = _cell_reprimand(world, world.members["C1"][2])

    def reads(user: str) -> int:
        db.session.rollback()
        return db.session.scalar(
            select(func.count())
            .select_from(AccessLogEntry)
            .where(
                AccessLogEntry.subject_id == case_id,
                AccessLogEntry.part == "case_file",
                AccessLogEntry.user_id == world.users[user],
            )
        )

    assert login("inspector").get(f"/cases/{case_id}").status_code == 200
    assert login("gs1").get(f"/cases/{case_id}").status_code == 200
    assert (reads("inspector"), reads("gs1")) == (1, 1)
    # outside the member's organizations: not found, and nothing read
    assert login("gs2").get(f"/cases/{case_id}").status_code == 404
    assert reads("gs2") == 0
