"""The engine: the only code that moves a case from one state to another.

``fire`` runs one transition in one database transaction: it locks the case, checks the version
the form was loaded at, the actor's permission, the payload and the guards, writes the case, its
records and exactly one audit row chained to the previous one, and commits once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import attributes, joinedload
from sqlalchemy.orm.exc import StaleDataError
from transitions import MachineError

from states import get_spec
from states.dates import vn_date
from states.fields import Field, PayloadInvalid, parse_payload
from states.indicators import on_list
from states.rules import rules_on
from states.spec import (
    GuardContext,
    ProcedureSpec,
    TransitionSpec,
    Verdict,
    is_structural,
)
from workflow.auth import confirm_password
from workflow.clock import today as clock_today
from workflow.engine.machine import build_machine
from workflow.extensions import db
from workflow.membership import check_counts, places_on, suspended_on
from workflow.models import Case, Organization, Person, utcnow
from workflow.permissions import Actor
from workflow.procedures import PROCEDURES, effect
from workflow.procedures.base import EffectContext, Procedure
from workflow.procedures.common import grassroots_root_id
from workflow.store import audit, deadlines
from workflow.store.errors import (
    GuardFailed,
    InvalidInput,
    NotFound,
    PermissionDenied,
    StaleCase,
    TransitionNotAllowed,
)
from workflow.store.uow import in_unit_of_work, unit_of_work

__all__ = [
    "Available",
    "FireResult",
    "available_transitions",
    "event_date_field",
    "fire",
    "open_case",
]


@dataclass(frozen=True)
class FireResult:
    case_id: int
    trigger: str
    from_state: str
    to_state: str
    version: int
    audit_seq: int


@dataclass(frozen=True)
class Available:
    """One action the actor may take now, or may take once the reasons are resolved."""

    trigger: str
    label: str
    kind: str
    allowed: bool
    reasons: tuple[str, ...]
    notes: tuple[str, ...]


def event_date_field(t: TransitionSpec) -> Field:
    return Field("event_date", t.event_label, "date")


def _parse(fields: tuple[Field, ...], payload: Mapping[str, Any], today: date) -> dict[str, Any]:
    try:
        return parse_payload(fields, payload, today)
    except PayloadInvalid as exc:
        raise InvalidInput(exc.errors) from None


def _member_refs(fields: tuple[Field, ...], data: Mapping[str, Any]) -> list[tuple[str, int]]:
    refs: list[tuple[str, int]] = []
    for f in fields:
        if f.kind == "member" and data.get(f.name):
            refs.append((f.name, data[f.name]))
        elif f.kind == "rows":
            for i, row in enumerate(data.get(f.name) or []):
                refs += [(f"{f.name}-{i}-{k}", v) for k, v in _member_refs(f.rows, row)]
    return refs


def _check_members(
    case: Case, fields: tuple[Field, ...], data: Mapping[str, Any], on: date
) -> None:
    """Members named in a form must be official members on a list of the case's grassroots
    organization on the event's date (not in transit, not gone elsewhere)."""
    refs = _member_refs(fields, data)
    if not refs:
        return
    root = grassroots_root_id(case.cell)
    places = places_on([pid for _, pid in refs], on)
    orgs = {
        o.id: o
        for o in db.session.scalars(
            select(Organization).where(
                Organization.id.in_({p.get("org_id") for p in places.values()} - {None})
            )
        )
    }
    errors = {}
    for key, pid in refs:
        place = places.get(pid, {})
        org = orgs.get(place.get("org_id"))
        if (
            pid == case.person_id
            or not on_list(place)
            or place.get("member_status") != "official"
            or org is None
            or grassroots_root_id(org) != root
        ):
            errors[key] = (
                "Chọn một đảng viên chính thức đang sinh hoạt trong cùng đảng bộ, chi bộ cơ sở "
                f"vào ngày {vn_date(on)}."
            )
    suspended = suspended_on(on)
    for key, pid in refs:
        if key not in errors and pid in suspended:
            errors[key] = (
                f"Đảng viên này đang bị đình chỉ sinh hoạt đảng (từ ngày "
                f"{vn_date(suspended[pid])}): chọn người khác."
            )
    if errors:
        raise InvalidInput(errors)


def _check_event_date(case: Case, t: TransitionSpec, event_date: date) -> None:
    label = t.event_label
    if event_date < case.person.birth_date:
        raise InvalidInput({"event_date": f"{label} không được trước ngày sinh."})
    floor = case.last_event_on
    if t.kind == "record":
        floor = case.opened_on
    if floor is not None and event_date < floor:
        raise InvalidInput(
            {
                "event_date": f"{label} ({vn_date(event_date)}) không được trước ngày của bước "
                f"đã ghi trước đó ({vn_date(floor)})."
            }
        )


def _failures(variants: tuple[TransitionSpec, ...], ctx: GuardContext) -> list[Verdict]:
    """The reasons of the variant closest to passing (structural mismatches excluded)."""
    best: list[Verdict] | None = None
    for t in variants:
        verdicts = [g(ctx) for g in t.guards]
        if (
            any(not v.ok for g, v in zip(t.guards, verdicts, strict=True) if is_structural(g))
            and len(variants) > 1
        ):
            continue
        failed = [v for v in verdicts if not v.ok]
        if best is None or len(failed) < len(best):
            best = failed
    return best or []


