"""The period report, computed from the audit trail by event date.

Nothing here reads a counter or the people table: members at a date are found by following
each person's recorded membership changes (``org_id``, ``member_status``, ``presence`` of the
audit rows) in event-date order, and every other figure counts recorded steps dated in the
period. An event entered late therefore lands in the period it happened in, and a report can be
re-run as the trail stood at an earlier row (``as_of_seq``) with the same result.

Organizations are placed in the tree as it stood at the period's end (moves are read from the
organizations' own audit rows), so moving an organization later does not change past reports.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select

from states.indicators import (
    FLOW_KEYS,
    IN_FLOWS,
    INDICATORS,
    MEMBER_STATUSES,
    OUT_FLOWS,
    REORGANIZATION,
    classify,
    event_actions,
    on_list,
    payload_actions,
)
from states.text import text_sort_key
from workflow.clock import LOCAL_TZ
from workflow.extensions import db
from workflow.models import AuditEntry, Organization
from workflow.orgs import history

AUDIT = AuditEntry.__table__
STATUSES = ("official", "probationary")
#: a member's place: the keys of ``states.indicators.classify``'s arguments
PLACE_KEYS = ("org_id", "member_status", "presence")


@dataclass
class Tally:
    """The figures of one organization (and its subtree) for the period."""

    start: Counter = field(default_factory=Counter)  # status -> members on the lists
    end: Counter = field(default_factory=Counter)
    in_transit_end: int = 0
    flows: Counter = field(default_factory=Counter)  # flow key -> count
    flows_by_status: Counter = field(default_factory=Counter)  # (flow, status) -> count
    events: Counter = field(default_factory=Counter)  # indicator key -> count
    monthly: Counter = field(default_factory=Counter)  # (figure or flow key, "YYYY-MM") -> count
    #: figure key -> the records its events came from (``Indicator.subjects_of``: classes)
    subjects: dict = field(default_factory=lambda: defaultdict(set))

    def count(self, flow: str, status: str, month: str, n: int = 1) -> None:
        self.flows[flow] += n
        self.flows_by_status[(flow, status)] += n
        self.monthly[(flow, month)] += n

    def add(self, other: Tally) -> None:
        self.monthly.update(other.monthly)
        self.start.update(other.start)
        self.end.update(other.end)
        self.in_transit_end += other.in_transit_end
        self.flows.update(other.flows)
        self.flows_by_status.update(other.flows_by_status)
        self.events.update(other.events)
        for key, ids in other.subjects.items():
            self.subjects[key] |= ids

    @property
    def start_total(self) -> int:
        return sum(self.start[s] for s in STATUSES)

    @property
    def end_total(self) -> int:
        return sum(self.end[s] for s in STATUSES)

    @property
    def total_in(self) -> int:
        return sum(self.flows[k] for k in IN_FLOWS)

    @property
    def total_out(self) -> int:
        return sum(self.flows[k] for k in OUT_FLOWS)

    def expected_end(self, status: str) -> int:
        sign = 1 if status == "official" else -1
        return (
            self.start[status]
            + sum(self.flows_by_status[(k, status)] for k in IN_FLOWS)
            - sum(self.flows_by_status[(k, status)] for k in OUT_FLOWS)
            + sign * self.flows["recognized"]
        )

    @property
    def balanced(self) -> bool:
        """start + in − out = end, in total and for each status."""
        return self.start_total + self.total_in - self.total_out == self.end_total and all(
            self.expected_end(s) == self.end[s] for s in STATUSES
        )

    def records(self, key: str) -> int:
        """How many records (classes) the figure's events came from."""
        return len(self.subjects.get(key, ()))

    def figure(self, key: str) -> int:
        indicator = _INDICATORS[key]
        return self.events[key] + sum(self.flows[f] for f in indicator.flows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": {s: self.start[s] for s in STATUSES} | {"total": self.start_total},
            "end": {s: self.end[s] for s in STATUSES} | {"total": self.end_total},
            "in_transit_end": self.in_transit_end,
            "flows": {k: self.flows[k] for k in FLOW_KEYS},
            "balanced": self.balanced,
        }


_INDICATORS = {i.key: i for i in INDICATORS}


