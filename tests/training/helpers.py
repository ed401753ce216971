"""Building classes for the tests through the operations the pages call."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from tests.builders import World, person_data
from workflow.extensions import db
from workflow.models import AuditEntry, Person, TrainingClass
from workflow.operations import people as people_ops
from workflow.store.uow import unit_of_work
from workflow.training import operations

TITLES = {
    "awareness": "bồi dưỡng nhận thức về Đảng",
    "new_member": "bồi dưỡng lý luận chính trị cho đảng viên mới",
    "party_work": "bồi dưỡng nghiệp vụ công tác xây dựng Đảng",
}


def new_class(world: World, kind: str = "awareness", **raw: Any) -> TrainingClass:
    data = {
        "kind": kind,
        "title": f"Lớp {TITLES.get(kind, kind)} khóa 9/2025",
        "starts_on": "15/09/2025",
        "ends_on": "19/09/2025",
        "place": "Hội trường Đảng ủy Khối",
        "opening_decision": "125-QĐ/ĐUK",
        **raw,
    }
    return operations.create_class(data, actor=world.actor("dept"))


def candidate(world: World, cell: str = "C1", name: str = "Nguyễn Thị Hằng", **extra) -> Person:
    """A person on file who is not a member (no case opened)."""
    with unit_of_work():
        return people_ops.create_person(
            person_data(name, date(1998, 5, 20), **extra),
            cell=world.org(cell),
            actor=world.actor("dept"),
        )


def members(world: World, cell: str = "C1") -> list[Person]:
    return [db.session.get(Person, i) for i in world.members[cell]]


def pass_all(world: World, cls: TrainingClass, result: str = "good") -> None:
    rows = {r.id: {"attendance": "full", "result": result} for r in cls.enrollments}
    operations.record_results(cls.id, rows, cls.version, actor=world.actor("dept"))
    db.session.expire_all()


def audit_actions(subject_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.subject_type == "training_class", AuditEntry.subject_id == subject_id)
            .order_by(AuditEntry.seq)
        )
    )
