"""The exemption's demonstration: the oldest member of the demonstration cell, exempted for weak
health and the grassroots committee's acknowledgement recorded; another member's request waiting
for the cell."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import select

from states import exemption as spec
from workflow.extensions import db
from workflow.models import Organization, Person
from workflow.procedures.base import DemoContext


def _oldest_of(d: DemoContext, cell: Organization) -> int:
    person_id = db.session.scalars(
        select(Person.id)
        .where(
            Person.cell_id == cell.id,
            Person.member_status == "official",
            Person.presence == "active",
            Person.id.not_in(d.taken or {0}),
        )
        .order_by(Person.birth_date, Person.id)
    ).first()
    d.taken.add(person_id)
    return person_id


def _exempted(d: DemoContext, person_id: int) -> Iterator[date]:
    day = d.today - timedelta(days=90)
    yield day
    case_id = d.open(spec.KEY, person_id, day, basis="health", scope="work_and_activity",
                     asked="written", note="Điều trị bệnh tim mạch dài ngày")  # fmt: skip
    day += timedelta(days=10)
    yield day
    d.step(case_id, "record_cell_resolution", day)
    day += timedelta(days=7)
    yield day
    d.step(case_id, "acknowledge_report", day)


def _asked(d: DemoContext, person_id: int) -> Iterator[date]:
    day = d.today - timedelta(days=5)
    yield day
    d.open(spec.KEY, person_id, day, basis="health", scope="work", asked="in_person")


def scenario(d: DemoContext) -> list[Iterator[date]]:
    return [_exempted(d, _oldest_of(d, d.home_cell)), _asked(d, _oldest_of(d, d.cells[5]))]
