"""Transfers as each side sees them, a member's movement history, and registering a member
who arrives from outside the committee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased, joinedload

from states.dates import add_months
from states.rules import rules_on
from workflow.extensions import db
from workflow.models import Case, Decision, Organization, Person, Transfer
from workflow.permissions import Actor


@dataclass
class TransferLists:
    outgoing: list[Transfer]
    incoming: list[Transfer]
    hosted: list[Transfer]
    #: incoming members whose letter is older than the quarterly check allows
    late: list[tuple[Transfer, int]]
    recent: list[Transfer]


def _visible(actor: Actor, org: Organization | None):
    """Transfers the actor may see: from or to an organization in scope (and under ``org``)."""
    source, target = aliased(Organization), aliased(Organization)
    stmt = (
        select(Transfer, Case)
        .join(Case, Case.id == Transfer.case_id)
        .outerjoin(source, source.id == Case.cell_id)
        .outerjoin(target, target.id == Transfer.to_org_id)
        .where(or_(actor.visible_filter(source.path), actor.visible_filter(target.path)))
        .options(joinedload(Transfer.person), joinedload(Transfer.from_org))
    )
    if org is not None:
        stmt = stmt.where(
            or_(
                source.path.startswith(org.path, autoescape=True),
                target.path.startswith(org.path, autoescape=True),
            )
        )
    return stmt


def lists(actor: Actor, org: Organization | None, today: date) -> TransferLists:
    stmt = _visible(actor, org)
    pairs = db.session.execute(stmt.order_by(Transfer.id.desc())).unique().all()
    rows = [t for t, _ in pairs]
    cases = {c.id: c for _, c in pairs}
    in_scope = {o.id for o in db.session.scalars(select(Organization)) if _covers(actor, org, o)}

    def state(t: Transfer) -> str:
        return cases[t.case_id].state

    def ours_to(t: Transfer) -> bool:
        return t.to_org_id in in_scope

    def ours_from(t: Transfer) -> bool:
        return cases[t.case_id].cell_id in in_scope and t.direction != "in"

    open_rows = [t for t in rows if cases[t.case_id].closed_at is None]
    months = rules_on(today)["transfer.check_months"]
    late = [
        (t, (today - add_months(t.letter_on, months)).days)
        for t in open_rows
        if ours_to(t)
        and t.direction not in ("temporary", "internal")
        and t.letter_on is not None
        and state(t) in ("letter_issued", "registered")
        and add_months(t.letter_on, months) < today
    ]
    return TransferLists(
        outgoing=[t for t in open_rows if ours_from(t) and state(t) != "hosted"],
        incoming=[
            t for t in open_rows if ours_to(t) and state(t) in ("letter_issued", "registered")
        ],
        hosted=[t for t in open_rows if t.direction == "temporary" and state(t) == "hosted"],
        late=late,
        recent=[t for t in rows if cases[t.case_id].closed_at is not None][:50],
    )


def hosted_at(org: Organization) -> list[Transfer]:
    """Members staying at ``org`` (or below it) on a temporary transfer: on the host's list as
    temporary, counted on their home list."""
    target = aliased(Organization)
    return list(
        db.session.scalars(
            select(Transfer)
            .join(Case, Case.id == Transfer.case_id)
            .join(target, target.id == Transfer.to_org_id)
            .where(
                Transfer.direction == "temporary",
                Case._state == "hosted",
                target.path.startswith(org.path, autoescape=True),
            )
            .options(joinedload(Transfer.person), joinedload(Transfer.from_org))
            .order_by(Transfer.period_end, Transfer.id)
        )
    )


def _covers(actor: Actor, org: Organization | None, o: Organization) -> bool:
    if org is not None and not o.path.startswith(org.path):
        return False
    return actor.can_view(o.path)


@dataclass(frozen=True)
class Movement:
    transfer: Transfer
    #: letters of this transfer reported lost and replaced: (reference, date), oldest first
    lost_letters: list[tuple[str, date]]


def history(person: Person) -> list[Movement]:
    """Every transfer of the member, oldest first (letters, dates, both organizations)."""
    transfers = list(
        db.session.scalars(
            select(Transfer)
            .where(Transfer.person_id == person.id)
            .options(joinedload(Transfer.from_org), joinedload(Transfer.to_org))
            .order_by(Transfer.letter_on.is_(None), Transfer.letter_on, Transfer.id)
        )
    )
    lost: dict[int, list[tuple[str, date]]] = {}
    replaced = aliased(Decision)
    for old in db.session.scalars(
        select(replaced)
        .join(Decision, Decision.corrects_id == replaced.id)
        .where(
            replaced.case_id.in_([t.case_id for t in transfers]),
            replaced.kind == "transfer_letter",
            Decision.correction_kind == "replace",
            Decision.status == "issued",
        )
        .order_by(replaced.id)
    ):
        lost.setdefault(old.case_id, []).append((old.reference, old.decided_on))
    return [Movement(t, lost.get(t.case_id, [])) for t in transfers]
