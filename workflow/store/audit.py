"""Writing and verifying the hash-chained audit trail.

Each row's hash covers its own fields and the previous row's hash, so editing, deleting or
reordering any row breaks the chain from that row on. Someone who knows the algorithm could
recompute the hashes; so each row also carries an HMAC of its hash under the audit key
(``AUDIT_KEY``, kept in the configuration, never in the database), and the head row an HMAC of
its position: without the key no row can be forged, edited, re-chained or cut off unnoticed.
The head row is locked while a row is appended, which
serializes the chain across concurrent transactions.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from flask import current_app
from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from states.fields import to_jsonable
from workflow.clock import clock
from workflow.extensions import db
from workflow.models import AuditEntry, AuditHead, Decision, Person
from workflow.models.audit import GENESIS_HASH
from workflow.permissions import Actor


def canonical_json(data: Mapping[str, Any] | None) -> str:
    return json.dumps(
        to_jsonable(data or {}), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


def compute_hash(row: Any) -> str:
    """``row``: an ``AuditEntry`` or a table row with the same column names."""
    fields = [
        row.seq,
        row.entered_at.isoformat(timespec="microseconds"),
        row.event_date.isoformat() if row.event_date else None,
        row.actor_id,
        row.actor_name,
        row.actor_role,
        row.subject_type,
        row.subject_id,
        row.procedure,
        row.action,
        row.from_state,
        row.to_state,
        row.payload,
        row.comment,
        row.prev_hash,
    ]
    membership = [row.person_id, row.org_id, row.member_status, row.presence]
    if any(value is not None for value in membership):
        # rows written before these columns existed hash exactly as they did then
        fields.extend(membership)
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _mac(text: str) -> str:
    key = current_app.config["AUDIT_KEY"].encode("utf-8")
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def row_mac(row_hash: str) -> str:
    """A row's HMAC under the audit key."""
    return _mac(f"row:{row_hash}")


def head_mac(seq: int, row_hash: str) -> str:
    """The head's HMAC (over another text than a row's, so no row's MAC serves as a head's)."""
    return _mac(f"head:{seq}:{row_hash}")


#: the session's ``info`` key of what this transaction appended (``Appended``): what is
#: derived from the trail (the report's facts) is brought up to date from it when the
#: transaction commits
APPENDED = "audit_appended"


@dataclass
class Appended:
    """The rows a transaction appended, as (seq, person id, action, whether the row places
    the person), and the chain head it holds locked."""

    head: AuditHead
    rows: list[tuple[int, int | None, str, bool]] = field(default_factory=list)


def _advance_head(head: AuditHead, seq: int, row_hash: str) -> None:
    """Move the head to the last row appended. What is derived from the trail moves with it
    when it stood for the trail before: the transaction derives what its rows change when it
    commits (``APPENDED``)."""
    if (head.derived_seq or 0) == head.seq:
        head.derived_seq = seq
    head.seq, head.row_hash, head.mac = seq, row_hash, head_mac(seq, row_hash)


def _note(head: AuditHead, row: Mapping[str, Any] | AuditEntry) -> None:
    get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name)
    placing = any(get(name) is not None for name in ("org_id", "member_status", "presence"))
    appended = db.session.info.get(APPENDED)
    if appended is None:
        appended = db.session.info[APPENDED] = Appended(head)
    appended.rows.append((get("seq"), get("person_id"), get("action"), placing))


@event.listens_for(Session, "after_rollback")
def _forget_appended(session: Session) -> None:
    session.info.pop(APPENDED, None)


#: the membership columns, as (audit column, person attribute)
MEMBERSHIP_FIELDS = (
    ("org_id", "cell_id"),
    ("member_status", "member_status"),
    ("presence", "presence"),
)


def recorded_membership(person_id: int) -> dict[str, Any]:
    """The person's membership as the trail has recorded it so far (in the order entered)."""
    table = AuditEntry.__table__
    state: dict[str, Any] = {}
    rows = db.session.execute(
        select(table.c.org_id, table.c.member_status, table.c.presence)
        .where(
            table.c.person_id == person_id,
            (table.c.org_id.is_not(None))
            | (table.c.member_status.is_not(None))
            | (table.c.presence.is_not(None)),
        )
        .order_by(table.c.seq)
    )
    for row in rows:
        for column, _attribute in MEMBERSHIP_FIELDS:
            if getattr(row, column) is not None:
                state[column] = getattr(row, column)
    return state


#: set on a person whose cell, status or presence was assigned since the trail last recorded
#: them (an attribute of the object, not a column): a person loaded and left alone is as the
#: trail recorded them, and appending a row about them reads nothing more
_TOUCHED = "_membership_touched"


