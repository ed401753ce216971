"""The period report's facts, stored: what each audit row counts, so that a report sums an
index instead of following every person's history.

The report needs each member's place on the lists at the period's start and end, and the
flows and steps dated in the period. Followed through the trail, the first means reading every
person's history up to the period (``workflow.reports.period``); here each row's contribution
(``workflow.reports.tally.contributions``, the one definition both use) is kept as rows of
``report_fact``: a place change (−1 where the member was, +1 where they are), a flow, a direct
move between cells, a counted step. Members at a date are then the place changes dated before
it, summed per cell; the period's figures are its own facts.

How they stay true to the trail:

* a transaction that appends rows derives again, when it commits, the whole history of every
  person it wrote about (under the chain head's lock, which serializes appends): a step
  entered late, dated before others, changes what those others count, and lands in its own
  period;
* ``report_fact_state`` holds the last row the facts include and the fingerprint of the rules
  they were derived under (the figures' definitions); the report reads the facts only when
  they include the trail's last row under the current rules, and otherwise follows the trail
  (the same figures, slower). A report as the trail stood at an earlier row always follows
  the trail;
* rows written around the application (a bulk load) or a change of the rules leave the facts
  behind: a commit derives at most ``CATCH_UP_LIMIT`` rows itself; beyond that the periodic
  task (or ``flask wf report-facts rebuild``) derives them all again, and ``flask wf
  report-facts check`` compares them with the trail.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, delete, event, func, insert, or_, select, update
from sqlalchemy.orm import Session

from states.indicators import (
    ARRIVAL_FLOWS,
    ENTRY_FLOWS,
    MEMBER_STATUSES,
    REMOVAL_FLOWS,
    REORGANIZATION,
    event_actions,
)
from workflow import jobqueue
from workflow.extensions import db
from workflow.models import AuditHead, ReportFact, ReportFactState
from workflow.models.base import utcnow
from workflow.reports.tally import Move, Walk, contributions, matchers
from workflow.reports.trail import (
    AUDIT,
    COLUMNS,
    ORDER,
    PLACING,
    end_of,
    last_seq,
    payload,
    stream,
)
from workflow.store import audit
from workflow.store.sets import among, chunks
from workflow.store.uow import unit_of_work

log = logging.getLogger("workflow.reports")

FACTS = ReportFact.__table__
STATE = ReportFactState.__table__
STATE_ID = 1
#: the date an undated row (a record's creation) is stored under: before any period
UNDATED = date(1, 1, 1)
PLACE, FLOW, MOVE, EVENT = "place", "flow", "move", "event"
#: the in-transit members at a period's end (the other places are the member statuses)
IN_TRANSIT = "in_transit"
#: rows appended since the facts' last one that a commit derives itself; more (a bulk load)
#: are left to the rebuild
CATCH_UP_LIMIT = 50_000
#: facts inserted at a time
BATCH = 5_000
#: bumped when what a fact means changes
VERSION = 1


def fingerprint() -> str:
    """The rules the facts are derived under: what counts which figure, and how a change of
    place is read as a flow."""
    rules = {
        "version": VERSION,
        "matchers": sorted(
            json.dumps([key, matcher], default=str)
            for key, found in matchers().items()
            for matcher in found
        ),
        "flows": [REMOVAL_FLOWS, ENTRY_FLOWS, ARRIVAL_FLOWS, REORGANIZATION, MEMBER_STATUSES],
    }
    text = json.dumps(rules, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


FINGERPRINT = fingerprint()
#: the actions some figure counts
COUNTED = event_actions()


# --- deriving -------------------------------------------------------------------------------


def _history(where) -> Any:
    """The rows of some people's histories the facts come from, in the report's order."""
    return (
        select(*COLUMNS, payload())
        .where(
            AUDIT.c.person_id.is_not(None),
            or_(PLACING, AUDIT.c.action.in_(sorted(COUNTED))),
            where,
        )
        .order_by(*ORDER)
    )


def _place_of(here: tuple) -> tuple[int, str] | None:
    """Where a member counts on the lists (cell, status or in transit), if anywhere."""
    org, status, presence = here
    if org is None:
        return None
    if status in MEMBER_STATUSES and presence == "active":
        return (org, status)
    if presence == IN_TRANSIT:
        return (org, IN_TRANSIT)
    return None


def derive(rows: Iterable[tuple]) -> Iterator[dict[str, Any]]:
    """The facts of history rows given in the report's order (``_history``), person by
    person."""
    rules = matchers()
    person = None
    here: tuple = (None, None, None)
    for row in rows:
        if row[0] != person:
            person, here = row[0], (None, None, None)
        seq, event_date, entered_at = row[1], row[2], row[3]
        if event_date is None:
            # an undated row only places the member (as the walk reads it)
            org = row[7] if row[7] is not None else here[0]
            after = (org, row[8] or here[1], row[9] or here[2])
            change = None
        else:
            after, change = contributions(here, row, rules)
        base = {
            "person_id": person,
            "seq": seq,
            "event_date": event_date or UNDATED,
            "entered_at": entered_at,
            "status": None,
            "to_org_id": None,
            "subject_id": None,
            "n": 1,
        }
        was, now = _place_of(here), _place_of(after)
        if was != now:
            if was is not None:
                yield base | {"kind": PLACE, "org_id": was[0], "key": was[1], "n": -1}
            if now is not None:
                yield base | {"kind": PLACE, "org_id": now[0], "key": now[1]}
        if change:
            for flow, org_id, status in change.flows:
                yield base | {"kind": FLOW, "org_id": org_id, "key": flow, "status": status}
            if change.move is not None:
                from_org, to_org, status = change.move
                yield base | {
                    "kind": MOVE,
                    "org_id": from_org,
                    "key": "",
                    "status": status,
                    "to_org_id": to_org,
                }
            for key, org_id, subject in change.events:
                yield base | {"kind": EVENT, "org_id": org_id, "key": key, "subject_id": subject}
        here = after


def _insert(facts: Iterable[dict[str, Any]]) -> int:
    written, batch = 0, []
    for fact in facts:
        batch.append(fact)
        if len(batch) >= BATCH:
            db.session.execute(insert(FACTS), batch)
            written, batch = written + len(batch), []
    if batch:
        db.session.execute(insert(FACTS), batch)
        written += len(batch)
    return written


def refresh(person_ids: Iterable[int]) -> int:
    """Derive again the facts of these people's whole histories."""
    written = 0
    for chunk in chunks(person_ids):
        db.session.execute(delete(FACTS).where(among(FACTS.c.person_id, chunk)))
        rows = db.session.execute(_history(among(AUDIT.c.person_id, chunk)))
        written += _insert(derive(rows))
    return written


