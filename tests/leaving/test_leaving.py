"""Leaving the Party at one's own request through the engine: the application, the refusal of a
member with a violation pending, the chain, the decision ending the membership on its date, the
party-age confirmation and its PDF."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from states.dates import vn_date
from tests.documents.test_render import pdf_text
from tests.leaving.helpers import cell_vote, open_for, state, status_rows
from workflow.documents import service
from workflow.engine import available_transitions
from workflow.extensions import db
from workflow.membership import members_on
from workflow.models import Case, Decision, MembershipGap, Person
from workflow.reports import period
from workflow.store.errors import GuardFailed, InvalidInput
from workflow.store.uow import unit_of_work

REASONS = "Hoàn cảnh gia đình khó khăn, không còn điều kiện sinh hoạt."


def open_leaving(world, person_id: int, username="sec1", day=date(2025, 9, 1)) -> int:
    return open_for(world, "leaving", person_id, username, day, reasons=REASONS)


def _left(world, member: int) -> tuple[int, date]:
    case_id = open_leaving(world, member)
    world.fire(case_id, "record_cell_resolution", "sec1", date(2025, 9, 10),
               **cell_vote())  # fmt: skip
    world.fire(case_id, "record_grassroots_resolution", "gs1", date(2025, 9, 15), **cell_vote())
    world.fire(case_id, "appraise_by_department", "dept", date(2025, 9, 18), opinion="Đồng ý.")
    world.fire(case_id, "approve_leaving", "signer", date(2025, 9, 26))
    return case_id, date(2025, 9, 26)


def test_a_member_with_a_violation_pending_is_refused_with_the_reason(world):
    from tests.discipline.helpers import open_discipline

    member = world.members["C1"][4]
    case_id = open_leaving(world, member)
    # the record holds a discipline case for the member: the cell cannot propose the leaving
    open_discipline(world, member, day=date(2025, 9, 3))
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "record_cell_resolution", "sec1", date(2025, 9, 10),
                   **cell_vote())  # fmt: skip
    assert "Thi hành kỷ luật đảng viên: đang bị xem xét hoặc thi hành kỷ luật" in str(exc.value)
    assert "xử lý vi phạm" in str(exc.value)
    world.fire(case_id, "refuse", "sec1", date(2025, 9, 10), reason="Đang bị xem xét kỷ luật.")
    assert state(case_id) == "refused"
    assert db.session.get(Person, world.members["C1"][4]).member_status == "official"


def test_the_decision_lets_the_member_go_on_its_date_and_the_report_counts_it(world):
    member = world.members["C1"][4]
    case_id, left_on = _left(world, member)
    assert state(case_id) == "left"
    assert db.session.get(Person, member).member_status == "removed"
    last = status_rows(member)[-1]
    assert (last.member_status, last.procedure, last.event_date) == ("removed", "leaving", left_on)
    cell = world.org("C1")
    assert member in {p.id for p in members_on(cell.path, date(2025, 9, 25))}
    assert member not in {p.id for p in members_on(cell.path, left_on)}
    decision = db.session.scalars(
        select(Decision).where(Decision.case_id == case_id, Decision.kind == "leaving")
    ).one()
    doc = json.loads(decision.snapshot)
    assert doc["applied_on"] == "01/09/2025" and REASONS.rstrip(".") in doc["reason"]
    rep = period.compute(date(2025, 7, 1), date(2025, 9, 30), None)
    assert rep.total.figure("left_party") == 1
    assert rep.total.flows["left_party"] == 1
    assert rep.balanced
    from states.indicators import UNTRACKED

    assert "left_party" not in UNTRACKED


def test_the_party_age_confirmation_counts_to_the_day_the_member_left(world):
    member = world.members["C1"][4]
    with unit_of_work():
        db.session.add(
            MembershipGap(
                person_id=member,
                start_on=date(2015, 3, 1),
                end_on=date(2016, 3, 1),
                reason="Thời gian không tính tuổi đảng",
            )
        )
    case_id, left_on = _left(world, member)
    # a confirmation dated before the decision it cites is refused, with the earliest day
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "issue_party_age_confirmation", "signer", date(2025, 9, 20),
                   request="Đơn đề nghị ngày 19/09/2025")  # fmt: skip
    assert "chọn ngày từ 26/09/2025 trở đi" in str(exc.value)
    world.fire(case_id, "issue_party_age_confirmation", "signer", date(2025, 10, 2),
               request="Đơn đề nghị ngày 30/09/2025")  # fmt: skip
    with pytest.raises(GuardFailed):
        world.fire(case_id, "issue_party_age_confirmation", "signer", date(2025, 10, 3),
                   request="Lần nữa")  # fmt: skip
    confirmation = db.session.scalars(
        select(Decision).where(
            Decision.case_id == case_id, Decision.kind == "party_age_confirmation"
        )
    ).one()
    assert confirmation.reference.startswith("Số ") and "-XN/" in confirmation.reference
    doc = json.loads(confirmation.snapshot)
    # decision signed 05/01/2010, left 26/09/2025: 188 full months, less 12 of the gap
    assert doc["party_age_months"] == 188 - 12
    assert doc["party_age"] == "14 năm 8 tháng"
    assert (
        doc["left_on"] == vn_date(left_on) == "26/09/2025"
        and doc["request"] == "Đơn đề nghị ngày 30/09/2025"
    )
    db.session.rollback()
    text = " ".join(pdf_text(service.pdf_bytes(db.session.get(Decision, confirmation.id))).split())
    assert "GIẤY XÁC NHẬN TUỔI ĐẢNG" in text
    assert "đến ngày ra khỏi Đảng: 14 năm 8 tháng" in text
    assert "Quyết định số 1-QĐ/ĐUK ngày 26/09/2025" in text
    world.fire(case_id, "close", "gs1", date(2025, 10, 5), dossier="Ban Tổ chức",
               card_number="25000001")  # fmt: skip
    assert state(case_id) == "closed"


def test_a_probationary_member_leaving_gets_no_party_age_confirmation(world):
    member = world.members["C1"][4]
    with unit_of_work():
        db.session.get(Person, member).official_on = None
    case_id, _ = _left(world, member)
    case = db.session.get(Case, case_id)
    triggers = {a.trigger for a in available_transitions(case, world.actor("signer"))}
    assert "issue_party_age_confirmation" not in triggers


def test_an_authorized_committee_lets_the_member_go_itself(world):
    member = world.members["C2"][4]
    case_id = open_leaving(world, member, "sec2")
    world.fire(case_id, "record_cell_resolution", "sec2", date(2025, 9, 10),
               **cell_vote())  # fmt: skip
    world.fire(case_id, "decide_by_grassroots", "sign2", date(2025, 9, 12), **cell_vote())
    assert state(case_id) == "left"
    assert db.session.get(Person, member).member_status == "removed"


def test_a_member_removed_or_leaving_cannot_open_another(world):
    member = world.members["C1"][4]
    open_leaving(world, member)
    with pytest.raises(InvalidInput) as exc:
        open_for(world, "removal", member, "sec1", ground="returned_card", facts="Trả thẻ")
    assert "Cho ra khỏi Đảng" in exc.value.errors["event_date"]


def test_the_pages_record_the_application_and_give_the_confirmation_pdf(world, login):
    from tests.web.helpers import page

    member = world.members["C1"][4]
    client = login("sec1")
    url = f"/cases/open/leaving?person={member}"
    assert url in page(client.get(f"/people/{member}"))
    response = client.post(url, data={"event_date": "01/09/2025", "reasons": REASONS})
    assert response.status_code == 302, page(response)[-2000:]
    case_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    world.fire(case_id, "record_cell_resolution", "sec1", date(2025, 9, 10),
               **cell_vote())  # fmt: skip
    world.fire(case_id, "record_grassroots_resolution", "gs1", date(2025, 9, 15), **cell_vote())
    world.fire(case_id, "appraise_by_department", "dept", date(2025, 9, 18), opinion="Đồng ý.")
    world.fire(case_id, "approve_leaving", "signer", date(2025, 9, 26))
    signer = login("signer2")
    act = f"/cases/{case_id}/do/issue_party_age_confirmation"
    assert "Cấp giấy xác nhận tuổi đảng" in page(signer.get(act))
    db.session.rollback()
    version = db.session.get(Case, case_id).version
    response = signer.post(
        act,
        data={
            "event_date": "02/10/2025",
            "request": "Đơn đề nghị ngày 30/09/2025",
            "password": world.password,
            "expected_version": str(version),
        },
    )
    assert response.status_code == 302, page(response)[-2000:]
    db.session.rollback()
    confirmation = db.session.scalars(
        select(Decision).where(Decision.kind == "party_age_confirmation")
    ).one()
    assert confirmation.signer_name == "Phạm Quang Vụ"
    pdf = signer.get(f"/documents/{confirmation.id}/download.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert "Giấy xác nhận tuổi đảng" in page(signer.get(f"/cases/{case_id}"))
