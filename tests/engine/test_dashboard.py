"""My work: the cases whose next step is mine, within my scope."""

from __future__ import annotations

from workflow.clock import today
from workflow.queries import cases_waiting_on


def waiting(world, username: str) -> set[int]:
    return {c.id for c in cases_waiting_on(world.actor(username), today())}


def test_each_case_waits_on_the_body_that_acts_next(world):
    source = world.new_candidate("C1", name="Nguyễn Văn An")
    verifying = world.new_candidate("C1", name="Nguyễn Văn Bình")
    world.advance(verifying, "under_verification")
    resolved = world.new_candidate("C3", name="Nguyễn Văn Cường")
    world.advance(resolved, "cell_resolved")
    appraised = world.new_candidate("C1", name="Nguyễn Văn Dũng")
    world.advance(appraised, "department_appraised")
    authorized = world.new_candidate("C2", name="Nguyễn Văn Đức")
    world.advance(authorized, "cell_resolved")

    assert waiting(world, "sec1") == {source}
    assert waiting(world, "gs1") == {verifying}
    # a case under a sub-committee waits on it, not on the grassroots committee above
    assert waiting(world, "gs3s") == {resolved}
    assert waiting(world, "gs3") == set()
    # the department stands in for lower bodies but is not waiting on their steps
    assert waiting(world, "dept") == set()
    assert waiting(world, "signer") == {appraised}
    # an authorized committee's decision waits on its own signer only
    assert waiting(world, "sign2") == {authorized}
    assert waiting(world, "sec1b") == set()
    assert waiting(world, "admin") == set()


def test_grassroots_cell_goes_straight_to_the_department(world):
    case_id = world.new_candidate("GC4")
    world.advance(case_id, "cell_resolved")
    assert waiting(world, "dept") == {case_id}
    assert waiting(world, "sec4") == set()