def _load_case(case_id: int) -> Case | None:
    """The case, locked, with its person and cell in the same statement (every fire reads
    them); the case's row alone is locked (PostgreSQL refuses to lock the outer side of a
    join)."""
    return db.session.get(
        Case,
        case_id,
        # the cell's parents too: its grassroots organization decides what applies
        options=[
            joinedload(Case.person),
            joinedload(Case.cell).joinedload(Organization.parent).joinedload(Organization.parent),
        ],
        with_for_update={"of": Case},
        populate_existing=True,
    )


def fire(
    case_id: int,
    trigger: str,
    *,
    actor: Actor,
    payload: Mapping[str, Any],
    expected_version: int | None,
    password: str | None = None,
) -> FireResult:
    """Fire ``trigger`` on a case for ``actor``; a signing step (``reauth``) takes the actor's
    ``password`` again, whatever the channel.

    Raises NotFound (missing or out of scope), StaleCase (version moved on), TransitionNotAllowed,
    PermissionDenied, ReauthFailed (password; the failure is counted and recorded), InvalidInput
    (payload) or GuardFailed (rules); nothing else is written then.
    """
    if _asks_password(case_id, trigger, actor, expected_version):
        confirm_password(actor, password)
    with unit_of_work() as uow:
        case = _load_case(case_id)
        if case is None or not actor.can_view_case(case):
            raise NotFound()
        if expected_version is not None and case.version != expected_version:
            raise StaleCase()
        procedure = PROCEDURES[case.procedure]
        spec = procedure.spec
        variants = tuple(t for t in spec.transitions_for(trigger) if case.state in t.sources)
        if not variants or case.closed_at is not None:
            # a case closed from outside (its member left the lists) takes no more steps
            raise TransitionNotAllowed()
        first = variants[0]
        scope = actor.scope_for_step(first, case)
        if scope is None:
            raise PermissionDenied()
        today = clock_today()
        data = _parse((event_date_field(first), *first.fields), payload, today)
        event_date: date = data["event_date"]
        _check_event_date(case, first, event_date)
        _check_members(case, first.fields, data, event_date)
        rules = rules_on(event_date)
        ctx = GuardContext(procedure.facts(case, actor, today), event_date, data, rules)
        model = build_machine(spec, case.state, ctx)
        try:
            moved = model.trigger(trigger)
        except MachineError:
            raise TransitionNotAllowed() from None
        if not moved or model.taken is None:
            raise GuardFailed(_failures(variants, ctx))
        taken = model.taken
        if errors := check_counts(case, taken.fields, data, event_date):
            raise InvalidInput(errors)
        from_state = case.state
        to_state = taken.target(from_state)
        _run_effects(
            taken.effects,
            EffectContext(
                case=case,
                actor=actor,
                scope=scope,
                spec=taken,
                data=data,
                event_date=event_date,
                rules=rules,
                from_state=from_state,
                procedure=procedure,
                uow=uow,
                start_case=start_case,
            ),
        )
        _apply_deadlines(spec, taken, case, data, event_date, rules)
        case._state = to_state
        if case.last_event_on is None or event_date > case.last_event_on:
            case.last_event_on = event_date
        attributes.flag_modified(case, "last_event_on")  # every firing bumps the version
        if to_state in spec.finals:
            case.closed_at = utcnow()
            for d in case.deadlines:
                if d.status in deadlines.PENDING:
                    d.status, d.closed_on = "cancelled", event_date
        entry = audit.append(
            actor=actor,
            subject_type="case",
            subject_id=case.id,
            action=trigger,
            role=scope.role.value,
            procedure=spec.key,
            from_state=from_state,
            to_state=to_state,
            event_date=event_date,
            payload=data,
            person=case.person,
        )
        try:
            db.session.flush()
        except StaleDataError:
            raise StaleCase() from None
        result = FireResult(case.id, trigger, from_state, to_state, case.version, entry.seq)
    return result


#: the triggers that are a signing step in some procedure
SIGNING = frozenset(t.trigger for p in PROCEDURES.values() for t in p.spec.transitions if t.reauth)


def _asks_password(case_id: int, trigger: str, actor: Actor, expected_version) -> bool:
    """Whether the step, as the case stands, is a signing one this actor could take: only then
    is a password asked for (the engine refuses anything else without one)."""
    if trigger not in SIGNING:
        return False
    case = db.session.get(Case, case_id)
    if case is None or not actor.can_view_case(case):
        return False
    if expected_version is not None and case.version != expected_version:
        return False
    spec = get_spec(case.procedure)
    variants = [t for t in spec.transitions_for(trigger) if case.state in t.sources]
    return (
        bool(variants)
        and variants[0].reauth
        and actor.scope_for_step(variants[0], case) is not None
    )


