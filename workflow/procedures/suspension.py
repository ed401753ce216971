"""Suspension of party activity and the return to it (states/suspension.py): the facts its guards
read, what its own steps write, the suspension and return decisions, and who proposes it."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from states import suspension as spec
from states.dates import vn_date
from states.indicators import MEMBER_STATUSES
from states.suspension import GROUND_LABELS, RETURN_LABELS, SuspensionFacts
from workflow.documents.kinds import DocumentKind, IssueOptions
from workflow.documents.snapshots import issuer_of, person_data
from workflow.extensions import db
from workflow.models import Case, Decision, Organization, Person
from workflow.permissions import Actor
from workflow.procedures import suspension_demo
from workflow.procedures.base import EffectContext, HappyContext, Opening, Procedure
from workflow.procedures.common import (
    add_document,
    case_records,
    issue_decision,
    latest_decision,
    open_deadline_of,
    org_facts,
    person_facts,
)
from workflow.procedures.discipline import record_commission_vote


def facts(case: Case, actor: Actor | None, today: date) -> SuspensionFacts:
    records = case_records(case.id, case.person_id)
    clock = open_deadline_of(case, "suspension")
    return SuspensionFacts(
        today=today,
        state=case.state,
        person=person_facts(case.person),
        org=org_facts(case.cell),
        documents=records.purposes,
        ground=case.proposal or "",
        days=(clock.base_days + clock.extended_days) if clock else 0,
        ends_on=clock.due_on if clock else None,
        proposer_id=case.proposer_id,
        actor_id=actor.user_id if actor else None,
    )


# --- effects --------------------------------------------------------------------------------


def record_grounds(ctx: EffectContext) -> None:
    ctx.case.proposal = ctx.data["ground"]
    ctx.case.proposal_reason = ctx.data["facts"]
    ctx.case.proposer_id = ctx.actor.user_id
    add_document(ctx, "grounds", ctx.data.get("reference") or GROUND_LABELS[ctx.data["ground"]])


def record_extension(ctx: EffectContext) -> None:
    add_document(ctx, "extension_decision", f"Thêm {ctx.data['days']} ngày: {ctx.data['reason']}")


def record_return_vote(ctx: EffectContext) -> None:
    ctx.arg = _level(ctx.case)
    record_commission_vote(ctx)


def _level(case: Case) -> str:
    """The body that suspended the member (it lets them return, in its own register)."""
    decision = latest_decision(case.id, SUSPENSION.key)
    if decision is None or decision.issuer == "upper":
        return "upper"
    if decision.issuer == "inspection":
        return "inspection"
    return "grassroots"


def issue_return(ctx: EffectContext) -> None:
    ctx.arg = f"{RETURN.key}@{_level(ctx.case)}"
    issue_decision(ctx)


# --- the documents --------------------------------------------------------------------------


def _base(case: Case, issuer: str) -> dict[str, Any]:
    who = issuer_of(case, issuer)
    person = case.person
    executors = [case.cell.name]
    root = db.session.get(Organization, case.cell.ancestor_ids()[0])
    if root.id != case.cell.id:
        executors.insert(0, root.name)
    if issuer in ("upper", "inspection"):
        executors.insert(0, who["department"])
    return {
        **{k: v for k, v in who.items() if k != "abbr"},
        "place": current_app.config["PLACE_NAME"],
        "person": person_data(person),
        "status": "đảng viên dự bị" if person.member_status == "probationary" else "đảng viên",
        "cell_name": case.cell.name,
        "ground": GROUND_LABELS.get(case.proposal or "", ""),
        "facts": (case.proposal_reason or "").rstrip("."),
        "executors": ", ".join(executors),
        "recipients": ["Như Điều 3", f"Lưu hồ sơ đảng viên, {who['department']}"],
        "form_code": "",
    }


def suspension_draft(case: Case, issuer: str) -> dict[str, Any]:
    return {**_base(case, issuer), "subject": "về việc đình chỉ sinh hoạt đảng"}


def return_draft(case: Case, issuer: str) -> dict[str, Any]:
    suspended = latest_decision(case.id, SUSPENSION.key)
    return {
        **_base(case, issuer),
        "subject": "về việc cho đảng viên trở lại sinh hoạt đảng",
        "suspension_reference": f"Quyết định {suspended.cited}" if suspended else "",
        "suspension_date": vn_date(suspended.decided_on) if suspended else "",
    }


def _signer(ctx: EffectContext) -> tuple[int, str, str] | None:
    if ctx.scope is not None and ctx.scope.title:
        return None
    if ctx.arg and ctx.arg.endswith("@inspection"):
        return (ctx.actor.user_id, ctx.actor.name, "CHỦ NHIỆM")
    return None


def suspension_prepare(ctx: EffectContext) -> IssueOptions:
    return IssueOptions(signer=_signer(ctx))


def return_prepare(ctx: EffectContext) -> IssueOptions:
    return IssueOptions(
        extra={"why": RETURN_LABELS[ctx.data["why"]], "note": ctx.data.get("note") or ""},
        signer=_signer(ctx),
    )


SUSPENSION = DocumentKind(
    "suspension",
    "pdf/suspension.html",
    "QĐ",
    "QUYẾT ĐỊNH",
    "về việc đình chỉ sinh hoạt đảng",
    "",
    "Quyết định đình chỉ sinh hoạt đảng",
    draft=suspension_draft,
    paper="suspension_decision",
    prepare=suspension_prepare,
    rule_values=(("days", "suspension.days"), ("discipline_bases", "discipline.legal_bases")),
)
RETURN = DocumentKind(
    "reinstatement",
    "pdf/reinstatement.html",
    "QĐ",
    "QUYẾT ĐỊNH",
    "về việc cho đảng viên trở lại sinh hoạt đảng",
    "",
    "Quyết định cho trở lại sinh hoạt đảng",
    draft=return_draft,
    paper="return_decision",
    prepare=return_prepare,
    rule_values=(("discipline_bases", "discipline.legal_bases"),),
)


KIND_LABELS = {
    SUSPENSION.key: "Quyết định đình chỉ",
    RETURN.key: "Quyết định cho trở lại sinh hoạt",
}


def page(case: Case) -> dict[str, Any]:
    clock = open_deadline_of(case, "suspension")
    decisions = db.session.scalars(
        select(Decision)
        .where(Decision.case_id == case.id, Decision.status == "issued")
        .order_by(Decision.id)
    ).all()
    return {
        "ground_label": GROUND_LABELS.get(case.proposal or "", ""),
        "clock": clock,
        "decisions": [(d, KIND_LABELS.get(d.kind, d.subject)) for d in decisions],
    }


def may_propose(person: Person | None, actor: Actor) -> bool:
    return (
        person is not None
        and person.member_status in MEMBER_STATUSES
        and person.presence == "active"
        and actor.scope_for(spec.SPEC.open_roles, person.cell.path) is not None
    )


def _vote(_case: Case, _day: date, _ctx: HappyContext) -> dict[str, Any]:
    return {"members_total": 7, "members_present": 7, "yes": 7, "no": 0}


HAPPY = {
    "suspend_by_inspection": _vote,
    "reinstate": lambda c, d, x: {**_vote(c, d, x), "why": "period_over"},
}


def standing(case: Case) -> str:
    """ "Quyết định số 3-QĐ/UBKT ngày 05/05/2026": the decision that suspended the member."""
    decision = latest_decision(case.id, SUSPENSION.key)
    if decision is None:
        return ""
    return f"Quyết định {decision.cited} ngày {vn_date(decision.decided_on)}"


PROCEDURE = Procedure(
    spec=spec.SPEC,
    facts=facts,
    effects={
        "record_grounds": record_grounds,
        "record_extension": record_extension,
        "record_return_vote": record_return_vote,
        "issue_return": issue_return,
        "record_commission_vote": record_commission_vote,
    },
    documents={SUSPENSION.key: SUSPENSION, RETURN.key: RETURN},
    opening=Opening(
        "person",
        "Đề nghị đình chỉ sinh hoạt đảng",
        may_propose,
        "Đã ghi đề nghị đình chỉ sinh hoạt đảng.",
        "Ghi đề nghị",
        hint="Đình chỉ khi đảng viên có dấu hiệu vi phạm nghiêm trọng và cố ý cản trở việc xem "
        "xét, hoặc bị truy tố, tạm giam; thời hạn 90 ngày, gia hạn tổng cộng không quá 180 ngày.",
    ),
    page=page,
    standing=standing,
    page_template="cases/facts/suspension.html",
    happy=HAPPY,
    demo=suspension_demo.scenario,
)
