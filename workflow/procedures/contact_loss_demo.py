"""The demonstration of a member out of contact: one who went to work abroad without a word five
months ago, reported by the cell and confirmed, still out of contact; another who got back in
touch after three months."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from states import contact_loss as spec
from workflow.procedures.base import DemoContext
from workflow.procedures.removal_demo import official_of


def _still_lost(d: DemoContext, person_id: int) -> Iterator:
    since = d.today - timedelta(days=150)
    day = since + timedelta(days=40)
    yield day
    case_id = d.open(
        spec.KEY,
        person_id,
        day,
        since=since.isoformat(),
        search="Chi ủy đã gọi điện, nhắn tin, đến nơi cư trú; gia đình cho biết đồng chí đi làm "
        "việc ở nước ngoài, không để lại địa chỉ liên lạc.",
        resolution=f"Nghị quyết chi bộ tháng {day.month}/{day.year}",
    )
    day += timedelta(days=10)
    yield day
    d.step(case_id, "confirm", day)


def _restored(d: DemoContext, person_id: int) -> Iterator:
    since = d.today - timedelta(days=300)
    day = since + timedelta(days=35)
    yield day
    case_id = d.open(
        spec.KEY,
        person_id,
        day,
        since=since.isoformat(),
        search="Chi ủy đã liên hệ qua điện thoại, qua cơ quan cũ và tổ dân phố nơi cư trú; "
        "không liên lạc được.",
    )
    day += timedelta(days=7)
    yield day
    d.step(case_id, "confirm", day)
    day += timedelta(days=60)
    yield day
    d.step(case_id, "restore", day)


def scenario(d: DemoContext) -> list[Iterator]:
    return [
        _still_lost(d, official_of(d, d.cells[5])),
        _restored(d, official_of(d, d.cells[9])),
    ]
