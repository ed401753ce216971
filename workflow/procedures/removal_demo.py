"""The removal's demonstration: a member removed months ago (three requests unanswered, the
chain up to the decision, the card collected, the case closed once the complaint period ran
out), and one whose self-review is in, waiting for the cell's vote."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import select

from states import removal as spec
from workflow.extensions import db
from workflow.models import Case, Organization, Person
from workflow.procedures.base import DemoContext

#: where each chain's case goes after the cell's resolution, until it is decided
DECIDED = ("decided", "left")


def official_of(d: DemoContext, cell: Organization) -> int:
    """An official member of the cell no other scenario has given a part."""
    person_id = db.session.scalars(
        select(Person.id)
        .where(
            Person.cell_id == cell.id,
            Person.member_status == "official",
            Person.presence == "active",
            Person.id.not_in(d.taken or {0}),
        )
        .order_by(Person.id)
    ).first()
    d.taken.add(person_id)
    return person_id


def chain_step(case: Case, approve: str) -> str:
    """The next step after the cell's resolution: the sub-committee, the authorized grassroots
    committee's decision, the department for a grassroots cell, else the grassroots committee;
    then the department and the standing committee (``approve``)."""
    root = db.session.get(Organization, case.cell.ancestor_ids()[0])
    if case.state == "cell_resolved":
        if len(case.cell.ancestor_ids()) == 3:
            return "appraise_by_subcommittee"
        if root.authorized_to_admit:
            return "decide_by_grassroots"
        if case.cell.kind == "grassroots_cell":
            return "appraise_by_department"
        return "record_grassroots_resolution"
    if case.state == "subcommittee_appraised":
        if root.authorized_to_admit:
            return "decide_by_grassroots"
        return "record_grassroots_resolution"
    if case.state == "grassroots_resolved":
        return "appraise_by_department"
    return approve


def walk_chain(d: DemoContext, case_id: int, day: date, approve: str) -> Iterator[date]:
    """From the cell's resolution to the decision, a few days a step."""
    case = db.session.get(Case, case_id)
    while case.state not in DECIDED:
        day = min(day + timedelta(days=d.rng.randint(3, 8)), d.today)
        yield day
        d.step(case_id, chain_step(case, approve), day)
        case = db.session.get(Case, case_id)


def _removed(d: DemoContext, person_id: int) -> Iterator[date]:
    day = d.today - timedelta(days=170)
    yield day
    case_id = d.open(
        spec.KEY,
        person_id,
        day,
        ground="skipped_activity",
        facts="Không sinh hoạt chi bộ và không đóng đảng phí các tháng 3, 4 và 5 năm nay; chi "
        "ủy đã gặp, nhắc nhở hai lần nhưng không chuyển biến.",
    )
    for _ in range(3):
        day += timedelta(days=7)
        yield day
        d.step(case_id, "record_request", day, note="Giấy yêu cầu gửi qua bưu điện")
    day += timedelta(days=5)
    yield day
    d.step(case_id, "proceed_without_review", day, why="no_answer")
    day += timedelta(days=6)
    yield day
    d.step(case_id, "record_cell_resolution", day)
    yield from walk_chain(d, case_id, day, "approve_removal")
    day = db.session.get(Case, case_id).last_event_on + timedelta(days=4)
    yield day
    d.step(case_id, "record_card_collected", day)
    day += timedelta(days=60)
    if day < d.today:
        yield day
        d.step(case_id, "close", day)


def _waiting(d: DemoContext, person_id: int) -> Iterator[date]:
    day = d.today - timedelta(days=20)
    yield day
    case_id = d.open(
        spec.KEY,
        person_id,
        day,
        ground="no_progress",
        facts="Được chi bộ giáo dục từ tháng 10 năm trước, sau 12 tháng không tiến bộ, không "
        "nhận và không thực hiện nhiệm vụ chi bộ giao.",
    )
    day += timedelta(days=6)
    yield day
    d.step(case_id, "record_self_review", day)


def scenario(d: DemoContext) -> list[Iterator[date]]:
    return [
        _removed(d, official_of(d, d.home_cell)),
        _waiting(d, official_of(d, d.cells[-1])),
    ]