@dataclass
class Row:
    org: Organization | None
    tally: Tally
    #: the organization's name at the period's end ("": its name today)
    name_then: str = ""

    @property
    def name(self) -> str:
        return self.name_then or (self.org.name if self.org else "")


# --- the organization tree at a date ------------------------------------------------------


def _end_of(day: date) -> datetime:
    """The instant a local day ends, as the naive UTC the trail stores."""
    local = datetime.combine(day + timedelta(days=1), time.min, LOCAL_TZ)
    return local.astimezone(UTC).replace(tzinfo=None)


def parents_at(day: date, orgs: dict[int, Organization], as_of_seq: int) -> dict[int, int | None]:
    """Each organization's parent as last recorded on or before ``day``; an organization
    recorded only later keeps the parent it was first recorded with (and one the trail never
    mentions, its current parent)."""
    parents = {o.id: o.parent_id for o in orgs.values()}
    first_seen: set[int] = set()
    until = _end_of(day)
    rows = db.session.execute(
        select(AUDIT.c.subject_id, AUDIT.c.payload, AUDIT.c.entered_at)
        .where(
            AUDIT.c.subject_type == "organization",
            AUDIT.c.action.in_(("organization.create", "organization.update")),
            AUDIT.c.seq <= as_of_seq,
        )
        .order_by(AUDIT.c.seq)
    )
    for org_id, payload, entered_at in rows:
        data = json.loads(payload or "{}")
        if org_id not in parents or "parent_id" not in data:
            continue
        if entered_at < until or org_id not in first_seen:
            parents[org_id] = data["parent_id"]
        first_seen.add(org_id)
    # organizations whose history is kept by date (merged, moved, handed over …): as they
    # stood on the day, by their dated identities
    for org_id, identity in history.identities_on(
        day, [orgs[i] for i in history.dated(orgs)]
    ).items():
        parents[org_id] = identity.parent_id
    return parents


def _chain(org_id: int, parents: dict[int, int | None]) -> list[int]:
    """``org_id`` and its ancestors, nearest first."""
    out, seen = [], set()
    current: int | None = org_id
    while current is not None and current not in seen:
        seen.add(current)
        out.append(current)
        current = parents.get(current)
    return out


# --- following the members ----------------------------------------------------------------


#: the audit action of a party organization disciplined by the upper committee
ORG_DISCIPLINE = "organization.org_discipline"


def org_disciplines(report: PeriodReport) -> Counter:
    """Party organizations disciplined in the report's period (by the decision's date, as the
    trail stood at the report's row), by form: those of its organization's subtree."""
    rows = db.session.execute(
        select(AUDIT.c.payload).where(
            AUDIT.c.action == ORG_DISCIPLINE,
            AUDIT.c.event_date >= report.start,
            AUDIT.c.event_date <= report.end,
            AUDIT.c.seq <= report.as_of_seq,
        )
    ).all()
    facts = [json.loads(payload or "{}") for (payload,) in rows]
    if report.org is not None:
        paths = dict(
            db.session.execute(
                select(Organization.id, Organization.path).where(
                    Organization.id.in_([f.get("org_id") for f in facts] or [0])
                )
            ).all()
        )
        within = report.org.path
        facts = [f for f in facts if (paths.get(f.get("org_id")) or "").startswith(within)]
    return Counter(f.get("form_label", "") for f in facts)


def last_seq() -> int:
    return db.session.scalar(select(func.coalesce(func.max(AUDIT.c.seq), 0))) or 0


