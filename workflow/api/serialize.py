"""Rows as JSON-ready dicts: only what the matching web page shows (citizen ids masked)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from states import get_spec
from states.fields import Field
from states.identity import mask_citizen_id
from workflow.engine import Available
from workflow.models import AuditEntry, Case, Organization, Person
from workflow.presenters import action_label


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: datetime | None) -> str | None:
    """Stored naive UTC; sent with its offset."""
    return value.isoformat(timespec="seconds") + "Z" if value else None


def org_ref(org: Organization) -> dict[str, Any]:
    return {"id": org.id, "name": org.name}


def organization(org: Organization) -> dict[str, Any]:
    return {
        "id": org.id,
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "kind_label": org.kind_label,
        "parent_id": org.parent_id,
        "authorized_to_admit": org.authorized_to_admit,
        "active": org.active,
    }


def person(p: Person) -> dict[str, Any]:
    return {
        "id": p.id,
        "full_name": p.full_name,
        "birth_date": _date(p.birth_date),
        "sex": p.sex,
        "citizen_id": mask_citizen_id(p.citizen_id),
        "member_status": p.member_status,
        "member_status_label": p.status_label,
        "presence": p.presence,
        "cell": org_ref(p.cell),
    }


def person_detail(p: Person) -> dict[str, Any]:
    return {
        **person(p),
        "ethnicity": p.ethnicity,
        "religion": p.religion,
        "home_town": p.home_town,
        "education": p.education,
        "occupation": p.occupation,
        "admission_decision_on": _date(p.admission_decision_on),
        "joined_on": _date(p.joined_on),
        "official_on": _date(p.official_on),
    }


def case(c: Case) -> dict[str, Any]:
    spec = get_spec(c.procedure)
    return {
        "id": c.id,
        "procedure": c.procedure,
        "procedure_label": spec.label,
        "state": c.state,
        "state_label": spec.state_label(c.state),
        "version": c.version,
        "person": {"id": c.person.id, "full_name": c.person.full_name},
        "cell": org_ref(c.cell),
        "opened_on": _date(c.opened_on),
        "last_event_on": _date(c.last_event_on),
        "closed_at": _time(c.closed_at),
    }


def field(f: Field, choices: dict[str, list[tuple[str, str]]]) -> dict[str, Any]:
    pairs = choices.get(f.name, list(f.choices))
    out: dict[str, Any] = {
        "name": f.name,
        "label": f.label,
        "type": f.kind,
        "required": f.required if f.kind != "rows" else f.min_rows > 0,
        "choices": [{"value": str(v), "label": label} for v, label in pairs],
        "help": f.help,
    }
    if f.kind in ("int", "member", "ref"):
        out["min"], out["max"] = f.min, f.max
    if f.kind in ("line", "text"):
        out["max_length"] = f.max_length
    if f.kind == "rows":
        out["rows"] = [field(sub, choices) for sub in f.rows]
        out["min_rows"], out["max_rows"] = f.min_rows, f.max_rows
    return out


def action(
    a: Available, fields: tuple[Field, ...], reauth: bool, choices: dict[str, list]
) -> dict[str, Any]:
    return {
        "trigger": a.trigger,
        "label": a.label,
        "kind": a.kind,
        "allowed": a.allowed,
        "reasons": list(a.reasons),
        "notes": list(a.notes),
        "requires_password": reauth,
        "fields": [field(f, choices) for f in fields],
    }


def audit_row(row: AuditEntry, spec) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "entered_at": _time(row.entered_at),
        "event_date": _date(row.event_date),
        "action": row.action,
        "action_label": action_label(spec, row.action),
        "from_state": row.from_state,
        "to_state": row.to_state,
        "actor_name": row.actor_name,
        "actor_role": row.actor_role or None,
        "payload": json.loads(row.payload or "{}"),
        "comment": row.comment,
    }