def _touched(target, _value, _old, _initiator) -> None:
    setattr(target, _TOUCHED, True)


for _column, _attribute in MEMBERSHIP_FIELDS:
    event.listen(getattr(Person, _attribute), "set", _touched)


def membership_changes(person: Person) -> dict[str, Any]:
    """What differs between the person's row and what the trail has recorded of it (read only
    when their membership was assigned in this session)."""
    if not getattr(person, _TOUCHED, False):
        return {}
    if person.id is None:
        db.session.flush()
    recorded = recorded_membership(person.id)
    setattr(person, _TOUCHED, False)  # the row about to be appended records the rest
    return {
        column: getattr(person, attribute)
        for column, attribute in MEMBERSHIP_FIELDS
        if recorded.get(column) != getattr(person, attribute)
    }


class HeadMissing(RuntimeError):
    """The chain's head row was deleted while the chain has rows: nothing is appended."""


def locked_head() -> AuditHead:
    """The chain's head row, locked for this transaction (made on the first append to an
    empty chain; a chain with rows and no head is refused)."""
    head = db.session.get(AuditHead, 1, with_for_update=True, populate_existing=True)
    if head is None:
        if db.session.scalar(select(AuditEntry.seq).limit(1)) is not None:
            raise HeadMissing("the audit chain's head row is missing")
        head = AuditHead(id=1, seq=0, row_hash=GENESIS_HASH, derived_seq=0)
        db.session.add(head)
    return head


def append(
    *,
    actor: Actor,
    subject_type: str,
    subject_id: int | None,
    action: str,
    role: str = "",
    procedure: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    event_date: date | None = None,
    payload: Mapping[str, Any] | None = None,
    comment: str = "",
    person: Person | None = None,
    person_id: int | None = None,
) -> AuditEntry:
    """Append one row; call inside a unit of work (it flushes, never commits).

    ``person``: the event concerns this person, and whatever it changed of their cell, status
    or presence is recorded with it. ``person_id`` names the person without recording changes
    (an event that only follows another, such as a case moving with its member)."""
    changes = membership_changes(person) if person is not None else {}
    head = locked_head()
    row = AuditEntry(
        seq=head.seq + 1,
        entered_at=clock().now().replace(tzinfo=None),
        event_date=event_date,
        actor_id=actor.user_id,
        actor_name=actor.name,
        actor_role=role,
        subject_type=subject_type,
        subject_id=subject_id,
        procedure=procedure,
        action=action,
        from_state=from_state,
        to_state=to_state,
        payload=canonical_json(payload),
        comment=comment or "",
        prev_hash=head.row_hash,
        person_id=person.id if person is not None else person_id,
        org_id=changes.get("org_id"),
        member_status=changes.get("member_status"),
        presence=changes.get("presence"),
    )
    row.row_hash = compute_hash(row)
    row.mac = row_mac(row.row_hash)
    _advance_head(head, row.seq, row.row_hash)
    db.session.add(row)
    db.session.flush()
    _note(head, row)
    return row


#: the columns a caller gives ``append_many`` (the rest are filled in here)
_GIVEN = (
    "event_date",
    "actor_id",
    "actor_name",
    "actor_role",
    "subject_type",
    "subject_id",
    "procedure",
    "action",
    "from_state",
    "to_state",
    "comment",
    "person_id",
    "org_id",
    "member_status",
    "presence",
)


def append_many(rows: Iterable[Mapping[str, Any]], chunk: int = 5000) -> int:
    """Append many rows in one go (an import): the head is locked once, each row chained to
    the one before as ``append`` does, and the rows inserted in bulk; call inside a unit of
    work. Each row gives the columns in ``_GIVEN`` it needs and ``payload`` as a mapping; the
    membership columns are given explicitly (what the row changed), not computed.

    Returns the number of rows written."""
    table = AuditEntry.__table__
    head = locked_head()
    entered_at = clock().now().replace(tzinfo=None)
    seq, prev_hash = head.seq, head.row_hash
    batch: list[dict[str, Any]] = []
    written = 0
    for given in rows:
        seq += 1
        row = {key: given.get(key) for key in _GIVEN}
        row.update(
            seq=seq,
            entered_at=entered_at,
            actor_name=row["actor_name"] or "",
            actor_role=row["actor_role"] or "",
            comment=row["comment"] or "",
            payload=canonical_json(given.get("payload")),
            prev_hash=prev_hash,
        )
        row["row_hash"] = prev_hash = compute_hash(SimpleNamespace(**row))
        row["mac"] = row_mac(prev_hash)
        batch.append(row)
        _note(head, row)
        if len(batch) >= chunk:
            db.session.execute(insert(table), batch)
            written += len(batch)
            batch = []
    if batch:
        db.session.execute(insert(table), batch)
        written += len(batch)
    if seq > head.seq:
        _advance_head(head, seq, prev_hash)
    db.session.flush()
    return written


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    rows: int
    first_bad_seq: int | None = None
    reason: str = ""
    #: issued documents and given anchors whose recorded chain position was checked
    references: int = 0