def _run_effects(names: tuple[str, ...], ctx: EffectContext) -> None:
    """The step's effects in order: "name" or "name:argument"."""
    for entry in names:
        name, _, arg = entry.partition(":")
        ctx.arg = arg or None
        effect(ctx.procedure, name)(ctx)


def _apply_deadlines(
    spec: ProcedureSpec,
    t: TransitionSpec,
    case: Case,
    data: Mapping[str, Any],
    event_date: date,
    rules,
) -> None:
    for kind in t.closes:
        deadlines.close_deadline(case, kind, event_date, "met")
    for kind in t.cancels:
        deadlines.close_deadline(case, kind, event_date, "cancelled")
    for kind in t.holds:
        deadlines.hold_deadline(case, kind, event_date)
    for kind in t.resumes:
        deadlines.resume_deadline(case, kind, event_date)
    for kind in t.opens:
        dl_spec = spec.deadlines[kind]
        deadlines.close_deadline(case, kind, event_date, "cancelled")
        deadlines.open_deadline(case, dl_spec, data.get(dl_spec.start_field) or event_date, rules)


def open_case(procedure: str, *, person: Person, actor: Actor, payload: Mapping[str, Any]) -> Case:
    """Open a case at the procedure's initial state from a form; call inside
    ``unit_of_work()``."""
    if not in_unit_of_work():
        raise RuntimeError("open_case() runs inside unit_of_work()")
    spec = get_spec(procedure)
    scope = actor.scope_for(spec.open_roles, person.cell.path)
    if scope is None:
        raise PermissionDenied()
    fields = (Field("event_date", spec.open_event_label, "date"), *spec.open_fields)
    data = _parse(fields, payload, clock_today())
    if data["event_date"] < person.birth_date:
        raise InvalidInput({"event_date": f"{spec.open_event_label} không được trước ngày sinh."})
    return _open(PROCEDURES[procedure], person, actor, scope.role.value, data, scope)


def start_case(
    procedure: str, *, person: Person, actor: Actor, opened_on: date, role: str = ""
) -> Case:
    """Open the next procedure's case as part of the change that hands over to it (the
    ceremony opens probation); the caller's unit of work commits both. What the handing step
    changed of the person's membership is recorded with that step's own row, under its own
    procedure (a re-admission's ceremony counts as one, not as a first admission)."""
    return _open(
        PROCEDURES[procedure], person, actor, role, {"event_date": opened_on}, None, follows=True
    )


def _open(
    procedure: Procedure,
    person: Person,
    actor: Actor,
    role: str,
    data: dict[str, Any],
    scope,
    *,
    follows: bool = False,
) -> Case:
    spec = procedure.spec
    event_date: date = data["event_date"]
    rules = rules_on(event_date)
    case = Case(
        procedure=spec.key,
        _state=spec.initial,
        person=person,
        cell_id=person.cell_id,
        last_event_on=event_date,
        opened_on=event_date,
    )
    case.cell = person.cell
    db.session.add(case)
    db.session.flush()
    _check_members(case, spec.open_fields, data, event_date)
    _run_effects(
        spec.open_effects,
        EffectContext(
            case=case,
            actor=actor,
            scope=scope,
            spec=spec.transitions[0],
            data=data,
            event_date=event_date,
            rules=rules,
            from_state="",
            procedure=procedure,
            start_case=start_case,
        ),
    )
    for kind in spec.open_deadlines:
        dl_spec = spec.deadlines[kind]
        deadlines.open_deadline(case, dl_spec, data.get(dl_spec.start_field) or event_date, rules)
    audit.append(
        actor=actor,
        subject_type="case",
        subject_id=case.id,
        action="open",
        role=role,
        procedure=spec.key,
        from_state=None,
        to_state=spec.initial,
        event_date=event_date,
        payload=data,
        **({"person_id": person.id} if follows else {"person": person}),
    )
    return case


def available_transitions(case: Case, actor: Actor, facts: Any = None) -> list[Available]:
    """The actions ``actor`` holds a role for in the case's current state, with the reasons
    that keep each one disabled (guards judged as of today)."""
    procedure = PROCEDURES[case.procedure]
    spec = procedure.spec
    if case.state in spec.finals or case.closed_at is not None:
        return []
    today = clock_today()
    ctx: GuardContext | None = None
    found: dict[str, Available] = {}
    for t in spec.transitions_from(case.state):
        if actor.scope_for_step(t, case) is None:
            continue
        if ctx is None:
            facts = facts if facts is not None else procedure.facts(case, actor, today)
            ctx = GuardContext(facts, today, None, rules_on(today))
        verdicts = [(g, g(ctx)) for g in t.guards]
        if any((is_structural(g) or v.hidden) and not v.ok for g, v in verdicts):
            continue
        failed = tuple(v.message for _, v in verdicts if not v.ok and v.message)
        notes = tuple(v.message for _, v in verdicts if v.ok and v.pending and v.message)
        current = found.get(t.trigger)
        if current is None or (not current.allowed and not failed):
            found[t.trigger] = Available(t.trigger, t.label, t.kind, not failed, failed, notes)
    return list(found.values())
