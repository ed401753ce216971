"""Re-admission's demonstration: a member of another cell removed from the list four years ago
for handing back the card, put on the source list again this year and walked as far as the
verification of the biography."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import select

from states import readmission as spec
from states import removal
from workflow.extensions import db
from workflow.models import Case, Organization, Person
from workflow.procedures.admission_demo import GAPS, PATH
from workflow.procedures.base import DemoContext
from workflow.procedures.removal_demo import walk_chain


def _walk(d: DemoContext, person_id: int) -> Iterator[date]:
    day = d.today - timedelta(days=4 * 365 + 60)
    yield day
    case_id = d.open(removal.KEY, person_id, day, ground="returned_card",
                     facts="Tự ý nộp lại thẻ đảng viên cho chi bộ.")  # fmt: skip
    day += timedelta(days=4)
    yield day
    d.step(case_id, "proceed_without_review", day, why="refused")
    day += timedelta(days=5)
    yield day
    d.step(case_id, "record_cell_resolution", day)
    yield from walk_chain(d, case_id, day, "approve_removal")
    day = db.session.get(Case, case_id).last_event_on + timedelta(days=3)
    yield day
    d.step(case_id, "record_card_collected", day)
    day += timedelta(days=60)
    yield day
    d.step(case_id, "close", day)
    day = d.today - timedelta(days=130)
    yield day
    again = d.open(spec.KEY, person_id, day)
    # a former member attends the awareness class of the political centre where they live:
    # the class is named and its certificate typed in (not one of the committee's classes)
    path = ["record_certificate" if t == "take_class_certificate" else t for t in PATH]
    for trigger in path[: path.index("start_verification") + 1]:
        day = min(day + timedelta(days=GAPS.get(trigger, 10) // 2), d.today)
        yield day
        d.step(again, trigger, day)


def _official_before(d: DemoContext, cell: Organization, day: date) -> int:
    """An official member of the cell since before ``day`` no other scenario has given a part."""
    person_id = db.session.scalars(
        select(Person.id)
        .where(
            Person.cell_id == cell.id,
            Person.member_status == "official",
            Person.presence == "active",
            Person.official_on < day,
            Person.id.not_in(d.taken or {0}),
        )
        .order_by(Person.official_on, Person.id)
    ).first()
    d.taken.add(person_id)
    return person_id


def scenario(d: DemoContext) -> list[Iterator[date]]:
    return [_walk(d, _official_before(d, d.cells[7], d.today - timedelta(days=5 * 365)))]