def state() -> tuple[int, str]:
    """(the last row the facts include, the fingerprint of the rules they were derived
    under)."""
    derived = db.session.scalar(select(AuditHead.derived_seq).where(AuditHead.id == 1))
    rules = db.session.scalar(select(STATE.c.fingerprint).where(STATE.c.id == STATE_ID))
    return (derived or 0, rules or FINGERPRINT)


def _set_rules() -> None:
    values = {"fingerprint": FINGERPRINT, "built_at": utcnow()}
    done = db.session.execute(update(STATE).where(STATE.c.id == STATE_ID).values(**values))
    if not done.rowcount:
        db.session.execute(insert(STATE).values(id=STATE_ID, **values))


def catch_up(appended: audit.Appended | None = None) -> bool:
    """Bring the facts up to the trail's last row in the transaction that wrote it (the
    chain head locked). When they stood for the trail before it, the head moved them with
    its rows (``audit._advance_head``): derive again the people those rows (``appended``,
    ``audit.APPENDED``) wrote about. Otherwise, when the rules are the current ones and few
    rows are missing, derive again everyone written about since. False when the facts are
    left behind (the periodic rebuild's work)."""
    head = appended.head if appended else audit.locked_head()
    if appended and head.derived_seq == head.seq:
        if len(appended.rows) > CATCH_UP_LIMIT:
            # a bulk load: left to the rebuild
            head.derived_seq = appended.rows[0][0] - 1
            return False
        refresh(
            {
                person
                for _seq, person, action, placing in appended.rows
                if person is not None and (placing or action in COUNTED)
            }
        )
        return True
    seq, rules = state()
    if rules != FINGERPRINT or head.seq - seq > CATCH_UP_LIMIT:
        return False
    refresh(
        db.session.scalars(
            select(AUDIT.c.person_id)
            .where(
                AUDIT.c.seq > seq,
                AUDIT.c.person_id.is_not(None),
                or_(PLACING, AUDIT.c.action.in_(sorted(COUNTED))),
            )
            .distinct()
        ).all()
    )
    head.derived_seq = head.seq
    return True


