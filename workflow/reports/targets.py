"""Yearly targets: setting them, and resolving the target of any organization's subtree."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from states.indicators import TARGET_KINDS
from workflow.clock import today
from workflow.extensions import db
from workflow.models import Organization
from workflow.models.reports import WHOLE_COMMITTEE, Target
from workflow.permissions import Actor
from workflow.reports import period
from workflow.store import audit
from workflow.store.errors import InvalidInput
from workflow.store.uow import transactional

MAX_TARGET = 100_000


def scope_of(org: Organization | None) -> str:
    return WHOLE_COMMITTEE if org is None else str(org.id)


def targets_of(year: int) -> dict[tuple[str, str], Target]:
    """(kind, scope) → target, for one year."""
    return {
        (t.kind, t.scope): t for t in db.session.scalars(select(Target).where(Target.year == year))
    }


def _parse(raw: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    try:
        year = int(str(raw.get("year") or "").strip())
        if not 2000 <= year <= today().year + 1:
            raise ValueError
    except ValueError:
        year = 0
        errors["year"] = f"Năm phải từ 2000 đến {today().year + 1}."
    kind = str(raw.get("kind") or "")
    if kind not in TARGET_KINDS:
        errors["kind"] = "Chọn loại chỉ tiêu."
    value_text = str(raw.get("value") or "").strip()
    percent_text = str(raw.get("percent") or "").strip().replace(",", ".")
    value = percent = None
    if value_text and percent_text:
        errors["value"] = "Chỉ ghi số lượng hoặc tỷ lệ phần trăm, không ghi cả hai."
    elif value_text:
        if not value_text.isdigit() or not 0 <= int(value_text) <= MAX_TARGET:
            errors["value"] = f"Số lượng là số nguyên từ 0 đến {MAX_TARGET:,}.".replace(",", ".")
        else:
            value = int(value_text)
    elif percent_text:
        try:
            percent = Decimal(percent_text)
            if not percent.is_finite() or not Decimal(0) < percent <= Decimal(100):
                raise InvalidOperation
            percent = percent.quantize(Decimal("0.01"))
        except InvalidOperation:
            errors["percent"] = "Tỷ lệ là số lớn hơn 0 và không quá 100 (ví dụ 3 hoặc 3,5)."
    if errors:
        raise InvalidInput(errors)
    return {"year": year, "kind": kind, "value": value, "percent": percent}


@transactional
def set_target(raw: Mapping[str, Any], org: Organization | None, *, actor: Actor) -> Target | None:
    """Set (or, with neither a number nor a percentage, clear) one target. One row per year,
    kind and organization, enforced by the database."""
    data = _parse(raw)
    scope = scope_of(org)
    target = db.session.scalars(
        select(Target)
        .where(Target.year == data["year"], Target.kind == data["kind"], Target.scope == scope)
        .with_for_update()
    ).first()
    if data["value"] is None and data["percent"] is None:
        if target is not None:
            db.session.delete(target)
        result = None
    else:
        if target is None:
            target = Target(year=data["year"], kind=data["kind"], scope=scope)
            target.org_id = org.id if org else None
            db.session.add(target)
        target.value, target.percent, target.set_by = data["value"], data["percent"], actor.user_id
        result = target
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="organization",
        subject_id=org.id if org else None,
        action="target.set",
        payload={
            "year": data["year"],
            "kind": data["kind"],
            "value": data["value"],
            "percent": str(data["percent"]) if data["percent"] is not None else None,
        },
    )
    return result


@dataclass(frozen=True)
class Resolved:
    value: int
    #: how it was obtained: "set" | "percent" | "sum"
    how: str
    percent: Decimal | None = None


def resolve(
    kind: str,
    org_id: int | None,
    targets: dict[tuple[str, str], Target],
    children: Mapping[int | None, list[int]],
    members_at_start: Mapping[int | None, int],
) -> Resolved | None:
    """An organization's target: its own (a number, or a percentage of its members at the
    start of the year, rounded up), else the sum of its children's; None when nothing is set."""
    own = targets.get((kind, WHOLE_COMMITTEE if org_id is None else str(org_id)))
    if own is not None and own.value is not None:
        return Resolved(own.value, "set")
    if own is not None and own.percent is not None:
        base = members_at_start.get(org_id, 0)
        return Resolved(math.ceil(base * own.percent / 100), "percent", own.percent)
    parts = [
        resolve(kind, c, targets, children, members_at_start) for c in children.get(org_id, [])
    ]
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    return Resolved(sum(p.value for p in parts), "sum")


@dataclass(frozen=True)
class YearTargets:
    """One year's targets with what resolving them needs: the organization tree and, when a
    percentage is set, the members of each organization on 1 January."""

    year: int
    targets: dict[tuple[str, str], Target]
    children: Mapping[int | None, list[int]]
    members_at_start: Mapping[int | None, int]

    def resolve(self, kind: str, org_id: int | None) -> Resolved | None:
        return resolve(kind, org_id, self.targets, self.children, self.members_at_start)


def for_report(report: period.PeriodReport) -> YearTargets:
    """The targets of the year the report's period ends in, over the report's tree."""
    year = report.end.year
    targets = targets_of(year)
    base: Mapping[int | None, int] = {}
    if any(t.percent is not None for t in targets.values()):
        base = period.members_on(date(year, 1, 1), report.parents, report.as_of_seq)
    return YearTargets(year, targets, period.children_of(report.parents), base)
