"""The discipline's demonstration: a reprimand the demonstration cell decided and announced last
month; an expulsion decided by the inspection commission, announced, the card and badge taken
back; a warning of more than a year ago whose effect ended; a violation waiting for the cell's
ballot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from states import discipline as spec
from workflow.extensions import db
from workflow.models import Case, Organization
from workflow.procedures.base import DemoContext
from workflow.procedures.removal_demo import official_of

DECIDED = ("decided",)


def _open(d: DemoContext, person_id: int, day: date, facts: str, **extra) -> int:
    payload = {
        "source": "cell_review",
        "violation_on": (day - timedelta(days=40)).isoformat(),
        "matter": "member_duties",
        "no_limitation": "no",
        "facts": facts,
        **extra,
    }
    return d.open(spec.KEY, person_id, day, **payload)


def next_step(case: Case) -> str:
    """Above the cell: the sub-committee examines, a grassroots committee proposes, the
    inspection commission decides."""
    root = db.session.get(Organization, case.cell.ancestor_ids()[0])
    if case.state == "cell_proposed":
        if len(case.cell.ancestor_ids()) == 3:
            return "examine_by_subcommittee"
        if case.cell.kind == "grassroots_cell" or root.kind != "grassroots_committee":
            return "decide_by_inspection"
        return "propose_by_grassroots"
    if case.state == "subcommittee_examined":
        return "propose_by_grassroots"
    return "decide_by_inspection"


def _walk_up(d: DemoContext, case_id: int, day: date) -> Iterator[date]:
    case = db.session.get(Case, case_id)
    while case.state not in DECIDED:
        day = min(day + timedelta(days=d.rng.randint(4, 9)), d.today)
        yield day
        d.step(case_id, next_step(case), day)
        case = db.session.get(Case, case_id)


def _reprimand(d: DemoContext, person_id: int) -> Iterator[date]:
    day = d.today - timedelta(days=45)
    yield day
    case_id = _open(
        d,
        person_id,
        day,
        "Vắng sinh hoạt chi bộ ba kỳ liên tiếp không có lý do chính đáng.",
        source="self_report",
    )
    day += timedelta(days=7)
    yield day
    d.step(case_id, "record_self_review", day)
    day += timedelta(days=10)
    yield day
    d.step(case_id, "decide_by_cell", day)
    day += timedelta(days=3)
    yield day
    d.step(case_id, "announce", day)


def _expulsion(d: DemoContext, person_id: int) -> Iterator[date]:
    day = d.today - timedelta(days=120)
    yield day
    case_id = _open(
        d,
        person_id,
        day,
        "Lợi dụng chức vụ chiếm đoạt tài sản của cơ quan; đã bị khởi tố, truy tố.",
        source="state_notice",
        reference="Thông báo của Cơ quan Cảnh sát điều tra Công an tỉnh",
        matter="assigned_tasks",
    )
    for _ in range(3):
        day += timedelta(days=6)
        yield day
        d.step(case_id, "record_request", day, note="Giấy mời gửi nơi tạm giam")
    day += timedelta(days=4)
    yield day
    d.step(case_id, "proceed_without_review", day, why="no_answer")
    day += timedelta(days=5)
    yield day
    d.step(case_id, "propose_by_cell", day, form="expulsion")
    yield from _walk_up(d, case_id, day)
    day = db.session.get(Case, case_id).last_event_on + timedelta(days=5)
    yield day
    d.step(case_id, "announce", day)
    day += timedelta(days=4)
    yield day
    d.step(case_id, "record_card_collected", day)
    day += timedelta(days=35)
    if day < d.today:
        yield day
        d.step(case_id, "close", day)


def _ended(d: DemoContext, person_id: int) -> Iterator[date]:
    day = d.today - timedelta(days=430)
    yield day
    case_id = _open(
        d,
        person_id,
        day,
        "Thiếu trách nhiệm trong quản lý tài chính của tổ công đoàn, để thất thoát kinh phí.",
        source="inspection",
        reference="Kết luận kiểm tra của Ủy ban Kiểm tra đảng ủy cơ sở",
    )
    day += timedelta(days=6)
    yield day
    d.step(case_id, "record_self_review", day)
    day += timedelta(days=8)
    yield day
    d.step(case_id, "decide_by_cell", day, form="warning")
    day += timedelta(days=4)
    yield day
    d.step(case_id, "announce", day)
    due = db.session.get(Case, case_id).deadlines
    effect = next(x for x in due if x.kind == "effect" and x.status == "open")
    if effect.due_on <= d.today:
        yield effect.due_on
        d.step(case_id, "expire", effect.due_on)


def _waiting(d: DemoContext, person_id: int) -> Iterator[date]:
    day = d.today - timedelta(days=12)
    yield day
    case_id = _open(
        d,
        person_id,
        day,
        "Đăng tải trên mạng xã hội thông tin sai sự thật về hoạt động của cơ quan.",
        source="complaint",
        reference="Đơn phản ánh của quần chúng",
    )
    day += timedelta(days=5)
    yield day
    d.step(case_id, "record_self_review", day)


def scenario(d: DemoContext) -> list[Iterator[date]]:
    return [
        _reprimand(d, official_of(d, d.home_cell)),
        _expulsion(d, official_of(d, d.cells[5])),
        _ended(d, official_of(d, d.cells[7])),
        _waiting(d, official_of(d, d.cells[9])),
    ]
