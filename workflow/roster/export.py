"""The member list as it stands, in the import format: each person's particulars, their
membership dates, and what their recorded history says of their last arrival and of their
leaving the lists, so that the file imported into an empty database gives the same reports.

The movement columns are read from the trail the reports read (each person's membership
changes in date order, judged by the same ``classify``), whichever way it was written: by the
transfer procedures or by an earlier import."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload

from states import roster
from states.indicators import classify
from workflow.extensions import db
from workflow.models import AuditEntry, Organization, Person, Transfer
from workflow.models.orgs import CELL_KINDS
from workflow.permissions import ROSTER_KEEPERS, Actor
from workflow.roster import writer

AUDIT = AuditEntry.__table__
#: people read per query
CHUNK = 1000


@dataclass
class Movement:
    origin: str = ""
    letter_on: date | None = None
    arrived_on: date | None = None
    left_on: date | None = None
    left_reason: str = ""
    recognized_on: date | None = None
    #: the member's status when they left the lists
    status: str | None = None


def people_query(actor: Actor, org: Organization | None = None, status: str = "") -> Select:
    """Everyone on record in the cells of the organizations the actor keeps lists for (a
    member registered as arriving from outside belongs to no cell until a cell takes them in,
    and is listed only on the incoming transfers page until then)."""
    stmt = (
        select(Person)
        .join(Organization, Organization.id == Person.cell_id)
        .where(actor.visible_filter(Organization.path, roles=ROSTER_KEEPERS))
        .where(Organization.kind.in_(CELL_KINDS))
        .options(joinedload(Person.cell))
    )
    if org is not None:
        stmt = stmt.where(Organization.path.startswith(org.path, autoescape=True))
    if status:
        stmt = stmt.where(Person.member_status == status)
    return stmt.order_by(Organization.code, Person.sort_key, Person.id)


def movements(person_ids: list[int], codes: dict[int, str]) -> dict[int, Movement]:
    """Last arrival and leaving of each person, from their recorded membership changes."""
    rows = db.session.execute(
        select(
            AUDIT.c.person_id,
            AUDIT.c.event_date,
            AUDIT.c.procedure,
            AUDIT.c.org_id,
            AUDIT.c.member_status,
            AUDIT.c.presence,
            AUDIT.c.payload,
        )
        .where(
            AUDIT.c.person_id.in_(person_ids),
            or_(
                AUDIT.c.org_id.is_not(None),
                AUDIT.c.member_status.is_not(None),
                AUDIT.c.presence.is_not(None),
            ),
        )
        .order_by(AUDIT.c.person_id, AUDIT.c.event_date.asc().nulls_first(), AUDIT.c.seq)
    )
    origins = {
        t.person_id: t.origin
        for t in db.session.scalars(
            select(Transfer)
            .where(Transfer.person_id.in_(person_ids), Transfer.direction == "in")
            .order_by(Transfer.id)
        )
    }
    out: dict[int, Movement] = {}
    state: dict[str, Any] = {}
    pending: tuple[int, date] | None = None
    current = None
    for person_id, on, procedure, org_id, status, presence, payload in rows:
        if person_id != current:
            current, state, pending = person_id, {}, None
            out[person_id] = Movement()
        move = out[person_id]
        before = dict(state)
        for key, value in (("org_id", org_id), ("member_status", status), ("presence", presence)):
            if value is not None:
                state[key] = value
        if not before or on is None:
            continue
        if before.get("member_status") == "probationary" and status == "official":
            move.recognized_on = on
        for flow, flow_org, flow_status in classify(before, state, procedure):
            if flow == "transfer_out_internal":
                pending = (flow_org, on)
            if flow == "transfer_in_internal":
                origin_org, letter_on = pending or (before["org_id"], on)
                move.origin, move.letter_on = codes.get(origin_org, ""), letter_on
                move.arrived_on, pending = on, None
            elif flow == "transfer_in_external":
                # an imported arrival names its origin; one through the procedure, its transfer
                origin = json.loads(payload or "{}").get("origin")
                move.origin = origin or origins.get(person_id, "")
                move.letter_on, move.arrived_on = None, on
            if flow in roster.LEAVING_BY_FLOW and not _on_list(state):
                move.left_on, move.left_reason = on, roster.LEAVING_BY_FLOW[flow].label
                move.status = flow_status
            elif _on_list(state):
                move.left_on, move.left_reason, move.status = None, "", None
    return out


def _on_list(state: dict) -> bool:
    return state.get("member_status") in ("probationary", "official") and (
        state.get("presence") == "active"
    )


def _values(person: Person, move: Movement) -> dict[str, Any]:
    status = person.member_status
    if status == "removed":
        status = move.status or ("official" if person.official_on else "probationary")
    return {
        "full_name": person.full_name,
        "birth_date": person.birth_date,
        "sex": roster.SEX_LABELS.get(person.sex, ""),
        "citizen_id": person.citizen_id,
        "ethnicity": person.ethnicity,
        "religion": person.religion,
        "home_town": person.home_town,
        "education": roster.EDUCATION_LABELS.get(person.education, ""),
        "occupation": person.occupation,
        "phone": person.phone,
        "cell": person.cell.code,
        "cell_name": person.cell.name,
        "status": roster.STATUS_LABELS.get(status, ""),
        "admission_decision_on": person.admission_decision_on,
        "joined_on": person.joined_on,
        "official_on": person.official_on,
        "recognized_on": move.recognized_on if person.official_on else None,
        "card_number": person.card_number or "",
        "origin": move.origin,
        "letter_on": move.letter_on,
        "arrived_on": move.arrived_on,
        "left_on": move.left_on,
        "left_reason": move.left_reason,
    }


def rows(stmt: Select) -> Iterator[dict[str, Any]]:
    codes = dict(db.session.execute(select(Organization.id, Organization.code)).all())
    offset = 0
    while True:
        people = db.session.scalars(stmt.limit(CHUNK).offset(offset)).unique().all()
        if not people:
            return
        moves = movements([p.id for p in people], codes)
        for person in people:
            yield _values(person, moves.get(person.id, Movement()))
        offset += CHUNK


def importable_cells(actor: Actor) -> list[tuple[str, str, str]]:
    """(code, name, grassroots organization) of the active cells the actor may import into."""
    orgs = {o.id: o for o in db.session.scalars(select(Organization))}
    out = []
    for org in sorted(orgs.values(), key=lambda o: o.code):
        if org.kind not in CELL_KINDS or not org.active:
            continue
        if actor.scope_for(ROSTER_KEEPERS, org.path) is None:
            continue
        parent = orgs.get(org.parent_id) if org.parent_id else None
        out.append((org.code, org.name, parent.name if parent else ""))
    return out


def workbook(actor: Actor, org: Organization | None = None, status: str = "") -> bytes:
    return writer.build(rows(people_query(actor, org, status)), importable_cells(actor))


def template(actor: Actor) -> bytes:
    return writer.build([], importable_cells(actor))
