"""The committee's calendar corrections."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from states.fields import parse_date
from states.text import clean_line
from workflow.extensions import db
from workflow.models import CalendarOverride
from workflow.models.calendar import OVERRIDE_KINDS
from workflow.permissions import Actor
from workflow.store import audit
from workflow.store.deadlines import recompute_open_deadlines
from workflow.store.errors import InvalidInput, NotFound
from workflow.store.uow import transactional


@transactional
def add_override(raw: Mapping[str, Any], *, actor: Actor) -> int:
    """Add a day off or a working day; open deadlines are counted again. Returns its id."""
    errors = {}
    day = None
    try:
        day = parse_date(raw.get("day") or "")
    except ValueError as exc:
        errors["day"] = str(exc)
    kind = raw.get("kind")
    if kind not in OVERRIDE_KINDS:
        errors["kind"] = "Chọn loại ngày."
    note = clean_line(str(raw.get("note") or ""))
    if not note:
        errors["note"] = "Ghi căn cứ (văn bản) của ngày nghỉ hoặc ngày làm bù."
    elif len(note) > 200:
        errors["note"] = "Tối đa 200 ký tự."
    if (
        day is not None
        and db.session.scalars(
            select(CalendarOverride.id).where(CalendarOverride.day == day)
        ).first()
    ):
        errors["day"] = "Ngày này đã có trong bảng điều chỉnh."
    if errors:
        raise InvalidInput(errors)
    row = CalendarOverride(day=day, kind=kind, note=note, created_by=actor.user_id)
    db.session.add(row)
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="calendar",
        subject_id=row.id,
        action="calendar.add",
        payload={"day": day, "kind": kind, "note": note},
    )
    recompute_open_deadlines(day)
    return row.id


@transactional
def remove_override(row_id: int, *, actor: Actor) -> None:
    row = db.session.get(CalendarOverride, row_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound()
    audit.append(
        actor=actor,
        subject_type="calendar",
        subject_id=row.id,
        action="calendar.remove",
        payload={"day": row.day, "kind": row.kind},
    )
    day = row.day
    db.session.delete(row)
    db.session.flush()
    recompute_open_deadlines(day)