def _rows(start: date, end: date, as_of_seq: int) -> Iterator[tuple]:
    """Membership changes dated up to the period's end, and the counted steps dated in it,
    each person's rows together in event-date order (undated rows, a record's creation,
    first), streamed: two streams in that order merged here, the membership rows read in
    order from their own index (``ix_audit_log_membership``), the period's counted steps
    from the event-date index; a row in both comes once, with its payload."""
    membership = and_(
        AUDIT.c.person_id.is_not(None),
        or_(
            AUDIT.c.org_id.is_not(None),
            AUDIT.c.member_status.is_not(None),
            AUDIT.c.presence.is_not(None),
        ),
    )
    columns = (
        AUDIT.c.person_id,
        AUDIT.c.seq,
        AUDIT.c.event_date,
        AUDIT.c.entered_at,
        AUDIT.c.procedure,
        AUDIT.c.action,
        AUDIT.c.to_state,
        AUDIT.c.org_id,
        AUDIT.c.member_status,
        AUDIT.c.presence,
        AUDIT.c.subject_id,
    )
    order = (AUDIT.c.person_id, AUDIT.c.event_date.asc().nulls_first(), AUDIT.c.seq)
    placed = (
        select(*columns, literal(None).label("payload"))
        .where(
            membership,
            AUDIT.c.seq <= as_of_seq,
            or_(AUDIT.c.event_date.is_(None), AUDIT.c.event_date <= end),
        )
        .order_by(*order)
        .execution_options(yield_per=20_000)
    )
    # only the steps counted for an organization named in their form need the payload
    payload = case(
        (AUDIT.c.action.in_(sorted(payload_actions())), AUDIT.c.payload), else_=literal(None)
    )
    counted = (
        select(*columns, payload)
        .where(
            AUDIT.c.person_id.is_not(None),
            AUDIT.c.action.in_(sorted(event_actions())),
            AUDIT.c.event_date >= start,
            AUDIT.c.event_date <= end,
            AUDIT.c.seq <= as_of_seq,
        )
        # "+ 0": found by date and sorted (a few thousand rows); walking the person_id index
        # would fetch the whole trail at random
        .order_by(AUDIT.c.person_id + 0, *order[1:])
        .execution_options(yield_per=20_000)
    )
    # the period's counted steps are few: held by person and put in place as each person's
    # membership rows stream by (a row in both comes once, the counted one, with its payload)
    extra: dict[int, deque] = defaultdict(deque)
    for row in _stream(counted):
        extra[row[0]].append(row)
    current = None
    pending: deque | None = None
    for row in _stream(placed):
        person = row[0]
        if person != current:
            if pending:
                yield from pending
            current, pending = person, extra.pop(person, None)
        if pending:
            key, same = _order_key(row), False
            while pending and _order_key(pending[0]) <= key:
                step = pending.popleft()
                same = same or step[1] == row[1]
                yield step
            if same:
                continue
        yield row
    if pending:
        yield from pending
    for person in sorted(extra):
        yield from extra[person]


#: rows fetched from the server at a time while the report streams the trail
FETCH_ROWS = 20_000


def _stream(stmt) -> Iterator:
    """A query's rows, streamed: on PostgreSQL from a server-side cursor of the driver itself
    (plain tuples, typed by psycopg: half a million rows without building a result object for
    each), elsewhere by partitions of the session's result."""
    conn = db.session.connection()
    if conn.dialect.name != "postgresql":
        for part in db.session.execute(stmt.execution_options(yield_per=FETCH_ROWS)).partitions():
            yield from part
        return
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    raw = conn.connection.driver_connection
    with raw.cursor(name=f"report_{uuid.uuid4().hex}") as cursor:
        cursor.execute(str(compiled), compiled.params)
        while rows := cursor.fetchmany(FETCH_ROWS):
            yield from rows


def _order_key(row) -> tuple:
    return (row[0], row[2] is not None, row[2] or date.min, row[1])


Matcher = tuple[str, str | None, str | None, tuple[str, str] | None, bool]


def _matchers() -> dict[tuple[str | None, str], tuple[Matcher, ...]]:
    """(procedure, action) → [(indicator, state reached or None, org field or None, (form
    field, value) or None, whether the row's subject is counted too)]."""
    out: dict[tuple[str | None, str], list[Matcher]] = defaultdict(list)
    for i in INDICATORS:
        for procedure, action, state in i.events:
            out[(procedure, action)].append(
                (i.key, state, i.org_from, i.where, action in i.subjects_of)
            )
    return {key: tuple(value) for key, value in out.items()}


@dataclass
class Move:
    """A member on the lists changing cells directly (no time in transit): counted once the
    organization tree tells whether it crossed a grassroots organization's boundary."""

    from_org: int
    to_org: int
    status: str
    month: str
    seq: int
    late: bool


@dataclass
class Walk:
    """Per-cell tallies and the facts about lateness found while following the members."""

    cells: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))
    #: (seq, cell, entered after the period ended) of each row counted in the period
    counted: list[tuple[int, int, bool]] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)


