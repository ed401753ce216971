"""The permission matrix: every user × representative actions × own / other organization.

The expectations are written out by hand from the procedure's rules (who acts at which body),
not derived from the code under test. "ok" means the permission check passed (the engine went
on to check the payload); "denied" is 403; "missing" is 404 (the case is outside the user's
view, so its existence is not confirmed).
"""

from __future__ import annotations

import pytest

from tests.builders import USERS
from workflow.engine import fire
from workflow.extensions import db
from workflow.models import Case
from workflow.store.errors import GuardFailed, InvalidInput, NotFound, PermissionDenied

#: who can see a case held by each cell (everyone else gets 404)
VIEWERS = {
    "C1": {"sec1", "gs1", "dept", "dept2", "signer", "signer2", "inspector"},
    "C2": {"sec2", "gs2", "sign2", "dept", "dept2", "signer", "signer2", "inspector"},
    "C3": {"sec3", "gs3", "gs3s", "dept", "dept2", "signer", "signer2", "inspector"},
    "GC4": {"sec4", "dept", "dept2", "signer", "signer2", "inspector"},
}

#: (cell, state the case is put in, trigger) → users allowed to fire it
ALLOWED = {
    # the cell's own steps: only its secretary
    ("C1", "source_list", "enroll_awareness_class"): {"sec1"},
    ("C3", "awaiting_cell_meeting", "record_cell_resolution"): {"sec3"},
    ("GC4", "admission_decided", "receive_decision"): {"sec4"},
    # dossier papers: the cell, its grassroots committee and the department
    ("C1", "preparing_dossier", "record_document"): {"sec1", "gs1", "dept", "dept2"},
    ("C3", "preparing_dossier", "record_document"): {"sec3", "gs3", "gs3s", "dept", "dept2"},
    # verification: the grassroots committee (for a grassroots cell, its own committee) and
    # the department; never a sub-committee or a cell secretary of a cell under a committee
    ("C1", "preparing_dossier", "start_verification"): {"gs1", "dept", "dept2"},
    ("C3", "preparing_dossier", "start_verification"): {"gs3", "dept", "dept2"},
    ("GC4", "preparing_dossier", "start_verification"): {"sec4", "dept", "dept2"},
    # the sub-committee appraises only through its own staff
    ("C3", "cell_resolved", "appraise_by_subcommittee"): {"gs3s"},
    # the grassroots committee's resolution: its staff only
    ("C1", "cell_resolved", "record_grassroots_resolution"): {"gs1"},
    ("C3", "subcommittee_appraised", "record_grassroots_resolution"): {"gs3"},
    # an authorized committee decides through its own signer, not the upper committee's
    ("C2", "cell_resolved", "decide_by_grassroots"): {"sign2"},
    # upper committee: the department appraises, the standing committee's signers approve
    ("C1", "grassroots_resolved", "appraise_by_department"): {"dept", "dept2"},
    ("GC4", "cell_resolved", "appraise_by_department"): {"dept", "dept2"},
    ("C1", "department_appraised", "approve_admission"): {"signer", "signer2"},
    ("C1", "cell_resolved", "extend_decision_deadline"): {"dept", "dept2", "signer", "signer2"},
    # returns and pauses: the sub-committee, the grassroots committee or the department
    ("C3", "under_verification", "pause"): {"gs3", "gs3s", "dept", "dept2"},
    ("C1", "under_verification", "return_for_correction"): {"gs1", "dept", "dept2"},
    # the person withdrawing is recorded by the cell, its committee or the department
    ("C1", "certified", "withdraw"): {"sec1", "gs1", "dept", "dept2"},
}

#: the same for probation cases (the probation opened by the ceremony)
PROBATION_ALLOWED = {
    ("C1", "in_probation", "assign_helper"): {"sec1"},
    ("C1", "in_probation", "record_document"): {"sec1", "gs1", "dept", "dept2"},
    ("C1", "in_probation", "confirm_probation_end"): {"gs1", "dept", "dept2"},
    ("C1", "awaiting_cell_review", "record_cell_resolution"): {"sec1"},
    ("C3", "cell_proposed", "appraise_by_subcommittee"): {"gs3s"},
    ("C1", "cell_proposed", "record_grassroots_resolution"): {"gs1"},
    ("C2", "cell_proposed", "decide_by_grassroots"): {"sign2"},
    ("C1", "grassroots_proposed", "appraise_by_department"): {"dept", "dept2"},
    ("C1", "department_appraised", "approve_recognition"): {"signer", "signer2"},
    ("C1", "department_appraised", "return_for_correction"): {"gs1", "dept", "dept2"},
}

ALL_USERS = sorted(USERS)
CASES = sorted(ALLOWED)


def attempt(world, case_id: int, trigger: str, user: str) -> str:
    case = db.session.get(Case, case_id)
    try:
        # an empty payload: a permitted user gets past the permission check to the payload
        # check, which refuses (nothing is written either way)
        fire(
            case_id,
            trigger,
            actor=world.actor(user),
            payload={},
            expected_version=case.version,
            password=world.password,
        )
    except NotFound:
        return "missing"
    except PermissionDenied:
        return "denied"
    except (InvalidInput, GuardFailed):
        return "ok"
    return "ok"


def check_matrix(world, case_id: int, trigger: str, viewers: set[str], allowed: set[str]):
    """Every user tries ``trigger``: those who cannot see the case get 404, those who see it
    but hold no permission 403; nothing is written either way."""
    version = db.session.get(Case, case_id).version
    outcomes = {user: attempt(world, case_id, trigger, user) for user in ALL_USERS}
    assert outcomes == {
        user: "missing" if user not in viewers else "ok" if user in allowed else "denied"
        for user in ALL_USERS
    }
    db.session.expire_all()
    assert db.session.get(Case, case_id).version == version