@event.listens_for(Session, "before_commit")
def _derive_on_commit(session: Session) -> None:
    appended = session.info.pop(audit.APPENDED, None)
    if appended is not None:
        catch_up(appended)


def rebuild() -> int:
    """Derive every person's facts again from the whole trail (the chain head locked: no row
    is appended meanwhile). Call inside a unit of work. Returns the number of facts."""
    head = audit.locked_head()
    db.session.execute(delete(FACTS))
    written = _insert(derive(stream(_history(AUDIT.c.seq > 0))))
    head.derived_seq = head.seq
    _set_rules()
    return written


def behind() -> bool:
    seq, rules = state()
    return rules != FINGERPRINT or seq != last_seq()


def check() -> list[str]:
    """How the stored facts differ from the trail's, person by person (nothing: they agree);
    at most 20 people named."""
    found: Counter = Counter()
    for fact in derive(stream(_history(AUDIT.c.seq > 0))):
        found[_key(fact)] += 1
    stored: Counter = Counter()
    for row in stream(select(*(FACTS.c[name] for name in _KEY_COLUMNS))):
        stored[tuple(row)] += 1
    missing, extra = found - stored, stored - found
    people = sorted({k[0] for k in missing} | {k[0] for k in extra})
    out = [f"người {p}: dữ kiện khác với nhật ký" for p in people[:20]]
    if len(people) > 20:
        out.append(f"và {len(people) - 20} người khác")
    seq, rules = state()
    if rules != FINGERPRINT:
        out.append("dữ kiện được tính theo quy tắc cũ")
    elif seq != last_seq():
        out.append(f"dữ kiện mới đến dòng {seq}, nhật ký đến dòng {last_seq()}")
    return out


_KEY_COLUMNS = (
    "person_id",
    "seq",
    "event_date",
    "kind",
    "org_id",
    "key",
    "status",
    "to_org_id",
    "subject_id",
    "n",
)


def _key(fact: dict[str, Any]) -> tuple:
    return tuple(fact[name] for name in _KEY_COLUMNS)


# --- reading --------------------------------------------------------------------------------


