"""What the period report counts, row by row: the tallies of an organization, the effect of
one recorded row on its member (``contributions``), shared by the walk over the trail
(``workflow.reports.period``) and the stored facts (``workflow.reports.facts``)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from states.indicators import (
    FLOW_KEYS,
    IN_FLOWS,
    INDICATORS,
    MEMBER_STATUSES,
    OUT_FLOWS,
    REORGANIZATION,
    classify,
    on_list,
)

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
        indicator = INDICATOR_BY_KEY[key]
        return self.events[key] + sum(self.flows[f] for f in indicator.flows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": {s: self.start[s] for s in STATUSES} | {"total": self.start_total},
            "end": {s: self.end[s] for s in STATUSES} | {"total": self.end_total},
            "in_transit_end": self.in_transit_end,
            "flows": {k: self.flows[k] for k in FLOW_KEYS},
            "balanced": self.balanced,
        }


INDICATOR_BY_KEY = {i.key: i for i in INDICATORS}

Matcher = tuple[str, str | None, str | None, tuple[str, str] | None, bool]


def matchers() -> dict[tuple[str | None, str], tuple[Matcher, ...]]:
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


@dataclass(frozen=True)
class Change:
    """What one dated row counts for the period it falls in: the flows (flow key,
    organization, the member's status), a direct move between cells (from, to, status) and
    the counted steps (figure key, organization, the record it came from or None)."""

    flows: list[tuple[str, int, str]]
    move: tuple[int, int, str] | None
    events: list[tuple[str, int, int | None]]

    def __bool__(self) -> bool:
        return bool(self.flows or self.move or self.events)


def contributions(place: tuple, row: tuple, matchers: dict) -> tuple[tuple, Change]:
    """A dated row's effect on its member: their place (organization, status, presence)
    after it, and what it counts. The one definition the walk over the trail and the stored
    facts (``workflow.reports.facts``) both use."""
    procedure, action, to_state, row_org, row_status, row_presence, subject_id, payload = row[4:12]
    org = row_org if row_org is not None else place[0]
    after = (org, row_status or place[1], row_presence or place[2])
    flows: list[tuple[str, int, str]] = []
    move = None
    if after != place:
        previous = dict(zip(PLACE_KEYS, place, strict=True))
        now = dict(zip(PLACE_KEYS, after, strict=True))
        if (
            on_list(previous)
            and on_list(now)
            and previous["org_id"] != org
            and procedure != REORGANIZATION
        ):
            move = (previous["org_id"], org, place[1])
            previous["org_id"] = org
        flows = classify(previous, now, procedure)
    events: list[tuple[str, int, int | None]] = []
    wanted = matchers.get((procedure, action), ())
    if procedure is not None:
        wanted = (*wanted, *matchers.get((None, action), ()))
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
        events.append((key, org_id, subject_id if by_subject else None))
    return after, Change(flows, move, events)


def place(cells: dict[int, Tally], org, status, presence, when: str) -> None:
    if org is None:
        return
    if status in MEMBER_STATUSES and presence == "active":
        getattr(cells[org], when)[status] += 1
    elif when == "end" and presence == "in_transit":
        cells[org].in_transit_end += 1
