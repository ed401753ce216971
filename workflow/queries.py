"""Read queries, always scoped to what the actor may see. Out of scope looks like missing."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from states import get_spec
from states.facts import OrgFacts
from states.spec import ROLE_LABELS, GuardContext, Level, Role, TransitionSpec, is_structural
from states.text import search_terms
from workflow.extensions import db
from workflow.models import Case, Deadline, Organization, Person, Transfer
from workflow.models.orgs import CELL_KINDS, in_tree_order
from workflow.permissions import CASE_VIEW_ROLES, Actor, acting_org, level_path, receiving_org
from workflow.store.errors import NotFound


def all_orgs() -> dict[int, Organization]:
    return {o.id: o for o in db.session.scalars(select(Organization))}


def visible_orgs(actor: Actor, roles=CASE_VIEW_ROLES) -> list[Organization]:
    """In tree order, siblings by name (what the pickers show)."""
    return in_tree_order(
        db.session.scalars(
            select(Organization).where(actor.visible_filter(Organization.path, roles))
        )
    )


def cells_for(actor: Actor, roles: frozenset[Role] | set[Role]) -> list[Organization]:
    """Cells in which ``actor`` holds one of ``roles``."""
    return [o for o in visible_orgs(actor, roles) if o.kind in CELL_KINDS and o.active]


def get_case(case_id: int, actor: Actor) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or not actor.can_view_case(case):
        raise NotFound()
    return case


def get_person(person_id: int, actor: Actor) -> Person:
    person = db.session.get(Person, person_id)
    if person is None or not actor.can_view(person.cell.path):
        raise NotFound()
    return person


@dataclass
class CaseFilter:
    q: str = ""
    state: str = ""
    org_id: int | None = None
    procedure: str = ""
    status: str = "open"  # open | closed | all
    overdue: bool = False


def case_query(actor: Actor, f: CaseFilter, today: date) -> Select:
    receiving = aliased(Organization)
    incoming = (
        select(Transfer.case_id)
        .join(receiving, receiving.id == Transfer.to_org_id)
        .where(actor.visible_filter(receiving.path))
    )
    stmt = (
        select(Case)
        .join(Case.person)
        .join(Organization, Organization.id == Case.cell_id)
        .where(or_(actor.visible_filter(Organization.path), Case.id.in_(incoming)))
        .options(joinedload(Case.person), joinedload(Case.cell))
    )
    if f.q:
        stmt = stmt.where(person_search(f.q))
    if f.state:
        stmt = stmt.where(Case._state == f.state)
    if f.procedure:
        stmt = stmt.where(Case.procedure == f.procedure)
    if f.org_id:
        org = db.session.get(Organization, f.org_id)
        if org is not None:
            stmt = stmt.where(Organization.path.startswith(org.path, autoescape=True))
    if f.status == "open":
        stmt = stmt.where(Case.closed_at.is_(None))
    elif f.status == "closed":
        stmt = stmt.where(Case.closed_at.is_not(None))
    if f.overdue:
        stmt = stmt.where(
            Case.id.in_(
                select(Deadline.case_id).where(Deadline.status == "open", Deadline.due_on < today)
            )
        )
    return stmt


def paginate(stmt: Select, page: int, per_page: int):
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page = max(1, min(page, max(1, -(-total // per_page))))
    rows = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return rows, total, page


def open_deadlines(case_ids: list[int]) -> dict[int, list[Deadline]]:
    out: dict[int, list[Deadline]] = {}
    if not case_ids:
        return out
    for d in db.session.scalars(
        select(Deadline)
        .where(Deadline.case_id.in_(case_ids), Deadline.status == "open")
        .order_by(Deadline.due_on)
    ):
        out.setdefault(d.case_id, []).append(d)
    return out


@dataclass(frozen=True)
class _StructuralFacts:
    org: OrgFacts
    paused_from: str | None
    internal_destination: bool = False


def org_facts_from(cell: Organization, orgs: dict[int, Organization]) -> OrgFacts:
    ids = cell.ancestor_ids()
    root = orgs.get(ids[0])
    return OrgFacts(
        cell_id=cell.id,
        cell_kind=cell.kind,
        is_grassroots_cell=cell.kind == "grassroots_cell",
        has_subcommittee=len(ids) == 3,
        grassroots_authorized=bool(
            root and root.kind == "grassroots_committee" and root.authorized_to_admit
        ),
    )


def next_steps(
    case: Case, orgs: dict[int, Organization], today: date | None = None
) -> list[TransitionSpec]:
    """The steps the case waits on now (structurally): the forward path and the steps
    declared awaited; one awaited after a clock only once it is due (``today`` given)."""
    spec = get_spec(case.procedure)
    if case.state in spec.finals:
        return []
    facts = _StructuralFacts(
        org_facts_from(case.cell, orgs), case.paused_from, receiving_org(case) is not None
    )
    ctx = GuardContext(facts, None, None, None)
    steps = []
    for t in spec.transitions_from(case.state):
        awaited = t.awaits_after()
        if awaited is False:
            continue
        if isinstance(awaited, str) and today is not None and not _due(case, awaited, today):
            continue
        if any(is_structural(g) and not g(ctx).ok for g in t.guards):
            continue
        steps.append(t)
    return steps


def _due(case: Case, kind: str, today: date) -> bool:
    return any(d.kind == kind and d.status == "open" and d.due_on <= today for d in case.deadlines)


def responsible(t: TransitionSpec) -> TransitionSpec:
    """The roles a step waits on: the department may stand in for a lower body's step, but
    such a step waits on that body, not on the department."""
    if t.level != Level.UPPER and len(t.roles) > 1 and Role.DEPARTMENT_STAFF in t.roles:
        return replace(t, roles=t.roles - {Role.DEPARTMENT_STAFF})
    return t


def waiting_on_actor(
    case: Case, actor: Actor, orgs: dict[int, Organization], today: date | None = None
) -> bool:
    return any(
        actor.scope_for_step(responsible(t), case) is not None
        for t in next_steps(case, orgs, today)
    )


def cases_waiting_on(actor: Actor, today: date) -> list[Case]:
    """Open cases in the actor's scope (a transfer's receiving side included) whose next
    step is the actor's to take now."""
    orgs = all_orgs()
    stmt = case_query(actor, CaseFilter(status="open"), today).order_by(Case.id)
    return [c for c in db.session.scalars(stmt).unique() if waiting_on_actor(c, actor, orgs, today)]


