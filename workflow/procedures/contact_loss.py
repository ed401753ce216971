"""A member out of contact with the Party organization (states/contact_loss.py): the period out
of contact it records as a gap in the member's party age (``MembershipGap`` naming the case,
open while the member is out of contact), what its steps write, and what the member's page and
the case's page say of it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select

from states import contact_loss as spec
from states.dates import vn_date
from states.indicators import MEMBER_STATUSES
from workflow.extensions import db
from workflow.models import AuditEntry, Case, MembershipGap, Person
from workflow.permissions import Actor
from workflow.procedures import contact_loss_demo
from workflow.procedures.base import EffectContext, HappyContext, Opening, Procedure
from workflow.procedures.common import (
    add_document,
    case_records,
    org_facts,
    person_facts,
    require_on_list,
)
from workflow.store.errors import InvalidInput


def gap_of(case_id: int, *, lock: bool = False) -> MembershipGap | None:
    """The period out of contact the case recorded (None once voided)."""
    stmt = select(MembershipGap).where(MembershipGap.case_id == case_id)
    if lock:
        stmt = stmt.with_for_update()
    return db.session.scalars(stmt.limit(1)).first()


def facts(case: Case, actor: Actor | None, today: date) -> spec.ContactLossFacts:
    records = case_records(case.id, case.person_id)
    gap = gap_of(case.id)
    return spec.ContactLossFacts(
        today=today,
        state=case.state,
        person=person_facts(case.person),
        org=org_facts(case.cell),
        documents=records.purposes,
        since=gap.start_on if gap else None,
        proposer_id=case.proposer_id,
        actor_id=actor.user_id if actor else None,
    )


def _span(start: date, end: date | None) -> str:
    return f"{vn_date(start)} – {vn_date(end) if end else 'nay'}"


# --- effects --------------------------------------------------------------------------------


def record_loss(ctx: EffectContext) -> None:
    """The cell's report: the member is on a list on the day of its meeting, the first day out
    of contact lies between the day they joined and that meeting, they have no other such case
    open and no recorded period out covers that day. From it the member's party age stops
    growing: the gap stays open until the case ends it."""
    person = require_on_list(ctx)  # locks the member's row: two reports wait for each other
    since, met = ctx.data["since"], ctx.event_date
    joined = person.joined_on or person.admission_decision_on
    errors: dict[str, str] = {}
    if since > met:
        errors["since"] = (
            f"Ngày mất liên lạc ({vn_date(since)}) không được sau ngày chi bộ họp ({vn_date(met)})."
        )
    elif joined is not None and since < joined:
        errors["since"] = (
            f"Ngày mất liên lạc ({vn_date(since)}) không được trước ngày vào Đảng "
            f"({vn_date(joined)})."
        )
    other = db.session.scalars(
        select(Case.id).where(
            Case.person_id == person.id,
            Case.procedure == spec.KEY,
            Case.id != ctx.case.id,
            Case.closed_at.is_(None),
        )
    ).first()
    if other is not None:
        errors["since"] = (
            f"Đồng chí {person.full_name} đang có hồ sơ “{spec.SPEC.label}” chưa kết thúc "
            f"(hồ sơ #{other})."
        )
    elif "since" not in errors:
        for g in db.session.scalars(
            select(MembershipGap)
            .where(MembershipGap.person_id == person.id)
            .order_by(MembershipGap.start_on)
        ):
            if g.end_on is None or g.end_on > since:
                errors["since"] = (
                    "Trùng với khoảng thời gian không tính tuổi đảng đã ghi "
                    f"({_span(g.start_on, g.end_on)}: {g.reason})."
                )
                break
    if errors:
        raise InvalidInput(errors)
    ctx.case.proposal_reason = ctx.data["search"]
    ctx.case.proposer_id = ctx.actor.user_id
    db.session.add(
        MembershipGap(
            person_id=person.id,
            start_on=since,
            end_on=None,
            reason=spec.GAP_REASON,
            case_id=ctx.case.id,
        )
    )
    ctx.data["gap"] = _span(since, None)
    note = ctx.data.get("resolution") or ""
    add_document(ctx, "cell_report", (note + " – " if note else "") + f"từ {vn_date(since)}")


def end_gap(ctx: EffectContext) -> None:
    """Contact restored: the period out ends on the day the member got back in touch."""
    gap = gap_of(ctx.case.id, lock=True)
    if gap is None:
        raise InvalidInput({"restored_on": "Hồ sơ không còn khoảng thời gian mất liên lạc."})
    gap.end_on = ctx.data["restored_on"]
    ctx.data["gap"] = _span(gap.start_on, gap.end_on)


def delete_gap(ctx: EffectContext) -> None:
    """Recorded by mistake: the period goes; the step's row of the trail says which it was."""
    gap = gap_of(ctx.case.id, lock=True)
    if gap is not None:
        ctx.data["gap"] = f"{_span(gap.start_on, gap.end_on)} (đã xóa)"
        db.session.delete(gap)


