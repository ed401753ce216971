"""The demonstration of a member out of contact: one who went to work abroad without a word five
months ago, reported by the cell and confirmed, still out of contact; another who got back in
touch after three months."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from states import contact_loss as spec
from workflow.procedures.base import DemoContext
from workflow.procedures.removal_demo import official_of


def _reported(
    d: DemoContext, person_id: int, ago: int, after: int, search: str, confirmed_after: int, **extra
) -> Iterator:
    """Out of contact since ``ago`` days before today, reported by the cell ``after`` days
    later and confirmed ``confirmed_after`` days after that; the case's id is the generator's
    value."""
    since = d.today - timedelta(days=ago)
    day = since + timedelta(days=after)
    yield day
    case_id = d.open(spec.KEY, person_id, day, since=since.isoformat(), search=search, **extra)
    day += timedelta(days=confirmed_after)
    yield day
    d.step(case_id, "confirm", day)
    return case_id, day


def _still_lost(d: DemoContext, person_id: int) -> Iterator:
    meeting = d.today - timedelta(days=110)
    yield from _reported(
        d,
        person_id,
        150,
        40,
        "Chi ủy đã gọi điện, nhắn tin, đến nơi cư trú; gia đình cho biết đồng chí đi làm việc ở "
        "nước ngoài, không để lại địa chỉ liên lạc.",
        10,
        resolution=f"Nghị quyết chi bộ tháng {meeting.month}/{meeting.year}",
    )


def _restored(d: DemoContext, person_id: int) -> Iterator:
    case_id, day = yield from _reported(
        d,
        person_id,
        300,
        35,
        "Chi ủy đã liên hệ qua điện thoại, qua cơ quan cũ và tổ dân phố nơi cư trú; không liên "
        "lạc được.",
        7,
    )
    day += timedelta(days=60)
    yield day
    d.step(case_id, "restore", day)


def scenario(d: DemoContext) -> list[Iterator]:
    return [
        _still_lost(d, official_of(d, d.cells[5])),
        _restored(d, official_of(d, d.cells[9])),
    ]
