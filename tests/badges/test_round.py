"""A badge round from the record: who it proposes (with gaps, a reprimand, an early award,
a posthumous one), the cell's review, the lists sent up, the decision, the hand-over counted by
the report, and the member page's party age with its gaps."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.badges.helpers import veteran
from tests.discipline.helpers import ballot, open_discipline
from tests.leaving.helpers import open_for
from tests.transfers.test_transfers import temporary
from workflow.badges import rounds
from workflow.badges.record import party_age_of
from workflow.clock import clock
from workflow.extensions import db
from workflow.models import AuditEntry, BadgeAward
from workflow.operations import people as people_ops
from workflow.reports import period
from workflow.store.errors import InvalidInput, NotFound, PermissionDenied
from workflow.store.uow import unit_of_work

TODAY = date(2026, 5, 25)


def _awards(round_id: int) -> dict[int, BadgeAward]:
    return {
        a.person_id: a
        for a in db.session.scalars(select(BadgeAward).where(BadgeAward.round_id == round_id))
    }


@pytest.fixture
def members(world):
    """Members of C1 (G1) and C2 (G2) reaching 30 years between 3/2 and 19/5/2026, one held
    back by a reprimand, one with a recorded gap, one who died, and one not due yet."""
    clock().set_today(date(2026, 3, 20))
    out = {
        "due": veteran(world, "Nguyễn Văn Đạt", date(1996, 3, 15)),
        "due2": veteran(world, "Phạm Thị Mai", date(1996, 4, 2), cell="C2"),
        "reprimanded": veteran(world, "Lê Văn Khiển", date(1996, 4, 20)),
        "gap": veteran(world, "Trần Văn Gián", date(1995, 12, 1)),
        "died": veteran(world, "Hoàng Văn Mất", date(1996, 12, 1)),
        "ill": veteran(world, "Vũ Thị Ốm", date(1997, 2, 1)),
        "young": veteran(world, "Đỗ Văn Trẻ", date(1997, 8, 1)),
    }
    case_id = open_discipline(world, out["reprimanded"].id)
    world.fire(case_id, "record_self_review", "sec1", date(2026, 3, 2))
    world.fire(case_id, "decide_by_cell", "sec1", date(2026, 3, 5), **ballot("reprimand", 15))
    world.fire(case_id, "announce", "sec1", date(2026, 3, 12), where="Hội nghị chi bộ")
    with unit_of_work():
        people_ops.add_gap(
            out["gap"].id,
            {
                "start_on": "01/01/2001",
                "end_on": "15/04/2001",
                "reason": "Mất liên lạc với tổ chức đảng",
            },
            actor=world.actor("dept"),
        )
    open_for(
        world, "death", out["died"].id, "sec1", date(2026, 3, 1), notice="Giấy báo tử số 3/2026"
    )
    clock().set_today(TODAY)
    # a stay at another organization: the home cell still considers the member
    stay = temporary(
        world,
        out["due"].id,
        end="2026-12-31",
        period_start="2026-04-01",
        issued_on=date(2026, 3, 30),
    )
    world.fire(stay, "confirm_arrival", "gs3", date(2026, 4, 6))
    return {k: v.id for k, v in out.items()}


def test_party_age_from_the_record_lists_its_gaps(world, members, login):
    from workflow.models import Person

    person = db.session.get(Person, members["gap"])
    age = party_age_of(person, date(2026, 5, 19))
    assert age.months == 30 * 12 + 5 - 3  # 3 full months out of contact
    assert [g.gap.reason for g in age.gaps] == ["Mất liên lạc với tổ chức đảng"]
    body = login("dept").get(f"/people/{person.id}").get_data(as_text=True)
    assert "Mất liên lạc với tổ chức đảng (trừ 3 tháng)" in body
    assert "tính từ ngày ký quyết định kết nạp 01/12/1995" in body
    dead = party_age_of(db.session.get(Person, members["died"]), TODAY)
    assert dead.on == date(2026, 3, 1)  # the age stops on the day of death


def test_a_19_5_round_from_proposal_to_ceremony(world, members):
    with pytest.raises(PermissionDenied):
        rounds.open_round({"occasion": "19/5", "year": "2026"}, actor=world.actor("sec1"))
    rnd = rounds.open_round({"occasion": "19/5", "year": "2026"}, actor=world.actor("dept"))
    assert (rnd.round_on, rnd.since_on) == (date(2026, 5, 19), date(2026, 2, 3))
    awards = _awards(rnd.id)
    assert set(awards) == {
        members["due"],
        members["due2"],
        members["reprimanded"],
        members["gap"],
        members["died"],
    }
    assert awards[members["reprimanded"]].status == "held"
    assert awards[members["reprimanded"]].held_until == date(2026, 9, 12)
    assert "khiển trách" in awards[members["reprimanded"]].note
    assert awards[members["died"]].kind == "posthumous"
    assert awards[members["due"]].cell_id == world.orgs["C1"]
    assert "Đang sinh hoạt tạm thời tại Đảng bộ Bệnh viện tỉnh" in awards[members["due"]].note
    assert awards[members["gap"]].reached_on == date(2026, 3, 1)
    assert {awards[members["due"]].org_id, awards[members["due2"]].org_id} == {
        world.orgs["G1"],
        world.orgs["G2"],
    }
    # one organization's share (what its dashboard counts)
    within = rounds.eligible(rnd.round_on, rnd.since_on, within=world.org("G2").path)
    assert [e.proposal.person_id for e in within] == [members["due2"]]
    with pytest.raises(InvalidInput, match="đã được mở"):
        rounds.open_round({"occasion": "19/5", "year": "2026"}, actor=world.actor("dept"))

    # a seriously ill member, early within 12 months; one too far off refused
    early = rounds.propose_early(
        rnd.id,
        {"person_id": members["ill"], "years": "30", "reason": "Ung thư giai đoạn cuối"},
        actor=world.actor("sec1"),
    )
    assert early.kind == "early"
    with pytest.raises(InvalidInput, match="không quá 12 tháng"):
        rounds.propose_early(
            rnd.id,
            {"person_id": members["young"], "years": "30", "reason": "Ốm nặng"},
            actor=world.actor("sec1"),
        )
    # another cell's secretary neither reviews nor adds C1's members
    with pytest.raises(NotFound):
        rounds.cell_review(
            awards[members["due"]].id, {"choice": "confirm"}, actor=world.actor("sec2")
        )
    with pytest.raises(InvalidInput):
        rounds.propose_early(
            rnd.id,
            {"person_id": members["ill"], "years": "30", "reason": "x"},
            actor=world.actor("sec2"),
        )

    # the cell confirms with the declaration received; a stale form is refused
    for key in ("due", "gap", "died"):
        award = _awards(rnd.id)[members[key]]
        rounds.cell_review(
            award.id,
            {
                "choice": "confirm",
                "reviewed_on": "20/05/2026",
                "declaration_on": "18/05/2026",
                "version": award.version,
            },
            actor=world.actor("sec1"),
        )
    with pytest.raises(InvalidInput, match="trước ngày chi bộ xét"):
        rounds.cell_review(
            early.id,
            {"choice": "confirm", "reviewed_on": "20/05/2026", "declaration_on": "21/05/2026"},
            actor=world.actor("sec1"),
        )
    with pytest.raises(InvalidInput, match="chưa xét"):
        rounds.send_list(
            rnd.id, world.orgs["G1"], {"sent_on": "21/05/2026"}, actor=world.actor("gs1")
        )
    rounds.cell_review(
        early.id,
        {"choice": "exclude", "reviewed_on": "20/05/2026", "reason": "Gia đình xin để đợt sau"},
        actor=world.actor("sec1"),
    )
    with pytest.raises(NotFound):
        rounds.send_list(
            rnd.id, world.orgs["G1"], {"sent_on": "21/05/2026"}, actor=world.actor("gs2")
        )
    assert (
        rounds.send_list(
            rnd.id, world.orgs["G1"], {"sent_on": "21/05/2026"}, actor=world.actor("gs1")
        )
        == 3
    )
    # G2 has not considered its member: the department compiles what was sent
    rnd = rounds.compile_round(
        rnd.id, {"compiled_on": "22/05/2026", "version": rnd.version}, actor=world.actor("dept")
    )
    with pytest.raises(InvalidInput, match="số quyết định"):
        rounds.record_decision(rnd.id, {"decision_on": "24/05/2026"}, actor=world.actor("dept"))
    rnd = rounds.record_decision(
        rnd.id,
        {"decision_number": "1520-QĐ/TU", "decision_on": "24/05/2026", "version": rnd.version},
        actor=world.actor("dept"),
    )
    awards = _awards(rnd.id)
    assert {a.status for k, a in awards.items() if k in (members["due"], members["gap"])} == {
        "decided"
    }
    assert awards[members["due2"]].status == "proposed"  # never sent: not in the decision

    rounds.hand_over(
        awards[members["due"]].id,
        {"badge_number": "PT-A-000123", "handed_on": "25/05/2026"},
        actor=world.actor("gs1"),
    )
    with pytest.raises(InvalidInput, match="đã ghi cho người khác"):
        rounds.hand_over(
            awards[members["gap"]].id,
            {"badge_number": "PT-A-000123", "handed_on": "25/05/2026"},
            actor=world.actor("gs1"),
        )
    row = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "badge.awarded")).one()
    assert (row.person_id, row.event_date) == (members["due"], date(2026, 5, 25))

    report = period.compute(date(2026, 4, 1), date(2026, 6, 30), None)
    assert report.total.figure("badges") == 1
    g1 = next(r for r in report.rows if r.org and r.org.code == "G1")
    assert g1.tally.figure("badges") == 1
    assert period.compute(date(2026, 1, 1), date(2026, 3, 31), None).total.figure("badges") == 0

    # the next round does not propose the 30-year badge again; the held member comes back
    # once the reprimand's six months are over
    nxt = rounds.open_round({"occasion": "7/11", "year": "2026"}, actor=world.actor("dept"))
    later = _awards(nxt.id)
    assert members["due"] not in later and members["gap"] not in later
    assert later[members["reprimanded"]].status == "proposed"
