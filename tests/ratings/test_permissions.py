"""Who may do each step of the rating, over every user of the test committee (one per role and
scope): a user outside the step's roles or scope is refused before anything is read or
written; the others get past the permission check (the step itself may then refuse for
another reason, such as a stale form, which is not a permission matter)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.builders import USERS
from tests.ratings.helpers import open_period, propose
from workflow.ratings import model_cells, operations
from workflow.store.errors import InvalidInput, NotFound, PermissionDenied, StaleRecord

#: step → the users allowed to take it (every other user of ``USERS`` is refused)
ALLOWED: dict[str, set[str]] = {
    "open_period": {"dept", "dept2"},
    "close_period": {"dept", "dept2"},
    # C1's grid: its secretary, and the staff of its grassroots committee
    "enter_cell_grid": {"sec1", "gs1"},
    # approving C1: the staff of its grassroots committee (not the sub-committee's, not a cell)
    "approve_cell": {"gs1"},
    "return_cell": {"gs1"},
    # C3 sits under a sub-committee: only the grassroots committee's staff approve it
    "approve_cell_under_sub_committee": {"gs3"},
    "self_review_grassroots": {"gs1"},
    "self_review_cell": {"sec1", "gs1"},
    "rate_grassroots": {"dept", "dept2", "signer", "signer2"},
    "open_model_round": {"dept", "dept2"},
    "register_model_cell": {"sec1", "gs1"},
    "approve_model_list": {"dept", "dept2", "signer", "signer2"},
    "recognize_model_cells": {"dept", "dept2"},
}


def _steps(world, period, proposed, found) -> dict[str, Callable]:
    c1, c3 = world.orgs["C1"], world.orgs["C3"]
    return {
        "open_period": lambda a: operations.create_period(
            {"kind": "year", "year": "2023"}, actor=a
        ),
        "close_period": lambda a: operations.close_period(period.id, "x", actor=a),
        "enter_cell_grid": lambda a: operations.save_cell_sheet(period.id, c1, {}, "x", actor=a),
        "approve_cell": lambda a: operations.approve_cell_sheet(
            proposed.id, c1, {}, {}, "x", actor=a
        ),
        "return_cell": lambda a: operations.return_cell_sheet(proposed.id, c1, "x", "", actor=a),
        "approve_cell_under_sub_committee": lambda a: operations.approve_cell_sheet(
            proposed.id, c3, {}, {}, "x", actor=a
        ),
        "self_review_grassroots": lambda a: operations.self_review(
            period.id, world.orgs["G1"], {}, "x", actor=a
        ),
        "self_review_cell": lambda a: operations.self_review(period.id, c1, {}, "x", actor=a),
        "rate_grassroots": lambda a: operations.rate_grassroots(period.id, {}, "x", actor=a),
        "open_model_round": lambda a: model_cells.create_round({"year": "x"}, actor=a),
        "register_model_cell": lambda a: model_cells.register(found.id, c1, actor=a),
        "approve_model_list": lambda a: model_cells.approve_list(found.id, {}, "x", actor=a),
        "recognize_model_cells": lambda a: model_cells.recognize(found.id, set(), "x", actor=a),
    }


@pytest.mark.parametrize("step", sorted(ALLOWED))
def test_every_step_over_every_user(world, step):
    period = open_period(world, 2024)
    proposed = open_period(world, 2022)
    propose(world, proposed, "C1")
    propose(world, proposed, "C3")
    found = model_cells.create_round(
        {"year": "2026", "target_percent": "50"}, actor=world.actor("dept")
    )
    run = _steps(world, period, proposed, found)[step]
    refused, passed = set(), set()
    for username in USERS:
        try:
            run(world.actor(username))
        except PermissionDenied:
            refused.add(username)
        except (InvalidInput, StaleRecord, NotFound):
            passed.add(username)
        else:
            passed.add(username)
    assert passed == ALLOWED[step], step
    assert refused == set(USERS) - ALLOWED[step]


def test_pages_follow_the_same_rules(world, login):
    period = open_period(world, 2024)
    propose(world, period, "C1")
    grid = f"/ratings/{period.id}/cells/{world.orgs['C1']}"
    approve = f"{grid}/approve"
    assert login("sec1").get(grid).status_code == 200
    assert login("sec2").get(grid).status_code == 404  # another cell: not in scope
    assert login("sec1").get(approve).status_code == 403
    assert login("gs1").get(approve).status_code == 200
    assert (
        login("gs3s").get(f"/ratings/{period.id}/cells/{world.orgs['C3']}/approve").status_code
        == 403
    )
    assert login("admin").get("/ratings/").status_code == 403
    assert login("auditor").get(f"/ratings/{period.id}/report").status_code == 200
    assert login("sec1").post("/ratings/", data={"kind": "year", "year": "2023"}).status_code == 403
