"""Building rating periods and sheets for the tests through the operations the pages call."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.builders import World
from tests.discipline.helpers import ballot, open_discipline
from workflow.extensions import db
from workflow.models import AuditEntry, MemberRating, Organization, RatingPeriod
from workflow.ratings import operations

#: a score inside each level's band (QĐ 366)
SCORES = {"excellent": 92, "good": 80, "completed": 60, "failed": 40}


def open_period(
    world: World, year: int = 2024, kind: str = "year", number: str = ""
) -> RatingPeriod:
    return operations.create_period(
        {"kind": kind, "year": str(year), "number": number}, actor=world.actor("dept")
    )


def version_of(period: RatingPeriod, org_id: int) -> str:
    db.session.expire_all()
    row = operations.sheet(period, db.session.get(Organization, org_id))
    return str(row.version) if row else "0"


def rows_for(period: RatingPeriod, levels: dict[int, str], *, scored: bool | None = None) -> dict:
    """Grid rows: the same level as self-rating and proposal (a score when the period's rules
    score, the excellent conditions met)."""
    scored = operations.rules_for(period).scored if scored is None else scored
    out = {}
    for person_id, level in levels.items():
        row = {"self_level": level, "proposed_level": level, "proposed_conditions": "1"}
        if scored:
            row.update(self_score=str(SCORES[level]), proposed_score=str(SCORES[level]))
        out[person_id] = row
    return out


def propose(
    world: World,
    period: RatingPeriod,
    cell: str,
    levels: dict[int, str] | None = None,
    *,
    username: str | None = None,
    submit: bool = True,
) -> int:
    db.session.expire_all()
    members = [p.id for p in operations.cell_members(world.org(cell))]  # on the list now
    levels = levels or {}
    full = {pid: levels.get(pid, "good") for pid in members}
    username = username or {"C1": "sec1", "C1B": "sec1b", "C2": "sec2", "C3": "sec3"}.get(
        cell, "sec4"
    )
    return operations.save_cell_sheet(
        period.id,
        world.orgs[cell],
        rows_for(period, full),
        version_of(period, world.orgs[cell]),
        actor=world.actor(username),
        submit=submit,
    )


APPROVERS = {"C1": "gs1", "C1B": "gs1", "C2": "gs2", "C3": "gs3", "GC4": "sec4"}


def approve(world: World, period: RatingPeriod, cell: str, cell_level: str = "good") -> int:
    scored = operations.rules_for(period).scored
    cell_id = world.orgs[cell]
    rows = {}
    for r in operations.ratings_of(period, db.session.get(Organization, cell_id)).values():
        rows[r.person_id] = {
            "level": r.proposed_level,
            "score": "" if r.proposed_score is None else str(r.proposed_score),
            "conditions": "1",
        }
    own = {"level": cell_level, "conditions": "1"}
    if scored:
        own["score"] = str(SCORES[cell_level])
    return operations.approve_cell_sheet(
        period.id,
        cell_id,
        rows,
        own,
        version_of(period, cell_id),
        actor=world.actor(APPROVERS[cell]),
    )


def rate_cell(world: World, period: RatingPeriod, cell: str, cell_level: str, levels=None) -> None:
    propose(world, period, cell, levels)
    approve(world, period, cell, cell_level)


def discipline_in_2025(world: World, member: int) -> None:
    """A reprimand decided by the cell and announced on 12/09/2025."""
    case_id = open_discipline(world, member)
    world.fire(case_id, "record_self_review", "sec1", date(2025, 9, 5))
    world.fire(case_id, "decide_by_cell", "sec1", date(2025, 9, 10), **ballot("reprimand"))
    world.fire(case_id, "announce", "sec1", date(2025, 9, 12), where="Hội nghị chi bộ")


def member_ratings(period: RatingPeriod) -> list[MemberRating]:
    db.session.expire_all()
    return list(db.session.scalars(select(MemberRating).where(MemberRating.period_id == period.id)))


def audit_actions(period: RatingPeriod) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.subject_type == "rating_period", AuditEntry.subject_id == period.id)
            .order_by(AuditEntry.seq)
        )
    )


def messages(exc) -> str:
    return " ".join(exc.value.errors.values())
