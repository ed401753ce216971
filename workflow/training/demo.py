"""The demonstration's classes: the month's awareness class a candidate is sent to, and the
certificate a candidate who passed receives, through the same operations the pages call."""

from __future__ import annotations

import calendar
from datetime import date

from sqlalchemy import select

from states.training import AWARENESS
from workflow.extensions import db
from workflow.models import TrainingClass, TrainingEnrollment
from workflow.permissions import Actor
from workflow.training import operations

#: the days of the month the demonstration's awareness classes run
CLASS_DAYS = (10, 14)


def awareness_class_for(day: date, department: Actor) -> TrainingClass:
    """The awareness class a candidate sent on ``day`` joins: the month's (10th–14th), or the
    next month's once the month's has ended; opened the first time it is needed."""
    year, month = day.year, day.month
    if day.day > CLASS_DAYS[1]:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    title = f"Lớp bồi dưỡng nhận thức về Đảng khóa {month}/{year}"
    found = db.session.scalars(
        select(TrainingClass).where(TrainingClass.kind == AWARENESS, TrainingClass.title == title)
    ).first()
    if found is not None:
        return found
    last = calendar.monthrange(year, month)[1]
    start, end = date(year, month, CLASS_DAYS[0]), date(year, month, min(CLASS_DAYS[1], last))
    return operations.create_class(
        {
            "kind": AWARENESS,
            "title": title,
            "starts_on": start.isoformat(),
            "ends_on": end.isoformat(),
            "place": "Hội trường Đảng ủy Khối",
            "opening_decision": f"{month * 3 + 100}-QĐ/ĐUK",
        },
        actor=department,
    )


def certify(class_id: int, person_id: int, on: date, department: Actor, result: str) -> None:
    """Record that the trainee attended and passed, and issue their certificate dated ``on``."""
    cls = db.session.get(TrainingClass, class_id)
    row = db.session.scalars(
        select(TrainingEnrollment).where(
            TrainingEnrollment.class_id == class_id, TrainingEnrollment.person_id == person_id
        )
    ).one()
    operations.record_results(
        class_id,
        {row.id: {"attendance": "full", "result": result}},
        cls.version,
        actor=department,
    )
    db.session.expire_all()
    cls = db.session.get(TrainingClass, class_id)
    operations.issue_certificates(
        class_id, {"issued_on": on.isoformat()}, cls.version, actor=department
    )
    db.session.expire_all()
