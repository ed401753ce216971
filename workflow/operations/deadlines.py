"""The daily scan: take the steps that come due with a clock (the end of a probation whose 12
months have run), mark what became overdue.

Running it twice on the same day changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, not_, select

from states import REGISTRY
from states.spec import ProcedureSpec, TransitionSpec
from workflow.engine import fire
from workflow.extensions import db
from workflow.models import Case, Deadline
from workflow.permissions import Actor
from workflow.store import audit
from workflow.store.deadlines import silent_kinds
from workflow.store.errors import EngineError
from workflow.store.uow import unit_of_work

SCANNER = "Hệ thống (quét thời hạn hằng ngày)"


@dataclass
class ScanReport:
    #: (case id, the step's label) of each step the scan took
    taken: list[tuple[int, str]] = field(default_factory=list)
    newly_overdue: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def _automatic_steps() -> list[tuple[ProcedureSpec, TransitionSpec]]:
    """The steps the scan takes itself: declared ``auto``, after the clock they await."""
    return [
        (spec, t)
        for spec in REGISTRY.values()
        for t in spec.transitions
        if t.auto and isinstance(t.awaited, str)
    ]


def scan(today: date) -> ScanReport:
    report = ScanReport()
    system = Actor(None, SCANNER, Actor.system().scopes)
    for spec, step in _automatic_steps():
        due = db.session.execute(
            select(Case.id, Case.version, Deadline.due_on, Case.last_event_on)
            .join(Deadline, Deadline.case_id == Case.id)
            .where(
                Case.procedure == spec.key,
                Case._state.in_(step.sources),
                Deadline.kind == step.awaited,
                Deadline.status == "open",
                Deadline.due_on <= today,
            )
            .order_by(Case.id)
        ).all()
        for case_id, version, due_on, last in due:
            try:
                fire(
                    case_id,
                    step.trigger,
                    actor=system,
                    expected_version=version,
                    payload={"event_date": max(due_on, last or due_on)},
                )
            except EngineError as exc:  # changed meanwhile, or waiting for a person
                report.skipped[case_id] = exc.message
            else:
                report.taken.append((case_id, step.label))
    with unit_of_work():
        for deadline in db.session.scalars(
            select(Deadline)
            .join(Case, Case.id == Deadline.case_id)
            .where(
                Deadline.status == "open",
                Deadline.due_on < today,
                Deadline.overdue_since.is_(None),
                *(
                    not_(and_(Case.procedure == procedure, Deadline.kind == kind))
                    for procedure, kind in silent_kinds()
                ),
            )
        ):
            deadline.overdue_since = today
            report.newly_overdue.append(deadline.id)
            audit.append(
                actor=system,
                subject_type="case",
                subject_id=deadline.case_id,
                action="deadline.overdue",
                event_date=deadline.due_on,
                payload={"deadline": deadline.kind, "due_on": deadline.due_on},
            )
    return report
