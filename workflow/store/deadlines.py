"""Opening, closing and extending a case's working-day clocks."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from states.dates import add_months
from states.rules import RuleSet
from states.spec import DeadlineSpec
from workflow.extensions import db
from workflow.models import Case, Deadline
from workflow.workcalendar import forget_calendar, load_calendar


def open_deadline(case: Case, spec: DeadlineSpec, start: date, rules: RuleSet) -> Deadline:
    length = rules[spec.length_setting]
    if spec.unit == "months":
        due = add_months(start, length)
    elif spec.unit == "days":
        due = start + timedelta(days=length)
    else:
        due = load_calendar().add_working_days(start, length)
    deadline = Deadline(
        case_id=case.id,
        kind=spec.kind,
        unit=spec.unit,
        starts_on=start,
        base_days=length,
        extended_days=0,
        due_on=due,
        status="open",
    )
    case.deadlines.append(deadline)
    return deadline


def find_open(case: Case, kind: str) -> Deadline | None:
    for deadline in case.deadlines:
        if deadline.kind == kind and deadline.status == "open":
            return deadline
    return None


def close_deadline(case: Case, kind: str, on: date, status: str = "met") -> None:
    deadline = find_open(case, kind)
    if deadline is not None:
        deadline.status = status
        deadline.closed_on = on


def extend_deadline(case: Case, kind: str, days: int, reason: str) -> Deadline | None:
    deadline = find_open(case, kind)
    if deadline is None:
        return None
    deadline.extended_days += days
    if deadline.unit == "days":
        deadline.due_on = deadline.starts_on + timedelta(
            days=deadline.base_days + deadline.extended_days
        )
    else:
        deadline.due_on = load_calendar().add_working_days(
            deadline.starts_on, deadline.base_days + deadline.extended_days
        )
    deadline.note = (deadline.note + "\n" if deadline.note else "") + reason
    return deadline


def silent_kinds() -> list[tuple[str, str]]:
    """(procedure, kind) of clocks whose end is no fault (the end of probation)."""
    from states import REGISTRY

    return [
        (key, kind)
        for key, spec in REGISTRY.items()
        for kind, d in spec.deadlines.items()
        if not d.alerts
    ]


def recompute_open_deadlines(changed_day: date) -> int:
    """After a calendar correction, move the due dates of open clocks that span that day."""
    forget_calendar()
    calendar = load_calendar()
    count = 0
    for deadline in db.session.scalars(
        select(Deadline).where(
            Deadline.status == "open",
            Deadline.starts_on < changed_day,
            Deadline.unit == "working_days",
        )
    ):
        due = calendar.add_working_days(
            deadline.starts_on, deadline.base_days + deadline.extended_days
        )
        if due != deadline.due_on:
            deadline.due_on = due
            count += 1
    return count