@pytest.mark.parametrize("key", CASES, ids=["-".join(k) for k in CASES])
def test_permission_matrix(world, key):
    cell, state, trigger = key
    case_id = world.new_candidate(cell)
    world.advance(case_id, state)
    check_matrix(world, case_id, trigger, VIEWERS[cell], ALLOWED[key])


PROBATION_CASES = sorted(PROBATION_ALLOWED)


@pytest.mark.parametrize("key", PROBATION_CASES, ids=["-".join(k) for k in PROBATION_CASES])
def test_probation_permission_matrix(world, key):
    from datetime import date

    from workflow.clock import clock

    cell, state, trigger = key
    admission = world.new_candidate(cell)
    world.advance(admission, "admitted")
    case_id = world.probation_of(admission)
    if state != "in_probation":
        clock().set_today(date(2027, 8, 1))
        world.advance(case_id, state)
    check_matrix(world, case_id, trigger, VIEWERS[cell], PROBATION_ALLOWED[key])


def test_matrix_covers_every_level_and_every_role_that_acts():
    from states import get_spec

    spec = get_spec("admission")
    levels = {t.level for k in ALLOWED for t in spec.transitions_for(k[2])}
    assert {lv.value for lv in levels} == {"cell", "subcommittee", "grassroots", "upper"}
    roles = {r for k in ALLOWED for t in spec.transitions_for(k[2]) for r in t.roles}
    assert {r.value for r in roles} >= {
        "cell_secretary",
        "grassroots_staff",
        "department_staff",
        "signer",
    }


#: transfers: (kind, state, trigger) → users allowed. The sending side acts on the sending
#: steps, the receiving organization on the receiving steps, the department on the letter.
TRANSFER_ALLOWED = {
    ("within", "proposed", "record_grassroots_part"): {"gs1"},
    ("within", "proposed", "withdraw"): {"sec1", "gs1", "dept", "dept2"},
    ("within", "grassroots_confirmed", "issue_letter"): {"dept", "dept2"},
    ("within", "letter_issued", "confirm_arrival"): {"gs2", "dept", "dept2"},
    ("within", "letter_issued", "reissue_letter"): {"dept", "dept2"},
    ("within", "letter_issued", "cancel_letter"): {"dept", "dept2"},
    ("out", "letter_issued", "record_receipt"): {"dept", "dept2"},
    ("from_cell", "proposed", "issue_letter"): {"dept", "dept2"},
    ("temporary", "letter_issued", "confirm_arrival"): {"gs3", "dept", "dept2"},
    ("temporary", "hosted", "record_return"): {"sec1", "gs1", "dept", "dept2"},
    ("internal", "proposed", "issue_letter"): {"gs1"},
    ("internal", "proposed", "withdraw"): {"sec1", "gs1"},
    ("internal", "letter_issued", "confirm_arrival"): {"sec1b", "gs1", "dept", "dept2"},
    ("internal", "letter_issued", "reissue_letter"): {"gs1"},
    ("in", "registered", "confirm_arrival"): {"gs2", "dept", "dept2"},
    ("in", "registered", "withdraw"): {"dept", "dept2"},
}
#: who sees each kind of transfer: the holding cell's side and the receiving organization's
COMMITTEE = {"dept", "dept2", "signer", "signer2", "inspector"}
TRANSFER_VIEWERS = {
    "within": VIEWERS["C1"] | {"gs2", "sign2"},
    "out": VIEWERS["C1"],
    "from_cell": VIEWERS["GC4"] | {"gs2", "sign2"},
    "temporary": VIEWERS["C1"] | {"gs3"},
    "internal": VIEWERS["C1"] | {"sec1b"},
    "in": COMMITTEE | {"gs2", "sign2"},
}


def _transfer_case(world, kind: str, state: str) -> int:
    from datetime import date

    from tests.transfers.test_transfers import (
        official,
        open_transfer,
        register_from_outside,
        temporary,
    )
    from workflow.clock import clock

    if kind == "in":
        return register_from_outside(world).id
    if kind == "internal":
        case_id = open_transfer(
            world,
            "internal_transfer",
            world.members["C1"][0],
            "sec1",
            destination_cell=world.orgs["C1B"],
            reason="job_move",
            dues_paid_through="08/2025",
        )
        if state == "letter_issued":
            world.fire(case_id, "issue_letter", "gs1")
        return case_id
    if kind == "temporary":
        case_id = temporary(world, world.members["C1"][0])
        if state == "hosted":
            clock().set_today(date(2025, 9, 15))
            world.fire(case_id, "confirm_arrival", "gs3", date(2025, 9, 15))
        return case_id
    if kind == "from_cell":
        return official(world, world.members["GC4"][0], username="sec4")
    case_id = official(world, world.members["C1"][0], to=None if kind == "out" else "G2")
    if state in ("grassroots_confirmed", "letter_issued"):
        world.fire(case_id, "record_grassroots_part", "gs1")
    if state == "letter_issued":
        world.fire(case_id, "issue_letter", "dept")
    return case_id


TRANSFER_CASES = sorted(TRANSFER_ALLOWED)


@pytest.mark.parametrize("key", TRANSFER_CASES, ids=["-".join(k) for k in TRANSFER_CASES])
def test_transfer_permission_matrix(world, key):
    kind, state, trigger = key
    case_id = _transfer_case(world, kind, state)
    assert db.session.get(Case, case_id).state == state
    check_matrix(world, case_id, trigger, TRANSFER_VIEWERS[kind], TRANSFER_ALLOWED[key])