def walks(starts: tuple[date, ...], end: date, as_of_seq: int) -> list[Walk] | None:
    """The walks of ``workflow.reports.period.walk_many`` from the stored facts; None when
    they do not stand for the trail at ``as_of_seq`` (the report then follows the trail)."""
    if state() != (as_of_seq, FINGERPRINT) or last_seq() != as_of_seq:
        return None
    found = [Walk() for _ in starts]
    before = [func.sum(case((FACTS.c.event_date < start, FACTS.c.n), else_=0)) for start in starts]
    places = db.session.execute(
        select(FACTS.c.org_id, FACTS.c.key, func.sum(FACTS.c.n), *before)
        .where(FACTS.c.kind == PLACE, FACTS.c.event_date <= end)
        .group_by(FACTS.c.org_id, FACTS.c.key)
    )
    for org_id, key, at_end, *at_start in places:
        for walk, at in zip(found, at_start, strict=True):
            if key == IN_TRANSIT:
                if at_end:
                    walk.cells[org_id].in_transit_end += at_end
                continue
            if at:
                walk.cells[org_id].start[key] += at
            if at_end:
                walk.cells[org_id].end[key] += at_end
    over = end_of(end)
    steps = db.session.execute(
        select(
            FACTS.c.seq,
            FACTS.c.event_date,
            FACTS.c.entered_at,
            FACTS.c.kind,
            FACTS.c.org_id,
            FACTS.c.key,
            FACTS.c.status,
            FACTS.c.to_org_id,
            FACTS.c.subject_id,
        ).where(
            FACTS.c.kind.in_((FLOW, MOVE, EVENT)),
            FACTS.c.event_date >= min(starts),
            FACTS.c.event_date <= end,
        )
    )
    for seq, day, entered_at, kind, org_id, key, status, to_org, subject in steps:
        month, late = day.strftime("%Y-%m"), entered_at >= over
        for walk, start in zip(found, starts, strict=True):
            if day < start:
                continue
            if kind == MOVE:
                walk.moves.append(Move(org_id, to_org, status, month, seq, late))
                continue
            cell = walk.cells[org_id]
            if kind == FLOW:
                cell.count(key, status, month)
            else:
                cell.events[key] += 1
                cell.monthly[(key, month)] += 1
                if subject is not None:
                    cell.subjects[key].add(subject)
            walk.counted.append((seq, org_id, late))
    # a commit between the reads would have changed what was read
    if state() != (as_of_seq, FINGERPRINT):
        return None
    return found


def _nonzero(counts: Counter) -> dict:
    return {key: n for key, n in counts.items() if n}


def comparable(walk: Walk) -> dict[str, Any]:
    """A walk's figures in a form two walks of the same trail compare equal in."""
    cells = {}
    for org_id, tally in walk.cells.items():
        figures = {
            "start": _nonzero(tally.start),
            "end": _nonzero(tally.end),
            "in_transit_end": tally.in_transit_end,
            "flows": _nonzero(tally.flows),
            "flows_by_status": _nonzero(tally.flows_by_status),
            "events": _nonzero(tally.events),
            "monthly": _nonzero(tally.monthly),
            "subjects": {k: v for k, v in tally.subjects.items() if v},
        }
        if any(figures.values()):
            cells[org_id] = figures
    return {
        "cells": cells,
        "counted": sorted(set(walk.counted)),
        "moves": sorted(
            (m.seq, m.from_org, m.to_org, m.status, m.month, m.late) for m in walk.moves
        ),
    }


class FactsDiverged(AssertionError):
    """The stored facts gave other figures than the trail (a check run in tests)."""


def assert_same(stored: list[Walk], walked: list[Walk]) -> None:
    for a, b in zip(stored, walked, strict=True):
        left, right = comparable(a), comparable(b)
        if left != right:
            diff = {key: (left[key], right[key]) for key in left if left[key] != right[key]}
            raise FactsDiverged(f"stored facts differ from the trail: {diff}")


# --- kept up to date --------------------------------------------------------------------------


def _every_ten_minutes(moment: datetime) -> bool:
    return moment.minute % 10 == 0


@jobqueue.periodic_task(_every_ten_minutes)
def keep_up() -> None:
    """Bring the facts up to date when no commit did (rows written around the application)
    or could (a bulk load, a change of the rules: derived again from the whole trail); the
    report follows the trail meanwhile."""
    with jobqueue.huey.lock_task("report_facts"):
        if not behind():
            db.session.rollback()
            return
        db.session.rollback()
        with unit_of_work():
            audit.locked_head()
            if catch_up():
                return
            written = rebuild()
        log.info("report facts derived again from the trail: %d facts", written)
