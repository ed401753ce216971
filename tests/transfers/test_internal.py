"""Moves between cells of one grassroots organization (chuyển sinh hoạt nội bộ): the grassroots
committee introduces the member with its own numbered letter, the new cell takes them in; the
organization's list and the committee's transfer figures do not change."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.transfers.test_transfers import (
    active_counts,
    assert_one_place,
    official,
    open_transfer,
    state,
)
from workflow.extensions import db
from workflow.models import Case, Decision, Organization, Person, Transfer
from workflow.operations import transfers as transfer_ops
from workflow.reports import period
from workflow.store.audit import verify_chain
from workflow.store.errors import InvalidInput, NotFound, PermissionDenied

DAY = date(2025, 9, 1)


def internal(world, person_id: int, to: str = "C1B", username: str = "sec1", **extra) -> int:
    payload = {
        "destination_cell": world.orgs[to],
        "reason": "job_move",
        "dues_paid_through": "08/2025",
        **extra,
    }
    return open_transfer(world, "internal_transfer", person_id, username, **payload)


def quarter(org: Organization | None = None):
    return period.compute(date(2025, 7, 1), date(2025, 9, 30), org)


def test_a_member_moves_to_another_cell_of_the_organization(world):
    member = world.members["C1"][2]
    before = active_counts(world)
    case_id = internal(world, member)
    # the cell cannot introduce, the department does not: the grassroots committee does
    for username in ("sec1", "dept", "gs2"):
        with pytest.raises((PermissionDenied, NotFound)):
            world.fire(case_id, "issue_letter", username, date(2025, 9, 3))
    world.fire(case_id, "issue_letter", "gs1", date(2025, 9, 3))
    # on the old cell's list until the new cell takes the member in
    assert_one_place(member)
    assert active_counts(world) == before
    letter = db.session.scalars(select(Decision).where(Decision.case_id == case_id)).one()
    transfer = db.session.scalars(select(Transfer).where(Transfer.case_id == case_id)).one()
    assert letter.issuer == f"org:{world.orgs['G1']}" and "-GT/" in letter.reference
    assert transfer.letter_number == letter.reference and transfer.present_by is None
    assert "Đảng ủy" in transfer.letter_issuer and "Ban Tổ chức" not in transfer.letter_issuer
    assert "nội bộ" in letter.html and "xuất trình" not in letter.html
    assert "Chi bộ Văn phòng Sở" in letter.html
    assert db.session.get(Case, case_id).deadlines == []
    # the new cell's secretary sees it among incoming transfers and confirms it
    lists = transfer_ops.lists(world.actor("sec1b"), None, date(2025, 9, 5))
    assert [t.case_id for t in lists.incoming] == [case_id]
    with pytest.raises((PermissionDenied, NotFound)):
        world.fire(case_id, "confirm_arrival", "sec2", date(2025, 9, 8))
    world.fire(case_id, "confirm_arrival", "sec1b", date(2025, 9, 8))
    assert state(case_id) == "joined"
    assert_one_place(member)
    person = db.session.get(Person, member)
    assert person.cell_id == world.orgs["C1B"] and person.presence == "active"
    after = active_counts(world)
    assert after["C1"] == before["C1"] - 1 and after["C1B"] == before["C1B"] + 1
    history = [m.transfer for m in transfer_ops.history(person)]
    assert [(t.from_org_id, t.to_org_id, t.letter_number) for t in history] == [
        (world.orgs["C1"], world.orgs["C1B"], letter.reference)
    ]
    assert verify_chain().ok


def test_a_move_inside_one_organization_is_no_transfer_for_it_or_the_committee(world):
    inside = internal(world, world.members["C1"][2])
    world.fire(inside, "issue_letter", "gs1", date(2025, 9, 3))
    world.fire(inside, "confirm_arrival", "sec1b", date(2025, 9, 8))
    across = official(world, world.members["C1"][3])
    world.fire(across, "record_grassroots_part", "gs1", date(2025, 9, 4))
    world.fire(across, "issue_letter", "dept", date(2025, 9, 5))
    world.fire(across, "confirm_arrival", "gs2", date(2025, 9, 10), cell=world.orgs["C2"])

    committee = quarter()
    flows = committee.total.flows
    # only the move between the two grassroots organizations is a transfer in the committee
    assert (flows["transfer_in_internal"], flows["transfer_out_internal"]) == (1, 1)
    g1 = next(r for r in committee.rows if r.org and r.org.id == world.orgs["G1"])
    assert (g1.tally.flows["transfer_out_internal"], g1.tally.flows["transfer_in_internal"]) == (
        1,
        0,
    )
    assert committee.balanced
    # the organization's own report shows the move between its cells, and no net transfer
    own = quarter(db.session.get(Organization, world.orgs["G1"]))
    by_cell = {r.org.code: r.tally.flows for r in own.rows if r.org}
    assert by_cell["C1"]["transfer_out_internal"] == 2
    assert by_cell["C1B"]["transfer_in_internal"] == 1
    assert own.total.flows["transfer_in_internal"] == 0
    assert own.total.flows["transfer_out_internal"] == 1
    assert own.balanced


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("C2", "cùng đảng bộ cơ sở"),
        ("G1", "cùng đảng bộ cơ sở"),
        ("C1", "đang sinh hoạt ở chi bộ này"),
    ],
)
def test_the_new_cell_must_be_another_cell_of_the_organization(world, to, message):
    with pytest.raises(InvalidInput) as bad:
        internal(world, world.members["C1"][2], to=to)
    assert message in bad.value.errors["destination_cell"]
    assert db.session.scalar(select(db.func.count(Transfer.id))) == 0


def test_a_grassroots_cell_has_no_other_cell_to_move_to(world):
    with pytest.raises(InvalidInput) as bad:
        internal(world, world.members["GC4"][0], to="C1B", username="sec4")
    assert "destination_cell" in bad.value.errors


def test_the_department_does_not_open_a_move_inside_an_organization(world):
    with pytest.raises(PermissionDenied):
        internal(world, world.members["C1"][2], username="dept")


def test_a_probationary_member_takes_the_probation_to_the_new_cell(world):
    admission = world.new_candidate("C1")
    world.advance(admission, "admitted")
    probation = world.probation_of(admission)
    person_id = db.session.get(Case, probation).person_id
    day = db.session.get(Person, person_id).joined_on
    case_id = internal(world, person_id, day=day)
    world.fire(case_id, "issue_letter", "gs1", day)
    world.fire(case_id, "confirm_arrival", "sec1b", day)
    db.session.expire_all()
    assert db.session.get(Case, probation).cell_id == world.orgs["C1B"]
    world.advance(probation, "official")
    person = db.session.get(Person, person_id)
    assert (person.member_status, person.cell_id) == ("official", world.orgs["C1B"])


def test_withdrawn_and_cancelled_moves_leave_the_member_where_they_were(world):
    member = world.members["C1"][2]
    first = internal(world, member)
    world.fire(first, "withdraw", "sec1", reason="Không chuyển nữa.")
    second = internal(world, member)
    world.fire(second, "issue_letter", "gs1")
    world.fire(second, "cancel_letter", "gs1", reason="Đảng viên ở lại chi bộ cũ.")
    assert (state(first), state(second)) == ("withdrawn", "withdrawn")
    person = db.session.get(Person, member)
    assert (person.cell_id, person.presence) == (world.orgs["C1"], "active")


def test_a_move_between_cells_is_signed_by_the_grassroots_committees_own_leaders(world):
    from tests.builders import SYSTEM
    from workflow.models import User
    from workflow.operations import users as user_ops
    from workflow.procedures.transfer_steps import letter_signers
    from workflow.store.uow import unit_of_work

    case_id = internal(world, world.members["C1"][2])
    assert letter_signers(db.session.get(Case, case_id)) == []
    with unit_of_work():
        secretary, _ = user_ops.create_user("bithu.g1", "Lê Thị Bí Thư", actor=SYSTEM)
        user_ops.add_grant(secretary, "signer", world.orgs["G1"], "Bí thư", actor=SYSTEM)
        staff = db.session.get(User, world.users["gs1"])
        user_ops.add_grant(staff, "grassroots_staff", world.orgs["G2"], "Phó bí thư", actor=SYSTEM)
        secretary_id = secretary.id
    signers = letter_signers(db.session.get(Case, case_id))
    # the department's leaders and other organizations' titled grants are not offered
    assert [(s.user_id, s.title) for s in signers] == [(secretary_id, "BÍ THƯ")]
    world.fire(case_id, "issue_letter", "gs1", date(2025, 9, 3), signed_by=secretary_id)
    letter = db.session.scalars(select(Decision).where(Decision.case_id == case_id)).one()
    assert (letter.signer_name, letter.signer_title) == ("Lê Thị Bí Thư", "BÍ THƯ")
