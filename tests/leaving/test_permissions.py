"""The permission matrix of the procedures that take a member off the lists: every step of each,
every user, own organization and others (see tests/engine/test_permissions.py)."""

from __future__ import annotations

from datetime import date

import pytest

from states import get_spec
from tests.engine.test_permissions import VIEWERS, check_matrix
from tests.leaving.helpers import cell_vote, open_for, open_removal
from workflow.engine import open_case
from workflow.extensions import db
from workflow.models import Person
from workflow.store.errors import PermissionDenied
from workflow.store.uow import unit_of_work

SECRETARY = {"C1": "sec1", "C2": "sec2", "C3": "sec3", "GC4": "sec4"}
CELL_UP = {"sec1", "gs1", "dept", "dept2"}
COMMITTEES_C1 = {"gs1", "dept", "dept2"}

#: (cell, state the case is put in, trigger) → users allowed to fire it
REMOVAL_ALLOWED = {
    ("C1", "proposed", "record_request"): {"sec1"},
    ("C1", "proposed", "record_self_review"): CELL_UP,
    ("C1", "proposed", "proceed_without_review"): {"sec1"},
    ("C1", "proposed", "withdraw"): CELL_UP,
    ("C1", "awaiting_cell_meeting", "record_cell_resolution"): {"sec1"},
    ("C1", "awaiting_cell_meeting", "record_cell_rejection"): {"sec1"},
    ("C3", "cell_resolved", "appraise_by_subcommittee"): {"gs3s"},
    ("C1", "cell_resolved", "record_grassroots_resolution"): {"gs1"},
    ("C2", "cell_resolved", "decide_by_grassroots"): {"sign2"},
    ("GC4", "cell_resolved", "appraise_by_department"): {"dept", "dept2"},
    ("C1", "grassroots_resolved", "appraise_by_department"): {"dept", "dept2"},
    ("C1", "department_appraised", "approve_removal"): {"signer", "signer2"},
    ("C1", "grassroots_resolved", "return_for_correction"): COMMITTEES_C1,
    ("C1", "decided", "record_card_collected"): CELL_UP,
    ("C1", "decided", "record_complaint"): CELL_UP,
    ("C1", "complaint", "record_complaint_ruling"): COMMITTEES_C1,
    ("C1", "complaint", "record_annulment"): COMMITTEES_C1,
    ("C1", "decided", "close"): COMMITTEES_C1,
}

#: the path to each state, as (trigger, user, payload)
PATH = {
    "awaiting_cell_meeting": [("record_self_review", "cell", {})],
    "cell_resolved": [("record_cell_resolution", "cell", {"violation": "none", **cell_vote()})],
    "grassroots_resolved": [("record_grassroots_resolution", "gs1", cell_vote())],
    "department_appraised": [("appraise_by_department", "dept", {"opinion": "Đủ căn cứ."})],
    "decided": [("approve_removal", "signer", {})],
    "complaint": [("record_complaint", "sec1", {"addressee": "UBKT", "content": "Xem lại"})],
}
ORDER = list(PATH)


def removal_in(world, cell: str, target: str) -> int:
    case_id = open_removal(world, world.members[cell][2], SECRETARY[cell])
    day = date(2025, 9, 2)
    for name in ORDER[: ORDER.index(target) + 1] if target != "proposed" else []:
        for trigger, user, payload in PATH[name]:
            world.fire(case_id, trigger, SECRETARY[cell] if user == "cell" else user, day,
                       **payload)  # fmt: skip
            day = date(2025, 9, day.day + 3)
    return case_id


CASES = sorted(REMOVAL_ALLOWED)


@pytest.mark.parametrize("key", CASES, ids=["-".join(k) for k in CASES])
def test_removal_permission_matrix(world, key):
    cell, target, trigger = key
    case_id = removal_in(world, cell, target)
    check_matrix(world, case_id, trigger, VIEWERS[cell], REMOVAL_ALLOWED[key])


def test_the_matrix_covers_every_step_of_removal():
    assert {k[2] for k in REMOVAL_ALLOWED} == set(get_spec("removal").triggers())


@pytest.mark.parametrize("username", ["gs1", "dept", "signer", "sec1b", "inspector"])
def test_only_the_members_cell_proposes_a_removal(world, username):
    with unit_of_work(), pytest.raises(PermissionDenied):
        open_case(
            "removal",
            person=db.session.get(Person, world.members["C1"][2]),
            actor=world.actor(username),
            payload={"event_date": "2025-09-01", "ground": "returned_card", "facts": "Trả thẻ"},
        )