#: how a document's snapshot and an exported head name a chain position: "#2501 3fa9c0d1…"
_POSITION = re.compile(r"^#?(\d+)[\s:]+([0-9a-f]{8,64})$")


def parse_position(text: str) -> tuple[int, str] | None:
    """``"#2501 3fa9c0d1e2b4a5f6"`` (or ``"2501:3fa9…"``) → (2501, "3fa9c0d1e2b4a5f6")."""
    match = _POSITION.match(text.strip().lower())
    return (int(match.group(1)), match.group(2)) if match else None


def position(seq: int, row_hash: str) -> str:
    """A chain position as documents print it and as an exported head is written down."""
    return f"#{seq} {row_hash[:16]}"


def _recorded_positions(anchors: Iterable[tuple[int, str]]) -> dict[int, list[tuple[str, str]]]:
    """seq → [(hash prefix, who recorded it)]: the chain heads frozen into issued documents'
    snapshots, and the anchors the auditor gives (exported heads written down earlier)."""
    out: dict[int, list[tuple[str, str]]] = {}
    for seq, prefix in anchors:
        out.setdefault(seq, []).append((prefix, f"mốc đối chiếu #{seq}"))
    rows = db.session.execute(
        select(Decision.id, Decision.snapshot).where(Decision.status == "issued")
    ).yield_per(1000)
    for decision_id, snapshot in rows:
        recorded = parse_position(str(json.loads(snapshot or "{}").get("chain") or ""))
        if recorded is not None and recorded[0] > 0:
            seq, prefix = recorded
            out.setdefault(seq, []).append((prefix, f"văn bản mã {decision_id}"))
    return out


def verify_chain(batch: int = 2000, anchors: Iterable[tuple[int, str]] = ()) -> ChainReport:
    """Walk the chain from seq 1 and name the first row that is missing, edited, out of
    place, or whose MAC under the audit key does not match; check the head (its MAC, that no
    tail was cut) and every position recorded elsewhere: the chain head frozen into each
    issued document, and the ``anchors`` (seq, hash prefix) exported earlier."""
    head = db.session.get(AuditHead, 1)
    if head is None:
        return ChainReport(False, 0, None, "mất dòng đầu mối của chuỗi nhật ký")
    if (head.seq, head.mac) != (0, None) and not hmac.compare_digest(
        head.mac or "", head_mac(head.seq, head.row_hash)
    ):
        return ChainReport(False, 0, head.seq, "dòng đầu mối bị sửa (mã khóa không khớp)")
    recorded = _recorded_positions(anchors)
    references = sum(len(sources) for sources in recorded.values())
    expected_seq = 1
    prev_hash = GENESIS_HASH
    count = 0
    last_seq = 0

    def bad(seq: int, reason: str) -> ChainReport:
        return ChainReport(False, count, seq, reason)

    table = AuditEntry.__table__
    while True:
        rows = db.session.execute(
            select(table).where(table.c.seq >= expected_seq).order_by(table.c.seq).limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq:
                return bad(expected_seq, f"thiếu dòng số {expected_seq}")
            if row.prev_hash != prev_hash:
                return bad(row.seq, "không nối tiếp dòng trước")
            if compute_hash(row) != row.row_hash:
                return bad(row.seq, "nội dung đã bị sửa")
            if not hmac.compare_digest(row.mac or "", row_mac(row.row_hash)):
                return bad(row.seq, "mã khóa không khớp: dòng bị giả mạo hoặc tính lại")
            for prefix, source in recorded.pop(row.seq, ()):
                if not row.row_hash.startswith(prefix):
                    return bad(row.seq, f"không khớp vị trí chuỗi ghi trong {source}")
            prev_hash = row.row_hash
            last_seq = row.seq
            expected_seq += 1
            count += 1
    if head.seq != last_seq or head.row_hash != prev_hash:
        return bad(
            min(head.seq, last_seq + 1) or 1,
            "cuối chuỗi không khớp với dòng đầu mối (bị cắt bớt)",
        )
    if recorded:
        seq = min(recorded)
        return bad(seq, f"thiếu dòng số {seq} mà {recorded[seq][0][1]} đã ghi nhận")
    return ChainReport(True, count, references=references)
