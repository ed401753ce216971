"""Leaving the Party's demonstration: a member of the demonstration cell who asked to leave months
ago, was let go, received the party-age confirmation and whose case is closed; and one whose
application waits for the cell."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from states import leaving as spec
from workflow.extensions import db
from workflow.models import Case
from workflow.procedures.base import DemoContext
from workflow.procedures.removal_demo import official_of, walk_chain


def _left(d: DemoContext, person_id: int) -> Iterator[date]:
    day = d.today - timedelta(days=120)
    yield day
    case_id = d.open(
        spec.KEY,
        person_id,
        day,
        reasons="Hoàn cảnh gia đình đặc biệt khó khăn, không còn điều kiện tham gia sinh hoạt "
        "đảng thường xuyên.",
    )
    day += timedelta(days=9)
    yield day
    d.step(case_id, "record_cell_resolution", day)
    yield from walk_chain(d, case_id, day, "approve_leaving")
    day = db.session.get(Case, case_id).last_event_on + timedelta(days=6)
    yield day
    d.step(case_id, "issue_party_age_confirmation", day)
    day += timedelta(days=3)
    yield day
    d.step(case_id, "close", day)


def _waiting(d: DemoContext, person_id: int) -> Iterator[date]:
    day = d.today - timedelta(days=8)
    yield day
    d.open(spec.KEY, person_id, day, reasons="Chuyển ra nước ngoài định cư cùng gia đình.")


def scenario(d: DemoContext) -> list[Iterator[date]]:
    return [_left(d, official_of(d, d.home_cell)), _waiting(d, official_of(d, d.cells[-2]))]
