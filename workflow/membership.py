"""Who is on an organization's member list on a given day.

The same definition as the period reports (``states.indicators.on_list``): a person's place is
the fold of their recorded membership changes (cell, status, presence of the audit rows) in
event-date order, and they are on a list when they are a member there and active — not in
transit between two organizations, not gone to another committee. Counts and choices of members
(the total of a cell's vote, sponsors, helpers) read it as of the event's date, so a member who
has left does not count, and one who left after the meeting still does for that meeting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from states import REGISTRY
from states.indicators import on_list
from states.roster import LEAVINGS
from workflow.extensions import db
from workflow.models import AuditEntry, Case, Organization, Person, Transfer

AUDIT = AuditEntry.__table__
#: the action of a member's row when they move with their organization (``workflow.orgs``)
MEMBER_MOVED = "organization.member_moved"


def places_on(person_ids: Iterable[int], day: date) -> dict[int, dict[str, object]]:
    """person id → {"org_id", "member_status", "presence"} as recorded up to ``day``."""
    ids = sorted(set(person_ids))
    places: dict[int, dict[str, object]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = db.session.execute(
            select(AUDIT.c.person_id, AUDIT.c.org_id, AUDIT.c.member_status, AUDIT.c.presence)
            .where(
                AUDIT.c.person_id.in_(chunk),
                or_(AUDIT.c.event_date.is_(None), AUDIT.c.event_date <= day),
                or_(
                    AUDIT.c.org_id.is_not(None),
                    AUDIT.c.member_status.is_not(None),
                    AUDIT.c.presence.is_not(None),
                ),
            )
            .order_by(AUDIT.c.person_id, AUDIT.c.event_date.asc().nulls_first(), AUDIT.c.seq)
        )
        for person_id, org_id, status, presence in rows:
            place = places.setdefault(person_id, {})
            if org_id is not None:
                place["org_id"] = org_id
            if status is not None:
                place["member_status"] = status
            if presence is not None:
                place["presence"] = presence
    return places


@dataclass(frozen=True)
class Departure:
    """How and when a person left the lists, and the case that took them off (None when
    an imported list recorded it)."""

    label: str
    on: date | None
    case_id: int | None


#: how a procedure takes a person off the lists, as the member lists name it
_LEFT_BY = {
    leaving.procedure: leaving.label
    for leaving in LEAVINGS
    if leaving.member_status == "removed" and leaving.procedure
}


def departure(person: Person) -> Departure | None:
    """The recorded step that took ``person`` off the lists (the latest one, for a person who
    came back and left again), or None while they are on them."""
    if person.member_status != "removed":
        return None
    row = db.session.execute(
        select(AUDIT.c.procedure, AUDIT.c.event_date, AUDIT.c.subject_type, AUDIT.c.subject_id)
        .where(AUDIT.c.person_id == person.id, AUDIT.c.member_status == "removed")
        .order_by(AUDIT.c.event_date.desc().nulls_last(), AUDIT.c.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return Departure("Không còn trong danh sách đảng viên", None, None)
    spec = REGISTRY.get(row.procedure or "")
    label = _LEFT_BY.get(row.procedure) or (spec and spec.ends_membership) or ""
    return Departure(
        label or "Không còn trong danh sách đảng viên",
        row.event_date,
        row.subject_id if row.subject_type == "case" else None,
    )


def members_on(
    root_path: str, day: date, *, statuses: tuple[str, ...] = ("official",)
) -> list[Person]:
    """The members of the organizations under ``root_path`` on ``day`` (official ones by
    default), by name: those there now and those who have left it since (a transfer, or moved
    with their organization)."""
    orgs = select(Organization.id).where(Organization.path.startswith(root_path, autoescape=True))
    present = select(Person.id).where(Person.cell_id.in_(orgs))
    moved = select(Transfer.person_id).where(Transfer.from_org_id.in_(orgs))
    # those moved with their organization since (a merger, an upgrade …): few rows, by action
    reorganized = select(AUDIT.c.person_id).where(
        AUDIT.c.action == MEMBER_MOVED, AUDIT.c.event_date > day
    )
    candidates = [pid for (pid,) in db.session.execute(present.union(moved, reorganized))]
    org_ids = set(db.session.scalars(orgs))
    wanted = [
        pid
        for pid, place in places_on(candidates, day).items()
        if on_list(place) and place.get("org_id") in org_ids and place["member_status"] in statuses
    ]
    if not wanted:
        return []
    return list(
        db.session.scalars(
            select(Person).where(Person.id.in_(wanted)).order_by(Person.sort_key, Person.id)
        )
    )


def suspended_on(day: date) -> dict[int, date]:
    """person id → the day their party activity was suspended, for the members whose activity
    a case suspends (``ProcedureSpec.suspends_activity``) since ``day`` or before."""
    out: dict[int, date] = {}
    for key, spec in REGISTRY.items():
        if not spec.suspends_activity:
            continue
        states = sorted(spec.suspends_activity)
        since = func.min(AuditEntry.event_date)
        rows = db.session.execute(
            select(Case.person_id, since)
            .join(
                AuditEntry,
                (AuditEntry.subject_type == "case") & (AuditEntry.subject_id == Case.id),
            )
            .where(
                Case.procedure == key,
                Case.closed_at.is_(None),
                Case._state.in_(states),
                AuditEntry.to_state.in_(states),
            )
            .group_by(Case.person_id)
            .having(since <= day)
        )
        for person_id, on in rows:
            out[person_id] = min(on, out.get(person_id, on))
    return out


def acting_members_on(root_path: str, day: date) -> list[Person]:
    """The official members under ``root_path`` on ``day`` who may take part: not those whose
    party activity is suspended."""
    suspended = suspended_on(day)
    return [p for p in members_on(root_path, day) if p.id not in suspended]


def cell_count_on(cell: Organization, day: date) -> int:
    """Official members on the cell's own list on ``day`` who take part in its votes (the
    total of its votes): a member whose activity is suspended does not."""
    return len(acting_members_on(cell.path, day))


#: numbers a form field may declare with ``Field(count_of=…)``: how to count them for a case on
#: a day, and what they count (for the message when another value is entered)
COUNTS = {
    "cell_official_members": (
        lambda case, day: cell_count_on(case.cell, day),
        "đảng viên chính thức trong danh sách của chi bộ (không tính người đang chuyển sinh "
        "hoạt, đã chuyển đi hoặc đang bị đình chỉ sinh hoạt đảng)",
    ),
}


def counted_fields(fields) -> list:
    """The fields (rows included) whose value the records give."""
    out = []
    for f in fields:
        out += counted_fields(f.rows) if f.kind == "rows" else [f] if f.count_of else []
    return out


def count_for(case, name: str, day: date) -> int:
    return COUNTS[name][0](case, day)


def check_counts(case, fields, data, day: date) -> dict[str, str]:
    """Field name → message for each declared count that differs from the records."""
    errors = {}
    for f in counted_fields(fields):
        if data.get(f.name) is None:
            continue
        expected = count_for(case, f.count_of, day)
        if data[f.name] != expected:
            errors[f.name] = (
                f"Ngày {day:%d/%m/%Y} có {expected} {COUNTS[f.count_of][1]}, không phải "
                f"{data[f.name]}. Nếu danh sách chưa đúng, hãy cập nhật danh sách (ghi việc "
                "chuyển sinh hoạt, kết nạp, công nhận) trước khi ghi biểu quyết."
            )
    return errors