def walk(start: date, end: date, as_of_seq: int) -> Walk:
    """Follow every person's recorded history up to ``end``: their place at the start and at
    the end, the flows between, and the counted steps of the period, per cell."""
    return walk_many((start,), end, as_of_seq)[0]


def walk_many(starts: tuple[date, ...], end: date, as_of_seq: int) -> list[Walk]:
    """``walk`` for several periods ending on ``end`` (a quarter and its year to date), in
    one pass over the trail: the rows are read and sorted once, each period tallies them."""
    walkers = [_Walker(start, end) for start in starts]
    person = None
    for row in _rows(min(starts), end, as_of_seq):
        if row[0] != person:
            if person is not None:
                for w in walkers:
                    w.finish_person()
            person = row[0]
        for w in walkers:
            w.feed(row)
    if person is not None:
        for w in walkers:
            w.finish_person()
    return [w.result for w in walkers]


class _Walker:
    """One period's tallies, fed a person's rows in order."""

    def __init__(self, start: date, end: date) -> None:
        self.start = start
        self.result = Walk()
        self.matchers = _matchers()
        self.period_over = _end_of(end)
        self.org = self.status = self.presence = None
        self.started = False

    def finish_person(self) -> None:
        _finish(self.result.cells, self.org, self.status, self.presence, self.started)
        self.org = self.status = self.presence = None
        self.started = False

    def feed(self, row: tuple) -> None:
        event_date = row[2]
        if event_date is None or event_date < self.start:
            # before the period only the member's place matters (most rows: read them cheaply)
            if row[7] is not None:
                self.org = row[7]
            self.status = row[8] or self.status
            self.presence = row[9] or self.presence
            return
        (
            _person_id,
            seq,
            event_date,
            entered_at,
            procedure,
            action,
            to_state,
            row_org,
            row_status,
            row_presence,
            subject_id,
            payload,
        ) = row
        result = self.result
        cells = result.cells
        if not self.started:
            _place(cells, self.org, self.status, self.presence, "start")
            self.started = True
        before = (self.org, self.status, self.presence)
        if row_org is not None:
            self.org = row_org
        self.status = row_status or self.status
        self.presence = row_presence or self.presence
        org = self.org
        counted_for: list[int] = []
        month = event_date.strftime("%Y-%m")
        if (org, self.status, self.presence) != before:
            previous = dict(zip(PLACE_KEYS, before, strict=True))
            after = dict(zip(PLACE_KEYS, (org, self.status, self.presence), strict=True))
            if (
                on_list(previous)
                and on_list(after)
                and previous["org_id"] != org
                and procedure != REORGANIZATION
            ):
                late = entered_at >= self.period_over
                result.moves.append(Move(previous["org_id"], org, before[1], month, seq, late))
                previous["org_id"] = org
            for flow, org_id, flow_status in classify(previous, after, procedure):
                cells[org_id].count(flow, flow_status, month)
                counted_for.append(org_id)
        if event_date >= self.start:
            wanted = self.matchers.get((procedure, action), ())
            if procedure is not None:
                wanted = (*wanted, *self.matchers.get((None, action), ()))
            data = None
            for key, wanted_state, org_field, where, by_subject in wanted:
                if wanted_state is not None and to_state != wanted_state:
                    continue
                if org_field or where:
                    data = json.loads(payload or "{}") if data is None else data
                if where is not None and data.get(where[0]) != where[1]:
                    continue
                org_id = org
                if org_field:
                    org_id = data.get(org_field, org_id)
                if org_id is None:
                    continue
                cells[org_id].events[key] += 1
                cells[org_id].monthly[(key, month)] += 1
                if by_subject:
                    cells[org_id].subjects[key].add(subject_id)
                counted_for.append(org_id)
        if counted_for:
            late = entered_at >= self.period_over
            result.counted.extend((seq, cell, late) for cell in counted_for)


def _finish(cells: dict[int, Tally], org, status, presence, started: bool) -> None:
    if not started:
        _place(cells, org, status, presence, "start")
    _place(cells, org, status, presence, "end")


def _place(cells: dict[int, Tally], org, status, presence, when: str) -> None:
    if org is None:
        return
    if status in MEMBER_STATUSES and presence == "active":
        getattr(cells[org], when)[status] += 1
    elif when == "end" and presence == "in_transit":
        cells[org].in_transit_end += 1


