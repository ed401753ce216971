"""The daily scan: end the probations whose 12 months have run, mark what became overdue.

Running it twice on the same day changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, not_, select

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
    ended_probations: list[int] = field(default_factory=list)
    newly_overdue: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def scan(today: date) -> ScanReport:
    report = ScanReport()
    system = Actor(None, SCANNER, Actor.system().scopes)
    due = db.session.execute(
        select(Case.id, Case.version, Case.probation_end, Case.last_event_on).where(
            Case.procedure == "probation",
            Case._state == "in_probation",
            Case.probation_end <= today,
            Case.probation_end_confirmed.is_(True),
        )
    ).all()
    for case_id, version, end, last in due:
        try:
            fire(
                case_id,
                "end_probation",
                actor=system,
                expected_version=version,
                payload={"event_date": max(end, last or end)},
            )
        except EngineError as exc:  # changed meanwhile, or waiting for a person
            report.skipped[case_id] = exc.message
        else:
            report.ended_probations.append(case_id)
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