def person_query(actor: Actor, q: str, status: str, org_id: int | None) -> Select:
    """The people of the organizations the actor sees (below ``org_id`` if given), by name.

    The organizations are passed as a list of ids, not as a join on their paths: the
    planner then knows how many people they hold, and reads a cell's list in order from the
    (cell_id, sort_key) index and the whole list from the sort_key index."""
    orgs = select(Organization.id).where(actor.visible_filter(Organization.path))
    if org_id:
        org = db.session.get(Organization, org_id)
        if org is not None:
            orgs = orgs.where(Organization.path.startswith(org.path, autoescape=True))
    stmt = (
        select(Person)
        .where(Person.cell_id.in_(db.session.scalars(orgs).all()))
        .options(joinedload(Person.cell))
    )
    if q:
        stmt = stmt.where(person_search(q))
    if status:
        stmt = stmt.where(Person.member_status == status)
    return stmt.order_by(Person.sort_key, Person.id)


def person_search(q: str) -> ColumnElement[bool]:
    """The people a search box's text finds (every search of people or cases uses this): each
    word typed starts a word of the name (``states.text.search_terms``), and the digits typed
    are the end of the citizen ID — its last 4 to 11 digits, or all 12."""
    terms = search_terms(q)
    if not terms:
        return false()
    conditions = [Person.search_key.contains(f, autoescape=True) for f in terms.fragments]
    if len(terms.digits) == 12:
        conditions.append(Person.citizen_id == terms.digits)
    elif 4 <= len(terms.digits) <= 11:
        conditions.append(Person.citizen_id.endswith(terms.digits, autoescape=True))
    elif terms.digits:
        return false()
    return and_(*conditions)