def end_elsewhere(ctx: EffectContext, case: Case) -> None:
    """A step of another case closed this one: the member left the lists (the removal the
    cell proposed, a death) or the committee (a transfer out). The period out of contact ends
    on that step's day: from then the time off the lists is that step's own, and another
    committee keeps the member's record."""
    gap = gap_of(case.id, lock=True)
    if gap is not None and gap.end_on is None:
        gap.end_on = max(gap.start_on, ctx.event_date)


# --- pages ----------------------------------------------------------------------------------


def _reported_since(case: Case) -> date | None:
    """The first day out of contact the cell reported, from the case's opening row (the period
    itself is gone once voided)."""
    payload = db.session.scalars(
        select(AuditEntry.payload).where(
            AuditEntry.subject_type == "case",
            AuditEntry.subject_id == case.id,
            AuditEntry.action == "open",
        )
    ).first()
    since = json.loads(payload or "{}").get("since")
    return date.fromisoformat(since) if since else None


def page(case: Case) -> dict[str, Any]:
    gap = gap_of(case.id)
    return {
        "loss_since": gap.start_on if gap else _reported_since(case),
        "loss_until": gap.end_on if gap else None,
        "loss_voided": gap is None,
        "loss_open": gap is not None and gap.end_on is None,
    }


def notice(case: Case) -> str:
    """ "Mất liên lạc từ 01/02/2026", while the period is open."""
    gap = gap_of(case.id)
    if gap is None or gap.end_on is not None:
        return ""
    text = f"Mất liên lạc từ {vn_date(gap.start_on)}"
    if case.state == "reported":
        text += " (chi bộ báo cáo, chờ đảng ủy cơ sở xác nhận)"
    elif case.state == "removal_proposed":
        text += " (chi bộ đã đề nghị xóa tên)"
    return text


def may_report(person: Person | None, actor: Actor) -> bool:
    return (
        person is not None
        and person.member_status in MEMBER_STATUSES
        and person.presence == "active"
        and actor.scope_for(spec.SPEC.open_roles, person.cell.path) is not None
        and db.session.scalars(
            select(Case.id).where(
                Case.person_id == person.id,
                Case.procedure == spec.KEY,
                Case.closed_at.is_(None),
            )
        ).first()
        is None
    )


# --- the happy path ---------------------------------------------------------------------------


def _restored(_case: Case, day: date, _ctx: HappyContext) -> dict[str, Any]:
    return {
        "restored_on": day.isoformat(),
        "opinion": "Đảng viên đã trở về địa phương, liên hệ lại với chi ủy và sinh hoạt chi bộ.",
    }


HAPPY = {
    "confirm": lambda _c, _d, _x: {"reference": "", "note": ""},
    "restore": _restored,
    "propose_removal": lambda _c, _d, _x: {"resolution": "", "note": ""},
}


PROCEDURE = Procedure(
    spec=spec.SPEC,
    facts=facts,
    effects={"record_loss": record_loss, "end_gap": end_gap, "delete_gap": delete_gap},
    opening=Opening(
        "person",
        "Báo cáo mất liên lạc",
        may_report,
        "Đã ghi báo cáo đảng viên mất liên lạc.",
        "Ghi báo cáo",
        hint="Chi bộ đã tìm mà không liên lạc được với đảng viên: thời gian mất liên lạc với "
        "tổ chức đảng không tính tuổi đảng (QĐ 24-QĐ/TW mục 4.5.1), từ ngày ghi dưới đây đến "
        "khi đảng viên liên lạc lại.",
    ),
    page=page,
    page_template="cases/facts/contact_loss.html",
    notice=notice,
    closed_elsewhere=end_elsewhere,
    happy=HAPPY,
    demo=contact_loss_demo.scenario,
)
