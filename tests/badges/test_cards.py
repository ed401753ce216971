"""Party cards: a lost card replaced from the self-review to the hand-over (counted by the
report on the decision's day), a damaged one, the number's format and uniqueness, who takes
which step, and the card collected when a member is removed from the list (kept by the family
after a death)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.leaving.helpers import cell_vote, open_for, open_removal
from workflow.clock import clock
from workflow.extensions import db
from workflow.models import AuditEntry, CardIssuance, Person
from workflow.operations import cards
from workflow.reports import period
from workflow.store.errors import InvalidInput, NotFound, PermissionDenied


def _actions(person_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.person_id == person_id, AuditEntry.action.like("card.%"))
            .order_by(AuditEntry.seq)
        )
    )


def test_a_lost_card_replaced_from_the_self_review_to_the_cell_meeting(world, login, tmp_path):
    clock().set_today(date(2025, 12, 20))
    member = world.members["C1"][3]
    old = db.session.get(Person, member)
    old_number = old.card_number
    with pytest.raises(NotFound):
        cards.report_loss(member, {"kind": "lost"}, actor=world.actor("sec2"))
    with pytest.raises(InvalidInput, match="lý do"):
        cards.report_loss(member, {"kind": "lost", "on": "01/10/2025"}, actor=world.actor("sec1"))
    card = cards.report_loss(
        member,
        {"kind": "lost", "reason": "Mất ví khi đi công tác", "on": "01/10/2025", "photos": "2"},
        actor=world.actor("sec1"),
    )
    assert (card.status, card.old_card_number) == ("self_review", old_number)
    with pytest.raises(InvalidInput, match="chưa xong"):
        cards.report_loss(member, {"kind": "damaged", "reason": "x", "on": "01/10/2025"},
                          actor=world.actor("sec1"))  # fmt: skip
    cards.advance(card.id, "cell_review", {"on": "05/10/2025"}, actor=world.actor("sec1"))
    with pytest.raises(InvalidInput, match="bước trước"):
        cards.advance(card.id, "grassroots_list", {"on": "01/10/2025"}, actor=world.actor("gs1"))
    with pytest.raises(PermissionDenied):
        cards.advance(card.id, "grassroots_list", {"on": "10/10/2025"}, actor=world.actor("sec1"))
    cards.advance(card.id, "grassroots_list", {"on": "10/10/2025"}, actor=world.actor("gs1"))
    cards.advance(card.id, "department_list", {"on": "15/10/2025"}, actor=world.actor("dept"))
    with pytest.raises(InvalidInput, match="4-TĐV"):
        cards.advance(card.id, "decide", {"on": "20/10/2025", "card_number": "25999001"},
                      actor=world.actor("dept"))  # fmt: skip
    taken = world.members["C1"][4]
    with pytest.raises(InvalidInput, match="đã cấp cho người khác"):
        cards.advance(
            card.id, "decide",
            {"on": "20/10/2025", "card_number": f"25{taken:06d}", "decision_number": "12-QĐ/ĐUK"},
            actor=world.actor("dept"),
        )  # fmt: skip
    with pytest.raises(InvalidInput, match="8 chữ số"):
        cards.advance(card.id, "decide",
                      {"on": "20/10/2025", "card_number": "123", "decision_number": "12-QĐ/ĐUK"},
                      actor=world.actor("dept"))  # fmt: skip
    cards.advance(
        card.id, "decide",
        {"on": "20/10/2025", "card_number": "25999001", "decision_number": "12-QĐ/ĐUK"},
        actor=world.actor("dept"),
    )  # fmt: skip
    for step, day in (("enter", "25/10/2025"), ("print", "10/11/2025"), ("receive", "20/11/2025")):
        cards.advance(card.id, step, {"on": day}, actor=world.actor("dept"))
    cards.advance(card.id, "hand_over", {"on": "01/12/2025"}, actor=world.actor("sec1"))
    db.session.expire_all()
    card = db.session.get(CardIssuance, card.id)
    assert card.status == "handed" and card.person.card_number == "25999001"
    assert _actions(member) == [
        "card.self_review", "card.cell_review", "card.grassroots_list", "card.department_list",
        "card.reissued_lost", "card.enter", "card.print", "card.receive", "card.hand_over",
    ]  # fmt: skip
    q4 = period.compute(date(2025, 10, 1), date(2025, 12, 31), None).total
    assert (q4.figure("cards_reissued_lost"), q4.figure("cards_reissued_damaged")) == (1, 0)
    assert (
        period.compute(date(2025, 7, 1), date(2025, 9, 30), None).total.figure(
            "cards_reissued_lost"
        )
        == 0
    )
    page = login("sec1").get(f"/people/{member}").get_data(as_text=True)
    assert "Cấp lại thẻ bị mất" in page and "25999001" in page
    # the department's compiled list (2A-TĐV) printed; a cell secretary has no compiled list
    dept = login("dept")
    pdf = dept.get("/cards/list.pdf?kind=lost&status=handed")
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF"
    (tmp_path / "2a.pdf").write_bytes(pdf.data)
    xlsx = load_workbook(BytesIO(dept.get("/cards/list.xlsx?kind=lost&status=handed").data))
    assert "2A-TĐV" in xlsx.active["A2"].value and xlsx.active["B4"].value == old.full_name
    assert login("sec1").get("/cards/list.pdf?kind=lost").status_code == 403


def test_a_removed_member_has_the_card_collected_a_deceased_ones_family_keeps_it(world):
    removed, died = world.members["C1"][5], world.members["C1"][6]
    case_id = open_removal(world, removed)
    world.fire(case_id, "record_self_review", "sec1", date(2025, 9, 5))
    world.fire(case_id, "record_cell_resolution", "sec1", date(2025, 9, 10),
               violation="none", **cell_vote())  # fmt: skip
    world.fire(case_id, "record_grassroots_resolution", "gs1", date(2025, 9, 15), **cell_vote())
    world.fire(case_id, "appraise_by_department", "dept", date(2025, 9, 18), opinion="Đủ căn cứ.")
    world.fire(case_id, "approve_removal", "signer", date(2025, 9, 25))
    row = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.person_id == removed, AuditEntry.action == "card.collected"
        )
    ).one()
    assert row.event_date == date(2025, 9, 25)
    open_for(world, "death", died, "sec1", date(2025, 9, 20), notice="Giấy báo tử số 1/2025")
    assert "card.collected" not in _actions(died)


def test_the_2025_exchange_proposes_every_member_once_and_the_new_card_is_electronic(world, login):
    clock().set_today(date(2025, 9, 20))
    with pytest.raises(PermissionDenied):
        cards.start_exchange(world.orgs["G1"], {"on": "01/09/2025"}, actor=world.actor("gs1"))
    count = cards.start_exchange(world.orgs["G1"], {"on": "01/09/2025"}, actor=world.actor("dept"))
    assert count == 18  # the official members of C1 and C1B
    assert (
        cards.start_exchange(world.orgs["G1"], {"on": "02/09/2025"}, actor=world.actor("dept")) == 0
    )
    member = world.members["C1"][0]
    card = db.session.scalars(
        select(CardIssuance).where(
            CardIssuance.person_id == member, CardIssuance.kind == "exchange"
        )
    ).one()
    old = card.old_card_number
    cards.advance(card.id, "decide", {"on": "10/09/2025", "card_number": old},
                  actor=world.actor("dept"))  # fmt: skip
    for step, day in (("enter", "11/09/2025"), ("print", "12/09/2025"), ("receive", "13/09/2025")):
        cards.advance(card.id, step, {"on": day}, actor=world.actor("dept"))
    cards.advance(card.id, "hand_over", {"on": "15/09/2025", "electronic": "yes"},
                  actor=world.actor("sec1"))  # fmt: skip
    db.session.expire_all()
    card = db.session.get(CardIssuance, card.id)
    assert (card.generation, card.electronic_on, card.card_number) == (
        "2025",
        date(2025, 9, 15),
        old,
    )
    assert "card.exchanged" in _actions(member)
    # the campaign's progress per grassroots organization, on the department's page
    (progress,) = cards.exchange_progress([world.org("G1")])
    assert (progress.members, progress.exchanged, progress.under_way, progress.electronic) == (
        18,
        1,
        17,
        1,
    )
    assert progress.share == "5,55%"
    page = login("dept").get("/cards/").get_data(as_text=True)
    assert "Tiến độ đổi thẻ theo Chỉ thị 51-CT/TW" in page and "5,55%" in page
