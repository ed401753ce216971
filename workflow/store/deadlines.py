"""Opening, closing and extending a case's working-day clocks."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from states import dates
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


#: a clock still to be met: running, or stopped while the case waits on an outside body
PENDING = ("open", "held")


def find_open(case: Case, kind: str, statuses: tuple[str, ...] = ("open",)) -> Deadline | None:
    for deadline in case.deadlines:
        if deadline.kind == kind and deadline.status in statuses:
            return deadline
    return None


def close_deadline(case: Case, kind: str, on: date, status: str = "met") -> None:
    deadline = find_open(case, kind, PENDING)
    if deadline is not None:
        deadline.status = status
        deadline.closed_on = on


def hold_deadline(case: Case, kind: str, on: date) -> None:
    """Stop a running clock on ``on`` (the case waits on a body outside the committee)."""
    deadline = find_open(case, kind)
    if deadline is not None:
        deadline.status, deadline.held_on = "held", on


def resume_deadline(case: Case, kind: str, on: date) -> None:
    """Run a stopped clock again from ``on``: the days it stood stopped, counted in its unit
    (working days for a clock of working days), move its due date."""
    deadline = find_open(case, kind, ("held",))
    if deadline is None:
        return
    start = deadline.held_on
    if deadline.unit in ("months", "days"):
        span = max(0, (on - start).days)
        deadline.due_on += timedelta(days=span)
    else:
        calendar = load_calendar()
        span = max(0, dates.working_days_between(start, on, calendar.is_working))
        deadline.due_on = calendar.add_working_days(deadline.due_on, span)
    deadline.held_days += span
    deadline.status, deadline.held_on = "open", None
    stopped = f"Dừng tính thời hạn từ {dates.vn_date(start)} đến {dates.vn_date(on)}"
    deadline.note = (deadline.note + "\n" if deadline.note else "") + stopped


def extend_deadline(case: Case, kind: str, days: int, reason: str) -> Deadline | None:
    deadline = find_open(case, kind)
    if deadline is None:
        return None
    deadline.extended_days += days
    length = deadline.base_days + deadline.extended_days + deadline.held_days
    if deadline.unit == "days":
        deadline.due_on = deadline.starts_on + timedelta(days=length)
    else:
        deadline.due_on = load_calendar().add_working_days(deadline.starts_on, length)
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
