"""Writing a checked member list: new people in bulk, updates one by one, the history of each
member as dated imported rows of the audit trail, and a probation case for each probationary
member still on a list. Runs inside the caller's unit of work: all of it or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from states import REGISTRY, roster
from workflow.engine import start_case
from workflow.extensions import db
from workflow.models import Case, ImportBatch, Person, utcnow
from workflow.models.people import NAME_KEYS
from workflow.operations.people import apply_changes, record_history
from workflow.permissions import Actor
from workflow.roster.checks import PERSON_FIELDS, Plan, RowPlan
from workflow.store import audit
from workflow.store.errors import InvalidInput


@dataclass(frozen=True)
class Result:
    created: int
    updated: int
    unchanged: int
    skipped: int
    probation_cases: int


def commit(batch: ImportBatch, plan: Plan, mode: str, actor: Actor) -> Result:
    """Import ``plan`` (checked on ``batch``'s bytes in this same transaction).

    ``mode`` "all" imports only a clean file; "clean" imports the clean rows and skips the
    rows with problems. A problem with the file itself stops both."""
    if plan.refused or plan.file_problems:
        raise InvalidInput({"batch": "Tệp có lỗi chung (cột, ô gộp, định dạng): sửa tệp trước."})
    if mode == "all" and not plan.clean:
        raise InvalidInput(
            {"batch": "Tệp còn dòng có lỗi: sửa các lỗi, hoặc chọn chỉ nhập các dòng hợp lệ."}
        )
    if mode not in ("all", "clean"):
        raise InvalidInput({"mode": "Chọn cách nhập."})
    if not plan.rows:
        raise InvalidInput({"batch": "Không có dòng hợp lệ nào để nhập."})
    marker = {"import": batch.id}
    created = _create(plan.rows, actor, marker)
    updated = _update(plan.rows, actor, marker)
    cases = _open_followed_cases(created + updated, actor)
    result = Result(
        created=len(created),
        updated=sum(1 for r in plan.rows if r.action == "update"),
        unchanged=plan.count("unchanged"),
        skipped=len(plan.bad_rows),
        probation_cases=cases,
    )
    batch.mode = mode
    batch.committed_at = utcnow()
    batch.data = None
    batch.rows, batch.problems = plan.read, len(plan.problems)
    batch.created, batch.updated = result.created, result.updated
    batch.unchanged, batch.skipped = result.unchanged, result.skipped
    audit.append(
        actor=actor,
        subject_type="import",
        subject_id=batch.id,
        action="roster.imported",
        payload={
            "filename": batch.filename,
            "sha256": batch.sha256,
            "mode": mode,
            "rows": plan.read,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "skipped": result.skipped,
            "probation_cases": cases,
        },
    )
    return result


def _person_values(row: RowPlan) -> dict[str, Any]:
    m = row.membership
    place = roster.final_place(m)
    return {
        **row.person,
        "cell_id": m.cell,
        "member_status": place["member_status"],
        "presence": place["presence"],
        "admission_decision_on": m.admission_decision_on,
        "joined_on": m.joined_on,
        "official_on": m.official_on,
        "card_number": m.card_number,
        "version": 1,
        "created_at": utcnow(),
    }


def _create(rows: list[RowPlan], actor: Actor, marker: dict) -> list[int]:
    """New people in one bulk insert, then their trail: the record's creation and each step of
    its history, with the membership columns each row changes, in one bulk append."""
    new = [r for r in rows if r.action == "create"]
    if not new:
        return []
    ids = list(
        db.session.scalars(
            insert(Person).returning(Person.id, sort_by_parameter_order=True),
            [_person_values(r) for r in new],
        )
    )
    base = {"actor_id": actor.user_id, "actor_name": actor.name, "subject_type": "person"}

    def trail():
        for person_id, row in zip(ids, new, strict=True):
            m = row.membership
            steps = roster.steps(m)
            first = steps[0].changes.get("org_id", m.cell) if steps else m.cell
            place = {"org_id": first, "member_status": "non_member", "presence": "active"}
            yield {
                **base,
                "subject_id": person_id,
                "person_id": person_id,
                "action": "person.create",
                "payload": {**{k: row.person[k] for k in PERSON_FIELDS}, **marker},
                **place,
            }
            for step in steps:
                changed = {k: v for k, v in step.changes.items() if place.get(k) != v}
                place.update(changed)
                yield {
                    **base,
                    "subject_id": person_id,
                    "person_id": person_id,
                    "action": step.action,
                    "procedure": step.procedure,
                    "event_date": step.on,
                    "payload": {**step.payload, **marker},
                    **changed,
                }

    audit.append_many(trail())
    return ids


def _update(rows: list[RowPlan], actor: Actor, marker: dict) -> list[int]:
    """People already on record: their changed particulars, and the history of those who had
    none. Returns the ids of those given a history."""
    changing = [r for r in rows if r.action == "update"]
    people = {
        p.id: p
        for p in db.session.scalars(
            select(Person).where(Person.id.in_([r.person_id for r in changing]))
        )
    }
    filled = []
    for row in changing:
        person = people[row.person_id]
        changes = dict(row.changes)
        if "full_name" in changes:
            changes.update({key: row.person[key] for key in NAME_KEYS})
        apply_changes(person, changes, actor=actor, payload=marker)
        if row.fill_history:
            record_history(person, row.membership, actor=actor, payload=marker)
            filled.append(person.id)
    return filled


def _open_followed_cases(person_ids: list[int], actor: Actor) -> int:
    """For each member on a list whose status a procedure follows (a probationary member's
    probation), that procedure's case from the day they joined, when they have none."""
    opened = 0
    for spec in (s for s in REGISTRY.values() if s.opened_for):
        for start in range(0, len(person_ids), 500):
            chunk = person_ids[start : start + 500]
            having = set(
                db.session.scalars(
                    select(Case.person_id).where(
                        Case.person_id.in_(chunk), Case.procedure == spec.key
                    )
                )
            )
            for person in db.session.scalars(
                select(Person).where(
                    Person.id.in_(chunk),
                    Person.member_status == spec.opened_for,
                    Person.presence == "active",
                )
            ):
                if person.id not in having:
                    start_case(spec.key, person=person, actor=actor, opened_on=person.joined_on)
                    opened += 1
    return opened
