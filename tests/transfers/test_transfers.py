"""Transfers of party activity through the engine: official inside and out of the committee,
in from outside, temporary, late letters, concurrency and probation moving with the member."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.builders import person_data
from tests.engine.test_concurrency import fresh, race
from workflow.clock import clock
from workflow.engine import fire, open_case
from workflow.extensions import db
from workflow.models import Case, Deadline, Decision, Person, Transfer
from workflow.operations import transfers as transfer_ops
from workflow.operations.cases import OpenRequest, open_for
from workflow.operations.deadlines import scan
from workflow.permissions import Actor
from workflow.store.audit import verify_chain
from workflow.store.errors import GuardFailed, InvalidInput, NotFound, PermissionDenied, StaleCase
from workflow.store.uow import unit_of_work

DAY = date(2025, 9, 1)


def open_transfer(world, procedure: str, person_id: int, username: str, day=DAY, **payload):
    with unit_of_work():
        person = db.session.get(Person, person_id)
        case = open_case(
            procedure,
            person=person,
            actor=world.actor(username),
            payload={"event_date": day.isoformat(), **payload},
        )
        return case.id


def official(world, person_id: int, *, to: str | None = "G2", username="sec1", **extra):
    payload = {
        "direction": "within" if to else "out",
        "destination_org": world.orgs[to] if to else None,
        "destination": "" if to else "Đảng ủy xã Hùng Lô, tỉnh Phú Thọ",
        "reason": "job_move",
        "effective_on": "2025-08-15",
        "biography_number": "123456-PT",
        "dues_paid_through": "08/2025",
        **extra,
    }
    return open_transfer(world, "transfer", person_id, username, **payload)


def temporary(
    world, person_id: int, *, end: str = "2026-03-31", issued_on: date | None = None, **extra
) -> int:
    """A stay at G3 from 15 September 2025, proposed by C1 and its letter issued."""
    payload = {
        "purpose": "study",
        "destination_org": world.orgs["G3"],
        "period_start": "2025-09-15",
        "period_end": end,
        "dues_paid_through": "08/2025",
        **extra,
    }
    case_id = open_transfer(world, "temporary_transfer", person_id, "sec1", **payload)
    world.fire(case_id, "record_grassroots_part", "gs1")
    world.fire(case_id, "issue_letter", "dept", issued_on)
    return case_id


def active_counts(world) -> dict[str, int]:
    rows = db.session.execute(
        select(Person.cell_id, func.count())
        .where(Person.presence == "active", Person.member_status.in_(("official", "probationary")))
        .group_by(Person.cell_id)
    ).all()
    by_id = dict(rows)
    return {code: by_id.get(org_id, 0) for code, org_id in world.orgs.items()}


def assert_one_place(person_id: int) -> None:
    """A member is active in exactly one cell, or in transit (or gone from the committee)."""
    db.session.expire_all()
    person = db.session.get(Person, person_id)
    assert person.presence in ("active", "in_transit", "left")
    if person.presence == "active":
        assert person.cell.is_cell


def state(case_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Case, case_id).state


def test_official_transfer_between_two_organizations_of_the_committee(world):
    member = world.members["C1"][3]
    before = active_counts(world)
    case_id = official(world, member)
    assert_one_place(member)
    # the receiving side may see the case but not act on the sending steps
    with pytest.raises(PermissionDenied):
        world.fire(case_id, "record_grassroots_part", "gs2")
    world.fire(case_id, "record_grassroots_part", "gs1", reference="12-SHĐ")
    with pytest.raises(PermissionDenied):
        world.fire(case_id, "issue_letter", "gs1")
    world.fire(case_id, "issue_letter", "dept")
    assert_one_place(member)
    person = db.session.get(Person, member)
    assert person.presence == "in_transit"
    counts = active_counts(world)
    assert counts["C1"] == before["C1"] - 1 and counts["C2"] == before["C2"]
    transfer = db.session.scalars(select(Transfer).where(Transfer.case_id == case_id)).one()
    letter = db.session.scalars(select(Decision).where(Decision.case_id == case_id)).one()
    assert letter.status == "issued" and letter.kind == "transfer_letter"
    assert transfer.letter_number == letter.reference
    assert letter.reference.startswith("Số ") and "-GT/" in letter.reference
    assert transfer.present_by is not None and transfer.present_by > DAY
    kinds = {d.kind: d.status for d in db.session.get(Case, case_id).deadlines}
    assert kinds == {"start": "met", "presentation": "open", "check": "open"}
    # the sending side cannot confirm the arrival; the receiving side chooses its own cell
    with pytest.raises((PermissionDenied, NotFound)):
        world.fire(case_id, "confirm_arrival", "sec1", cell=world.orgs["C1"])
    with pytest.raises(InvalidInput) as bad:
        world.fire(case_id, "confirm_arrival", "gs2", cell=world.orgs["C1"])
    assert "cell" in bad.value.errors
    world.fire(case_id, "confirm_arrival", "gs2", date(2025, 9, 10), cell=world.orgs["C2"])
    assert state(case_id) == "joined"
    assert_one_place(member)
    person = db.session.get(Person, member)
    assert person.cell_id == world.orgs["C2"] and person.presence == "active"
    counts = active_counts(world)
    assert counts["C1"] == before["C1"] - 1 and counts["C2"] == before["C2"] + 1
    history = [m.transfer for m in transfer_ops.history(person)]
    assert [(t.from_org_id, t.to_org_id, t.letter_number) for t in history] == [
        (world.orgs["C1"], world.orgs["C2"], letter.reference)
    ]
    assert verify_chain().ok


def test_transfer_out_of_the_committee_closes_on_the_receivers_confirmation(world):
    member = world.members["C1"][4]
    case_id = official(world, member, to=None)
    world.fire(case_id, "record_grassroots_part", "gs1", reference="21-SHĐ")
    world.fire(case_id, "issue_letter", "dept")
    # no organization of ours receives: the department records the receiver's notice
    case = db.session.get(Case, case_id)
    from workflow.engine import available_transitions

    triggers = {a.trigger for a in available_transitions(case, world.actor("dept"))}
    assert "record_receipt" in triggers and "confirm_arrival" not in triggers
    world.fire(case_id, "record_receipt", "dept", reference="Phiếu báo số 7, Đảng ủy xã Hùng Lô")
    assert state(case_id) == "completed"
    # the receiver's notice is kept apart from the sending committee's register entry
    transfer = db.session.scalars(select(Transfer).where(Transfer.case_id == case_id)).one()
    assert (transfer.reference, transfer.receipt_reference) == (
        "21-SHĐ",
        "Phiếu báo số 7, Đảng ủy xã Hùng Lô",
    )
    assert transfer.registered_on == DAY
    person = db.session.get(Person, member)
    assert person.presence == "left"
    assert active_counts(world)["C1"] == len(world.members["C1"]) - 1
    assert db.session.get(Case, case_id).closed_at is not None


def register_from_outside(world, **membership) -> Case:
    """A member's incoming letter from Lào Cai registered for G2 (in transit until a cell
    takes them in)."""
    return open_for(
        OpenRequest(
            "transfer_in",
            particulars=person_data("Phan Văn Đến", date(1985, 4, 2), sex="male"),
            subject={
                "member_status": "official",
                "joined_on": date(2010, 1, 6),
                "official_on": date(2011, 1, 6),
                **membership,
            },
            payload={
                "event_date": "2025-09-01",
                "letter_number": "45-GT/ĐU",
                "letter_issuer": "Ban Tổ chức Đảng ủy tỉnh Lào Cai",
                "letter_on": "2025-08-25",
                "origin": "Chi bộ Trường THPT Bắc Hà",
                "card_number": "25012345",
                "biography_number": "998877-LC",
                "destination_org": world.orgs["G2"],
            },
        ),
        world.actor("dept"),
    )


def test_transfer_in_from_outside_is_registered_and_confirmed_by_the_receiving_cell(world):
    case = register_from_outside(world)
    case_id, person_id = case.id, case.person_id
    assert_one_place(person_id)
    assert db.session.get(Person, person_id).presence == "in_transit"
    before = active_counts(world)
    # another grassroots organization neither sees nor acts on it
    with pytest.raises(NotFound):
        world.fire(case_id, "confirm_arrival", "gs1", cell=world.orgs["C1"])
    world.fire(case_id, "confirm_arrival", "gs2", cell=world.orgs["C2"])
    person = db.session.get(Person, person_id)
    assert person.presence == "active" and person.cell_id == world.orgs["C2"]
    assert active_counts(world)["C2"] == before["C2"] + 1
    transfer = transfer_ops.history(person)[0].transfer
    assert (transfer.letter_number, transfer.letter_issuer, transfer.origin) == (
        "45-GT/ĐU",
        "Ban Tổ chức Đảng ủy tỉnh Lào Cai",
        "Chi bộ Trường THPT Bắc Hà",
    )
    assert transfer.biography_number == "998877-LC" and person.card_number == "25012345"


def test_a_letter_presented_late_needs_the_reasons(world):
    member = world.members["C1"][5]
    case_id = official(world, member)
    world.fire(case_id, "record_grassroots_part", "gs1")
    world.fire(case_id, "issue_letter", "dept")
    due = db.session.scalars(select(Transfer).where(Transfer.case_id == case_id)).one().present_by
    late = date(2025, 11, 20)
    assert late > due
    clock().set_today(late)
    report = scan(late)
    overdue = db.session.scalars(
        select(Deadline).where(Deadline.case_id == case_id, Deadline.kind == "presentation")
    ).one()
    assert overdue.id in report.newly_overdue and overdue.overdue_since == late
    with pytest.raises(GuardFailed) as refused:
        world.fire(case_id, "confirm_arrival", "gs2", late, cell=world.orgs["C2"])
    assert "late_reason" in {v.field for v in refused.value.verdicts}
    assert state(case_id) == "letter_issued"
    world.fire(
        case_id,
        "confirm_arrival",
        "gs2",
        late,
        cell=world.orgs["C2"],
        late_reason="Đảng viên đi công tác dài ngày.",
    )
    assert state(case_id) == "joined"
    transfer = db.session.scalars(select(Transfer).where(Transfer.case_id == case_id)).one()
    assert transfer.late_reason == "Đảng viên đi công tác dài ngày."
    assert transfer.arrived_on == late


def test_members_late_more_than_three_months_are_on_the_receiving_quarterly_list(world):
    member = world.members["C1"][6]
    case_id = official(world, member)
    world.fire(case_id, "record_grassroots_part", "gs1")
    world.fire(case_id, "issue_letter", "dept")
    receiving, sending = world.actor("gs2"), world.actor("gs1")
    assert transfer_ops.lists(receiving, None, date(2025, 11, 30)).late == []
    lists = transfer_ops.lists(receiving, None, date(2025, 12, 5))
    assert [(t.case_id, days) for t, days in lists.late] == [(case_id, 4)]
    assert [t.case_id for t in lists.incoming] == [case_id]
    # the sending side lists it as outgoing, never on its own quarterly list
    sent = transfer_ops.lists(sending, None, date(2025, 12, 5))
    assert [t.case_id for t in sent.outgoing] == [case_id] and sent.late == []


def test_temporary_transfer_keeps_the_member_at_home_and_an_overstay_raises_a_deadline(world):
    member = world.members["C1"][7]
    before = active_counts(world)
    case_id = temporary(world, member, end="2026-06-30")
    assert db.session.get(Person, member).presence == "active"
    with pytest.raises(GuardFailed):  # the stay has not begun yet
        world.fire(case_id, "confirm_arrival", "gs3", date(2025, 9, 1))
    clock().set_today(date(2025, 9, 15))
    world.fire(case_id, "confirm_arrival", "gs3", date(2025, 9, 15))
    assert state(case_id) == "hosted"
    assert active_counts(world) == before  # still on the home list, not the host's
    hosted = transfer_ops.lists(world.actor("gs3"), None, date(2025, 9, 15)).hosted
    assert [t.case_id for t in hosted] == [case_id]
    stay = db.session.scalars(
        select(Deadline).where(Deadline.case_id == case_id, Deadline.kind == "stay")
    ).one()
    assert stay.due_on == date(2026, 6, 30) and stay.status == "open"
    assert scan(date(2026, 6, 30)).newly_overdue == []
    clock().set_today(date(2026, 7, 20))
    assert stay.id in scan(date(2026, 7, 20)).newly_overdue
    from workflow.queries import open_deadline_rows
    from workflow.workcalendar import load_calendar

    listing = open_deadline_rows(world.actor("sec1"), date(2026, 7, 20), load_calendar())
    row = next(r for r in listing.rows if r.deadline.id == stay.id)
    assert row.overdue and row.left == -20
    world.fire(case_id, "record_return", "sec1", date(2026, 7, 20))
    assert state(case_id) == "returned"
    db.session.expire_all()
    assert db.session.get(Deadline, stay.id).status == "met"


@pytest.mark.parametrize(
    ("purpose", "end", "message"),
    [
        ("work", "2025-11-30", "từ 3 tháng trở lên"),
        ("work", "2026-09-15", "dưới 1 năm"),
        ("study", "2027-09-16", "tối đa 2 năm"),
    ],
)
def test_temporary_periods_outside_the_rules_are_refused(world, purpose, end, message):
    member = world.members["C1"][8]
    before = db.session.scalar(select(func.count()).select_from(Case))
    with pytest.raises(InvalidInput) as refused:
        open_transfer(
            world,
            "temporary_transfer",
            member,
            "sec1",
            purpose=purpose,
            destination="Đảng ủy Trường Đại học Hùng Vương",
            period_start="2025-09-15",
            period_end=end,
            dues_paid_through="08/2025",
        )
    assert message in refused.value.errors["period_end"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Case)) == before


def test_a_second_transfer_while_one_is_open_is_refused(world):
    member = world.members["C1"][3]
    official(world, member)
    with pytest.raises(InvalidInput) as refused:
        official(world, member, to="G3")
    assert "chưa xong" in refused.value.errors["event_date"]


def test_two_concurrent_confirmations_of_one_letter_have_one_winner(app, world):
    member = world.members["C1"][2]
    case_id = official(world, member)
    world.fire(case_id, "record_grassroots_part", "gs1")
    world.fire(case_id, "issue_letter", "dept")
    version = db.session.get(Case, case_id).version
    jobs = []
    for username in ("gs2", "dept"):
        actor: Actor = world.actor(username)

        def job(actor=actor):
            return fire(
                case_id,
                "confirm_arrival",
                actor=actor,
                payload={"event_date": DAY.isoformat(), "cell": world.orgs["C2"]},
                expected_version=version,
            )

        jobs.append(job)
    results = race(app, jobs)
    wins = [r for r in results if not isinstance(r, Exception)]
    assert len(wins) == 1, results
    assert all(isinstance(r, StaleCase) for r in results if isinstance(r, Exception)), results
    fresh()
    assert state(case_id) == "joined"
    person = db.session.get(Person, member)
    assert person.cell_id == world.orgs["C2"] and person.presence == "active"
    confirmations = db.session.scalar(
        select(func.count())
        .select_from(Case)
        .where(Case.id == case_id, Case.version == version + 1)
    )
    assert confirmations == 1
    assert verify_chain().ok


def test_a_probationary_member_moves_with_the_probation_and_is_recognized_by_the_new_cell(world):
    admission = world.new_candidate("C1")
    world.advance(admission, "admitted")
    probation = world.probation_of(admission)
    person_id = db.session.get(Case, probation).person_id
    ceremony = db.session.get(Person, person_id).joined_on
    day = max(clock().today(), ceremony)
    case_id = official(world, person_id, day=day)
    world.fire(case_id, "record_grassroots_part", "gs1", day)
    world.fire(case_id, "issue_letter", "dept", day)
    world.fire(case_id, "confirm_arrival", "gs2", day, cell=world.orgs["C2"])
    db.session.expire_all()
    moved = db.session.get(Case, probation)
    assert moved.cell_id == world.orgs["C2"] and moved.state == "in_probation"
    # the old cell no longer sees it; the new one recognizes the member
    with pytest.raises(NotFound):
        world.fire(probation, "assign_helper", "sec1", helpers=[{"member": world.members["C1"][0]}])
    world.advance(probation, "official")
    person = db.session.get(Person, person_id)
    assert person.member_status == "official" and person.official_on == moved.probation_end
    assert person.cell_id == world.orgs["C2"]
    assert verify_chain().ok


def test_every_member_is_in_one_place_through_all_kinds_of_transfer(world):
    members = [world.members["C1"][i] for i in range(3)]
    inside = official(world, members[0])
    outside = official(world, members[1], to=None)
    for case_id in (inside, outside):
        world.fire(case_id, "record_grassroots_part", "gs1")
        world.fire(case_id, "issue_letter", "dept")
    world.fire(inside, "confirm_arrival", "gs2", cell=world.orgs["C2"])
    world.fire(outside, "cancel_letter", "dept", reason="Đảng viên không chuyển nữa.")
    for pid in db.session.scalars(select(Person.id)):
        assert_one_place(pid)
    assert db.session.get(Person, members[1]).presence == "active"
    placed = {
        pid: (p.presence, p.cell_id) for pid in members for p in [db.session.get(Person, pid)]
    }
    assert placed == {
        members[0]: ("active", world.orgs["C2"]),
        members[1]: ("active", world.orgs["C1"]),
        members[2]: ("active", world.orgs["C1"]),
    }


def test_a_lost_letter_is_replaced_by_a_new_numbered_letter_with_a_new_period(world):
    member = world.members["C1"][3]
    case_id = official(world, member)
    world.fire(case_id, "record_grassroots_part", "gs1")
    world.fire(case_id, "issue_letter", "dept", date(2025, 9, 2))
    first = db.session.scalars(select(Decision).where(Decision.case_id == case_id)).one()
    first_due = db.session.scalars(
        select(Transfer.present_by).where(Transfer.case_id == case_id)
    ).one()
    # only the issuer gives a new letter, and only with the member's report of the loss
    with pytest.raises(PermissionDenied):
        world.fire(case_id, "reissue_letter", "gs1", loss_report="Đơn ngày 10/9/2025")
    with pytest.raises(InvalidInput) as missing:
        world.fire(case_id, "reissue_letter", "dept", date(2025, 9, 12))
    assert "loss_report" in missing.value.errors
    with pytest.raises(InvalidInput) as early:
        world.fire(case_id, "reissue_letter", "dept", date(2025, 9, 1), loss_report="Đơn")
    assert "event_date" in early.value.errors
    world.fire(
        case_id,
        "reissue_letter",
        "dept",
        date(2025, 9, 12),
        loss_report="Đơn trình báo ngày 10/9/2025, xác nhận của Công an phường Tiên Cát",
    )
    db.session.expire_all()
    assert state(case_id) == "letter_issued"
    assert db.session.get(Person, member).presence == "in_transit"
    letters = db.session.scalars(
        select(Decision).where(Decision.case_id == case_id).order_by(Decision.id)
    ).all()
    assert [d.status for d in letters] == ["issued", "issued"]
    second = letters[1]
    assert second.number == first.number + 1 and second.decided_on == date(2025, 9, 12)
    assert (second.corrects_id, second.correction_kind) == (first.id, "replace")
    doc = json.loads(second.snapshot)
    lost = f"số {first.number}-{first.symbol}"
    assert doc["replaces_lost"] == f"{lost} ngày 02/09/2025"
    assert f"thay thế giấy giới thiệu {lost} ngày 02/09/2025" in second.html
    assert "Điều 4" not in second.html  # a letter, not a decision correcting another
    transfer = db.session.scalars(select(Transfer).where(Transfer.case_id == case_id)).one()
    assert transfer.letter_number == second.reference
    assert transfer.letter_on == date(2025, 9, 12) and transfer.present_by > first_due
    # the presentation and quarterly clocks run again from the new letter
    clocks = sorted(
        (d.kind, d.status, d.starts_on)
        for d in db.session.get(Case, case_id).deadlines
        if d.kind != "start"
    )
    assert clocks == [
        ("check", "cancelled", date(2025, 9, 2)),
        ("check", "open", date(2025, 9, 12)),
        ("presentation", "cancelled", date(2025, 9, 2)),
        ("presentation", "open", date(2025, 9, 12)),
    ]
    # the member page lists the lost letter under the one in force
    movement = transfer_ops.history(db.session.get(Person, member))[0]
    assert movement.lost_letters == [(first.reference, date(2025, 9, 2))]
    world.fire(case_id, "confirm_arrival", "gs2", date(2025, 9, 20), cell=world.orgs["C2"])
    assert state(case_id) == "joined"
    assert verify_chain().ok


def test_a_letter_is_printed_for_the_leader_chosen_to_sign_it(world, login):
    from tests.builders import SYSTEM
    from workflow.operations import users as user_ops

    with unit_of_work():
        head, _ = user_ops.create_user("truongban", "Nguyễn Văn Trưởng", actor=SYSTEM)
        user_ops.add_grant(head, "department_staff", None, "Trưởng ban", actor=SYSTEM)
        head_id = head.id
    case_id = official(world, world.members["C1"][3])
    world.fire(case_id, "record_grassroots_part", "gs1")
    # the clerk's form offers the department's leaders
    form = login("dept").get(f"/cases/{case_id}/do/issue_letter").get_data(as_text=True)
    assert f'<option value="{head_id}">Trưởng ban Nguyễn Văn Trưởng</option>' in form
    with pytest.raises(InvalidInput) as refused:  # someone who is not a leader
        world.fire(case_id, "issue_letter", "dept", signed_by=world.users["dept2"])
    assert "signed_by" in refused.value.errors
    world.fire(case_id, "issue_letter", "dept", signed_by=head_id)
    letter = db.session.scalars(select(Decision).where(Decision.case_id == case_id)).one()
    assert (letter.signer_id, letter.signer_name, letter.signer_title) == (
        head_id,
        "Nguyễn Văn Trưởng",
        "TRƯỞNG BAN",
    )
    assert "Nguyễn Văn Trưởng" in letter.html and "Trần Thị Tổ Chức" not in letter.html
    # without a choice the issuing user signs, with the kind's own title
    other = official(world, world.members["C1"][4])
    world.fire(other, "record_grassroots_part", "gs1")
    world.fire(other, "issue_letter", "dept")
    plain = db.session.scalars(select(Decision).where(Decision.case_id == other)).one()
    assert (plain.signer_name, plain.signer_title) == ("Trần Thị Tổ Chức", "TRƯỞNG BAN TỔ CHỨC")
