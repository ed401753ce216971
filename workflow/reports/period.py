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
from collections import Counter, defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import literal, or_, select

from states.indicators import INDICATORS, event_actions
from states.text import text_sort_key
from workflow.extensions import db
from workflow.models import Organization
from workflow.orgs import history
from workflow.reports import facts
from workflow.reports.tally import (
    STATUSES,
    Move,
    Tally,
    Walk,
    contributions,
    matchers,
    place,
)
from workflow.reports.trail import (
    AUDIT,
    COLUMNS,
    ORDER,
    PLACING,
    end_of,
    last_seq,
    stream,
)
from workflow.reports.trail import (
    payload as payload_column,
)


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


def parents_at(day: date, orgs: dict[int, Organization], as_of_seq: int) -> dict[int, int | None]:
    """Each organization's parent as last recorded on or before ``day``; an organization
    recorded only later keeps the parent it was first recorded with (and one the trail never
    mentions, its current parent)."""
    parents = {o.id: o.parent_id for o in orgs.values()}
    first_seen: set[int] = set()
    until = end_of(day)
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


def _rows(start: date, end: date, as_of_seq: int) -> Iterator[tuple]:
    """Membership changes dated up to the period's end, and the counted steps dated in it,
    each person's rows together in event-date order (undated rows, a record's creation,
    first), streamed: two streams in that order merged here, the membership rows read in
    order from their own index (``ix_audit_log_membership``), the period's counted steps
    from the event-date index; a row in both comes once, with its payload."""
    placed = (
        select(*COLUMNS, literal(None).label("payload"))
        .where(
            PLACING,
            AUDIT.c.seq <= as_of_seq,
            or_(AUDIT.c.event_date.is_(None), AUDIT.c.event_date <= end),
        )
        .order_by(*ORDER)
        .execution_options(yield_per=20_000)
    )
    counted = (
        select(*COLUMNS, payload_column())
        .where(
            AUDIT.c.person_id.is_not(None),
            AUDIT.c.action.in_(sorted(event_actions())),
            AUDIT.c.event_date >= start,
            AUDIT.c.event_date <= end,
            AUDIT.c.seq <= as_of_seq,
        )
        # "+ 0": found by date and sorted (a few thousand rows); walking the person_id index
        # would fetch the whole trail at random
        .order_by(AUDIT.c.person_id + 0, *ORDER[1:])
        .execution_options(yield_per=20_000)
    )
    # the period's counted steps are few: held by person and put in place as each person's
    # membership rows stream by (a row in both comes once, the counted one, with its payload)
    extra: dict[int, deque] = defaultdict(deque)
    for row in stream(counted):
        extra[row[0]].append(row)
    current = None
    pending: deque | None = None
    for row in stream(placed):
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


def _order_key(row) -> tuple:
    return (row[0], row[2] is not None, row[2] or date.min, row[1])


def walk(start: date, end: date, as_of_seq: int) -> Walk:
    """Follow every person's recorded history up to ``end``: their place at the start and at
    the end, the flows between, and the counted steps of the period, per cell."""
    return walk_many((start,), end, as_of_seq)[0]


def walk_many(starts: tuple[date, ...], end: date, as_of_seq: int) -> list[Walk]:
    """``walk`` for several periods ending on ``end`` (a quarter and its year to date): from
    the stored facts when they stand for the trail at ``as_of_seq`` (and ``REPORT_FACTS_READ``
    is set), else following the trail (with ``REPORT_FACTS_CHECK`` set, both, and the two
    compared)."""
    stored = (
        facts.walks(starts, end, as_of_seq) if current_app.config["REPORT_FACTS_READ"] else None
    )
    if stored is not None and not current_app.config.get("REPORT_FACTS_CHECK"):
        return stored
    walked = _walk_trail(starts, end, as_of_seq)
    if stored is not None:
        facts.assert_same(stored, walked)
    return walked


def _walk_trail(starts: tuple[date, ...], end: date, as_of_seq: int) -> list[Walk]:
    """Follow the trail for several periods ending on ``end``, in one pass: the rows are read
    and sorted once, each period tallies them."""
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
        self.matchers = matchers()
        self.period_over = end_of(end)
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
        seq, entered_at = row[1], row[3]
        result = self.result
        cells = result.cells
        if not self.started:
            place(cells, self.org, self.status, self.presence, "start")
            self.started = True
        (self.org, self.status, self.presence), change = contributions(
            (self.org, self.status, self.presence), row, self.matchers
        )
        if not change:
            return
        month = event_date.strftime("%Y-%m")
        late = entered_at >= self.period_over
        if change.move is not None:
            result.moves.append(Move(*change.move, month, seq, late))
        for flow, org_id, flow_status in change.flows:
            cells[org_id].count(flow, flow_status, month)
            result.counted.append((seq, org_id, late))
        for key, org_id, subject in change.events:
            cells[org_id].events[key] += 1
            cells[org_id].monthly[(key, month)] += 1
            if subject is not None:
                cells[org_id].subjects[key].add(subject)
            result.counted.append((seq, org_id, late))


def _finish(cells: dict[int, Tally], org, status, presence, started: bool) -> None:
    if not started:
        place(cells, org, status, presence, "start")
    place(cells, org, status, presence, "end")


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
