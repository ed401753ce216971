"""The permission matrix of discipline and suspension: every step of each, every user, own
organization and others (see tests/engine/test_permissions.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from states import get_spec
from tests.discipline.helpers import ballot, commission, open_discipline, open_suspension
from tests.engine.test_permissions import VIEWERS, check_matrix
from tests.leaving.helpers import open_for

SECRETARY = {"C1": "sec1", "C2": "sec2", "C3": "sec3", "GC4": "sec4"}
CELL_UP = {"sec1", "gs1", "dept", "dept2", "inspector"}
COMMITTEES_C1 = {"gs1", "dept", "dept2", "inspector"}
UPPER_SIGNERS = {"signer", "signer2"}

#: (cell, state the case is put in, trigger) → users allowed to fire it
DISCIPLINE_ALLOWED = {
    ("C1", "opened", "record_request"): {"sec1"},
    ("C1", "opened", "record_self_review"): CELL_UP,
    ("C1", "opened", "proceed_without_review"): {"sec1"},
    ("C1", "opened", "defer"): CELL_UP,
    ("C1", "opened", "record_time_barred"): CELL_UP,
    ("C1", "deferred", "resume"): CELL_UP,
    ("C1", "awaiting_cell_meeting", "decide_by_cell"): {"sec1"},
    ("GC4", "awaiting_cell_meeting", "decide_by_cell"): {"sec4"},
    ("C1", "awaiting_cell_meeting", "propose_by_cell"): {"sec1"},
    ("C1", "awaiting_cell_meeting", "record_no_discipline"): CELL_UP,
    ("C3", "cell_proposed", "examine_by_subcommittee"): {"gs3s"},
    ("C1", "cell_proposed", "propose_by_grassroots"): {"gs1"},
    ("C2", "cell_proposed", "decide_by_grassroots"): {"sign2"},
    ("C1", "cell_proposed", "return_for_correction"): COMMITTEES_C1,
    ("GC4", "cell_proposed", "decide_by_inspection"): {"inspector"},
    ("C1", "grassroots_proposed", "decide_by_inspection"): {"inspector"},
    ("C1", "grassroots_proposed", "decide_by_standing"): UPPER_SIGNERS,
    ("C1", "decided", "announce"): CELL_UP,
    ("C1", "in_effect", "record_complaint"): CELL_UP,
    ("C1", "complaint", "uphold_on_complaint"): {"inspector"},
    ("C1", "complaint", "change_on_complaint"): {"inspector"},
    ("C1", "complaint", "annul_on_complaint"): {"inspector"},
    ("C1", "expelled", "record_card_collected"): CELL_UP,
    ("C1", "expelled", "close"): COMMITTEES_C1,
    ("C1", "in_effect", "expire"): CELL_UP,
}


def _path(cell: str, target: str) -> list[tuple[str, str, dict]]:
    sec = SECRETARY[cell]
    form = "expulsion" if target in ("expelled",) else "warning"
    up = {"C2": ("sign2", "cell_proposed")}.get(cell)
    steps = [("record_self_review", sec, {})]
    if target in ("opened",):
        return []
    if target == "deferred":
        return [("defer", sec, {"why": "illness"})]
    if target == "awaiting_cell_meeting":
        return steps
    steps.append(("propose_by_cell", sec, ballot(form)))
    if target == "cell_proposed" or up:
        return steps
    steps.append(("propose_by_grassroots", "gs1", ballot(form)))
    if target == "grassroots_proposed":
        return steps
    steps.append(("decide_by_inspection", "inspector", commission(form)))
    if target == "decided":
        return steps
    steps.append(("announce", sec, {"where": "Hội nghị chi bộ"}))
    if target in ("in_effect", "expelled"):
        return steps
    steps.append(("record_complaint", sec, {"addressee": "UBKT", "content": "Xem lại"}))
    return steps


def discipline_in(world, cell: str, target: str) -> int:
    case_id = open_discipline(world, world.members[cell][2], SECRETARY[cell])
    day = date(2025, 9, 2)
    for trigger, user, payload in _path(cell, target):
        world.fire(case_id, trigger, user, day, **payload)
        day += timedelta(days=3)
    return case_id


CASES = sorted(DISCIPLINE_ALLOWED)


@pytest.mark.parametrize("key", CASES, ids=["-".join(k) for k in CASES])
def test_discipline_permission_matrix(world, key):
    cell, target, trigger = key
    case_id = discipline_in(world, cell, target)
    check_matrix(world, case_id, trigger, VIEWERS[cell], DISCIPLINE_ALLOWED[key])


def test_the_matrix_covers_every_step_of_discipline():
    assert {k[2] for k in DISCIPLINE_ALLOWED} == set(get_spec("discipline").triggers())


SUSPENSION_ALLOWED = {
    ("C1", "proposed", "suspend_by_inspection"): {"inspector"},
    ("C1", "proposed", "suspend_by_standing"): UPPER_SIGNERS,
    ("C2", "proposed", "suspend_by_grassroots"): {"sign2"},
    ("C1", "proposed", "withdraw"): {"gs1", "dept", "dept2", "inspector", *UPPER_SIGNERS},
    ("C1", "suspended", "extend_suspension"): {"inspector", *UPPER_SIGNERS},
    ("C1", "suspended", "reinstate"): {"inspector", *UPPER_SIGNERS},
}


def suspension_in(world, cell: str, target: str) -> int:
    case_id = open_suspension(world, world.members[cell][2])
    if target == "suspended":
        world.fire(case_id, "suspend_by_inspection", "inspector", date(2025, 9, 3),
                   **commission())  # fmt: skip
    return case_id


SUSPENSION_CASES = sorted(SUSPENSION_ALLOWED)


@pytest.mark.parametrize("key", SUSPENSION_CASES, ids=["-".join(k) for k in SUSPENSION_CASES])
def test_suspension_permission_matrix(world, key):
    cell, target, trigger = key
    case_id = suspension_in(world, cell, target)
    check_matrix(world, case_id, trigger, VIEWERS[cell], SUSPENSION_ALLOWED[key])


def test_the_matrix_covers_every_step_of_suspension():
    assert {k[2] for k in SUSPENSION_ALLOWED} == set(get_spec("suspension").triggers())


@pytest.mark.parametrize(
    ("procedure", "payload", "allowed"),
    [
        (
            "discipline",
            {"source": "self_report", "violation_on": "2025-08-01", "matter": "member_duties",
             "no_limitation": "no", "facts": "Vi phạm"},
            {"sec1", "gs1", "dept", "dept2", "inspector"},
        ),
        (
            "suspension",
            {"ground": "detained", "facts": "Bị tạm giam"},
            {"gs1", "dept", "dept2", "inspector"},
        ),
    ],
)  # fmt: skip
def test_who_opens_each_for_a_member_of_c1(world, procedure, payload, allowed):
    from tests.builders import USERS
    from workflow.store.errors import NotFound, PermissionDenied

    outcome = set()
    for username in sorted(USERS):
        try:
            open_for(world, procedure, world.members["C1"][2], username, **payload)
        except (PermissionDenied, NotFound):
            continue
        outcome.add(username)
    assert outcome == allowed
