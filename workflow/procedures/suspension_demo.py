"""The suspension's demonstration: a member indicted last quarter, suspended by the inspection
commission and let back once the 90 days ran; another detained a month ago, still suspended."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from states import suspension as spec
from workflow.extensions import db
from workflow.models import Case
from workflow.procedures.base import DemoContext
from workflow.procedures.removal_demo import official_of


def _returned(d: DemoContext, person_id: int) -> Iterator:
    day = d.today - timedelta(days=130)
    yield day
    case_id = d.open(
        spec.KEY,
        person_id,
        day,
        ground="obstruction",
        reference="Báo cáo của Ủy ban Kiểm tra đảng ủy cơ sở",
        facts="Có dấu hiệu vi phạm nghiêm trọng trong quản lý dự án; không cung cấp hồ sơ, tác "
        "động người làm chứng.",
    )
    day += timedelta(days=5)
    yield day
    d.step(case_id, "suspend_by_inspection", day)
    clock = next(x for x in db.session.get(Case, case_id).deadlines if x.status == "open")
    if clock.due_on <= d.today:
        yield clock.due_on
        d.step(case_id, "reinstate", clock.due_on)


def _suspended(d: DemoContext, person_id: int) -> Iterator:
    day = d.today - timedelta(days=30)
    yield day
    case_id = d.open(
        spec.KEY,
        person_id,
        day,
        ground="detained",
        reference="Thông báo của Cơ quan Cảnh sát điều tra Công an tỉnh",
        facts="Bị tạm giam để điều tra về hành vi vi phạm quy định về đấu thầu.",
    )
    day += timedelta(days=3)
    yield day
    d.step(case_id, "suspend_by_inspection", day)


def scenario(d: DemoContext) -> list[Iterator]:
    return [
        _returned(d, official_of(d, d.cells[11])),
        _suspended(d, official_of(d, d.cells[13])),
    ]
