"""Read queries, always scoped to what the actor may see. Out of scope looks like missing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from itertools import islice

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, false, literal, or_, select, tuple_
from sqlalchemy import case as sql_case
from sqlalchemy.orm import aliased, joinedload, selectinload

from states import REGISTRY, get_spec
from states.facts import OrgFacts
from states.spec import ROLE_LABELS, GuardContext, Level, Role, TransitionSpec, is_structural
from states.text import search_terms
from workflow.extensions import db
from workflow.models import Case, Deadline, Organization, Person, Transfer
from workflow.models.orgs import CELL_KINDS, in_tree_order
from workflow.models.search import person_fts
from workflow.paging import ComputedKey, capped_count, key_column
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


def in_scope(actor: Actor) -> ColumnElement[bool]:
    """The cases the actor may see: held in an organization of their grants (joined as
    ``Organization`` on the holding cell), or coming to one by a transfer."""
    receiving = aliased(Organization)
    incoming = (
        select(Transfer.case_id)
        .join(receiving, receiving.id == Transfer.to_org_id)
        .where(actor.visible_filter(receiving.path))
    )
    return or_(actor.visible_filter(Organization.path), Case.id.in_(incoming))


def case_query(actor: Actor, f: CaseFilter, today: date) -> Select:
    stmt = (
        select(Case)
        .join(Organization, Organization.id == Case.cell_id)
        .where(in_scope(actor))
        .options(joinedload(Case.person), joinedload(Case.cell))
    )
    if f.q:
        # the person's row is joined only to search it (a count need not read 10,000 of them)
        stmt = stmt.join(Case.person).where(person_search(f.q))
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


#: the case list's order, latest event first: read backwards from an index on these columns
#: (for the open cases, a partial index holding them alone)
CASE_LIST_KEYS = (Case.last_event_on, Case.id)


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


def awaited_states(actor: Actor) -> ColumnElement[bool]:
    """Open cases at a step the actor's roles may be awaited for (a step of the upper
    committee only for grants over the whole committee): what "Việc của tôi" reads from the
    database before each case's own facts (its organization's kind, a clock due) decide."""
    pairs: dict[str, set[str]] = {}
    for spec in REGISTRY.values():
        for t in spec.transitions:
            if t.awaits_after() is False:
                continue
            roles = responsible(t).roles
            if not any(
                s.role in roles and (t.level != Level.UPPER or s.org_id is None)
                for s in actor.scopes
            ):
                continue
            pairs.setdefault(spec.key, set()).update(x for x in t.sources if x not in spec.finals)
    if not pairs:
        return false()
    return or_(
        *(
            and_(Case.procedure == key, Case._state.in_(sorted(states)))
            for key, states in sorted(pairs.items())
        )
    )


#: cases read from the database at a time while "Việc của tôi" is walked
WORK_CHUNK = 200


def iter_waiting(
    actor: Actor, today: date, chunk: int = WORK_CHUNK
) -> Iterator[tuple[Case, Deadline | None]]:
    """The open cases waiting on the actor now, with their first open clock: due soonest
    first (read in order from the open clocks' index), then those without a clock, oldest
    first. The database picks the candidates in that order; each case's own facts decide."""
    candidates = and_(Case.closed_at.is_(None), awaited_states(actor), in_scope(actor))
    orgs = all_orgs()
    seen: set[int] = set()

    def accepted(ids: list[int]) -> Iterator[tuple[Case, Deadline | None]]:
        cases = {
            c.id: c
            for c in db.session.scalars(
                select(Case)
                .where(Case.id.in_(ids))
                .options(
                    joinedload(Case.person),
                    joinedload(Case.cell),
                    selectinload(Case.deadlines),
                    selectinload(Case.transfer).joinedload(Transfer.to_org),
                )
            ).unique()
        }
        for case_id in ids:
            case = cases[case_id]
            if waiting_on_actor(case, actor, orgs, today):
                clocks = sorted(
                    (d for d in case.deadlines if d.status == "open"), key=lambda d: d.due_on
                )
                yield case, clocks[0] if clocks else None

    # the cases with an open clock, by its due date: for a grant over the whole committee the
    # clocks are walked in order from their index and each checked by its case's key (a tenth
    # of the open cases or more are candidates); for a narrower one its few candidates first
    after: tuple[date, int] | None = None
    while True:
        if actor.sees_all():
            stmt = select(Deadline.case_id, Deadline.due_on, Deadline.id).where(
                Deadline.status == "open"
            )
        else:
            stmt = (
                select(Deadline.case_id, Deadline.due_on, Deadline.id)
                .join(Case, Case.id == Deadline.case_id)
                .join(Organization, Organization.id == Case.cell_id)
                .where(Deadline.status == "open", candidates)
            )
        if after is not None:
            stmt = stmt.where(tuple_(Deadline.due_on, Deadline.id) > tuple_(*after))
        # (walked, most clocks are not the actor's: read more of them at a time)
        walk = chunk * 4 if actor.sees_all() else chunk
        clocks = db.session.execute(stmt.order_by(Deadline.due_on, Deadline.id).limit(walk)).all()
        if not clocks:
            break
        after = (clocks[-1].due_on, clocks[-1].id)
        ids = list(dict.fromkeys(r.case_id for r in clocks if r.case_id not in seen))
        if actor.sees_all() and ids:
            kept = set(
                db.session.scalars(
                    select(Case.id)
                    .join(Organization, Organization.id == Case.cell_id)
                    .where(Case.id.in_(ids), candidates)
                )
            )
            ids = [i for i in ids if i in kept]
        seen.update(ids)
        yield from accepted(ids)
    # then the cases without one
    open_clock = (
        select(Deadline.id).where(Deadline.case_id == Case.id, Deadline.status == "open").exists()
    )
    last_id = 0
    while True:
        ids = list(
            db.session.scalars(
                select(Case.id)
                .join(Organization, Organization.id == Case.cell_id)
                .where(candidates, ~open_clock, Case.id > last_id)
                .order_by(Case.id)
                .limit(chunk)
            )
        )
        if not ids:
            break
        last_id = ids[-1]
        yield from accepted([i for i in ids if i not in seen])


@dataclass
class WorkPage:
    rows: list[tuple[Case, Deadline | None]]
    page: int
    has_next: bool


def my_work(actor: Actor, today: date, page: int = 1, per_page: int = 25) -> WorkPage:
    """One page of "Việc của tôi" (the pages before it are walked, not sorted again)."""
    page = max(1, page)
    skip = (page - 1) * per_page
    wanted = skip + per_page + 1
    rows = list(islice(iter_waiting(actor, today, min(WORK_CHUNK, wanted)), skip, wanted))
    return WorkPage(rows[:per_page], page, len(rows) > per_page)


def cases_waiting_on(actor: Actor, today: date) -> list[Case]:
    """Open cases in the actor's scope (a transfer's receiving side included) whose next
    step is the actor's to take now, due soonest first."""
    return [case for case, _clock in iter_waiting(actor, today)]


#: every list of people is in the Vietnamese alphabet's order of names (then by id)
PEOPLE_LIST_KEYS = (Person.sort_key, Person.id)


def people_list_keys(q: str) -> tuple:
    """The order of a list of people: with a name typed, the best matches first (every word
    typed a whole word of the name, then fewer words matched by their start only), each
    group in the alphabet's order of names; else, and for a broad search of one or two
    letters (``SearchTerms.broad``), the alphabet's order. Keyset pages walk
    either (``workflow.paging``: the rank is a key computed from the row)."""
    terms = search_terms(q)
    if not terms.prefixes or terms.broad:
        return PEOPLE_LIST_KEYS
    rank = ComputedKey(person_rank(q), lambda person: terms.rank(person.search_key), "rank")
    return (rank, *PEOPLE_LIST_KEYS)


def person_rank(q: str) -> ColumnElement[int]:
    """``states.text.SearchTerms.rank`` in SQL: how many words typed without marks only
    start a word of the name."""
    misses = [
        sql_case((Person.search_key.contains(f"{f}:", autoescape=True), 0), else_=1)
        for f in search_terms(q).prefixes
    ]
    return sum(misses[1:], misses[0]) if misses else literal(0)


def person_query(actor: Actor, q: str, status: str, org_id: int | None) -> Select:
    """The people of the organizations the actor sees (below ``org_id`` if given), by name
    (best matches first when a name is typed: ``people_list_keys``).

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
    return stmt.order_by(*(key_column(k) for k in people_list_keys(q)))


def person_search(q: str, *, use_index: bool | None = None) -> ColumnElement[bool]:
    """The people a search box's text finds (every search of people or cases uses this): each
    word typed starts a word of the name (``states.text.search_terms``), and the digits typed
    are the end of the citizen ID — its last 4 to 11 digits, or all 12.

    On SQLite the word index (``workflow.models.search``) finds the candidates and the plain
    test keeps exactly those it finds (``use_index=False``: the plain test alone, which reads
    every row; None: the index wherever there is one, but for a broad search of one or two
    letters, which most names match: its list is read along the name index instead)."""
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
    if use_index is None:
        use_index = db.session.get_bind().dialect.name == "sqlite" and not terms.broad
    match = terms.index_query() if use_index else None
    if match:
        found = select(person_fts.c.rowid).where(person_fts.c.terms.match(match))
        conditions.insert(0, Person.id.in_(found))
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
    #: open deadlines in the actor's scope (and the filters), and how many of them are
    #: overdue, each counted up to ``paging.COUNT_CAP`` (``…_capped``: there are more)
    total: int
    overdue: int
    page: int
    per_page: int
    total_capped: bool = False
    overdue_capped: bool = False


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
    first), then by what is left: ordered by due date in the database (the open clocks'
    index), one page loaded; counted in one pass."""
    conditions = [Deadline.status == "open"]
    joins_case = bool(kind or org_id) or not actor.sees_all()
    if not actor.sees_all():
        conditions.append(in_scope(actor))
    if org_id:
        org = db.session.get(Organization, org_id)
        if org is not None:
            receiving = aliased(Organization)
            incoming = (
                select(Transfer.case_id)
                .join(receiving, receiving.id == Transfer.to_org_id)
                .where(receiving.path.startswith(org.path, autoescape=True))
            )
            conditions.append(
                or_(Organization.path.startswith(org.path, autoescape=True), Case.id.in_(incoming))
            )
    if kind:
        procedure, _, deadline_kind = kind.partition(":")
        conditions += [Case.procedure == procedure, Deadline.kind == deadline_kind]

    def scoped(stmt: Select) -> Select:
        if joins_case:
            stmt = stmt.join(Case, Case.id == Deadline.case_id).join(
                Organization, Organization.id == Case.cell_id
            )
        return stmt.where(*conditions)

    # counted along the open clocks' index, up to the cap: a province's 200,000 open clocks
    # are not counted on every page
    total, total_capped = capped_count(scoped(select(Deadline.id)))
    overdue, overdue_capped = capped_count(
        scoped(select(Deadline.id)).where(Deadline.due_on < today)
    )
    page = max(1, min(page, max(1, -(-total // per_page))))
    shown = (
        scoped(select(Deadline.id))
        .order_by(Deadline.due_on, Deadline.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    page_ids = list(db.session.scalars(shown))
    loaded = {
        deadline.id: (deadline, case)
        for deadline, case in db.session.execute(
            select(Deadline, Case)
            .join(Case, Case.id == Deadline.case_id)
            .where(Deadline.id.in_(page_ids))
            .options(
                joinedload(Case.person),
                joinedload(Case.cell),
                selectinload(Case.deadlines),
                selectinload(Case.transfer).joinedload(Transfer.to_org),
            )
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
    return DeadlinePage(rows, total, overdue, page, per_page, total_capped, overdue_capped)