# --- the report -----------------------------------------------------------------------------


@dataclass
class PeriodReport:
    start: date
    end: date
    org: Organization | None
    as_of_seq: int
    total: Tally
    rows: list[Row]
    #: rows counted in the period that were entered after it ended
    late_entered: int
    #: every row counted, to tell what a snapshot had not seen
    counted_seqs: frozenset[int]
    #: the organization tree at the period's end (id → parent id)
    parents: dict[int, int | None] = field(default_factory=dict)
    #: the same report from 1 January, when it was computed with it
    year_to_date: PeriodReport | None = field(default=None, repr=False, compare=False)

    @property
    def balanced(self) -> bool:
        return self.total.balanced and all(r.tally.balanced for r in self.rows)

    def figures(self) -> dict[str, Any]:
        """Every figure, by key: what a snapshot keeps and the JSON export gives."""
        return {
            "indicators": {i.key: self.total.figure(i.key) for i in INDICATORS},
            "members": self.total.as_dict(),
            "organizations": {
                (r.org.code if r.org else "*"): {
                    "name": r.name,
                    **r.tally.as_dict(),
                    "indicators": {i.key: r.tally.figure(i.key) for i in INDICATORS},
                }
                for r in self.rows
            },
        }


def compute(
    start: date,
    end: date,
    org: Organization | None = None,
    *,
    as_of_seq: int | None = None,
    with_year_to_date: bool = False,
) -> PeriodReport:
    """The report of ``org``'s subtree (None: the whole committee) for ``start``–``end``,
    both days included, as the trail stood at row ``as_of_seq`` (default: now); with
    ``with_year_to_date`` also the same report from 1 January, from the same pass."""
    if end < start:
        raise ValueError("end before start")
    as_of = last_seq() if as_of_seq is None else as_of_seq
    orgs = {o.id: o for o in db.session.scalars(select(Organization))}
    parents = parents_at(end, orgs, as_of)
    jan1 = date(end.year, 1, 1)
    if not with_year_to_date or start == jan1:
        report = _assemble(start, end, org, as_of, orgs, parents, walk(start, end, as_of))
        report.year_to_date = report if with_year_to_date else None
        return report
    period, ytd = walk_many((start, jan1), end, as_of)
    report = _assemble(start, end, org, as_of, orgs, parents, period)
    report.year_to_date = _assemble(jan1, end, org, as_of, orgs, parents, ytd)
    return report


def _assemble(
    start: date,
    end: date,
    org: Organization | None,
    as_of: int,
    orgs: dict[int, Organization],
    parents: dict[int, int | None],
    result: Walk,
) -> PeriodReport:
    """The report's rows and totals from the cells' tallies of a walk."""
    within = _count_moves(result, parents)
    total = Tally()
    by_row: dict[int | None, Tally] = defaultdict(Tally)
    placement: dict[int, int | bool | None] = {}
    for cell_id in result.cells:
        placement[cell_id] = _row_of(cell_id, org, parents)
    for cell_id, tally in result.cells.items():
        row = placement[cell_id]
        if row is False:
            continue
        total.add(tally)
        by_row[row].add(tally)
    counted = [(seq, late) for seq, cell, late in result.counted if placement[cell] is not False]
    for move in within:
        rows = _row_of(move.from_org, org, parents), _row_of(move.to_org, org, parents)
        if rows[0] == rows[1]:
            continue  # inside one row: its members are where they were, no flow
        for flow, row, other in (
            ("transfer_out_internal", rows[0], rows[1]),
            ("transfer_in_internal", rows[1], rows[0]),
        ):
            if row is False:
                continue
            by_row[row].count(flow, move.status, move.month)
            if other is False:  # crossed the boundary of the report's organization
                total.count(flow, move.status, move.month)
            counted.append((move.seq, move.late))
    _regroup(start, org, as_of, orgs, parents, result, by_row)
    children = [o for o in orgs.values() if parents.get(o.id) == (org.id if org else None)]
    # names as at the period's end; organizations that did not exist during the period
    # (established after it, or merged, dissolved or handed over before it) and counted
    # nothing have no row
    dated = history.dated(orgs)
    at_end = history.identities_on(end, [orgs[i] for i in dated])
    at_start = history.identities_on(start, [orgs[i] for i in dated])
    children = [
        o
        for o in children
        if o.id not in dated or at_end[o.id].active or at_start[o.id].active or o.id in by_row
    ]
    names = {i: ident.name for i, ident in at_end.items()}
    children.sort(key=lambda o: text_sort_key(names.get(o.id, o.name)))
    rows = [Row(o, by_row.get(o.id, Tally()), names.get(o.id, "")) for o in children]
    if org is not None and org.id in by_row:
        rows.insert(0, Row(org, by_row[org.id], names.get(org.id, "")))
    late = len({seq for seq, is_late in counted if is_late})
    return PeriodReport(
        start, end, org, as_of, total, rows, late, frozenset(seq for seq, _ in counted), parents
    )