#: leaving the Party: (cell, state, trigger) → users allowed
LEAVING_ALLOWED = {
    ("C1", "applied", "record_cell_resolution"): {"sec1"},
    ("C1", "applied", "refuse"): CELL_UP,
    ("C1", "applied", "withdraw"): CELL_UP,
    ("C3", "cell_resolved", "appraise_by_subcommittee"): {"gs3s"},
    ("C1", "cell_resolved", "record_grassroots_resolution"): {"gs1"},
    ("C2", "cell_resolved", "decide_by_grassroots"): {"sign2"},
    ("GC4", "cell_resolved", "appraise_by_department"): {"dept", "dept2"},
    ("C1", "grassroots_resolved", "appraise_by_department"): {"dept", "dept2"},
    ("C1", "department_appraised", "approve_leaving"): {"signer", "signer2"},
    ("C1", "grassroots_resolved", "return_for_correction"): COMMITTEES_C1,
    ("C1", "left", "issue_party_age_confirmation"): {"signer", "signer2"},
    ("C1", "left", "close"): COMMITTEES_C1,
}
LEAVING_PATH = {
    "cell_resolved": ("record_cell_resolution", "cell", cell_vote()),
    "grassroots_resolved": ("record_grassroots_resolution", "gs1", cell_vote()),
    "department_appraised": ("appraise_by_department", "dept", {"opinion": "Đồng ý."}),
    "left": ("approve_leaving", "signer", {}),
}


def leaving_in(world, cell: str, target: str) -> int:
    case_id = open_for(world, "leaving", world.members[cell][2], SECRETARY[cell],
                       reasons="Hoàn cảnh gia đình.")  # fmt: skip
    order = list(LEAVING_PATH)
    day = date(2025, 9, 2)
    for name in order[: order.index(target) + 1] if target != "applied" else []:
        trigger, user, payload = LEAVING_PATH[name]
        world.fire(case_id, trigger, SECRETARY[cell] if user == "cell" else user, day, **payload)
        day = date(2025, 9, day.day + 3)
    return case_id


LEAVING_CASES = sorted(LEAVING_ALLOWED)


@pytest.mark.parametrize("key", LEAVING_CASES, ids=["-".join(k) for k in LEAVING_CASES])
def test_leaving_permission_matrix(world, key):
    cell, target, trigger = key
    case_id = leaving_in(world, cell, target)
    check_matrix(world, case_id, trigger, VIEWERS[cell], LEAVING_ALLOWED[key])


def test_the_matrix_covers_every_step_of_leaving():
    assert {k[2] for k in LEAVING_ALLOWED} == set(get_spec("leaving").triggers())


#: death: (cell, state, trigger) → users allowed
DEATH_ALLOWED = {
    ("C1", "reported", "write_notice_slip"): {"gs1"},
    ("C3", "reported", "write_notice_slip"): {"gs3"},
    ("GC4", "reported", "write_notice_slip"): {"sec4"},
    ("C1", "slip_written", "hand_over_dossier"): {"gs1"},
    ("C1", "dossier_sent", "record_dossier_received"): {"dept", "dept2"},
}
DEATH_PATH = {
    "slip_written": ("write_notice_slip", "gs1", {}),
    "dossier_sent": ("hand_over_dossier", "gs1", {"reference": "Biên bản"}),
}


def death_in(world, cell: str, target: str) -> int:
    case_id = open_for(world, "death", world.members[cell][2], SECRETARY[cell],
                       notice="Giấy báo tử")  # fmt: skip
    order = list(DEATH_PATH)
    for name in order[: order.index(target) + 1] if target != "reported" else []:
        trigger, user, payload = DEATH_PATH[name]
        world.fire(case_id, trigger, user, **payload)
    return case_id


DEATH_CASES = sorted(DEATH_ALLOWED)


@pytest.mark.parametrize("key", DEATH_CASES, ids=["-".join(k) for k in DEATH_CASES])
def test_death_permission_matrix(world, key):
    cell, target, trigger = key
    case_id = death_in(world, cell, target)
    check_matrix(world, case_id, trigger, VIEWERS[cell], DEATH_ALLOWED[key])


def test_the_matrix_covers_every_step_of_death():
    assert {k[2] for k in DEATH_ALLOWED} == set(get_spec("death").triggers())


@pytest.mark.parametrize(
    ("procedure", "payload", "allowed"),
    [
        ("removal", {"ground": "returned_card", "facts": "Trả thẻ"}, {"sec1"}),
        ("leaving", {"reasons": "Hoàn cảnh gia đình"}, {"sec1"}),
        ("death", {"notice": "Giấy báo tử"}, {"sec1", "gs1", "dept", "dept2"}),
    ],
)
def test_who_opens_each_for_a_member_of_c1(world, procedure, payload, allowed):
    from tests.builders import USERS

    outcome = {}
    for username in sorted(USERS):
        try:
            with unit_of_work():
                open_case(
                    procedure,
                    person=db.session.get(Person, world.members["C1"][2]),
                    actor=world.actor(username),
                    payload={"event_date": "2025-09-01", **payload},
                )
                outcome[username] = "ok"
                raise _Undo
        except PermissionDenied:
            outcome[username] = "denied"
        except _Undo:
            pass
    assert {u for u, o in outcome.items() if o == "ok"} == allowed


class _Undo(Exception):
    """Roll the opening back: the next user tries on the same member."""
