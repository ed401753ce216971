"""The death's demonstration: a member who died months ago, the record closed; and one who died
recently, the notice slip written and the dossier's 30 working days running on the dashboard."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from states import death as spec
from workflow.procedures.base import DemoContext
from workflow.procedures.removal_demo import official_of


def _closed(d: DemoContext, person_id: int) -> Iterator[date]:
    day = d.today - timedelta(days=200)
    yield day
    case_id = d.open(spec.KEY, person_id, day, notice="Giấy báo tử số 12/2025 của UBND phường")
    for trigger, after in (
        ("write_notice_slip", 5),
        ("hand_over_dossier", 20),
        ("record_dossier_received", 3),
    ):
        day += timedelta(days=after)
        yield day
        d.step(case_id, trigger, day)


def _running(d: DemoContext, person_id: int) -> Iterator[date]:
    day = d.today - timedelta(days=25)
    yield day
    case_id = d.open(spec.KEY, person_id, day, notice="Thông báo của gia đình")
    day += timedelta(days=4)
    yield day
    d.step(case_id, "write_notice_slip", day)


def scenario(d: DemoContext) -> list[Iterator[date]]:
    return [_closed(d, official_of(d, d.cells[3])), _running(d, official_of(d, d.home_cell))]