def _regroup(
    start: date,
    org: Organization | None,
    as_of: int,
    orgs: dict[int, Organization],
    parents: dict[int, int | None],
    result: Walk,
    by_row: dict[int | None, Tally],
) -> None:
    """Cells that the tree moved from one row to another during the period (their
    organization merged, handed on, upgraded): the members they had at the start count there
    and leave with the cell, a reorganization (no member moved; not a transfer), arriving in
    the row of the period's end. Their flows in the period stay with the end's row."""
    if not history.dated(orgs):
        return
    before = parents_at(start, orgs, as_of)
    month = start.strftime("%Y-%m")
    for cell_id, tally in result.cells.items():
        was, now = _row_of(cell_id, org, before), _row_of(cell_id, org, parents)
        if was is False or now is False or was == now or not tally.start_total:
            continue
        for status in STATUSES:
            n = tally.start[status]
            by_row[was].count("reorganized_out", status, month, n)
            by_row[now].count("reorganized_in", status, month, n)
            by_row[was].start[status] += n
            by_row[now].start[status] -= n


def _count_moves(result: Walk, parents: dict[int, int | None]) -> list[Move]:
    """Count the direct moves between grassroots organizations as transfers inside the
    committee, for the cells on both sides; return the moves between cells of one grassroots
    organization, which are no transfer for it or the committee (§2(c): "nội bộ") and count
    only for the parts of a report they cross."""
    within = []
    for move in result.moves:
        if _chain(move.from_org, parents)[-1] == _chain(move.to_org, parents)[-1]:
            within.append(move)
            continue
        result.cells[move.from_org].count("transfer_out_internal", move.status, move.month)
        result.cells[move.to_org].count("transfer_in_internal", move.status, move.month)
        result.counted += [(move.seq, move.from_org, move.late), (move.seq, move.to_org, move.late)]
    return within


def _row_of(cell_id: int, org: Organization | None, parents: dict[int, int | None]):
    """The report row a cell's figures go to: the child of ``org`` on its chain (``org``
    itself for a cell that is ``org``); False when the cell is outside the subtree."""
    chain = _chain(cell_id, parents)
    if org is None:
        return chain[-1]
    if org.id not in chain:
        return False
    position = chain.index(org.id)
    return chain[position - 1] if position > 0 else org.id


def year_to_date(report: PeriodReport) -> PeriodReport:
    """The same report from 1 January of its end's year (the report itself when it starts
    then), as the trail stood for it."""
    if report.year_to_date is not None:
        return report.year_to_date
    jan1 = date(report.end.year, 1, 1)
    if report.start == jan1:
        return report
    return compute(jan1, report.end, report.org, as_of_seq=report.as_of_seq)


def members_on(day: date, parents: dict[int, int | None], as_of_seq: int) -> dict[int | None, int]:
    """Members on the lists at the start of ``day``, for every organization (its subtree) and
    for the whole committee (key None)."""
    out: dict[int | None, int] = defaultdict(int)
    for cell_id, tally in walk(day, day, as_of_seq).cells.items():
        for org_id in [*_chain(cell_id, parents), None]:
            out[org_id] += tally.start_total
    return out


def children_of(parents: dict[int, int | None]) -> dict[int | None, list[int]]:
    out: dict[int | None, list[int]] = defaultdict(list)
    for org_id, parent in parents.items():
        out[parent].append(org_id)
    return out
