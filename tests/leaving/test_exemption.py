"""Exemption from party work and activity: the member's request, the cell's resolution with its
conditions (past working age, or weak health shown), the report to the grassroots committee, the
return, one request at a time, and who may take each step."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from states import exemption as spec
from states import get_spec
from states.rules import rules_on
from tests.engine.test_permissions import VIEWERS, check_matrix
from tests.leaving.helpers import cell_vote, open_for, state
from tests.web.helpers import page
from workflow.extensions import db
from workflow.models import Case, Person, Vote
from workflow.store.errors import GuardFailed, InvalidInput
from workflow.store.uow import unit_of_work

REQUEST = {"basis": "health", "scope": "work_and_activity", "asked": "written"}


def request(world, member: int, username="sec1", **extra) -> int:
    return open_for(world, "exemption", member, username, **{**REQUEST, **extra})


@pytest.mark.parametrize(
    ("sex", "day", "years", "months"),
    [
        ("male", date(2021, 6, 1), 60, 3),
        ("male", date(2025, 9, 1), 61, 3),
        ("male", date(2030, 1, 1), 62, 0),
        ("female", date(2025, 9, 1), 56, 8),
        ("female", date(2040, 1, 1), 60, 0),
    ],
)
def test_past_working_age_moves_with_the_labour_code(sex, day, years, months):
    assert spec.retirement_age_months(rules_on(day), sex, day) == years * 12 + months


def test_weak_health_must_be_shown_and_the_cell_decides_by_majority(world):
    member = world.members["C1"][6]
    case_id = request(world, member)
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "record_cell_resolution", "sec1", date(2025, 9, 10),
                   illness_months=2, **cell_vote())  # fmt: skip
    assert "từ 3 tháng trở lên" in str(exc.value)
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "record_cell_resolution", "sec1", date(2025, 9, 10),
                   illness_months=4, **cell_vote(yes=4))  # fmt: skip
    assert "chưa quá một nửa" in str(exc.value)
    world.fire(case_id, "record_cell_resolution", "sec1", date(2025, 9, 10),
               medical_record="Bệnh án số 12", **cell_vote(yes=5))  # fmt: skip
    assert state(case_id) == "exempted"
    vote = db.session.scalars(select(Vote).where(Vote.case_id == case_id)).one()
    assert vote.passed and (vote.yes, vote.denominator) == (5, 9)
    # still a member, counted on the list
    assert db.session.get(Person, member).member_status == "official"
    world.fire(case_id, "acknowledge_report", "gs1", date(2025, 9, 15))
    with pytest.raises(GuardFailed):
        world.fire(case_id, "acknowledge_report", "gs1", date(2025, 9, 16))
    world.fire(case_id, "record_return", "sec1", date(2026, 3, 2), asked="in_person",
               **cell_vote())  # fmt: skip
    assert state(case_id) == "returned"
    purposes = [d.purpose for d in db.session.get(Case, case_id).documents]
    assert purposes == [
        "request",
        "cell_resolution",
        "medical_record",
        "grassroots_acknowledged",
        "return_resolution",
    ]


def test_age_is_judged_on_the_meeting_date(world):
    member = world.members["C1"][6]  # a woman born in 1981: not past working age in 2025
    case_id = request(world, member, basis="age")
    with pytest.raises(GuardFailed) as exc:
        world.fire(case_id, "record_cell_resolution", "sec1", date(2025, 9, 10), **cell_vote())
    assert "44 tuổi 1 tháng, chưa quá tuổi lao động (56 tuổi 8 tháng)" in str(exc.value)
    with unit_of_work():
        db.session.get(Person, member).birth_date = date(1964, 1, 2)
    world.fire(case_id, "record_cell_resolution", "sec1", date(2025, 9, 10), **cell_vote())
    assert state(case_id) == "exempted"


def test_one_request_at_a_time_and_the_member_page_offers_it(world, login):
    member = world.members["C1"][6]
    client = login("sec1")
    assert f"/cases/open/exemption?person={member}" in page(client.get(f"/people/{member}"))
    url = f"/cases/open/exemption?person={member}"
    response = client.post(
        url,
        data={"event_date": "01/09/2025", "basis": "health", "scope": "work",
              "asked": "in_person", "note": ""},
    )  # fmt: skip
    assert response.status_code == 302, page(response)[-2000:]
    assert f"/cases/open/exemption?person={member}" not in page(client.get(f"/people/{member}"))
    with pytest.raises(InvalidInput) as exc:
        request(world, member)
    assert "đang có đề nghị miễn" in exc.value.errors["basis"]
    case_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    assert "Sức khỏe yếu" in page(client.get(f"/cases/{case_id}"))


ALLOWED = {
    ("requested", "record_cell_resolution"): {"sec1"},
    ("requested", "decline"): {"sec1"},
    ("requested", "withdraw"): {"sec1", "gs1", "dept", "dept2"},
    ("exempted", "acknowledge_report"): {"gs1"},
    ("exempted", "record_return"): {"sec1"},
}


@pytest.mark.parametrize("key", sorted(ALLOWED), ids=["-".join(k) for k in sorted(ALLOWED)])
def test_exemption_permission_matrix(world, key):
    target, trigger = key
    case_id = request(world, world.members["C1"][6])
    if target == "exempted":
        world.fire(case_id, "record_cell_resolution", "sec1", date(2025, 9, 10),
                   illness_months=6, **cell_vote())  # fmt: skip
    check_matrix(world, case_id, trigger, VIEWERS["C1"], ALLOWED[key])


def test_the_matrix_covers_every_step_of_exemption():
    assert {k[1] for k in ALLOWED} == set(get_spec("exemption").triggers())
