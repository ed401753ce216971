"""Builders for the procedures that take a member off the lists."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from workflow.engine import open_case
from workflow.extensions import db
from workflow.models import AuditEntry, Case, Person
from workflow.store.uow import unit_of_work

DAY = date(2025, 9, 1)
FACTS = "Không sinh hoạt chi bộ, không đóng đảng phí các tháng 5, 6 và 7 năm 2025."


def open_for(world, procedure: str, person_id: int, username: str, day=DAY, **payload) -> int:
    with unit_of_work():
        person = db.session.get(Person, person_id)
        case = open_case(
            procedure,
            person=person,
            actor=world.actor(username),
            payload={"event_date": day.isoformat(), **payload},
        )
        return case.id


def open_removal(world, person_id: int, username="sec1", day=DAY, **payload) -> int:
    data = {"ground": "skipped_activity", "facts": FACTS, **payload}
    return open_for(world, "removal", person_id, username, day, **data)


def cell_vote(total: int = 9, yes: int | None = None, **extra):
    yes = total if yes is None else yes
    return {"official_total": total, "yes": yes, "no": total - yes, **extra}


def state(case_id: int) -> str:
    db.session.rollback()  # what other sessions committed since
    return db.session.get(Case, case_id).state


def status_rows(person_id: int) -> list[AuditEntry]:
    """The audit rows that recorded a change of the person's membership status."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.person_id == person_id, AuditEntry.member_status.is_not(None))
            .order_by(AuditEntry.seq)
        )
    )