def holders(case: Case, orgs: dict[int, Organization], today: date | None = None) -> list[str]:
    """Who holds the case now: the roles its next steps wait on, each with the body it acts
    from (a grassroots committee's staff stand at their committee even for a cell's step)."""
    out: list[str] = []
    for t in next_steps(case, orgs, today):
        t = responsible(t)
        for role in sorted(t.roles, key=lambda r: r.value):
            label = f"{ROLE_LABELS[role]} – {_acting_body(case, t, role, orgs)}"
            if label not in out:
                out.append(label)
    return out


def _acting_body(case: Case, t: TransitionSpec, role: Role, orgs: dict[int, Organization]) -> str:
    path = level_path(acting_org(case, t.level), t.level)
    if path is None or role in (Role.DEPARTMENT_STAFF, Role.INSPECTION):
        return current_app.config["UPPER_COMMITTEE_NAME"]
    ids = [int(i) for i in path.strip("/").split("/")]
    if role in (Role.GRASSROOTS_STAFF, Role.SIGNER) and t.level in (Level.CELL, Level.RECEIVING):
        return orgs[ids[0]].name
    return orgs[ids[-1]].name


@dataclass
class DeadlineRow:
    deadline: Deadline
    case: Case
    left: int
    overdue: bool
    holders: list[str]


def alerts(procedure: str, kind: str) -> bool:
    spec = get_spec(procedure).deadlines.get(kind)
    return spec is None or spec.alerts


#: open deadlines shown on one page of the deadlines list
DEADLINES_PER_PAGE = 50


@dataclass
class DeadlinePage:
    rows: list[DeadlineRow]
    #: open deadlines in the actor's scope (and the filters), and how many of them are overdue
    total: int
    overdue: int
    page: int
    per_page: int


def open_deadline_rows(
    actor: Actor,
    today: date,
    calendar,
    *,
    org_id: int | None = None,
    kind: str = "",
    page: int = 1,
    per_page: int = DEADLINES_PER_PAGE,
) -> DeadlinePage:
    """One page of the open deadlines the actor may see, overdue first (the oldest due date
    first), then by what is left: ordered by due date in the database, one page loaded."""
    receiving = aliased(Organization)
    ids = (
        select(Deadline.id)
        .join(Case, Case.id == Deadline.case_id)
        .join(Organization, Organization.id == Case.cell_id)
        .outerjoin(Transfer, Transfer.case_id == Case.id)
        .outerjoin(receiving, receiving.id == Transfer.to_org_id)
        .where(
            Deadline.status == "open",
            or_(actor.visible_filter(Organization.path), actor.visible_filter(receiving.path)),
        )
        .distinct()
    )
    if org_id:
        org = db.session.get(Organization, org_id)
        if org is not None:
            ids = ids.where(
                or_(
                    Organization.path.startswith(org.path, autoescape=True),
                    receiving.path.startswith(org.path, autoescape=True),
                )
            )
    if kind:
        procedure, _, deadline_kind = kind.partition(":")
        ids = ids.where(Case.procedure == procedure, Deadline.kind == deadline_kind)
    total = db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    overdue = db.session.scalar(
        select(func.count()).select_from(ids.where(Deadline.due_on < today).subquery())
    )
    page = max(1, min(page, max(1, -(-total // per_page))))
    shown = (
        ids.add_columns(Deadline.due_on)
        .order_by(Deadline.due_on, Deadline.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    page_ids = [row[0] for row in db.session.execute(shown)]
    loaded = {
        deadline.id: (deadline, case)
        for deadline, case in db.session.execute(
            select(Deadline, Case)
            .join(Case, Case.id == Deadline.case_id)
            .where(Deadline.id.in_(page_ids))
            .options(joinedload(Case.person), joinedload(Case.cell))
        ).unique()
    }
    orgs = all_orgs()
    rows = []
    for deadline_id in page_ids:
        deadline, case = loaded[deadline_id]
        left = calendar.left(deadline, today)
        rows.append(
            DeadlineRow(
                deadline,
                case,
                left,
                left < 0 and alerts(case.procedure, deadline.kind),
                holders(case, orgs, today),
            )
        )
    return DeadlinePage(rows, total, overdue or 0, page, per_page)
