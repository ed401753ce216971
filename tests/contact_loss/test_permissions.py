"""Who reports a member out of contact and who takes each step: the cell's secretary, the
grassroots committee's staff and the department for a member of the cell; the grassroots
committee (or, for a grassroots cell, its own staff) confirms; every user tries every step
(see tests/engine/test_permissions.py)."""

from __future__ import annotations

from datetime import date

import pytest

from states import get_spec
from tests.builders import USERS
from tests.contact_loss.helpers import report_loss
from tests.engine.test_permissions import VIEWERS, check_matrix
from workflow.store.errors import NotFound, PermissionDenied

SECRETARY = {"C1": "sec1", "C3": "sec3", "GC4": "sec4"}
STAFF = {"C1": "gs1", "C3": "gs3", "GC4": "sec4"}
CELL_UP_C1 = {"sec1", "gs1", "dept", "dept2"}

#: (cell, state the case is put in, trigger) → users allowed to take it
ALLOWED = {
    ("C1", "reported", "confirm"): {"gs1", "dept", "dept2"},
    # the sub-committee's staff is not the grassroots committee
    ("C3", "reported", "confirm"): {"gs3", "dept", "dept2"},
    # a grassroots cell confirms through its own committee's staff
    ("GC4", "reported", "confirm"): {"sec4", "dept", "dept2"},
    ("C1", "reported", "restore"): CELL_UP_C1,
    ("C1", "lost", "restore"): CELL_UP_C1,
    ("C1", "removal_proposed", "restore"): CELL_UP_C1,
    ("C3", "lost", "restore"): {"sec3", "gs3", "gs3s", "dept", "dept2"},
    ("C1", "lost", "propose_removal"): CELL_UP_C1,
    ("C1", "reported", "void"): CELL_UP_C1,
    ("C1", "lost", "void"): CELL_UP_C1,
}


def contact_loss_in(world, cell: str, target: str) -> int:
    case_id = report_loss(
        world, world.members[cell][2], date(2025, 6, 1), date(2025, 9, 1), SECRETARY[cell]
    )
    if target in ("lost", "removal_proposed"):
        world.fire(case_id, "confirm", STAFF[cell], date(2025, 9, 3))
    if target == "removal_proposed":
        world.fire(case_id, "propose_removal", SECRETARY[cell], date(2025, 9, 5))
    return case_id


CASES = sorted(ALLOWED)


@pytest.mark.parametrize("key", CASES, ids=["-".join(k) for k in CASES])
def test_contact_loss_permission_matrix(world, key):
    cell, target, trigger = key
    case_id = contact_loss_in(world, cell, target)
    check_matrix(world, case_id, trigger, VIEWERS[cell], ALLOWED[key])


def test_the_matrix_covers_every_step():
    assert {k[2] for k in ALLOWED} == set(get_spec("contact_loss").triggers())


def test_who_reports_a_member_of_c1_out_of_contact(world):
    """Another cell's secretary, the signers, the inspection commission and the auditor
    cannot; a refusal writes nothing, so the next user tries the same member (a member has
    one such case at a time: each report that goes through takes the next member)."""
    members = iter(world.members["C1"][2:])
    member = next(members)
    allowed = set()
    for username in sorted(USERS):
        try:
            report_loss(world, member, date(2025, 6, 1), date(2025, 9, 1), username)
        except (PermissionDenied, NotFound):
            continue
        allowed.add(username)
        member = next(members)
    assert allowed == CELL_UP_C1
